"""The regional annual report: the municipalities of the region as rows, built by the same data
layer (queries grouped by municipality), rules and renderers as a municipality's report, ordered from
the region page by the regional user and built in the background like the municipal one."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from accounts.models import Role
from mentorship.models import PairStatus
from monitoring import services
from monitoring.models import AnnualReportBuild, Assignment, BuildStatus
from monitoring.reports.annual import SHEETS, build_report
from monitoring.reports.data import Period, collect_region, collect_rows, municipality_rows, sum_rows
from monitoring.reports.rules import evaluate
from tests.clock import MID_YEAR
from tests.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tests.monitoring import factories as f

pytestmark = pytest.mark.usefixtures("mid_year_clock")  # tests/clock.py: "this year, deadline ahead" on any real day
YEAR = MID_YEAR.year


@pytest.fixture
def region(world):
    """Home municipality (two schools) and a neighbour (one school) in one region, with people,
    pairs, a campaign and a practice; the foreign municipality (another region) has data too."""
    region = world.home.municipality.region
    neighbour = MunicipalityFactory(region=region, name="Таймырский Долгано-Ненецкий район")
    neighbour_school = OrganizationFactory(municipality=neighbour, short_name="Дудинская СШ № 1")
    # home: school — 2 active pairs (one young mentee), other school — 1 active pair without a program
    f.pair(world.home.school, young=True)
    f.pair(world.home.school, young=False)
    f.pair(world.home.other_school, young=True, program=False)
    f.person(world.home.other_school, mentee=True, young=True)  # waiting
    # neighbour: 1 forming pair (young mentee matched, not active), 1 mentor alone, 2 mentees waiting
    f.pair(neighbour_school, young=True, status=PairStatus.FORMING)
    f.person(neighbour_school, mentor=True)
    f.person(neighbour_school, mentee=True, young=True)
    f.person(neighbour_school, mentee=True)
    # the other region: must never count
    f.pair(world.foreign.school)
    f.pair(world.foreign.other_school)
    c = f.campaign(world.home)
    a = Assignment.objects.get(campaign=c, organization=world.home.school)
    services.assignment_submit(user=world.home.curator, assignment=a)
    regional = user_with_role(Role.REGIONAL, region=region, username="region_coord")
    foreign_regional = user_with_role(
        Role.REGIONAL, region=world.foreign.municipality.region, username="region_foreign"
    )
    return world, region, neighbour, neighbour_school, regional, foreign_regional


def test_region_rows_are_the_hand_computed_sums_of_each_municipality(region):
    world, reg, neighbour, _school, _regional, _foreign = region
    data = collect_region(reg, YEAR)
    rows = {r.name: r for r in data.rows}
    assert set(rows) == {world.home.municipality.name, neighbour.name}
    home, nb = rows[world.home.municipality.name], rows[neighbour.name]
    # by hand: home has 3 mentors, 4 mentees (3 in pairs), 3 active pairs, 2 programs, 3 young (2 in pairs)
    assert (home.organizations, home.mentors, home.mentees, home.mentees_matched) == (2, 3, 4, 3)
    assert (home.pairs, home.programs, home.young_total, home.young_covered) == (3, 2, 3, 2)
    # the campaign's deadline is ahead: only the report already in is expected (the other is not late yet)
    assert (home.reports_expected, home.reports_submitted, home.reports_on_time) == (1, 1, 1)
    # neighbour: 2 mentors, 3 mentees (1 matched in a forming pair), no active pair, 1 program
    assert (nb.organizations, nb.mentors, nb.mentees, nb.mentees_matched) == (1, 2, 3, 1)
    assert (nb.pairs, nb.young_total, nb.young_covered, nb.reports_expected) == (0, 2, 1, 0)
    t = data.totals
    assert (t.organizations, t.mentors, t.mentees, t.mentees_matched, t.pairs) == (3, 5, 7, 4, 3)
    assert t.young_share == round(100 * 3 / 5, 1)
    assert data.organization_count == 3 and data.organizations_with_pairs == 2
    # one definition: a municipality's row of the region equals the sum of its organizations' rows
    period = Period(YEAR)
    for municipality in (world.home.municipality, neighbour):
        orgs = list(municipality.organizations.filter(is_active=True).order_by("short_name"))
        by_org = sum_rows(collect_rows(orgs, period, dt.date.today()))
        by_municipality = rows[municipality.name]
        for name in (*by_org.SUMMED, "pairs_by_form", "growth"):
            assert getattr(by_org, name) == getattr(by_municipality, name), name
    # the ranking is the region page's: municipalities by MUNICIPALITY_CRITERIA
    assert [r.name for r in data.ranking][0] == world.home.municipality.name
    assert [r.place for r in data.ranking] == [1, 2]
    # the rules conclude on municipalities: rule 2 counts the neighbour's school without an active pair
    findings = {x.rule.number: x for x in evaluate(data)}
    assert f"{neighbour.name} — 1 из 1" in findings[2].conclusion and "из 3 (33,3" in findings[2].conclusion
    assert findings[2].organizations == [neighbour.name]
    # rule 3: mentees without a mentor, by municipality (home 1 of 4, neighbour 2 of 3)
    assert set(findings[3].organizations) == {world.home.municipality.name, neighbour.name}
    assert "Муниципальным координаторам" in findings[3].recommendation


def test_region_queries_do_not_grow_with_municipalities(region):
    """Grouped by municipality: the same number of queries for 2 municipalities and for 5."""
    _world, reg, *_rest = region

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            collect_region(reg, YEAR)
        return len(ctx.captured_queries)

    small = count()
    for n in range(3):
        municipality = MunicipalityFactory(region=reg, name=f"Муниципалитет {n}")
        for k in range(2):
            f.pair(OrganizationFactory(municipality=municipality, short_name=f"СШ {n}-{k}"))
    assert count() == small


def test_municipality_rows_keep_the_order_and_the_empty_municipalities(region):
    world, reg, neighbour, *_rest = region
    empty = MunicipalityFactory(region=reg, name="Эвенкийский муниципальный район")
    rows = municipality_rows([world.home.municipality, neighbour, empty], Period(YEAR), dt.date.today())
    assert [r.name for r in rows] == [world.home.municipality.name, neighbour.name, empty.name]
    assert rows[2].organizations == 0 and rows[2].mentors == 0 and rows[2].young_share is None


def test_region_report_files_have_the_sections_of_the_municipal_one(region):
    world, reg, neighbour, *_rest = region
    files = build_report(region=reg, year=YEAR)
    wb = load_workbook(io.BytesIO(files.xlsx))
    assert wb.sheetnames == [name for name in SHEETS if name in wb.sheetnames]
    assert {"Сводка", "По муниципалитетам", "Мониторинг", "Эффективность", "Выводы", "Правила"} <= set(wb.sheetnames)
    assert "По организациям" not in wb.sheetnames
    summary = {row[0]: row[1] for row in wb["Сводка"].iter_rows(min_row=5, values_only=True) if row[0]}
    assert summary["Муниципалитетов"] == 2 and summary["Образовательных организаций"] == 3
    assert summary["Наставников"] == 5 and summary["Действующих пар и групп"] == 3
    by_unit = [row for row in wb["По муниципалитетам"].iter_rows(min_row=2, values_only=True)]
    assert {r[0]: r[1] for r in by_unit} == {world.home.municipality.name: 2, neighbour.name: 1, "Итого": 3}
    assert by_unit[-1][0] == "Итого"
    ranking = [row[1] for row in wb["Эффективность"].iter_rows(min_row=2, values_only=True)]
    assert ranking == [world.home.municipality.name, neighbour.name]
    names = " ".join(str(c.value) for row in wb.worksheets for r in row.iter_rows() for c in r if c.value)
    assert world.foreign.municipality.name not in names and world.foreign.school.short_name not in names

    doc = Document(io.BytesIO(files.docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["1. Нормативная основа", "2. Сеть образовательных организаций", "3. Участники и охват"]
    assert any(h.endswith("Выводы") for h in headings) and any(h.endswith("Рекомендации") for h in headings)
    assert "муниципальными дорожными картами" in text
    assert "Органам управления образованием муниципалитетов" in text or "Муниципальным координаторам" in text
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert {"Муниципалитет", world.home.municipality.name, neighbour.name} <= cells
    assert files.preview["figures"][0] == ["Муниципалитетов", "2"]


def test_regional_user_orders_the_report_and_downloads_it(region, client_for, django_capture_on_commit_callbacks):
    world, reg, _neighbour, _school, regional, foreign_regional = region
    client = client_for(regional)
    url = reverse("monitoring:region_report_request", args=[reg.pk])
    assert client.get(url).status_code == 405  # POST only
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"year": YEAR, "period": "calendar"})
    build = AnnualReportBuild.objects.get(region=reg)
    assert response.status_code == 302 and response.url == reverse("monitoring:build_detail", args=[build.pk])
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE and build.municipality_id is None and build.author == regional
    page = client.get(reverse("monitoring:build_detail", args=[build.pk]))
    assert page.status_code == 200 and reg.name in page.content.decode()
    for fmt in ("xlsx", "docx"):
        download = client.get(reverse("monitoring:build_download", args=[build.pk, fmt]))
        assert download.status_code == 200
    progress = client.get(reverse("monitoring:build_progress", args=[build.pk])).json()
    assert progress["status"] == BuildStatus.DONE and progress["downloads"]
    detail = client.get(reverse("monitoring:region_detail", args=[reg.pk]))
    assert reverse("monitoring:build_download", args=[build.pk, "docx"]) in detail.content.decode()
    # read-only insiders (the region's municipal roles) and outsiders (another region) see nothing of it
    for user in (world.home.coordinator, world.home.methodologist, world.home.curator, foreign_regional):
        other = client_for(user)
        assert other.post(url, {"year": YEAR}).status_code == 404
        assert other.get(reverse("monitoring:build_detail", args=[build.pk])).status_code == 404
        assert other.get(reverse("monitoring:build_download", args=[build.pk, "xlsx"])).status_code == 404
        assert other.get(reverse("monitoring:build_progress", args=[build.pk])).status_code == 404
    assert AnnualReportBuild.objects.filter(region=reg).count() == 1


def test_a_second_request_while_the_regional_report_waits_returns_the_same_build(region):
    _world, reg, _neighbour, _school, regional, foreign_regional = region
    first = services.build_request(user=regional, region=reg, year=YEAR)
    second = services.build_request(user=regional, region=reg, year=YEAR)
    assert first.pk == second.pk and first.status == BuildStatus.QUEUED
    academic = services.build_request(user=regional, region=reg, year=YEAR, academic=True)
    assert academic.pk != first.pk
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.build_request(user=foreign_regional, region=reg, year=YEAR)
    with pytest.raises(PermissionDenied):
        services.build_retry(user=foreign_regional, build=first)


def test_regional_user_sees_and_downloads_every_municipal_report_of_the_region(
    region, client_for, django_capture_on_commit_callbacks
):
    world, reg, _neighbour, _school, regional, foreign_regional = region
    with django_capture_on_commit_callbacks(execute=True):
        home_build = services.build_request(
            user=world.home.methodologist, municipality=world.home.municipality, year=YEAR
        )
        foreign_build = services.build_request(
            user=world.foreign.methodologist, municipality=world.foreign.municipality, year=YEAR
        )
    client = client_for(regional)
    page = client.get(reverse("monitoring:region_detail", args=[reg.pk]) + f"?year={YEAR}")
    text = page.content.decode()
    assert reverse("monitoring:build_download", args=[home_build.pk, "xlsx"]) in text
    assert world.home.methodologist.get_full_name() in text
    assert client.get(reverse("monitoring:build_download", args=[home_build.pk, "docx"])).status_code == 200
    # the regional user reads, never rebuilds, a municipality's report
    assert client.post(reverse("monitoring:build_retry", args=[home_build.pk])).status_code in (403, 302)
    # another region's municipal report stays out of reach
    assert client.get(reverse("monitoring:build_detail", args=[foreign_build.pk])).status_code == 404
    assert client_for(foreign_regional).get(reverse("monitoring:build_detail", args=[home_build.pk])).status_code == 404


def test_region_page_with_reports_does_not_grow_in_queries(region, client_for):
    _world, reg, _neighbour, _school, regional, _foreign = region
    url = reverse("monitoring:region_detail", args=[reg.pk])

    def count() -> int:
        fresh = type(regional).objects.get(pk=regional.pk)
        client = client_for(fresh)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    services.build_request(user=regional, region=reg, year=YEAR)
    services.build_request(user=_world.home.methodologist, municipality=_world.home.municipality, year=YEAR)
    small = count()
    for n in range(3):
        municipality = MunicipalityFactory(region=reg, name=f"Муниципалитет {n}")
        OrganizationFactory(municipality=municipality, short_name=f"СШ {n}")
        methodologist = user_with_role(Role.METHODOLOGIST, municipality=municipality, username=f"metod_{n}")
        services.build_request(user=methodologist, municipality=municipality, year=YEAR)
        services.build_request(user=regional, region=reg, year=YEAR - 1 - n)
    assert count() == small
    assert small <= 15
