"""A school's own page: contacts, roadmap execution with overdue activities, people and pairs,
reports per campaign, website check and trend; every organization name elsewhere links to it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.services import criteria_ensure_defaults
from roadmaps.models import ExecutionStatus
from tests.monitoring import factories as mon
from tests.roadmaps.factories import ActivityFactory, DueDateFactory, ExecutionRecordFactory, SchoolRoadmapFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mid_year_clock")]  # tests/clock.py


def _record(school, *, due: dt.date, status=ExecutionStatus.NOT_STARTED, completed=None, title="Мероприятие"):
    roadmap = SchoolRoadmapFactory(organization=school)
    activity = ActivityFactory(roadmap=roadmap, title=title)
    return ExecutionRecordFactory(
        due=DueDateFactory(activity=activity, date=due), organization=school, status=status, completed_on=completed
    )


def _page(client, school):
    return client.get(reverse("organization_detail", args=[school.pk]))


def test_school_page_shows_contacts_execution_people_reports_and_trend(client_for, world):
    school = world.home.school
    today = school.municipality.today()  # the page's years and deadlines are the school's own
    world.home.curator.phone = "+7 913 000-00-01"
    world.home.curator.email = "curator@school.example"
    world.home.curator.save()
    _record(school, due=today - dt.timedelta(days=20), title="Сдать приказ о наставничестве")
    _record(school, due=today - dt.timedelta(days=10), status=ExecutionStatus.DONE, completed=today)
    _record(school, due=today - dt.timedelta(days=10), status=ExecutionStatus.DONE, completed=today - dt.timedelta(11))
    _record(school, due=today + dt.timedelta(days=30))
    mon.pair(school, young=True)
    mon.person(school, mentee=True, young=True)  # a young specialist still waiting
    campaign = mon.campaign(world.home)

    response = _page(client_for(world.home.coordinator), school)
    assert response.status_code == 200
    text = response.content.decode()
    assert "+7 913 000-00-01" in text and "curator@school.example" in text
    execution = response.context["sections"][0].context["execution"]
    assert (execution.on_time, execution.late, execution.overdue, execution.upcoming) == (1, 1, 1, 1)
    assert "Сдать приказ о наставничестве" in text
    stats = response.context["sections"][1].context["stats"]
    assert (stats.mentors, stats.mentees, stats.young, stats.young_covered, stats.active_pairs) == (1, 2, 2, 1, 1)
    monitoring = response.context["sections"][2].context["monitoring"]
    assert [a.campaign_id for a in monitoring.reports] == [campaign.pk]
    assert campaign.title in text and "Не сдан" in text
    assert [row["year"] for row in monitoring.trend] == [today.year - 2, today.year - 1, today.year]
    assert monitoring.trend[-1]["due"] >= 2


def test_school_page_is_scoped(client_for, world):
    assert _page(client_for(world.home.methodologist), world.home.other_school).status_code == 200
    assert _page(client_for(world.home.head), world.home.school).status_code == 200
    assert _page(client_for(world.home.curator), world.home.other_school).status_code == 404
    assert _page(client_for(world.home.coordinator), world.foreign.school).status_code == 404


def test_school_page_queries_do_not_grow_with_data(client_for, world):
    client = client_for(world.home.coordinator)
    school = world.home.school
    _record(school, due=dt.date.today() - dt.timedelta(days=3))
    mon.pair(school)
    mon.campaign(world.home)
    _page(client, school)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert _page(client, school).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for n in range(5):
        _record(school, due=dt.date.today() - dt.timedelta(days=n + 1))
        mon.pair(school)
    mon.campaign(world.home)
    assert count() == small


def test_organization_names_link_to_the_school_page(client_for, world):
    mon.pair(world.home.school)
    criteria_ensure_defaults(municipality=world.home.municipality)
    url = reverse("organization_detail", args=[world.home.school.pk])
    coordinator = client_for(world.home.coordinator)
    for page in ("mentorship:pair_list", "mentorship:dashboard", "monitoring:dashboard", "monitoring:ranking"):
        assert f'href="{url}"' in coordinator.get(reverse(page)).content.decode(), page


def test_overdue_activities_read_on_a_phone(client_for, world):
    """The overdue activities are a list (no sideways table at 390 px): the first five open, the
    rest folded under «Ещё N мероприятий»."""
    school = world.home.school
    today = dt.date.today()
    for n in range(8):
        _record(school, due=today - dt.timedelta(days=30 + n), title=f"Просроченное мероприятие {n}")
    text = _page(client_for(world.home.coordinator), school).content.decode()
    opened = text.split('data-testid="overdue-records"')[1].split("</ul>")[0]
    assert opened.count('data-testid="overdue-record"') == 5
    more = text.split('data-testid="overdue-more"')[1].split("</details>")[0]
    assert "Ещё 3 мероприятия" in more and more.count('data-testid="overdue-record"') == 3
    assert "<table" not in text.split('id="org-roadmap"')[1].split("</section>")[0]
