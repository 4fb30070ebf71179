"""Two-step import shared by the upload page and the admin: stage the file and preview, then confirm.

The staged file waits in the default storage (not in memory, not in the cache) under a random
token kept in the user's session, so that several app servers and a restart in between are fine
and nobody can confirm someone else's upload.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from accounts.models import Municipality, Organization
from roadmaps import services
from roadmaps.importers import RoadmapDocument, RoadmapImportError, read_roadmap
from roadmaps.models import Roadmap

SESSION_KEY = "roadmap_imports"


@dataclass
class Staged:
    token: str
    document: RoadmapDocument
    municipality: Municipality
    organization: Organization | None
    is_template: bool
    filename: str


def stage(
    request, *, upload, municipality: Municipality, organization: Organization | None, is_template: bool
) -> Staged:
    suffix = PurePath(upload.name).suffix.lower()
    document = read_roadmap(upload, upload.name)  # raises RoadmapImportError before anything is kept
    upload.seek(0)
    token = uuid.uuid4().hex
    path = default_storage.save(f"roadmaps/pending/{token}{suffix}", upload)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {
        "path": path,
        "name": PurePath(upload.name).name,
        "municipality": municipality.pk,
        "organization": organization.pk if organization else None,
        "is_template": is_template,
        "user": request.user.pk,
    }
    request.session[SESSION_KEY] = pending
    return Staged(token, document, municipality, organization, is_template, PurePath(upload.name).name)


def confirm(request, token: str) -> Roadmap:
    pending = request.session.get(SESSION_KEY, {})
    item = pending.get(token)
    if item is None or item["user"] != request.user.pk:
        raise RoadmapImportError("Загрузка не найдена или устарела: загрузите файл ещё раз.")
    municipality = Municipality.objects.get(pk=item["municipality"])
    organization = Organization.objects.get(pk=item["organization"]) if item["organization"] else None
    try:
        with default_storage.open(item["path"], "rb") as fh:
            document = read_roadmap(fh, item["name"])
            fh.seek(0)
            roadmap = services.roadmap_import(
                document=document,
                user=request.user,
                municipality=municipality,
                organization=organization,
                source_file=fh,
                source_name=item["name"],
                is_template=item["is_template"],
            )
    except FileNotFoundError:
        raise RoadmapImportError("Загруженный файл больше не доступен: загрузите его ещё раз.") from None
    except PermissionDenied:
        raise
    default_storage.delete(item["path"])
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
    return roadmap


def discard(request, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    item = pending.pop(token, None)
    if item and item["user"] == request.user.pk:
        default_storage.delete(item["path"])
    request.session[SESSION_KEY] = pending
