"""Reminders about roadmap execution, registered in RoadmapsConfig.ready (accounts.reminders).

The four record kinds share one read of the open records due on any date one of them fires on
today; the weekly digest counts the overdue ones by organization.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Q

from accounts.plurals import count_noun
from accounts.reminders import (
    Planned,
    SweepContext,
    daily_then_weekly,
    days_text,
    first_then_weekly,
    path_to,
    register_reminder,
    short_text,
)
from roadmaps.models import ExecutionRecord, ExecutionStatus, Roadmap, RoadmapStatus

DUE_SOON = "roadmap_due_soon"
DUE_TODAY = "roadmap_due_today"
OVERDUE = "roadmap_overdue"
ESCALATION = "roadmap_escalation"
WEEKLY_DIGEST = "weekly_digest"

#: what the providers read from an execution record (checked when registered)
RECORD_FIELDS = (
    "municipality",
    "status",
    "organization__short_name",
    "organization__is_active",
    "due_on",
    "activity__number",
    "activity__title",
    "activity__roadmap__title",
    "activity__roadmap__municipality",
    "activity__roadmap__status",
    "activity__roadmap__is_template",
)


class DueRecord(NamedTuple):
    """An open execution record as the reminders read it: a row of values, not a model instance."""

    pk: int
    organization_id: int | None
    municipality_id: int
    due_date: dt.date
    number: str
    title: str
    roadmap_title: str
    organization_name: str | None


# the columns of DueRecord, in its order
RECORD_COLUMNS = (
    "pk",
    "organization_id",
    "municipality_id",
    "due_on",
    "activity__number",
    "activity__title",
    "activity__roadmap__title",
    "organization__short_name",
)


def open_records(ctx: SweepContext):
    """Open records of the municipality's approved roadmaps (not templates) of active schools or
    of the municipality itself."""
    return (
        ExecutionRecord.objects.filter(
            municipality=ctx.municipality,
            # the same municipality as the record's (roadmaps.services writes it from the roadmap):
            # lets the planner start from the municipality's roadmaps instead of hashing every
            # activity of the region (flat in the region's size; 8 → 1.5 ms for a district)
            activity__roadmap__municipality=ctx.municipality,
            activity__roadmap__status=RoadmapStatus.APPROVED,
            activity__roadmap__is_template=False,
        )
        .exclude(status=ExecutionStatus.DONE)
        .filter(Q(organization__isnull=True) | Q(organization__is_active=True))
    )


def _shared_records(ctx: SweepContext) -> list[DueRecord]:
    """Open execution records due today, on one of the «days before» dates, or already overdue
    (every overdue record: the grouped overdue notice lists them all, the weekly digest counts
    them, the overdue and escalation cadences are tested on them). One query of values for the
    four record reminders and the digest, whatever the data (the query count of the sweep and of
    tomorrow's preview does not depend on it)."""

    def read() -> list[DueRecord]:
        ahead = sorted({ctx.today, *(ctx.today + dt.timedelta(days=d) for d in ctx.rules.days_before_list)})
        rows = (
            open_records(ctx)
            # the record's own copy of its date (ExecutionRecord.due_on, index (municipality, due_on)):
            # joined to every due date of the municipality's 7,000 open records it took 33 of the
            # 70 ms of SQL behind tomorrow's preview
            .filter(Q(due_on__in=ahead) | Q(due_on__lt=ctx.today))
            .order_by("due_on", "pk")
            .values_list(*RECORD_COLUMNS)
        )
        return [DueRecord(*row) for row in rows]

    return ctx.shared("roadmaps.open_records", read)


def open_records_on(ctx: SweepContext, dates) -> list[DueRecord]:
    """Open execution records due on `dates`, earliest first."""
    dates = set(dates)
    return [r for r in _shared_records(ctx) if r.due_date in dates]


def _record_text(record: DueRecord) -> tuple[str, str]:
    where = record.organization_name if record.organization_id else "муниципальный уровень"
    name = short_text(f"{record.number} {record.title}".strip())
    body = (
        f"Мероприятие «{name}» дорожной карты «{Roadmap.shorten(record.roadmap_title)}» ({where}), "
        f"срок — {record.due_date:%d.%m.%Y}."
    )
    return name, body


def _record_planned(record, kind: str, recipients: tuple, title: str, message: str) -> Planned:
    return Planned(
        object_type="roadmaps.executionrecord",
        object_id=record.pk,
        kind=kind,
        recipients=recipients,
        title=title,
        message=message,
        path=path_to("roadmaps:record", record.pk),
        organization_id=record.organization_id,
        due_date=record.due_date,
    )


# Grouping: one notice per person, kind and day for each school (or the municipal level), not one
# per activity. The key is the school's (or the municipality's), so a day's notice is claimed once
# however its records are grouped; a single record keeps its own wording.
MAX_LISTED = 25


def _owner_key(record) -> tuple[str, int]:
    if record.organization_id is not None:
        return "accounts.organization", record.organization_id
    return "accounts.municipality", record.municipality_id


def _where(record: DueRecord) -> str:
    return record.organization_name or "" if record.organization_id else "муниципальный уровень"


def _in_where(record: DueRecord) -> str:
    return f"в {record.organization_name}" if record.organization_id else "на муниципальном уровне"


def _line(record: DueRecord, note: str = "") -> str:
    name = short_text(f"{record.number} {record.title}".strip(), 150)
    return f"— {name} (срок {record.due_date:%d.%m.%Y}{', ' + note if note else ''})"


def _listing(records: list, note=lambda r: "") -> str:
    lines = [_line(r, note(r)) for r in records[:MAX_LISTED]]
    if len(records) > MAX_LISTED:
        lines.append(f"…и ещё {count_noun(len(records) - MAX_LISTED, 'мероприятие')}")
    return "\n".join(lines)


def _grouped(records: list) -> dict[tuple[str, int], list]:
    groups: dict[tuple[str, int], list] = defaultdict(list)
    for record in records:
        groups[_owner_key(record)].append(record)
    return groups


def _group_planned(records: list, kind: str, recipients: tuple, title: str, message: str) -> Planned:
    first = records[0]
    object_type, object_id = _owner_key(first)
    return Planned(
        object_type=object_type,
        object_id=object_id,
        kind=kind,
        recipients=recipients,
        title=title,
        message=message,
        path=path_to("roadmaps:record", first.pk) if len(records) == 1 else path_to("roadmaps:tasks"),
        organization_id=first.organization_id,
        due_date=min(r.due_date for r in records),
    )


def overdue_records(ctx: SweepContext, owners) -> list:
    """Every open record overdue today of the given owners ((object_type, id) of a school or the
    municipality), earliest first: the list of a grouped overdue notice (from the shared read)."""
    org_ids = {i for t, i in owners if t == "accounts.organization"}
    municipal = any(t == "accounts.municipality" for t, _ in owners)
    return [
        r
        for r in _shared_records(ctx)
        if r.due_date < ctx.today and (r.organization_id in org_ids or (municipal and r.organization_id is None))
    ]


def roadmap_due_soon(ctx: SweepContext) -> Iterable[Planned]:
    targets = {ctx.today + dt.timedelta(days=d): d for d in ctx.rules.days_before_list}
    for records in _grouped(open_records_on(ctx, targets)).values():
        first = records[0]
        if len(records) == 1:
            name, body = _record_text(first)
            title = f"Через {days_text(targets[first.due_date])} срок: {name}"
            message = f"{body} Отметьте выполнение и приложите подтверждение до срока."
        else:
            title = f"Скоро срок: {count_noun(len(records), 'мероприятие')} {_in_where(first)}"
            message = (
                f"Скоро срок: {count_noun(len(records), 'мероприятие')} дорожных карт ({_where(first)}). "
                "Отметьте выполнение и приложите подтверждение до срока.\n"
                + _listing(records, lambda r: f"через {days_text(targets[r.due_date])}")
            )
        yield _group_planned(records, DUE_SOON, ctx.curators(first.organization_id), title, message)


def roadmap_due_today(ctx: SweepContext) -> Iterable[Planned]:
    for records in _grouped(open_records_on(ctx, [ctx.today])).values():
        first = records[0]
        if len(records) == 1:
            name, body = _record_text(first)
            title, message = f"Сегодня срок: {name}", f"{body} Сегодня последний день."
        else:
            title = f"Сегодня срок: {count_noun(len(records), 'мероприятие')} {_in_where(first)}"
            message = (
                f"Сегодня последний день: {count_noun(len(records), 'мероприятие')} дорожных карт "
                f"({_where(first)}).\n" + _listing(records)
            )
        yield _group_planned(records, DUE_TODAY, ctx.curators(first.organization_id), title, message)


def roadmap_overdue(ctx: SweepContext) -> Iterable[Planned]:
    """One notice a day per school to its curators: «в МБОУ «СШ № 1» просрочено 16 мероприятий» with
    the list of every overdue activity, on the days at least one of them is on the overdue cadence."""
    firing = [r for r in _shared_records(ctx) if daily_then_weekly((ctx.today - r.due_date).days)]
    groups = _grouped(firing)
    if not groups:
        return
    everything = _grouped(overdue_records(ctx, groups))
    for key, records in groups.items():
        first = records[0]
        overdue = everything.get(key) or records
        if len(overdue) == 1:
            late = (ctx.today - first.due_date).days
            name, body = _record_text(first)
            title = f"Просрочено на {days_text(late)}: {name}"
            message = f"{body} Срок прошёл {days_text(late)} назад: отметьте выполнение или напишите комментарий."
        else:
            where = _in_where(first)
            title = f"{where[:1].upper()}{where[1:]} просрочено {count_noun(len(overdue), 'мероприятие')}"
            message = (
                f"{title} дорожных карт на {ctx.today:%d.%m.%Y}. Отметьте выполнение или напишите комментарий.\n"
                + _listing(overdue, lambda r: f"просрочено на {days_text((ctx.today - r.due_date).days)}")
            )
        yield _group_planned(overdue, OVERDUE, ctx.curators(first.organization_id), title, message)


def roadmap_escalation(ctx: SweepContext) -> Iterable[Planned]:
    """To the coordinators, one notice a day for the municipality listing the schools long overdue."""
    first_day = ctx.rules.escalation_days + 1
    records = [
        r
        for r in _shared_records(ctx)
        if r.organization_id is not None and first_then_weekly((ctx.today - r.due_date).days, first=first_day)
    ]
    if not records:
        return
    if len(records) == 1:
        record = records[0]
        late = (ctx.today - record.due_date).days
        name, body = _record_text(record)
        yield _record_planned(
            record,
            ESCALATION,
            ctx.coordinators(),
            f"{record.organization_name}: просрочка {days_text(late)}",
            f"{body} Организация не отметила выполнение {days_text(late)} после срока.",
        )
        return
    by_org = _grouped(records)
    lines = []
    for group in by_org.values():
        lines.append(f"{group[0].organization_name}:")
        lines.append(_listing(group, lambda r: f"просрочено на {days_text((ctx.today - r.due_date).days)}"))
    orgs = count_noun(len(by_org), "организация")
    yield Planned(
        object_type="accounts.municipality",
        object_id=ctx.municipality.pk,
        kind=ESCALATION,
        recipients=ctx.coordinators(),
        title=f"Долгая просрочка: {count_noun(len(records), 'мероприятие')}, {orgs}",
        message=(
            f"Больше {days_text(ctx.rules.escalation_days)} после срока не отмечено выполнение: "
            f"{count_noun(len(records), 'мероприятие')} ({orgs}).\n" + "\n".join(lines)
        ),
        path=path_to("roadmaps:attention"),
        due_date=min(r.due_date for r in records),
    )


def weekly_digest(ctx: SweepContext) -> Iterable[Planned]:
    """Coordinators: what is overdue, by organization (the sweep asks for it once a week; counted
    from the records' shared read, which has every overdue one)."""
    by_org: dict[str, int] = defaultdict(int)
    for record in _shared_records(ctx):
        if record.due_date < ctx.today:
            by_org[record.organization_name or "Муниципальный уровень"] += 1
    total = sum(by_org.values())
    if total:
        lines = [f"— {name}: {count}" for name, count in sorted(by_org.items(), key=lambda p: (-p[1], p[0]))]
        message = f"На {ctx.today:%d.%m.%Y} просрочено мероприятий дорожных карт: {total}.\n" + "\n".join(lines)
    else:
        message = f"На {ctx.today:%d.%m.%Y} просроченных мероприятий дорожных карт нет."
    yield Planned(
        object_type="accounts.municipality",
        object_id=ctx.municipality.pk,
        kind=WEEKLY_DIGEST,
        recipients=ctx.coordinators(),
        title=f"Сводка за неделю: просрочено {total}",
        message=message,
        path=path_to("notifications:sent_log"),
    )


def register() -> None:
    for kind, provider in (
        (DUE_SOON, roadmap_due_soon),
        (DUE_TODAY, roadmap_due_today),
        (OVERDUE, roadmap_overdue),
        (ESCALATION, roadmap_escalation),
        (WEEKLY_DIGEST, weekly_digest),
    ):
        register_reminder(kind, model=ExecutionRecord, fields=RECORD_FIELDS, provider=provider)
