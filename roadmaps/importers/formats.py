"""Which reader a file goes to: by its content first, its extension second.

.docx and .xlsx are read directly, PDF through pdfplumber, and .doc/.rtf/.odt (→ .docx) and
.xls/.ods (→ .xlsx) after a LibreOffice conversion. The document remembers the kind it came in
(`file_kind`), so the preview can say «прочитано из .doc».
"""

from __future__ import annotations

from pathlib import PurePath
from typing import BinaryIO

from django.conf import settings

from accounts.uploads import (
    OLE2,
    password_message,
    too_much_unpacked_message,
    unpacked_megabytes,
    zip_container_problem,
)
from roadmaps.importers.convert import KIND_LABELS, SUFFIX_KINDS, TARGET, convert, detect_kind
from roadmaps.importers.table import RoadmapImportError

SUPPORTED_SUFFIXES = (".docx", ".doc", ".rtf", ".odt", ".xlsx", ".xls", ".ods", ".pdf")


def _read_bytes(file: BinaryIO | str) -> bytes:
    if isinstance(file, str | PurePath):
        with open(file, "rb") as fh:
            return fh.read()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def prepare(file: BinaryIO | str, filename: str | None = None) -> tuple[str, bytes]:
    """(the file's real kind, bytes one of our readers takes: .docx, .xlsx or PDF). Converts once."""
    name = filename or (file if isinstance(file, str) else getattr(file, "name", "")) or ""
    limit = getattr(settings, "UPLOAD_MAX_BYTES", 0)
    data = _read_bytes(file)
    if limit and len(data) > limit:
        raise RoadmapImportError(f"Файл больше {limit // (1024 * 1024)} МБ: это не похоже на дорожную карту.")
    if not data.strip():
        raise RoadmapImportError(f"Файл «{PurePath(str(name)).name or 'файл'}» пуст.")
    unpacked = unpacked_megabytes(data)
    if unpacked is not None:
        raise RoadmapImportError(too_much_unpacked_message(PurePath(str(name)).name or "файл", unpacked))
    container = zip_container_problem(data, PurePath(str(name)).name or "файл")
    if container is not None:
        raise RoadmapImportError(container)
    if data.startswith(OLE2) and "EncryptedPackage".encode("utf-16-le") in data:
        raise RoadmapImportError(password_message(PurePath(str(name)).name or "файл"))
    kind = detect_kind(data, str(name))
    if not kind:
        suffix = PurePath(str(name)).suffix.lower()
        if suffix in SUPPORTED_SUFFIXES:
            label = KIND_LABELS.get(SUFFIX_KINDS.get(suffix, ""), suffix)
            raise RoadmapImportError(
                f"Файл «{PurePath(str(name)).name}» не читается как {label}: содержимое не совпадает с расширением "
                "или файл повреждён. Откройте его в Word или Excel, сохраните заново и загрузите ещё раз."
            )
        from roadmaps.importers import UNSUPPORTED_MESSAGE

        raise RoadmapImportError(UNSUPPORTED_MESSAGE)
    return kind, (convert(data, kind) if kind in TARGET else data)


def readable_suffix(kind: str) -> str:
    return "." + TARGET.get(kind, kind)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
