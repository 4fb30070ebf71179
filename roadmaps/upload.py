"""Two-step import shared by the upload page and the admin: stage the file, preview and correct, confirm.

The staged file is an accounts.imports.StagedUpload (default storage, not memory or cache) whose
random key goes into the confirm form: several app servers and a restart in between are fine,
nobody can confirm someone else's upload, and the confirm claims the key in the transaction that
writes the roadmap, so a double click or a second tab yields the same roadmap, never two.
Uploads nobody confirms are removed after a day, with their converted copies.

A file LibreOffice had to convert (.doc, .rtf, .odt, .xls, .ods) is converted once: the .docx/.xlsx
it gave waits beside the original, and every preview and the confirm read that. What the person
corrects in the preview (the period, the approving order, which column is what, the dates of a
deadline cell) is kept in the staged upload's parameters and applied on every reading, the
confirming one included: nothing is written before the confirm.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts import imports
from accounts.models import Municipality, Organization
from roadmaps import selectors, services
from roadmaps.importers import RoadmapDocument, RoadmapImportError, read_roadmap
from roadmaps.importers.formats import kind_label, prepare, readable_suffix
from roadmaps.models import Recurrence, Roadmap

logger = logging.getLogger(__name__)
KIND = "roadmap"
CONVERTED_DIR = "imports/converted"
DATE_FORMAT = "%d.%m.%Y"
_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_BROKEN = (
    "Файл повреждён: его внутренняя разметка не читается. Откройте его в Word или Excel, "
    "сохраните заново и загрузите ещё раз."
)


@dataclass
class Corrections:
    """What the person changed in the preview; kept with the staged upload as plain JSON."""

    period_start: dt.date | None = None
    period_end: dt.date | None = None
    order_number: str | None = None
    order_date: dt.date | None = None
    column_map: dict[str, int] = field(default_factory=dict)
    dates: dict[str, list[dt.date]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "period": [self.period_start.isoformat(), self.period_end.isoformat()]
            if self.period_start and self.period_end
            else None,
            "order_number": self.order_number,
            "order_date": self.order_date.isoformat() if self.order_date else None,
            "column_map": dict(self.column_map),
            "dates": {key: [d.isoformat() for d in dates] for key, dates in self.dates.items()},
        }

    @classmethod
    def from_json(cls, data: dict | None) -> Corrections:
        data = data or {}
        period = data.get("period") or [None, None]
        return cls(
            period_start=dt.date.fromisoformat(period[0]) if period[0] else None,
            period_end=dt.date.fromisoformat(period[1]) if period[1] else None,
            order_number=data.get("order_number"),
            order_date=dt.date.fromisoformat(data["order_date"]) if data.get("order_date") else None,
            column_map={k: int(v) for k, v in (data.get("column_map") or {}).items()},
            dates={k: [dt.date.fromisoformat(d) for d in v] for k, v in (data.get("dates") or {}).items()},
        )


@dataclass
class Staged:
    token: str
    document: RoadmapDocument
    municipality: Municipality
    organization: Organization | None
    is_template: bool
    filename: str
    corrections: Corrections = field(default_factory=Corrections)
    matches: list[Roadmap] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return kind_label(self.document.file_kind)

    @property
    def needs_period(self) -> bool:
        return needs_period(self.document)


# Reading with the corrections -------------------------------------------------------------------------
def needs_period(document: RoadmapDocument) -> bool:
    return document.needs_period


def _check_size(size: int) -> None:
    if size > imports.max_bytes():
        raise RoadmapImportError(
            f"Файл занимает {size / (1024 * 1024):.1f} МБ, допустимо не больше "
            f"{imports.max_bytes() // (1024 * 1024)} МБ."
        )


def _read(kind: str, data: bytes, corrections: Corrections, **options) -> RoadmapDocument:
    """Read (already converted) bytes with the person's corrections; any unreadable file becomes a
    Russian message, and a document the database would refuse is refused here, naming the cell."""
    try:
        document = read_roadmap(
            io.BytesIO(data),
            f"roadmap{readable_suffix(kind)}",
            **{
                **options,
                "period": (corrections.period_start, corrections.period_end)
                if corrections.period_start and corrections.period_end
                else options.get("period"),
                "order_number": corrections.order_number,
                "order_date": corrections.order_date,
                "column_map": corrections.column_map or None,
            },
        )
    except RoadmapImportError:
        raise
    except Exception:  # noqa: BLE001 - broken XML, a truncated part: the user gets a message, not a 500
        logger.warning("roadmap file of kind %s could not be read", kind, exc_info=True)
        raise RoadmapImportError(_BROKEN) from None
    document.file_kind = kind
    problems = services.roadmap_document_problems(document)
    if problems:
        raise RoadmapImportError(imports.problems_text(problems, limit=20))
    return document


def read_safely(content: bytes, filename: str, **options) -> RoadmapDocument:
    """Any supported format, converted if need be, read with the shared limits (the command line
    and the background import use this; the upload page stages the converted copy instead)."""
    _check_size(len(content))
    try:
        kind, readable = prepare(io.BytesIO(content), filename)
    except RoadmapImportError:
        raise
    except Exception:  # noqa: BLE001
        logger.warning("roadmap file %s could not be prepared", filename, exc_info=True)
        raise RoadmapImportError(_BROKEN) from None
    return _read(kind, readable, Corrections(), **options)


def _load(upload) -> tuple[str, bytes]:
    params = upload.params or {}
    path = params.get("readable") or upload.file.name
    try:
        with default_storage.open(path, "rb") as fh:
            return params.get("kind") or "docx", fh.read()
    except (FileNotFoundError, OSError):
        raise RoadmapImportError("Загруженный файл больше не доступен: загрузите его ещё раз.") from None


def _upload(request, token: str):
    upload = imports.staged_for(request.user, token, KIND)
    if upload is None:
        raise RoadmapImportError("Загрузка не найдена или устарела: загрузите файл ещё раз.")
    return upload


def _staged(request, upload, corrections: Corrections | None = None) -> Staged:
    params = upload.params or {}
    corrections = corrections if corrections is not None else Corrections.from_json(params.get("corrections"))
    municipality = Municipality.objects.filter(pk=params.get("municipality")).first()
    organization = Organization.objects.filter(pk=params.get("organization")).first()
    if municipality is None or (params.get("organization") and organization is None):
        raise RoadmapImportError("Муниципалитет или организация больше не существуют: загрузите файл ещё раз.")
    document = _read(*_load(upload), corrections, checkpoints=municipality.roadmap_checkpoints)
    staged = Staged(
        str(upload.key),
        document,
        municipality,
        organization,
        bool(params.get("is_template")),
        upload.original_name,
        corrections,
    )
    staged.matches = list(
        selectors.matching_roadmaps(
            request.user,
            municipality=municipality,
            organization=organization,
            title=document.title,
            order_number=document.order_number,
            order_date=document.order_date,
            period_start=None if staged.needs_period else document.period_start,
            period_end=None if staged.needs_period else document.period_end,
        )
    )
    return staged


# The steps ------------------------------------------------------------------------------------------------
def stage(
    request, *, upload, municipality: Municipality, organization: Organization | None, is_template: bool
) -> Staged:
    name = PurePath(upload.name).name
    content = upload.read()
    _check_size(len(content))
    try:
        kind, readable = prepare(io.BytesIO(content), name)  # a file we cannot read is refused before anything is kept
    except RoadmapImportError:
        raise
    except Exception:  # noqa: BLE001
        logger.warning("roadmap file %s could not be prepared", name, exc_info=True)
        raise RoadmapImportError(_BROKEN) from None
    _read(kind, readable, Corrections(), checkpoints=municipality.roadmap_checkpoints)
    params = {
        "municipality": municipality.pk,
        "organization": organization.pk if organization else None,
        "is_template": is_template,
        "kind": kind,
        "readable": None,
        "corrections": Corrections().to_json(),
    }
    if readable_suffix(kind) != f".{kind}":
        params["readable"] = default_storage.save(
            f"{CONVERTED_DIR}/{PurePath(name).stem[:60]}{readable_suffix(kind)}", ContentFile(readable)
        )
    staged = imports.stage_upload(user=request.user, kind=KIND, content=content, filename=name, params=params)
    return _staged(request, staged)


def preview(request, token: str) -> Staged:
    return _staged(request, _upload(request, token))


def correct(request, token: str, corrections: Corrections) -> Staged:
    """Keep the person's corrections and read the file again with them."""
    upload = _upload(request, token)
    staged = _staged(request, upload, corrections)  # refused corrections are not kept
    if upload.confirmed_at is None:
        upload.params = {**(upload.params or {}), "corrections": corrections.to_json()}
        upload.save(update_fields=["params"])
    return staged


