"""Reminders about monitoring, registered in MonitoringConfig.ready (accounts.reminders): a
school's report not handed in by the campaign's deadline."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F

from accounts.reminders import (
    DaysSince,
    Planned,
    SweepContext,
    daily_then_weekly_sql,
    days_text,
    path_to,
    register_reminder,
    short_text,
)
from monitoring.models import Assignment, AssignmentStatus, CampaignStatus

CAMPAIGN_REPORT_OVERDUE = "campaign_report_overdue"

# An assignment is "handed in" once submitted or accepted; a draft or a returned one after the
# campaign's deadline is overdue.
OPEN_ASSIGNMENT_STATUSES = (AssignmentStatus.DRAFT, AssignmentStatus.RETURNED)

ASSIGNMENT_FIELDS = (
    "status",
    "organization__is_active",
    "organization__short_name",
    "campaign__municipality",
    "campaign__deadline",
    "campaign__status",
    "campaign__title",
)


def campaign_report_overdue(ctx: SweepContext) -> Iterable[Planned]:
    """A school's report still open after the campaign's deadline: daily for the first days, then
    weekly (the cadence in SQL, rows of values)."""
    assignments = (
        Assignment.objects.alias(late=DaysSince("campaign__deadline", ctx.today))
        .filter(
            daily_then_weekly_sql(F("late")),
            campaign__municipality=ctx.municipality,
            status__in=OPEN_ASSIGNMENT_STATUSES,
            organization__is_active=True,
        )
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .order_by("campaign__deadline", "pk")
        .values_list("pk", "organization_id", "organization__short_name", "campaign__title", "campaign__deadline")
    )
    for pk, organization_id, organization_name, title, deadline in assignments:
        late = (ctx.today - deadline).days
        yield Planned(
            object_type="monitoring.assignment",
            object_id=pk,
            kind=CAMPAIGN_REPORT_OVERDUE,
            recipients=ctx.curators(organization_id),
            title=f"Не сдано в срок: {short_text(title, 80)}",
            message=(
                f"Мониторинг «{title}» ({organization_name}): данные не сданы, "
                f"срок был {deadline:%d.%m.%Y} ({days_text(late)} назад)."
            ),
            path=path_to("monitoring:assignment_detail", pk),
            organization_id=organization_id,
            due_date=deadline,
        )


def register() -> None:
    register_reminder(
        CAMPAIGN_REPORT_OVERDUE, model=Assignment, fields=ASSIGNMENT_FIELDS, provider=campaign_report_overdue
    )
