"""Writes: importing a roadmap, deriving school roadmaps, schedules and execution records.

Every function is keyword-only and checks the caller's right through accounts.scoping (via
roadmaps.selectors) before it writes, so that views, the admin, the CLI and tasks share one rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts import scoping, uploads
from accounts.events import organizations_changed
from accounts.models import Municipality, Organization, Role, local_today
from accounts.plurals import count_noun
from roadmaps import selectors
from roadmaps.deadlines import parse_deadline
from roadmaps.importers import RoadmapDocument, parse_indicators, split_parties
from roadmaps.models import (
    Activity,
    DueDate,
    ExecutionRecord,
    ExecutionStatus,
    Indicator,
    Roadmap,
    RoadmapLevel,
    RoadmapStatus,
    Section,
)
from roadmaps.responsibility import classify, match_organizations

ALLOWED_EVIDENCE_EXTENSIONS = uploads.DOCUMENTS


# Import --------------------------------------------------------------------------------------------
def _limit(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


def roadmap_document_problems(document: RoadmapDocument) -> list:
    """What in a read document cannot be stored as it is: lengths over the database limits (a
    signature block read as an activity, a paragraph in the number column) and too many rows.
    Each problem names the place in the file; the whole roadmap is refused, never cut."""
    from accounts.imports import Problem, max_rows

    problems: list[Problem] = []
    for attr, label in (("title", "название"), ("order_number", "номер приказа")):
        value, limit = getattr(document, attr) or "", _limit(Roadmap, attr)
        if limit and len(value) > limit:
            problems.append(Problem(f"{label} дорожной карты длиннее {limit} символов (сейчас {len(value)})."))
    total = 0
    for section in document.sections:
        for attr, label in (("number", "номер раздела"), ("title", "название раздела")):
            value, limit = getattr(section, attr) or "", _limit(Section, attr)
            if limit and len(value) > limit:
                problems.append(Problem(f"{label} «{value[:40]}…» длиннее {limit} символов (сейчас {len(value)})."))
        for activity in section.activities:
            total += 1
            for attr, label in (("number", "№"), ("title", "мероприятие")):
                value, limit = getattr(activity, attr) or "", _limit(Activity, attr)
                if limit and len(value) > limit:
                    shown = value if len(value) <= 50 else value[:50] + "…"
                    problems.append(
                        Problem(
                            f"{activity.where or 'таблица'}, столбец «{label}»: «{shown}» длиннее {limit} символов "
                            f"(сейчас {len(value)}). Если это подписи или примечание под таблицей — "
                            "уберите их из таблицы."
                        )
                    )
    if total > max_rows():
        problems.append(
            Problem(
                f"в дорожной карте {count_noun(total, 'мероприятие')}, допустимо не больше {max_rows()}: разделите файл. "
                "Ничего не загружено."
            )
        )
    return problems


@transaction.atomic
def roadmap_import(
    *,
    document: RoadmapDocument,
    user,
    municipality: Municipality,
    organization: Organization | None = None,
    source_file: File | None = None,
    source_name: str = "",
    is_template: bool = False,
    status: str = RoadmapStatus.DRAFT,
    manual_dates: dict[int, list[dt.date]] | None = None,
    replaces: Roadmap | None = None,
) -> Roadmap:
    """Write a read document as a new roadmap, all or nothing.

    `user=None` is the operator's command line or the demo seeder: no scope to check.
    `manual_dates` are the dates a person set in the preview, by the activity's position (1-based):
    they replace the dates read from the cell, whose text stays beside them. `replaces` is the
    roadmap this one is a new version of (same owner): it goes to the archive.
    """
    if organization is not None and organization.municipality_id != municipality.pk:
        raise ValidationError("Организация не относится к выбранному муниципалитету.")
    problems = roadmap_document_problems(document)
    if problems:
        raise ValidationError([str(p) for p in problems[:20]])
    if user is None:
        pass
    elif organization is not None:
        if not scoping.can_edit_organization(user, organization):
            raise PermissionDenied("Нет права загружать дорожную карту этой организации.")
    elif not scoping.can_edit_municipality(user, municipality):
        raise PermissionDenied("Нет права загружать муниципальную дорожную карту.")
    if document.period_start is None or document.period_end is None:
        raise ValidationError("Не указан период дорожной карты: укажите его начало и окончание.")
    if replaces is not None:
        if replaces.municipality_id != municipality.pk or replaces.organization_id != (
            organization.pk if organization else None
        ):
            raise ValidationError("Новая редакция загружается для того же владельца, что и прежняя дорожная карта.")
        if user is not None and not selectors.can_edit_roadmap(user, replaces):
            raise PermissionDenied("Нет права менять эту дорожную карту.")
    manual_dates = manual_dates or {}
    roadmap = Roadmap(
        level=RoadmapLevel.SCHOOL if organization else RoadmapLevel.MUNICIPAL,
        municipality=municipality,
        organization=organization,
        title=document.title,
        period_start=document.period_start,
        period_end=document.period_end,
        order_number=document.order_number,
        order_date=document.order_date,
        status=status,
        columns=document.columns,
        is_template=is_template,
        replaces=replaces,
        created_by=user if getattr(user, "pk", None) else None,
    )
    if source_file is not None:
        roadmap.source_file.save(source_name or getattr(source_file, "name", "roadmap"), source_file, save=False)
    roadmap.full_clean(exclude=["source_file"])
    roadmap.save()
    organizations = list(Organization.objects.filter(municipality=municipality))
    order = 0
    for section_order, parsed_section in enumerate(document.sections, start=1):
        section = Section.objects.create(
            roadmap=roadmap,
            number=parsed_section.number,
            title=parsed_section.title or "Без раздела",
            order=section_order,
        )
        for parsed in parsed_section.activities:
            order += 1
            activity = Activity(
                roadmap=roadmap,
                section=section,
                number=parsed.number,
                order=order,
                title=parsed.title,
                result=parsed.result,
                deadline_text=parsed.deadline_text,
                responsible_text=parsed.responsible_text,
                participants_text=parsed.participants_text,
                indicator_text=parsed.indicator_text,
            )
            _apply_responsibility(activity)
            activity.save()
            named = match_organizations(split_parties(parsed.responsible_text), organizations)
            if named:
                activity.responsible_organizations.set(named)
            _apply_schedule(activity, roadmap, checkpoints=document.checkpoints)
            if order in manual_dates:
                _apply_manual_dates(activity, roadmap, manual_dates[order])
            _apply_indicators(activity)
    roadmap_sync_records(roadmap=roadmap)
    if replaces is not None:
        replaces.status = RoadmapStatus.ARCHIVED
        replaces.save(update_fields=["status", "updated_at"])
    return roadmap


def _apply_manual_dates(activity: Activity, roadmap: Roadmap, dates: list[dt.date]) -> None:
    outside = [d for d in dates if not roadmap.period_start <= d <= roadmap.period_end]
    if outside:
        listed = ", ".join(f"{d:%d.%m.%Y}" for d in outside)
        raise ValidationError(
            f"Мероприятие {activity.number or activity.title[:40]}: даты вне периода дорожной карты "
            f"({roadmap.period_start:%d.%m.%Y}–{roadmap.period_end:%d.%m.%Y}): {listed}."
        )
    activity.due_dates.all().delete()
    DueDate.objects.bulk_create([DueDate(activity=activity, date=d, origin=DueDate.Origin.MANUAL) for d in dates])
    activity.deadline_note = "Даты указаны вручную при загрузке."
    activity.save(update_fields=["deadline_note"])


def _apply_responsibility(activity: Activity) -> None:
    responsibility = classify(split_parties(activity.responsible_text))
    activity.responsible_roles = responsibility.roles
    activity.for_schools = responsibility.for_schools
    # Nobody recognised: the municipality keeps it, so that it is not lost from every list.
    activity.for_municipality = responsibility.for_municipality or not responsibility.roles


def _apply_schedule(activity: Activity, roadmap: Roadmap, *, checkpoints: str | None = None) -> None:
    """Due dates from the deadline text; continuous work is checked as the municipality set
    (or as the document was read, on import)."""
    parsed = parse_deadline(
        activity.deadline_text,
        roadmap.period_start,
        roadmap.period_end,
        order_date=roadmap.order_date,
        checkpoints=checkpoints or roadmap.municipality.roadmap_checkpoints,
    )
    activity.deadline_parsed = parsed.parsed
    activity.recurrence = parsed.recurrence or ""
    activity.deadline_note = parsed.note[:300]
    activity.save(update_fields=["deadline_parsed", "recurrence", "deadline_note"])
    activity.due_dates.filter(origin=DueDate.Origin.PARSED).exclude(date__in=parsed.dates).delete()
    DueDate.objects.bulk_create(
        [DueDate(activity=activity, date=date, origin=DueDate.Origin.PARSED) for date in parsed.dates],
        ignore_conflicts=True,
    )


def _apply_indicators(activity: Activity) -> None:
    for year, value in parse_indicators(activity.indicator_text):
        Indicator.objects.update_or_create(activity=activity, year=year, defaults={"target": value})


# Execution records -----------------------------------------------------------------------------------
def roadmap_sync_records(*, roadmap: Roadmap) -> int:
    """Create the missing execution records of a roadmap; returns how many were created.

    Municipal roadmap: records of the municipal level (organization empty) for the activities the
    municipality carries out; the schools' share is tracked on the school roadmaps derived from it.
    School roadmap: one record per due date for its organization.
    """
    if roadmap.is_template:
        return 0  # a typical roadmap is a pattern for schools: nobody executes the pattern itself
    dues = DueDate.objects.filter(activity__roadmap=roadmap).select_related("activity")
    if roadmap.level == RoadmapLevel.MUNICIPAL:
        dues = dues.filter(activity__for_municipality=True)
        organization_id = None
    else:
        organization_id = roadmap.organization_id
    existing = set(
        # organization_id None: the municipal records (IS NULL)
        ExecutionRecord.objects.filter(activity__roadmap=roadmap, organization_id=organization_id).values_list(  # type: ignore[misc]
            "due_id", flat=True
        )
    )
    new = [
        ExecutionRecord(
            activity_id=due.activity_id,
            due=due,
            due_on=due.date,
            municipality_id=roadmap.municipality_id,
            organization_id=organization_id,
        )
        for due in dues
        if due.pk not in existing
    ]
    # bulk writes skip signals: write the "created" history rows too, so every record's audit
    # trail starts at its creation (152-ФЗ / issue 7)
    bulk_create_with_history(new, ExecutionRecord, batch_size=1000)
    if new:  # bulk writes send no model signals: say so to whoever keeps counts (monitoring.stats)
        organizations_changed.send(sender=ExecutionRecord, organization_ids=[organization_id])
    return len(new)


# School roadmaps -------------------------------------------------------------------------------------
def _shift_years(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


@transaction.atomic
def roadmap_derive_school(
    *,
    roadmap: Roadmap,
    organizations: Iterable[Organization],
    user,
    period_start: dt.date | None = None,
) -> list[Roadmap]:
    """School roadmaps for the chosen organizations from a municipal or typical roadmap.

    Only activities carried out by schools are copied. `period_start` moves a typical roadmap to
    another year: due dates move by whole years and keep their day, the printed text stays.
    Organizations that already have a copy of this roadmap keep it (running twice changes nothing).
    """
    if user is not None and not scoping.can_edit_municipality(user, roadmap.municipality):
        raise PermissionDenied("Создавать дорожные карты ОО может муниципальный координатор.")
    if roadmap.level != RoadmapLevel.MUNICIPAL:
        raise ValidationError("Дорожные карты ОО создаются из муниципальной или типовой дорожной карты.")
    shift = (period_start.year - roadmap.period_start.year) if period_start else 0
    start, end = _shift_years(roadmap.period_start, shift), _shift_years(roadmap.period_end, shift)
    activities = list(
        roadmap.activities.filter(for_schools=True)
        .select_related("section")
        .prefetch_related("due_dates", "indicators")
    )
    sections = {a.section_id: a.section for a in activities if a.section_id and a.section is not None}
    existing = set(Roadmap.objects.filter(parent=roadmap).values_list("organization_id", flat=True))
    created: list[Roadmap] = []
    for organization in organizations:
        if organization.municipality_id != roadmap.municipality_id:
            raise ValidationError(f"«{organization}» не относится к муниципалитету дорожной карты.")
        if organization.pk in existing:
            continue
        copy = Roadmap.objects.create(
            level=RoadmapLevel.SCHOOL,
            municipality_id=roadmap.municipality_id,
            organization=organization,
            parent=roadmap,
            title=f"Дорожная карта {organization.short_name}: {roadmap.title}",
            period_start=start,
            period_end=end,
            status=RoadmapStatus.DRAFT,
            columns=roadmap.columns,
            created_by=user if getattr(user, "pk", None) else None,
        )
        section_copies = {
            section_id: Section.objects.create(roadmap=copy, number=s.number, title=s.title, order=s.order)
            for section_id, s in sections.items()
        }
        for activity in activities:
            new = Activity.objects.create(
                roadmap=copy,
                section=section_copies.get(activity.section_id) if activity.section_id else None,
                number=activity.number,
                order=activity.order,
                title=activity.title,
                result=activity.result,
                deadline_text=activity.deadline_text,
                deadline_parsed=activity.deadline_parsed,
                deadline_note=activity.deadline_note,
                recurrence=activity.recurrence,
                responsible_text=activity.responsible_text,
                responsible_roles=activity.responsible_roles,
                for_schools=True,
                for_municipality=False,
                participants_text=activity.participants_text,
                indicator_text=activity.indicator_text,
                source_activity=activity,
            )
            DueDate.objects.bulk_create(
                [
                    DueDate(activity=new, date=_shift_years(d.date, shift), origin=d.origin)
                    for d in activity.due_dates.all()
                ]
            )
        roadmap_sync_records(roadmap=copy)
        created.append(copy)
    return created


# Edits -------------------------------------------------------------------------------------------------
def _require_edit(user, roadmap: Roadmap) -> None:
    if not selectors.can_edit_roadmap(user, roadmap):
        raise PermissionDenied("Нет права изменять эту дорожную карту.")


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    user,
    title: str,
    result: str,
    deadline_text: str,
    responsible_text: str,
    participants_text: str,
) -> Activity:
    """A curator adjusting the school copy, or a coordinator the municipal roadmap."""
    _require_edit(user, activity.roadmap)
    reparse = deadline_text != activity.deadline_text
    activity.title, activity.result = title, result
    activity.deadline_text, activity.responsible_text = deadline_text, responsible_text
    activity.participants_text = participants_text
    if activity.roadmap.level == RoadmapLevel.MUNICIPAL:
        _apply_responsibility(activity)
    activity.save()
    if reparse:
        _apply_schedule(activity, activity.roadmap)
        roadmap_sync_records(roadmap=activity.roadmap)
    return activity


@transaction.atomic
def activity_set_due_dates(*, activity: Activity, user, dates: list[dt.date]) -> list[DueDate]:
    """Dates a person sets where the prose could not be read (or depends on an event)."""
    _require_edit(user, activity.roadmap)
    roadmap = activity.roadmap
    outside = [d for d in dates if not roadmap.period_start <= d <= roadmap.period_end]
    if outside:
        listed = ", ".join(f"{d:%d.%m.%Y}" for d in outside)
        raise ValidationError(
            f"Даты вне периода дорожной карты ({roadmap.period_start:%d.%m.%Y}–{roadmap.period_end:%d.%m.%Y}): {listed}."
        )
    # A dropped date goes away unless someone has already reported on it.
    activity.due_dates.filter(origin=DueDate.Origin.MANUAL).exclude(date__in=dates).exclude(
        records__status__in=[ExecutionStatus.IN_PROGRESS, ExecutionStatus.DONE]
    ).delete()
    DueDate.objects.bulk_create(
        [DueDate(activity=activity, date=d, origin=DueDate.Origin.MANUAL) for d in dates], ignore_conflicts=True
    )
    roadmap_sync_records(roadmap=roadmap)
    if roadmap.level == RoadmapLevel.MUNICIPAL:
        # copies of this activity in school roadmaps get the same dates
        for copy in activity.copies.select_related("roadmap"):
            DueDate.objects.bulk_create(
                [DueDate(activity=copy, date=d, origin=DueDate.Origin.MANUAL) for d in dates], ignore_conflicts=True
            )
            roadmap_sync_records(roadmap=copy.roadmap)
    return list(activity.due_dates.all())


def roadmap_set_status(
    *, roadmap: Roadmap, user, status: str, order_number: str = "", order_date: dt.date | None = None
) -> Roadmap:
    """Draft → approved → archived. A school roadmap is approved by its head or the coordinator."""
    if not selectors.can_approve_roadmap(user, roadmap):
        raise PermissionDenied("Нет права менять статус этой дорожной карты.")
    if status not in RoadmapStatus.values:
        raise ValidationError("Неизвестный статус.")
    roadmap.status = status
    if order_number:
        roadmap.order_number = order_number
    if order_date:
        roadmap.order_date = order_date
    roadmap.save(update_fields=["status", "order_number", "order_date", "updated_at"])
    return roadmap


def validate_evidence_file(upload) -> None:
    """Size, extension and content signature, by the project-wide upload rules."""
    uploads.validate_upload(upload, ALLOWED_EVIDENCE_EXTENSIONS)


@transaction.atomic
def record_update(
    *,
    record: ExecutionRecord,
    user,
    status: str,
    completed_on: dt.date | None = None,
    evidence_file=None,
    evidence_url: str = "",
    document_number: str = "",
    document_date: dt.date | None = None,
    comment: str = "",
) -> ExecutionRecord:
    """Mark progress on one due date. "Done" needs a date and some evidence."""
    if not selectors.records_editable(user).filter(pk=record.pk).exists():
        raise PermissionDenied("Нет права отмечать исполнение этого мероприятия.")
    if status not in ExecutionStatus.values:
        raise ValidationError({"status": "Неизвестный статус."})
    if evidence_file is not None:
        validate_evidence_file(evidence_file)
    if status == ExecutionStatus.DONE:
        completed_on = completed_on or record.completed_on or local_today(record.municipality)
        if not (evidence_file or record.evidence_file or evidence_url or document_number):
            raise ValidationError("Для отметки «Выполнено» приложите файл, ссылку или реквизиты документа.")
    else:
        completed_on = None
    record.status = status
    record.completed_on = completed_on
    if evidence_file is not None:
        record.evidence_file = evidence_file
    record.evidence_url = evidence_url
    record.document_number = document_number
    record.document_date = document_date
    record.comment = comment
    record.marked_by = user
    record.marked_at = timezone.now()
    record._history_user = user  # type: ignore[attr-defined]  # django-simple-history reads it on save
    record.full_clean(exclude=["activity", "due", "municipality", "organization", "evidence_file"])
    record.save()
    return record


def indicator_set_actual(
    *, indicator: Indicator, user, actual: Decimal | None, evidence: str, metric: str | None = None
) -> Indicator:
    """The actual value of an indicator typed by a person (and, when given, which figure it is)."""
    _require_edit(user, indicator.activity.roadmap)
    indicator.actual_manual = actual
    indicator.evidence = evidence
    fields = ["actual_manual", "evidence"]
    if metric is not None:
        indicator.metric = metric
        fields.append("metric")
    indicator.save(update_fields=fields)
    return indicator


# «Напомнить отстающим» (the matrix) -----------------------------------------------------------
MAX_LISTED_ACTIVITIES = 20


@dataclass
class LaggardResult:
    reminded: list[Organization] = field(default_factory=list)
    already: list[Organization] = field(default_factory=list)
    without_curator: list[Organization] = field(default_factory=list)


def matrix_remind_laggards(*, user, roadmap: Roadmap) -> LaggardResult:
    """Remind the curators of every organization behind on the municipal roadmap (something overdue).

    Exactly once a day per organization: the key (organization, local date) is inserted first, each
    in its own transaction; a second click, or a second coordinator at the same moment, meets the
    unique key and that organization is counted as «already reminded today». The reminder itself
    goes through accounts.events.workflow_event (the notifications app: in-app and e-mail, the
    recipients' opt-outs, delivered after commit), claimed in the same transaction as the key.
    """
    from accounts.events import workflow_event
    from accounts.selectors import organizations_people
    from roadmaps.models import LaggardReminder

    if roadmap.level != RoadmapLevel.MUNICIPAL or not scoping.can_edit_municipality(user, roadmap.municipality_id):
        raise PermissionDenied("Напоминать отстающим может координатор муниципалитета.")
    today = local_today(roadmap.municipality)
    organizations = list(selectors.matrix_organizations(user, roadmap).filter(is_active=True))
    stats = selectors.matrix_stats(user, roadmap, [o.pk for o in organizations])
    behind = [o for o in organizations if o.pk in stats and stats[o.pk].overdue]
    result = LaggardResult()
    if not behind:
        return result
    overdue_by_org: dict[int, list[ExecutionRecord]] = {}
    for record in (
        selectors.records_visible(user)
        .filter(
            activity__source_activity__roadmap=roadmap,
            organization_id__in=[o.pk for o in behind],
            due_on__lt=today,
        )
        .exclude(status=ExecutionStatus.DONE)
        .select_related("activity", "due")
        .order_by("due_on", "activity__order", "pk")
    ):
        overdue_by_org.setdefault(record.organization_id, []).append(record)  # type: ignore[arg-type]
    curators = organizations_people([o.pk for o in behind], roles=(Role.CURATOR,))
    for organization in behind:
        recipients = [u for u in curators.get(organization.pk, []) if scoping.can_edit_organization(u, organization)]
        if not recipients:
            result.without_curator.append(organization)
            continue
        records = overdue_by_org.get(organization.pk, [])
        count = stats[organization.pk].overdue
        lines = [
            f"— {r.activity.number} {' '.join(r.activity.title.split())[:150]} (срок {r.due.date:%d.%m.%Y})".replace(
                "—  ", "— "
            )
            for r in records[:MAX_LISTED_ACTIVITIES]
        ]
        if len(records) > MAX_LISTED_ACTIVITIES:
            lines.append(f"…и ещё {count_noun(len(records) - MAX_LISTED_ACTIVITIES, 'мероприятие')}")
        try:
            with transaction.atomic():
                key = LaggardReminder.objects.create(
                    organization=organization, date=today, roadmap=roadmap, overdue=count, sent_by=user
                )
                workflow_event.send(
                    sender=LaggardReminder,
                    kind="roadmap_behind",
                    object_type="roadmaps.laggardreminder",
                    object_id=key.pk,
                    recipients=recipients,
                    municipality=roadmap.municipality,
                    title=f"В {organization.short_name} просрочено {count_noun(count, 'мероприятие')}",
                    message=(
                        f"Координатор напоминает: по дорожной карте «{roadmap.short_title}» в "
                        f"{organization.short_name} на {today:%d.%m.%Y} просрочено "
                        f"{count_noun(count, 'мероприятие')}. Отметьте выполнение и приложите подтверждение.\n"
                        + "\n".join(lines)
                    ),
                    path=reverse("roadmaps:tasks"),
                    organization_id=organization.pk,
                )
        except IntegrityError:  # another click or another coordinator got the key first
            result.already.append(organization)
            continue
        result.reminded.append(organization)
    return result
