"""Two-step import shared by the upload page and the admin: stage the file and preview, then confirm.

The staged file is an accounts.imports.StagedUpload (default storage, not memory or cache) whose
random key goes into the confirm form: several app servers and a restart in between are fine,
nobody can confirm someone else's upload, and the confirm claims the key in the transaction that
writes the roadmap, so a double click or a second tab yields the same roadmap, never two.
Uploads nobody confirms are removed after a day.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from accounts import imports
from accounts.models import Municipality, Organization
from roadmaps import services
from roadmaps.importers import RoadmapDocument, RoadmapImportError, read_roadmap
from roadmaps.models import Roadmap

logger = logging.getLogger(__name__)
KIND = "roadmap"


@dataclass
class Staged:
    token: str
    document: RoadmapDocument
    municipality: Municipality
    organization: Organization | None
    is_template: bool
    filename: str


def read_safely(content: bytes, filename: str, **options) -> RoadmapDocument:
    """read_roadmap with the shared limits; any unreadable file becomes a Russian message."""
    import io

    if len(content) > imports.max_bytes():
        raise RoadmapImportError(
            f"Файл занимает {len(content) / (1024 * 1024):.1f} МБ, допустимо не больше "
            f"{imports.max_bytes() // (1024 * 1024)} МБ."
        )
    try:
        document = read_roadmap(io.BytesIO(content), filename, **options)
    except RoadmapImportError:
        raise
    except Exception:  # noqa: BLE001 - broken XML, a truncated part: the user gets a message, not a 500
        logger.warning("roadmap file %s could not be read", filename, exc_info=True)
        raise RoadmapImportError(
            "Файл повреждён: его внутренняя разметка не читается. Откройте его в Word или Excel, "
            "сохраните заново и загрузите ещё раз."
        ) from None
    problems = services.roadmap_document_problems(document)
    if problems:
        raise RoadmapImportError(imports.problems_text(problems, limit=20))
    return document


def stage(
    request, *, upload, municipality: Municipality, organization: Organization | None, is_template: bool
) -> Staged:
    content = upload.read()
    name = PurePath(upload.name).name
    document = read_safely(content, name)  # raises RoadmapImportError before anything is kept
    staged = imports.stage_upload(
        user=request.user,
        kind=KIND,
        content=content,
        filename=name,
        params={
            "municipality": municipality.pk,
            "organization": organization.pk if organization else None,
            "is_template": is_template,
        },
    )
    return Staged(str(staged.key), document, municipality, organization, is_template, name)


def confirm(request, token: str) -> Roadmap:
    """Write the staged roadmap once; a repeated or concurrent confirm returns the same roadmap."""
    staged = imports.staged_for(request.user, token, KIND)
    if staged is None:
        raise RoadmapImportError("Загрузка не найдена или устарела: загрузите файл ещё раз.")

    def apply(staged, content: bytes) -> dict:
        params = staged.params
        municipality = Municipality.objects.filter(pk=params.get("municipality")).first()
        organization = Organization.objects.filter(pk=params.get("organization")).first()
        if municipality is None or (params.get("organization") and organization is None):
            raise imports.ImportRejected("Муниципалитет или организация больше не существуют.")
        try:
            document = read_safely(content, staged.original_name)
            roadmap = services.roadmap_import(
                document=document,
                user=request.user,
                municipality=municipality,
                organization=organization,
                source_file=ContentFile(content, name=staged.original_name),
                source_name=staged.original_name,
                is_template=bool(params.get("is_template")),
            )
        except RoadmapImportError as exc:
            raise imports.ImportRejected(str(exc)) from None
        except ValidationError as exc:
            raise imports.ImportRejected(" ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise imports.ImportRejected(str(exc) or "Нет права загружать эту дорожную карту.") from None
        return {"ok": True, "roadmap": roadmap.pk}

    outcome = imports.confirm_staged(staged, apply)
    if not outcome.get("ok"):
        problems = outcome.get("problems") or []
        text = imports.problems_text(problems) if problems else outcome.get("message", "")
        raise RoadmapImportError(f"Дорожная карта не загружена: {text}")
    roadmap = Roadmap.objects.filter(pk=outcome.get("roadmap")).first()
    if roadmap is None:
        raise RoadmapImportError("Дорожная карта из этого файла уже загружена и затем удалена.")
    return roadmap


def discard(request, token: str) -> None:
    staged = imports.staged_for(request.user, token, KIND)
    if staged is not None:
        imports.discard_staged(staged)
