"""Lists and dashboards run a constant number of queries whatever the number of pairs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.models import PairStatus
from tests.mentorship.factories import MenteeFactory, MentorFactory, make_meeting, make_pair, make_program

pytestmark = pytest.mark.django_db

URLS = ["dashboard", "pair_list", "person_list", "mentor_list", "mentee_list", "waiting_list", "program_bank"]


def _grow(world, n):
    for i in range(n):
        school = world.home.school if i % 2 else world.home.other_school
        pair = make_pair(
            school,
            status=PairStatus.ACTIVE if i % 3 else PairStatus.FORMING,
            mentors=[MentorFactory(organization=school)],
            mentees=[MenteeFactory(organization=school), MenteeFactory(organization=school)],
        )
        make_program(pair, is_published=True)
        make_meeting(pair)
        MenteeFactory(organization=school)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", URLS)
def test_constant_queries_at_1_and_10_pairs(world, client_for, django_assert_num_queries, name):
    client = client_for(world.home.coordinator)
    url = reverse(f"mentorship:{name}")
    _grow(world, 1)
    client.get(url)  # warm caches (content types, session)
    baseline = _count(client, url)
    _grow(world, 9)
    with django_assert_num_queries(baseline):
        client.get(url)


def test_pair_list_counts_and_pages_without_reading_meetings(world, client_for):
    """The list's count and its page of ids read the pairs alone; only the page's 25 rows join
    their meetings (for the «Встречи» column), and the figures shown are still right."""
    client = client_for(world.home.coordinator)
    school = world.home.school
    pair = make_pair(school, status=PairStatus.ACTIVE, mentors=[MentorFactory(organization=school)])
    make_meeting(pair)
    make_meeting(pair)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("mentorship:pair_list"))
    assert response.status_code == 200
    joined = [q["sql"] for q in ctx.captured_queries if "mentorship_meeting" in q["sql"]]
    assert len(joined) == 1 and '"mentorship_pair"."id" IN (' in joined[0]
    row = next(p for p in response.context["page"].object_list if p.pk == pair.pk)
    assert row.meeting_count == 2