def confirm(request, token: str, *, replaces: int | None = None) -> Roadmap:
    """Write the staged roadmap once; a repeated or concurrent confirm returns the same roadmap."""
    upload = _upload(request, token)
    readable = (upload.params or {}).get("readable")
    if upload.confirmed_at is None:
        # what the person can still correct in the preview is refused before the upload is claimed
        _ready_to_write(_staged(request, upload), replaces)

    def apply(upload, content: bytes) -> dict:
        try:
            staged = _staged(request, upload)
            previous = _ready_to_write(staged, replaces)
            roadmap = services.roadmap_import(
                document=staged.document,
                user=request.user,
                municipality=staged.municipality,
                organization=staged.organization,
                source_file=ContentFile(content, name=upload.original_name),
                source_name=upload.original_name,
                is_template=staged.is_template,
                manual_dates=activity_dates(staged.document, staged.corrections),
                replaces=previous,
            )
        except RoadmapImportError as exc:
            raise imports.ImportRejected(str(exc)) from None
        except ValidationError as exc:
            raise imports.ImportRejected(" ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise imports.ImportRejected(str(exc) or "Нет права загружать эту дорожную карту.") from None
        return {"ok": True, "roadmap": roadmap.pk}

    outcome = imports.confirm_staged(upload, apply)
    if readable:
        _delete_converted(readable)
    if not outcome.get("ok"):
        problems = outcome.get("problems") or []
        text = imports.problems_text(problems) if problems else outcome.get("message", "")
        raise RoadmapImportError(f"Дорожная карта не загружена: {text}")
    roadmap = Roadmap.objects.filter(pk=outcome.get("roadmap")).first()
    if roadmap is None:
        raise RoadmapImportError("Дорожная карта из этого файла уже загружена и затем удалена.")
    return roadmap


def _ready_to_write(staged: Staged, replaces: int | None) -> Roadmap | None:
    """The roadmap this one replaces (or None); refuses what the preview must settle first."""
    if staged.needs_period:
        raise RoadmapImportError("Укажите период дорожной карты: без него нельзя рассчитать сроки.")
    if not replaces:
        return None
    previous = next((r for r in staged.matches if r.pk == replaces), None)
    if previous is None:
        raise RoadmapImportError("Дорожная карта, новой редакцией которой вы хотели загрузить эту, не найдена.")
    return previous


def discard(request, token: str) -> None:
    upload = imports.staged_for(request.user, token, KIND)
    if upload is not None and upload.confirmed_at is None:
        readable = (upload.params or {}).get("readable")
        imports.discard_staged(upload)
        if readable:
            _delete_converted(readable)


def _delete_converted(path: str) -> None:
    try:
        default_storage.delete(path)
    except OSError:
        logger.warning("converted copy %s could not be deleted", path)


def purge_converted(cutoff: dt.datetime) -> int:
    """Converted copies of uploads nobody confirmed (registered with accounts.imports.register_purge)."""
    try:
        _dirs, files = default_storage.listdir(CONVERTED_DIR)
    except (FileNotFoundError, OSError, NotImplementedError):
        return 0
    removed = 0
    for name in files:
        path = f"{CONVERTED_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        except (FileNotFoundError, OSError, NotImplementedError):
            continue
    return removed


# What the preview shows ------------------------------------------------------------------------------------
def activity_key(section_index: int, activity_index: int) -> str:
    return f"{section_index}-{activity_index}"


def activity_dates(document: RoadmapDocument, corrections: Corrections) -> dict[int, list[dt.date]]:
    """Corrected dates by the activity's position in the document (1-based, as services number them)."""
    out: dict[int, list[dt.date]] = {}
    position = 0
    for si, section in enumerate(document.sections):
        for ai, _activity in enumerate(section.activities):
            position += 1
            key = activity_key(si, ai)
            if key in corrections.dates:
                out[position] = corrections.dates[key]
    return out


def _dates_text(dates) -> str:
    return ", ".join(d.strftime(DATE_FORMAT) if isinstance(d, dt.date) else _iso_to_ru(d) for d in dates)


def _iso_to_ru(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).strftime(DATE_FORMAT)
    except ValueError:
        return value


def schedule_words(activity_json: dict) -> str:
    """«ежегодно, до 30 сентября: 30.09.2026, 30.09.2027» — the reading's words when it gives them."""
    words = activity_json.get("schedule") or ""
    if not words:
        recurrence = activity_json.get("recurrence") or ""
        words = Recurrence(recurrence).label.lower() if recurrence in Recurrence.values else ""
    dates = _dates_text(activity_json.get("due_dates") or [])
    if words and dates:
        return f"{words}: {dates}"
    return words or dates


def preview_rows(staged: Staged) -> list[dict]:
    """Sections with their activities as the preview table shows them."""
    data = staged.document.to_json()
    sections = []
    for si, section in enumerate(data["sections"]):
        rows = []
        for ai, activity in enumerate(section["activities"]):
            key = activity_key(si, ai)
            corrected = staged.corrections.dates.get(key)
            flagged = activity.get("flagged") or ""
            if not flagged and not activity.get("deadline_parsed"):
                flagged = "Сроки не распознаны: укажите даты."
            if corrected is not None:
                flagged = ""
            rows.append(
                {
                    "key": key,
                    "number": activity["number"],
                    "title": activity["title"],
                    "deadline_text": activity["deadline_text"],
                    "schedule": f"исправлено вручную: {_dates_text(corrected)}"
                    if corrected
                    else schedule_words(activity),
                    "dates_input": _dates_text(corrected if corrected is not None else activity["due_dates"]),
                    "corrected": corrected is not None,
                    "flagged": flagged,
                    "responsible": activity.get("responsible") or [],
                    "result": activity.get("result") or "",
                }
            )
        sections.append({"number": section["number"], "title": section["title"], "activities": rows})
    return sections


def parse_dates(text: str, *, period: tuple[dt.date | None, dt.date | None]) -> list[dt.date]:
    """ "30.09.2026, 30.09.2027" → dates; a Russian message naming what is wrong."""
    text = (text or "").strip()
    if not text:
        return []
    dates: list[dt.date] = []
    leftovers = _DATE.sub("", text).replace(",", " ").replace(";", " ").split()
    if leftovers:
        raise ValidationError(f"Не дата: «{' '.join(leftovers)}». Даты пишутся как дд.мм.гггг через запятую.")
    for m in _DATE.finditer(text):
        try:
            dates.append(dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))))
        except ValueError:
            raise ValidationError(f"Нет такой даты: {m.group(0)}.") from None
    start, end = period
    if start and end:
        outside = [d for d in dates if not start <= d <= end]
        if outside:
            raise ValidationError(
                f"Даты вне периода ({start:%d.%m.%Y}–{end:%d.%m.%Y}): {_dates_text(outside)}. Исправьте даты или период."
            )
    return sorted(set(dates))


