"""«Ожидают пару» of a region-wide user: municipalities as rows (stored aggregates), drill-down by municipality."""

from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from mentorship.models import PairStatus
from tests.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tests.mentorship.factories import MenteeFactory, make_pair


def _region(world):
    region = world.home.municipality.region
    neighbour = MunicipalityFactory(region=region, name="Таймырский район")
    neighbour_school = OrganizationFactory(municipality=neighbour, short_name="Дудинская СШ № 1")
    regional = user_with_role(Role.REGIONAL, region=region, username="region_waiting")
    return neighbour, neighbour_school, regional


def test_regional_user_sees_own_municipalities_with_stored_counts(world, client_for):
    neighbour, neighbour_school, regional = _region(world)
    MenteeFactory(organization=world.home.school)
    MenteeFactory(organization=world.home.other_school)
    MenteeFactory(organization=neighbour_school)
    matched = MenteeFactory(organization=neighbour_school)
    make_pair(neighbour_school, mentees=[matched], status=PairStatus.ACTIVE)
    MenteeFactory(organization=world.foreign.school)
    call_command("rebuild_stats", verbosity=0)

    page = client_for(regional).get(reverse("mentorship:waiting_list"))
    assert page.status_code == 200
    counts = {r.municipality.pk: r.waiting for r in page.context["rows"]}
    assert counts == {world.home.municipality.pk: 2, neighbour.pk: 1}  # never the other region's
    assert page.context["total"] == 3
    text = page.content.decode()
    assert "Показатели рассчитаны" in text
    assert f"?municipality={neighbour.pk}" in text
    assert world.foreign.municipality.name not in text


def test_without_stored_rows_the_counts_are_live_and_say_so(world, client_for):
    _neighbour, _school, regional = _region(world)
    MenteeFactory(organization=world.home.school)
    page = client_for(regional).get(reverse("mentorship:waiting_list"))
    counts = {r.municipality.pk: r.waiting for r in page.context["rows"]}
    assert counts[world.home.municipality.pk] == 1
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


def test_municipal_users_page_is_the_list_as_before(world, client_for):
    mentee = MenteeFactory(organization=world.home.school)
    page = client_for(world.home.coordinator).get(reverse("mentorship:waiting_list"))
    assert [m.pk for m in page.context["mentees"]] == [mentee.pk]
    assert "Все муниципалитеты" not in page.content.decode()


def test_regional_rows_take_the_same_queries_whatever_the_region(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    neighbour, neighbour_school, regional = _region(world)
    call_command("rebuild_stats", verbosity=0)
    client = client_for(regional)
    url = reverse("mentorship:waiting_list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(3):
        school = OrganizationFactory(municipality=MunicipalityFactory(region=neighbour.region, name=f"Район {n}"))
        MenteeFactory(organization=school)
    MenteeFactory(organization=neighbour_school)
    call_command("rebuild_stats", verbosity=0)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert len(page.context["rows"]) == 5
    assert len(large) == len(small)
