"""A region-wide user's people and pair lists («Участники», the two banks, «Ожидают пару», «Пары и
группы»): before any filter, the region's municipalities as rows with counts from the stored
per-organization figures; a filter (a municipality, a search) lists people or pairs as before,
never another region's."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from mentorship import selectors
from mentorship.models import PairStatus
from tests.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tests.mentorship.factories import MenteeFactory, MentorFactory, make_pair

# url name, the columns its rows show (attributes of selectors.MunicipalityPeople)
LISTS = [
    ("mentorship:person_list", ("mentors", "mentees", "waiting")),
    ("mentorship:mentor_list", ("mentors",)),
    ("mentorship:mentee_list", ("mentees", "mentees_matched", "waiting")),
    ("mentorship:waiting_list", ("waiting",)),
    ("mentorship:pair_list", ("pairs", "mentees_matched")),
]


def _region(world):
    region = world.home.municipality.region
    neighbour = MunicipalityFactory(region=region, name="Таймырский район")
    neighbour_school = OrganizationFactory(municipality=neighbour, short_name="Дудинская СШ № 1")
    regional = user_with_role(Role.REGIONAL, region=region, username="region_lists")
    return neighbour, neighbour_school, regional


def _people(world, neighbour_school):
    """Home: 2 mentees waiting, 1 mentor. Neighbour: 1 waiting, an active pair (1 mentor, 1 mentee),
    1 bank mentor. The other region: one of each, never counted."""
    MenteeFactory(organization=world.home.school)
    MenteeFactory(organization=world.home.other_school)
    MentorFactory(organization=world.home.school, last_name="Норильцев")
    MenteeFactory(organization=neighbour_school)
    make_pair(neighbour_school, mentees=[MenteeFactory(organization=neighbour_school)], status=PairStatus.ACTIVE)
    MentorFactory(organization=neighbour_school, last_name="Дудинцев", in_municipal_bank=True)
    MentorFactory(organization=world.foreign.school, last_name="Вартовский")
    MenteeFactory(organization=world.foreign.school)


EXPECTED = {  # by the home / neighbour municipality
    "mentors": (1, 2),
    "mentees": (2, 2),
    "mentees_matched": (0, 1),
    "waiting": (2, 1),
    "pairs": (0, 1),
}


@pytest.mark.parametrize(("name", "columns"), LISTS)
def test_regional_user_sees_own_municipalities_with_stored_counts(world, client_for, name, columns):
    neighbour, neighbour_school, regional = _region(world)
    _people(world, neighbour_school)
    call_command("rebuild_stats", verbosity=0)

    page = client_for(regional).get(reverse(name))
    assert page.status_code == 200
    rows = {m.pk: cells for m, cells in page.context["table"]}
    assert set(rows) == {world.home.municipality.pk, neighbour.pk}  # never the other region's
    for i, column in enumerate(columns):
        home, there = EXPECTED[column]
        assert (rows[world.home.municipality.pk][i], rows[neighbour.pk][i]) == (home, there), column
        assert page.context["totals"][i] == home + there
    text = page.content.decode()
    assert "Показатели рассчитаны" in text
    assert f"?municipality={neighbour.pk}" in text
    assert world.foreign.municipality.name not in text
    assert "Вартовский" not in text and "Норильцев" not in text  # rows, not people


def test_stored_counts_are_the_live_counts(world):
    """The rows from the stored figures and the rows grouped live (before the first rebuild) agree."""
    _neighbour, neighbour_school, regional = _region(world)
    _people(world, neighbour_school)
    make_pair(world.home.school, status=PairStatus.FORMING)  # a forming pair: its mentee is matched
    closed = OrganizationFactory(municipality=world.home.municipality, is_active=False)
    MentorFactory(organization=closed)  # a closed organization's people are not counted
    live, live_freshness = selectors.people_by_municipality(regional)
    call_command("rebuild_stats", verbosity=0)
    stored, stored_freshness = selectors.people_by_municipality(regional)
    assert live_freshness is None and stored_freshness is not None
    assert live == stored
    assert {r.municipality.pk: r.mentees_matched for r in stored}[world.home.municipality.pk] == 1


def test_without_stored_rows_the_counts_are_live_and_say_so(world, client_for):
    _neighbour, _school, regional = _region(world)
    MenteeFactory(organization=world.home.school)
    page = client_for(regional).get(reverse("mentorship:waiting_list"))
    rows = {m.pk: cells for m, cells in page.context["table"]}
    assert rows[world.home.municipality.pk] == [1]
    assert "по данным на момент открытия страницы" in page.content.decode()


def test_drill_down_lists_one_municipality_and_nothing_of_another_region(world, client_for):
    neighbour, neighbour_school, regional = _region(world)
    here = MenteeFactory(organization=neighbour_school, last_name="Дудинцева")
    there = MenteeFactory(organization=world.home.school, last_name="Норильцева")
    foreign = MenteeFactory(organization=world.foreign.school, last_name="Вартовская")
    client = client_for(regional)
    page = client.get(reverse("mentorship:waiting_list"), {"municipality": neighbour.pk})
    assert page.status_code == 200
    assert [m.pk for m in page.context["mentees"]] == [here.pk]
    assert neighbour.name in page.content.decode()
    other = client.get(reverse("mentorship:waiting_list"), {"municipality": world.foreign.municipality.pk})
    assert other.status_code == 200 and other.context["mentees"] == []
    assert there.last_name not in other.content.decode() and foreign.last_name not in other.content.decode()
    bad = client.get(reverse("mentorship:waiting_list"), {"municipality": "x"})
    assert bad.status_code == 200 and bad.context["mentees"] == []

    listed = client.get(reverse("mentorship:mentee_list"), {"municipality": neighbour.pk})
    assert [p.pk for p in listed.context["page"].object_list] == [here.pk]


def test_a_search_lists_the_whole_region_and_never_another(world, client_for):
    _neighbour, neighbour_school, regional = _region(world)
    _people(world, neighbour_school)
    page = client_for(regional).get(reverse("mentorship:mentor_list"), {"q": "в"})
    names = {p.last_name for p in page.context["page"].object_list}
    assert {"Норильцев", "Дудинцев"} <= names
    assert "Вартовский" not in names


def test_organization_choice_follows_the_municipality(world, client_for):
    """A regional user is offered the organizations of the chosen municipality only; before one is
    chosen the organization select is off. A link naming an organization still filters by it."""
    neighbour, neighbour_school, regional = _region(world)
    mentor = MentorFactory(organization=neighbour_school)
    MentorFactory(organization=world.home.school)
    client = client_for(regional)
    url = reverse("mentorship:mentor_list")

    def offered(page):
        return set(page.context["filter"].form.fields["organization"].queryset.values_list("pk", flat=True))

    first = client.get(url, {"q": "а"})
    assert offered(first) == set()
    assert 'title="Сначала выберите муниципалитет"' in first.content.decode()
    municipalities = set(first.context["filter"].form.fields["municipality"].queryset.values_list("pk", flat=True))
    assert municipalities == {world.home.municipality.pk, neighbour.pk}

    chosen = client.get(url, {"municipality": neighbour.pk})
    assert offered(chosen) == {neighbour_school.pk}
    linked = client.get(url, {"organization": neighbour_school.pk})
    assert offered(linked) == {neighbour_school.pk}
    assert [p.pk for p in linked.context["page"].object_list] == [mentor.pk]
    foreign = client.get(url, {"organization": world.foreign.school.pk})
    assert foreign.status_code == 200 and offered(foreign) == set()
    assert list(foreign.context["page"].object_list) == []


def test_municipal_users_pages_are_the_lists_as_before(world, client_for):
    mentee = MenteeFactory(organization=world.home.school)
    client = client_for(world.home.coordinator)
    page = client.get(reverse("mentorship:waiting_list"))
    assert [m.pk for m in page.context["mentees"]] == [mentee.pk]
    people = client.get(reverse("mentorship:person_list"))
    assert "municipality" not in people.context["filter"].form.fields  # one municipality: no choice
    assert [p.pk for p in people.context["page"].object_list] == [mentee.pk]


@pytest.mark.parametrize(("name", "columns"), LISTS)
def test_regional_rows_take_the_same_queries_whatever_the_region(world, client_for, name, columns):
    neighbour, neighbour_school, regional = _region(world)
    call_command("rebuild_stats", verbosity=0)
    client = client_for(regional)
    url = reverse(name)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(3):
        school = OrganizationFactory(municipality=MunicipalityFactory(region=neighbour.region, name=f"Район {n}"))
        MenteeFactory(organization=school)
        MentorFactory(organization=school)
    MenteeFactory(organization=neighbour_school)
    call_command("rebuild_stats", verbosity=0)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert len(page.context["table"]) == 5
    assert len(large) == len(small)