def column_choices(document: RoadmapDocument) -> tuple[list[tuple[str, str, int]], list[tuple[int, str]]]:
    """([(role, role label, column taken now or -1)], [(column index, «Столбец 2 — Мероприятие»)]).

    Empty when the reading does not say which column it took for what."""
    roles_taken = document.column_roles
    if not roles_taken:
        return [], []
    from roadmaps.importers import COLUMN_ROLES

    labels = list(getattr(document, "column_labels", None) or document.columns)
    width = max([len(labels)] + [index + 1 for index in roles_taken.values()])
    aligned = len(labels) == width
    options = [(-1, "— нет такого столбца —")]
    for index in range(width):
        label = labels[index] if aligned and labels[index] else ""
        options.append((index, f"Столбец {index + 1}" + (f" — «{label}»" if label else "")))
    roles = [(role, label, roles_taken.get(role, -1)) for role, label in COLUMN_ROLES.items()]
    return roles, options


def column_summary(document: RoadmapDocument) -> list[tuple[str, str]]:
    """[(role label, «Сроки исполнения» or «столбец 4»)] for the roles the reading took."""
    roles, options = column_choices(document)
    names = dict(options)
    return [(label, names.get(current, "")) for _role, label, current in roles if current >= 0]


# For the views (the upload page and the admin) ---------------------------------------------------------
def is_pending(request, token: str) -> bool:
    staged = imports.staged_for(request.user, token, KIND)
    return staged is not None and staged.confirmed_at is None


