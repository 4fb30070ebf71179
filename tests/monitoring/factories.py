"""Factories for monitoring tests; mentorship and roadmap rows are made directly from their models
so these tests do not depend on other apps' test helpers."""

from __future__ import annotations

import datetime as dt
import itertools

from mentorship.models import MenteeCategory, MentoringForm, Pair, PairParticipant, PairStatus, Person, Program
from monitoring import services
from monitoring.models import Campaign, CampaignKind

_seq = itertools.count(1)


def person(organization, *, mentor=False, mentee=False, young=False) -> Person:
    n = next(_seq)
    return Person.objects.create(
        organization=organization,
        last_name=f"Участник{n}",
        first_name="Анна",
        middle_name="Ивановна",
        is_mentor=mentor,
        is_mentee=mentee,
        mentee_category=(MenteeCategory.YOUNG if young else MenteeCategory.NEW) if mentee else "",
    )


def mentoring_form(name: str | None = None) -> MentoringForm:
    qs = MentoringForm.objects.filter(kind=MentoringForm.Kind.FORM)
    if name:
        return qs.get(name=name)
    return qs.order_by("order", "name").first() or MentoringForm.objects.create(name="Учитель – учитель")


def pair(organization, *, young=True, status=PairStatus.ACTIVE, form=None, program=True) -> Pair:
    mentor = person(organization, mentor=True)
    mentee = person(organization, mentee=True, young=young)
    p = Pair.objects.create(
        organization=organization, form=form or mentoring_form(), status=status, started_on=dt.date.today()
    )
    PairParticipant.objects.create(pair=p, person=mentor, role="mentor")
    PairParticipant.objects.create(pair=p, person=mentee, role="mentee")
    if program:
        Program.objects.create(pair=p, title="Программа")
    return p


def campaign(side, *, kind=CampaignKind.ANNUAL, deadline=None, open_=True, organizations=None, year=None) -> Campaign:
    today = dt.date.today()
    year = year or today.year
    # five days ahead, so that whoever answers today answers on time; on 27-31 December that is next
    # year, where the reports count it: the tests of year figures run on tests/clock.py's mid-year
    deadline = deadline or today + dt.timedelta(days=5)
    c = services.campaign_create(
        user=side.methodologist,
        municipality=side.municipality,
        kind=kind,
        title=f"Кампания {next(_seq)}",
        period_start=dt.date(year, 1, 1),
        period_end=max(deadline, dt.date(year, 1, 2)),
        deadline=deadline,
        organizations=organizations or [side.school, side.other_school],
    )
    if open_:
        services.campaign_open(user=side.methodologist, campaign=c)
    return c
