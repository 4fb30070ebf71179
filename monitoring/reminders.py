"""Reminders about monitoring, registered in MonitoringConfig.ready (accounts.reminders): a
school's report not handed in by the campaign's deadline."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.reminders import (
    Planned,
    SweepContext,
    daily_then_weekly,
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
    assignments = (
        Assignment.objects.filter(
            campaign__municipality=ctx.municipality,
            campaign__deadline__lt=ctx.today,
            status__in=OPEN_ASSIGNMENT_STATUSES,
            organization__is_active=True,
        )
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .select_related("organization", "campaign")
        .order_by("campaign__deadline", "pk")
    )
    for assignment in assignments:
        campaign = assignment.campaign
        late = (ctx.today - campaign.deadline).days
        if not daily_then_weekly(late):
            continue
        yield Planned(
            object_type="monitoring.assignment",
            object_id=assignment.pk,
            kind=CAMPAIGN_REPORT_OVERDUE,
            recipients=ctx.curators(assignment.organization_id),
            title=f"Не сдано в срок: {short_text(campaign.title, 80)}",
            message=(
                f"Мониторинг «{campaign.title}» ({assignment.organization.short_name}): данные не сданы, "
                f"срок был {campaign.deadline:%d.%m.%Y} ({days_text(late)} назад)."
            ),
            path=path_to("monitoring:assignment_detail", assignment.pk),
            organization_id=assignment.organization_id,
            due_date=campaign.deadline,
        )


def register() -> None:
    register_reminder(
        CAMPAIGN_REPORT_OVERDUE, model=Assignment, fields=ASSIGNMENT_FIELDS, provider=campaign_report_overdue
    )