def replaces_choice(post) -> int | None:
    value = (post.get("replaces") or "").strip()
    return int(value) if value.isdigit() else None


def correction_form(staged: Staged, data=None):
    from roadmaps.forms import ImportCorrectionForm

    return ImportCorrectionForm(data, staged=staged, rows=preview_rows(staged))


def corrections_from(form) -> Corrections:
    """What the person changed: a field left as it was read is no correction (the reading keeps its
    warnings about it), one corrected before stays corrected."""
    data, staged = form.cleaned_data, form.staged
    before, document = staged.corrections, staged.document
    start, end = data.get("period_start"), data.get("period_end")
    period_changed = before.period_start is not None or (
        start and (staged.needs_period or (start, end) != (document.period_start, document.period_end))
    )
    number = (data.get("order_number") or "").strip()
    number_changed = before.order_number is not None or number != (document.order_number or "")
    date_changed = before.order_date is not None or data.get("order_date") != document.order_date
    return Corrections(
        period_start=start if period_changed else None,
        period_end=end if period_changed else None,
        order_number=number if number_changed else None,
        order_date=data.get("order_date") if date_changed else None,
        column_map=data.get("column_map") or {},
        dates=data.get("dates") or {},
    )


def preview_context(staged: Staged, *, form=None, correct_url: str, confirm_url: str) -> dict:
    rows = preview_rows(staged)
    form = form or correction_form(staged)
    document = staged.document
    flagged = sum(1 for section in rows for row in section["activities"] if row["flagged"])
    return {
        "staged": staged,
        "document": document,
        "rows": rows,
        "form": form,
        "date_fields": {key: form[f"dates-{key}"] for key in form.rows},
        "column_fields": [form[f"column-{role}"] for role, _label, _current in form.roles],
        "columns_taken": column_summary(document),
        "flagged_count": flagged,
        "period_source": document.period_source,
        "correct_url": correct_url,
        "confirm_url": confirm_url,
        "can_confirm": not staged.needs_period,
    }
