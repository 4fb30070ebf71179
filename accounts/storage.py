"""The storage of uploaded files: Django's file system storage, with names a file system takes.

A name is cut by Django to the field's max_length in characters, but Linux limits a name to 255
bytes, and a Cyrillic character takes two: «Скан согласия …» of 150 characters failed with
«File name too long» (a 500) when the evidence of a record was saved. Names are cut here to
NAME_BYTES bytes of UTF-8, the extension kept."""

from __future__ import annotations

import os

from django.core.files.storage import FileSystemStorage

NAME_BYTES = 150


def shorten(name: str, limit: int = NAME_BYTES) -> str:
    stem, ext = os.path.splitext(name)
    if len(ext.encode()) > 16:  # not an extension: part of the name
        stem, ext = name, ""
    budget = limit - len(ext.encode())
    encoded = stem.encode()
    if len(encoded) <= budget:
        return name
    return encoded[:budget].decode("utf-8", "ignore").rstrip(" ._-") + ext


class UploadStorage(FileSystemStorage):
    def get_valid_name(self, name: str) -> str:
        return shorten(super().get_valid_name(name))
