"""The regional role: scoped to its region, read-only, municipalities as rows with the same figures."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import scoping
from accounts.models import Role, RoleAssignment
from mentorship.models import PairStatus
from monitoring import region_selectors
from monitoring.selectors import organization_figures
from tests.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tests.mentorship.factories import MenteeFactory, make_pair


@pytest.fixture
def region_world(world):
    """A second municipality in the home region, and a regional coordinator of that region."""
    region = world.home.municipality.region
    neighbour = MunicipalityFactory(region=region, name="Таймырский район")
    neighbour_school = OrganizationFactory(municipality=neighbour, short_name="Дудинская СШ № 1")
    regional = user_with_role(Role.REGIONAL, region=region, username="region_coord")
    return world, neighbour, neighbour_school, regional


def test_regional_scope_is_its_region_read_only(region_world):
    world, neighbour, neighbour_school, regional = region_world
    visible = set(scoping.visible_organizations(regional).values_list("pk", flat=True))
    assert {world.home.school.pk, world.home.other_school.pk, neighbour_school.pk} <= visible
    assert world.foreign.school.pk not in visible
    assert not scoping.editable_organizations(regional).exists()
    assert not scoping.can_edit_municipality(regional, world.home.municipality)
    assert not scoping.can_run_monitoring(regional, world.home.municipality)
    assert scoping.can_view_municipality(regional, neighbour)
    assert not scoping.can_view_municipality(regional, world.foreign.municipality)
    assert scoping.can_view_region(regional, world.home.municipality.region_id)
    assert not scoping.can_view_region(regional, world.foreign.municipality.region_id)
    assert not scoping.can_view_region(world.home.coordinator, world.home.municipality.region_id)
    assert list(scoping.visible_regions(regional)) == [world.home.municipality.region]


def test_regional_role_needs_a_region_and_nothing_else(world):
    user = world.home.coordinator
    bad = RoleAssignment(user=user, role=Role.REGIONAL, municipality=world.home.municipality)
    with pytest.raises(ValidationError):
        bad.clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.REGIONAL, municipality=world.home.municipality)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=user,
            role=Role.COORDINATOR,
            municipality=world.home.municipality,
            region=world.home.municipality.region,
        )


def test_region_page_insider_outsider_and_other_region(region_world, client_for):
    world, neighbour, _school, regional = region_world
    region = world.home.municipality.region
    client = client_for(regional)
    assert client.get(reverse("monitoring:region_list")).url == reverse("monitoring:region_detail", args=[region.pk])
    page = client.get(reverse("monitoring:region_detail", args=[region.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert world.home.municipality.name in text and neighbour.name in text
    assert world.foreign.municipality.name not in text
    assert (
        client.get(reverse("monitoring:region_detail", args=[world.foreign.municipality.region_id])).status_code == 404
    )
    drill = client.get(reverse("monitoring:region_municipality", args=[neighbour.pk]))
    assert drill.status_code == 200 and "Дудинская СШ № 1" in drill.content.decode()
    assert (
        client.get(reverse("monitoring:region_municipality", args=[world.foreign.municipality.pk])).status_code == 404
    )
    # municipal roles have no region pages, even of their own region
    for user in (world.home.coordinator, world.home.methodologist, world.home.curator):
        other = client_for(user)
        assert other.get(reverse("monitoring:region_list")).status_code == 403
        assert other.get(reverse("monitoring:region_detail", args=[region.pk])).status_code == 404
        assert other.get(reverse("monitoring:region_municipality", args=[neighbour.pk])).status_code == 404


def test_municipality_rows_are_sums_of_the_organization_figures(region_world):
    world, neighbour, neighbour_school, _regional = region_world
    year = dt.date.today().year
    make_pair(world.home.school, status=PairStatus.ACTIVE)
    make_pair(world.home.other_school, status=PairStatus.ACTIVE)
    make_pair(neighbour_school, status=PairStatus.FORMING)
    MenteeFactory(organization=neighbour_school)  # waiting, unmatched
    rows = {r.municipality.pk: r for r in region_selectors.region_figures(world.home.municipality.region, year)}
    assert set(rows) == {world.home.municipality.pk, neighbour.pk}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for municipality in (world.home.municipality, neighbour):
        org_ids = list(municipality.organizations.values_list("pk", flat=True))
        figures = organization_figures(org_ids, start, end).values()
        row = rows[municipality.pk]
        assert row.totals.mentees == sum(f.mentees for f in figures)
        assert row.totals.mentees_matched == sum(f.mentees_matched for f in figures)
        assert row.totals.pairs == sum(f.pairs for f in figures)
        assert row.organizations == len(org_ids)
    assert rows[world.home.municipality.pk].totals.pairs == 2
    assert rows[neighbour.pk].matched_share == 50  # one of two mentees is in a (forming) pair
    ranked = sorted((r for r in rows.values() if r.rank), key=lambda r: r.rank)
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    assert all(a.score >= b.score for a, b in zip(ranked, ranked[1:], strict=False))
    total = region_selectors.region_totals(list(rows.values()))
    assert total.totals.mentees == sum(r.totals.mentees for r in rows.values())


def test_region_page_queries_do_not_grow_with_municipalities(region_world, client_for):
    world, _neighbour, _school, regional = region_world
    region = world.home.municipality.region
    client = client_for(regional)
    url = reverse("monitoring:region_detail", args=[region.pk])

    def count() -> int:
        from django.db import connection

        regional_fresh = type(regional).objects.get(pk=regional.pk)
        client.force_login(regional_fresh)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    count()  # the process's first request reads what it keeps afterwards (as every other query test warms up)
    small = count()
    for n in range(3):
        municipality = MunicipalityFactory(region=region, name=f"Муниципалитет {n}")
        for k in range(2):
            make_pair(
                OrganizationFactory(municipality=municipality, short_name=f"СШ {n}-{k}"), status=PairStatus.ACTIVE
            )
    assert count() == small
    assert small <= 15


def test_region_export_has_every_organization_of_the_region_only(region_world, client_for):
    import io

    from openpyxl import load_workbook

    world, _neighbour, _school, regional = region_world
    response = client_for(regional).get(reverse("monitoring:region_export", args=[world.home.municipality.region_id]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    names = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"Дудинская СШ № 1", world.home.school.short_name, world.home.other_school.short_name} <= names
    assert world.foreign.school.short_name not in names
    outsider = client_for(world.foreign.coordinator)
    assert (
        outsider.get(reverse("monitoring:region_export", args=[world.home.municipality.region_id])).status_code == 404
    )


def test_coordinators_cannot_grant_the_regional_role(world, client_for):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from accounts.admin import RoleAssignmentInline
    from accounts.models import User

    request = RequestFactory().get("/admin/accounts/user/add/")
    request.user = world.home.coordinator
    inline = RoleAssignmentInline(User, site)
    role_field = inline.formfield_for_choice_field(RoleAssignment._meta.get_field("role"), request)
    offered = {value for value, _label in role_field.choices}
    assert Role.REGIONAL not in offered and Role.ADMIN not in offered and Role.CURATOR in offered
    region_field = inline.formfield_for_foreignkey(RoleAssignment._meta.get_field("region"), request)
    assert not region_field.queryset.exists()
    request.user = world.admin
    assert inline.formfield_for_foreignkey(RoleAssignment._meta.get_field("region"), request).queryset.exists()


def test_user_import_refuses_the_regional_role_with_a_message(world, client_for):
    from accounts.models import User
    from tests.accounts.test_import_export import _import
    from tests.xlsx import xlsx

    headers = ["Логин", "Фамилия", "Имя", "Отчество", "E-mail", "Роль", "Муниципалитет", "Организация"]
    row = ["regio", "Орлова", "Анна", "", "regio@example.ru", "Региональный координатор", "", ""]
    for user in (world.home.coordinator, world.admin):
        response = _import(client_for(user), "user", xlsx(headers, [row]))
        assert response.status_code == 200
        assert "Региональную роль назначает администратор" in response.content.decode()
    assert not User.objects.filter(username="regio").exists()
