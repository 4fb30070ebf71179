"""The matrix and "my tasks" keep the same number of queries with 3 and 30 organizations."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from roadmaps import services
from roadmaps.models import ExecutionRecord, ExecutionStatus, RoadmapLevel
from tests.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tests.roadmaps.factories import ActivityFactory, DueDateFactory, RoadmapFactory

pytestmark = pytest.mark.django_db


def _municipality_with(count: int):
    municipality = MunicipalityFactory()
    organizations = [OrganizationFactory(municipality=municipality) for _ in range(count)]
    coordinator = user_with_role(Role.COORDINATOR, municipality=municipality)
    curator = user_with_role(Role.CURATOR, organization=organizations[0])
    roadmap = RoadmapFactory(municipality=municipality, level=RoadmapLevel.MUNICIPAL)
    for index in range(4):
        activity = ActivityFactory(roadmap=roadmap, number=f"1.{index + 1}", order=index)
        DueDateFactory(activity=activity, date=dt.date(2026, 3 + index, 15))  # past
        DueDateFactory(activity=activity, date=dt.date(2027, 3 + index, 15))  # future
    services.roadmap_derive_school(roadmap=roadmap, organizations=organizations, user=coordinator)
    # a mix of states so that every branch of the page renders
    for i, record in enumerate(ExecutionRecord.objects.filter(activity__roadmap__parent=roadmap).select_related("due")):
        if i % 3 == 0:
            record.status, record.completed_on, record.document_number = ExecutionStatus.DONE, record.due.date, "1"
        elif i % 3 == 1:
            record.status = ExecutionStatus.IN_PROGRESS
        record.save()
    return roadmap, coordinator, curator


def _count(client, user, url) -> int:
    client.force_login(user)
    # warm-up: a process's first request asks once for what it then keeps (SQLite's JSON support,
    # the reminder kinds' tables), and that is not the page's count
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["matrix", "tasks"])
@pytest.mark.parametrize("who", ["coordinator", "curator"])
def test_same_queries_for_3_and_30_organizations(client, django_assert_num_queries, page, who):
    small, small_coordinator, small_curator = _municipality_with(3)
    large, large_coordinator, large_curator = _municipality_with(30)
    users = {"coordinator": (small_coordinator, large_coordinator), "curator": (small_curator, large_curator)}[who]
    urls = (
        (reverse("roadmaps:matrix", args=[small.pk]), reverse("roadmaps:matrix", args=[large.pk]))
        if page == "matrix"
        else (reverse("roadmaps:tasks"), reverse("roadmaps:tasks"))
    )
    expected = _count(client, users[0], urls[0])
    print(f"{page} as {who}: {expected} queries")  # noqa: T201 — reported with -s
    client.force_login(users[1])
    with django_assert_num_queries(expected):
        response = client.get(urls[1])
    if page == "matrix":
        rows = response.context["matrix"].rows
        assert len(rows) == (30 if who == "coordinator" else 1)
        assert len(response.context["matrix"].activities) == 4
        if who == "coordinator":
            assert {cell.state for row in rows for cell in row.cells} >= {"done", "overdue"}
    else:
        # the page is full: the same queries for 25 rows of many schools as for a few rows
        expected_rows = 25 if who == "coordinator" else len(response.context["page"].object_list)
        assert len(response.context["rows"]) == expected_rows


@pytest.mark.parametrize("view", ["matrix_sorted", "matrix_export"])
def test_sorted_filtered_matrix_and_export_same_queries_for_3_and_30(client, django_assert_num_queries, view):
    small, small_coordinator, _ = _municipality_with(3)
    large, large_coordinator, _ = _municipality_with(30)
    name = "roadmaps:matrix" if view == "matrix_sorted" else "roadmaps:matrix_export"
    query = "?sort=-reporting&state=overdue"
    expected = _count(client, small_coordinator, reverse(name, args=[small.pk]) + query)
    client.force_login(large_coordinator)
    with django_assert_num_queries(expected):
        response = client.get(reverse(name, args=[large.pk]) + query)
    assert response.status_code == 200
    if view == "matrix_sorted":
        rates = [row.rate.reporting for row in response.context["matrix"].rows]
        assert 0 < len(rates) <= 30 and rates == sorted(rates, reverse=True)
