"""Regional campaigns: the region asks every municipality of the region for its annual report; the
municipality's monitoring runners hand in a finished report, the region accepts or returns it, and
both sides are told as in the school-report workflow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from monitoring import services
from monitoring.models import AnnualReportBuild, AssignmentStatus, BuildStatus, RegionalCampaign, RegionalRequest
from notifications.models import ReminderLog
from tests.factories import MunicipalityFactory, OrganizationFactory, user_with_role

YEAR = dt.date.today().year


def _done_build(municipality, user, year=YEAR) -> AnnualReportBuild:
    """A finished report of the municipality (files are not needed to hand it in)."""
    return AnnualReportBuild.objects.create(
        municipality=municipality,
        year=year,
        author=user,
        status=BuildStatus.DONE,
        parameters={"year": year, "academic": False},
    )


@pytest.fixture
def setup(world):
    region = world.home.municipality.region
    neighbour = MunicipalityFactory(region=region, name="Таймырский район")
    OrganizationFactory(municipality=neighbour, short_name="Дудинская СШ № 1")
    regional = user_with_role(Role.REGIONAL, region=region, username="region_coord")
    foreign_regional = user_with_role(Role.REGIONAL, region=world.foreign.municipality.region, username="region_x")
    return world, region, neighbour, regional, foreign_regional


def _campaign(region, regional) -> RegionalCampaign:
    return services.regional_campaign_create(
        user=regional,
        region=region,
        title="Годовой отчёт муниципалитета",
        year=YEAR,
        deadline=dt.date.today() + dt.timedelta(days=10),
    )


def test_a_campaign_asks_every_municipality_of_the_region_and_only_it(setup):
    world, region, neighbour, regional, foreign_regional = setup
    campaign = _campaign(region, regional)
    asked = set(campaign.requests.values_list("municipality_id", flat=True))
    assert asked == {world.home.municipality.pk, neighbour.pk}
    assert RegionalCampaign.objects.get(pk=campaign.pk).status == "open"
    later = MunicipalityFactory(region=region, name="Эвенкийский район")
    assert services.regional_campaign_open(user=regional, campaign=campaign) == 1  # idempotent, picks up new ones
    assert campaign.requests.filter(municipality=later).exists()
    with pytest.raises(PermissionDenied):
        _campaign(region, foreign_regional)
    with pytest.raises(PermissionDenied):
        _campaign(region, world.home.coordinator)


def test_submit_return_resubmit_accept_with_notifications(setup, django_capture_on_commit_callbacks):
    world, region, _neighbour, regional, _foreign = setup
    campaign = _campaign(region, regional)
    request = RegionalRequest.objects.get(campaign=campaign, municipality=world.home.municipality)
    build = _done_build(world.home.municipality, world.home.methodologist)
    # a curator (school role) cannot hand in the municipality's report; another municipality's build is refused
    with pytest.raises(PermissionDenied):
        services.regional_request_submit(user=world.home.curator, request=request, build=build)
    foreign_build = _done_build(world.foreign.municipality, world.foreign.methodologist)
    with pytest.raises(ValidationError):
        services.regional_request_submit(user=world.home.methodologist, request=request, build=foreign_build)
    old = _done_build(world.home.municipality, world.home.methodologist, year=YEAR - 1)
    with pytest.raises(ValidationError):
        services.regional_request_submit(user=world.home.methodologist, request=request, build=old)

    services.regional_request_submit(user=world.home.methodologist, request=request, build=build)
    assert request.status == AssignmentStatus.SUBMITTED and request.build == build and request.on_time
    assert ReminderLog.objects.filter(kind="report_submitted", recipient=regional).count() == 1
    with pytest.raises(ValidationError):  # a double click submits once
        services.regional_request_submit(user=world.home.methodologist, request=request, build=build)
    with pytest.raises(PermissionDenied):  # the municipality does not review its own report
        services.regional_request_return(user=world.home.coordinator, request=request, comment="нет")
    with pytest.raises(ValidationError):
        services.regional_request_return(user=regional, request=request, comment="  ")
    services.regional_request_return(user=regional, request=request, comment="Нет раздела о практиках.")
    assert request.status == AssignmentStatus.RETURNED
    told = set(ReminderLog.objects.filter(kind="report_returned").values_list("recipient_id", flat=True))
    assert told == {world.home.coordinator.pk, world.home.methodologist.pk}
    services.regional_request_submit(user=world.home.coordinator, request=request, build=build)
    first = request.first_submitted_at
    services.regional_request_accept(user=regional, request=request)
    request.refresh_from_db()
    assert request.status == AssignmentStatus.ACCEPTED and request.first_submitted_at == first
    assert ReminderLog.objects.filter(kind="report_accepted", recipient=world.home.methodologist).exists()
    assert request.history.count() >= 5


def test_pages_insider_read_only_and_outsider(setup, client_for):
    world, region, neighbour, regional, foreign_regional = setup
    client = client_for(regional)
    page = client.get(reverse("monitoring:region_campaigns", args=[region.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("monitoring:region_campaigns", args=[region.pk]),
        {"title": "Отчёт за год", "year": YEAR, "period": "calendar", "deadline": "25.12.2099"},
    )
    campaign = RegionalCampaign.objects.get(title="Отчёт за год")
    assert response.status_code == 302 and campaign.deadline == dt.date(2099, 12, 25)
    bad = client.post(
        reverse("monitoring:region_campaigns", args=[region.pk]),
        {"title": "Плохой", "year": YEAR, "period": "calendar", "deadline": "2099-31-12"},
    )
    assert bad.status_code == 200 and "Срок сдачи" in bad.content.decode()
    detail = client.get(reverse("monitoring:region_campaign_detail", args=[campaign.pk]))
    text = detail.content.decode()
    assert detail.status_code == 200 and world.home.municipality.name in text and neighbour.name in text
    home_request = RegionalRequest.objects.get(campaign=campaign, municipality=world.home.municipality)
    build = _done_build(world.home.municipality, world.home.methodologist)

    # the municipality's runners see the request on the annual report page and hand the report in
    methodologist = client_for(world.home.methodologist)
    assert "Отчёт за год" in methodologist.get(reverse("monitoring:report_list")).content.decode()
    assert methodologist.get(reverse("monitoring:region_request_detail", args=[home_request.pk])).status_code == 200
    submit = methodologist.post(
        reverse("monitoring:region_request_submit", args=[home_request.pk]), {"build": build.pk}
    )
    assert submit.status_code == 302
    home_request.refresh_from_db()
    assert home_request.status == AssignmentStatus.SUBMITTED
    # read-only insiders: the region's curator and head see nothing; a municipal runner cannot review
    for user in (world.home.curator, world.home.head):
        other = client_for(user)
        assert other.get(reverse("monitoring:region_request_detail", args=[home_request.pk])).status_code == 404
        assert other.get(reverse("monitoring:region_campaign_detail", args=[campaign.pk])).status_code == 404
    coordinator = client_for(world.home.coordinator)
    assert coordinator.get(reverse("monitoring:region_campaigns", args=[region.pk])).status_code == 404
    assert coordinator.get(reverse("monitoring:region_campaign_detail", args=[campaign.pk])).status_code == 404
    coordinator.post(reverse("monitoring:region_request_accept", args=[home_request.pk]))
    home_request.refresh_from_db()
    assert home_request.status == AssignmentStatus.SUBMITTED
    neighbour_request = RegionalRequest.objects.get(campaign=campaign, municipality=neighbour)
    assert coordinator.get(reverse("monitoring:region_request_detail", args=[neighbour_request.pk])).status_code == 404
    # outsiders: another region's user and the other municipality's runners
    for user in (foreign_regional, world.foreign.coordinator, world.foreign.methodologist):
        other = client_for(user)
        assert other.get(reverse("monitoring:region_campaign_detail", args=[campaign.pk])).status_code == 404
        assert other.get(reverse("monitoring:region_request_detail", args=[home_request.pk])).status_code == 404
        assert other.post(reverse("monitoring:region_request_accept", args=[home_request.pk])).status_code == 404
        assert other.post(reverse("monitoring:region_campaign_close", args=[campaign.pk])).status_code == 404
    # the region reviews: return needs a reason, then accept after resubmission
    client = client_for(regional)
    review = client.get(reverse("monitoring:region_request_detail", args=[home_request.pk]))
    assert review.status_code == 200 and "request-accept" in review.content.decode()
    assert client.post(reverse("monitoring:region_request_return", args=[home_request.pk]), {}).status_code == 400
    client.post(reverse("monitoring:region_request_return", args=[home_request.pk]), {"comment": "Уточните выводы."})
    home_request.refresh_from_db()
    assert home_request.status == AssignmentStatus.RETURNED
    client_for(world.home.methodologist).post(
        reverse("monitoring:region_request_submit", args=[home_request.pk]), {"build": build.pk}
    )
    client = client_for(regional)
    client.post(reverse("monitoring:region_request_accept", args=[home_request.pk]))
    home_request.refresh_from_db()
    assert home_request.status == AssignmentStatus.ACCEPTED
    assert client.post(reverse("monitoring:region_campaign_close", args=[campaign.pk])).status_code == 302
    assert RegionalCampaign.objects.get(pk=campaign.pk).status == "closed"


def test_campaign_pages_do_not_grow_in_queries(setup, client_for):
    world, region, _neighbour, regional, _foreign = setup
    campaign = _campaign(region, regional)

    def count(url) -> int:
        fresh = type(regional).objects.get(pk=regional.pk)
        client = client_for(fresh)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    detail = reverse("monitoring:region_campaign_detail", args=[campaign.pk])
    listing = reverse("monitoring:region_campaigns", args=[region.pk])
    request = RegionalRequest.objects.get(campaign=campaign, municipality=world.home.municipality)
    services.regional_request_submit(
        user=world.home.methodologist, request=request, build=_done_build(world.home.municipality, regional)
    )
    small = count(detail), count(listing)
    for n in range(4):
        municipality = MunicipalityFactory(region=region, name=f"Муниципалитет {n}")
        methodologist = user_with_role(Role.METHODOLOGIST, municipality=municipality, username=f"m{n}")
        services.regional_campaign_open(user=regional, campaign=campaign)
        item = RegionalRequest.objects.get(campaign=campaign, municipality=municipality)
        services.regional_request_submit(
            user=methodologist, request=item, build=_done_build(municipality, methodologist)
        )
        _campaign(region, regional)
    assert (count(detail), count(listing)) == small
    assert max(small) <= 15


def test_region_drill_down_links_a_school_to_its_page(setup, client_for):
    world, _region, neighbour, regional, _foreign = setup
    client = client_for(regional)
    page = client.get(reverse("monitoring:region_municipality", args=[world.home.municipality.pk]))
    school = reverse("organization_detail", args=[world.home.school.pk])
    assert school in page.content.decode()
    assert client.get(school).status_code == 200
    foreign = reverse("organization_detail", args=[world.foreign.school.pk])
    assert client.get(foreign).status_code == 404
