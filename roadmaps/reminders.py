"""Reminders about roadmap execution, registered in RoadmapsConfig.ready (accounts.reminders).

The four record kinds share one read of the open records due on any date one of them fires on
today; the weekly digest counts the overdue ones by organization.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q

from accounts.reminders import (
    Planned,
    SweepContext,
    daily_then_weekly,
    daily_then_weekly_dates,
    days_text,
    first_then_weekly,
    first_then_weekly_dates,
    path_to,
    register_reminder,
    short_text,
)
from roadmaps.models import ExecutionRecord, ExecutionStatus, RoadmapStatus

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
    "due__date",
    "activity__number",
    "activity__title",
    "activity__roadmap__title",
    "activity__roadmap__status",
    "activity__roadmap__is_template",
)


def open_records(ctx: SweepContext):
    return (
        ExecutionRecord.objects.filter(
            municipality=ctx.municipality,
            activity__roadmap__status=RoadmapStatus.APPROVED,
            activity__roadmap__is_template=False,
        )
        .exclude(status=ExecutionStatus.DONE)
        .filter(Q(organization__isnull=True) | Q(organization__is_active=True))
        .select_related("activity__roadmap", "due", "organization")
        # only what the reminder's text and key use: activities and roadmaps carry long texts
        .only(
            "id",
            "status",
            "municipality_id",
            "organization_id",
            "activity_id",
            "due_id",
            "activity__number",
            "activity__title",
            "activity__roadmap_id",
            "activity__roadmap__title",
            "due__date",
            "organization__short_name",
            "organization__is_active",
        )
        .order_by("due__date", "pk")
    )


def open_records_on(ctx: SweepContext, dates) -> list:
    """Open execution records due on `dates`, earliest first. The four record reminders share
    one query for all the dates any of them fires on today."""

    def read() -> list:
        wanted = {
            ctx.today,
            *(ctx.today + dt.timedelta(days=d) for d in ctx.rules.days_before_list),
            *daily_then_weekly_dates(ctx.today),
            *first_then_weekly_dates(ctx.today, first=ctx.rules.escalation_days + 1),
        }
        return list(open_records(ctx).filter(due__date__in=sorted(wanted)))

    records = ctx.shared("roadmaps.open_records", read)
    dates = set(dates)
    return [r for r in records if r.due.date in dates]


def _record_text(record) -> tuple[str, str]:
    activity = record.activity
    where = record.organization.short_name if record.organization_id else "муниципальный уровень"
    name = short_text(f"{activity.number} {activity.title}".strip())
    body = (
        f"Мероприятие «{name}» дорожной карты «{record.activity.roadmap.short_title}» ({where}), "
        f"срок — {record.due.date:%d.%m.%Y}."
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
        due_date=record.due.date,
    )


def roadmap_due_soon(ctx: SweepContext) -> Iterable[Planned]:
    targets = {ctx.today + dt.timedelta(days=d): d for d in ctx.rules.days_before_list}
    for record in open_records_on(ctx, targets):
        days = targets[record.due.date]
        name, body = _record_text(record)
        yield _record_planned(
            record,
            DUE_SOON,
            ctx.curators(record.organization_id),
            f"Через {days_text(days)} срок: {name}",
            f"{body} Отметьте выполнение и приложите подтверждение до срока.",
        )


def roadmap_due_today(ctx: SweepContext) -> Iterable[Planned]:
    for record in open_records_on(ctx, [ctx.today]):
        name, body = _record_text(record)
        yield _record_planned(
            record,
            DUE_TODAY,
            ctx.curators(record.organization_id),
            f"Сегодня срок: {name}",
            f"{body} Сегодня последний день.",
        )


def roadmap_overdue(ctx: SweepContext) -> Iterable[Planned]:
    for record in open_records_on(ctx, daily_then_weekly_dates(ctx.today)):
        late = (ctx.today - record.due.date).days
        if not daily_then_weekly(late):
            continue
        name, body = _record_text(record)
        yield _record_planned(
            record,
            OVERDUE,
            ctx.curators(record.organization_id),
            f"Просрочено на {days_text(late)}: {name}",
            f"{body} Срок прошёл {days_text(late)} назад: отметьте выполнение или напишите комментарий.",
        )


def roadmap_escalation(ctx: SweepContext) -> Iterable[Planned]:
    first = ctx.rules.escalation_days + 1
    dates = first_then_weekly_dates(ctx.today, first=first)
    for record in (r for r in open_records_on(ctx, dates) if r.organization_id is not None):
        late = (ctx.today - record.due.date).days
        if not first_then_weekly(late, first=first):
            continue
        name, body = _record_text(record)
        yield _record_planned(
            record,
            ESCALATION,
            ctx.coordinators(),
            f"{record.organization.short_name}: просрочка {days_text(late)}",
            f"{body} Организация не отметила выполнение {days_text(late)} после срока.",
        )


def weekly_digest(ctx: SweepContext) -> Iterable[Planned]:
    """Coordinators: what is overdue, by organization (the sweep asks for it once a week)."""
    overdue = open_records(ctx).filter(due__date__lt=ctx.today).order_by()
    by_org: dict[str, int] = defaultdict(int)
    for name, count in overdue.values_list("organization__short_name").annotate(n=Count("pk")):
        by_org[name or "Муниципальный уровень"] += count
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
