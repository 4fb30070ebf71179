"""Builders for reminder tests: execution records due on a given date, mentorship objects."""

from __future__ import annotations

import datetime as dt
import itertools

from notifications.models import NotificationPreference, ReminderSettings
from roadmaps.models import (
    Activity,
    DueDate,
    ExecutionRecord,
    ExecutionStatus,
    Roadmap,
    RoadmapLevel,
    RoadmapStatus,
)

_seq = itertools.count(1)


def roadmap_for(municipality, organization=None, *, status=RoadmapStatus.APPROVED) -> Roadmap:
    return Roadmap.objects.create(
        level=RoadmapLevel.SCHOOL if organization else RoadmapLevel.MUNICIPAL,
        municipality=municipality,
        organization=organization,
        status=status,
        title=f"Дорожная карта № {next(_seq)}",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 12, 31),
    )


def record_due(
    date: dt.date,
    *,
    organization=None,
    municipality=None,
    status=ExecutionStatus.NOT_STARTED,
    roadmap=None,
    title="Разработка положения о наставничестве",
) -> ExecutionRecord:
    """An execution record of `organization` (or of the municipality itself) due on `date`."""
    municipality = municipality or organization.municipality
    roadmap = roadmap or roadmap_for(municipality, organization)
    n = next(_seq)
    activity = Activity.objects.create(roadmap=roadmap, number=f"1.{n}", order=n, title=title, deadline_text="до срока")
    due = DueDate.objects.create(activity=activity, date=date)
    return ExecutionRecord.objects.create(
        activity=activity,
        due=due,
        municipality=municipality,
        organization=organization,
        status=status,
        completed_on=date if status == ExecutionStatus.DONE else None,
    )


def rules(municipality, **fields) -> ReminderSettings:
    row, _ = ReminderSettings.objects.update_or_create(municipality=municipality, defaults=fields)
    return row


def opt_out(user, kind: str, *, email_only: bool = False) -> NotificationPreference:
    return NotificationPreference.objects.create(user=user, kind=kind, in_app=email_only, email=False)


def mentoring_form():
    from mentorship.models import MentoringForm

    form, _ = MentoringForm.objects.get_or_create(name="педагог – молодой специалист")
    return form


def mentee(organization, *, since: dt.date, last_name="Сидорова"):
    from mentorship.models import Person

    return Person.objects.create(
        organization=organization,
        last_name=last_name,
        first_name="Анна",
        middle_name="Петровна",
        is_mentee=True,
        mentee_category="young",
        mentee_since=since,
    )


def pair(organization, *, status="active", started_on: dt.date | None = None):
    from mentorship.models import Pair

    return Pair.objects.create(organization=organization, form=mentoring_form(), status=status, started_on=started_on)


def meeting(pair_obj, *, held_on: dt.date, mentor_feedback=False, mentee_feedback=False):
    from mentorship.models import Meeting

    return Meeting.objects.create(
        pair=pair_obj,
        held_on=held_on,
        topic="Планирование урока",
        mentor_rating=8 if mentor_feedback else None,
        mentor_feedback="Хорошо" if mentor_feedback else "",
        mentee_rating=9 if mentee_feedback else None,
        mentee_feedback="Полезно" if mentee_feedback else "",
    )


def municipality_with_due_schools(schools: int, *, curators: int = 2, kinds: int = 1):
    """A municipality where `schools` schools each have `curators` curators and `kinds` activities
    (1–3: due today, overdue since yesterday, due tomorrow): since notices are grouped per school,
    kind and day, that makes schools × curators × kinds reminder keys, in one letter per curator
    (the concurrency tests need many keys to be caught mid-sweep)."""
    from notifications import services
    from tests.factories import MunicipalityFactory, OrganizationFactory, user_with_role

    municipality = MunicipalityFactory(name="город Норильск", timezone="Asia/Krasnoyarsk")
    today = services.local_today(municipality)
    for _ in range(schools):
        school = OrganizationFactory(municipality=municipality)
        for _ in range(curators):
            user_with_role("curator", organization=school)
        roadmap = roadmap_for(municipality, school)
        for offset in (0, -1, 1)[:kinds]:
            record_due(today + dt.timedelta(days=offset), organization=school, roadmap=roadmap)
    return municipality, today
