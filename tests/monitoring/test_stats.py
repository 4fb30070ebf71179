"""The region pages' aggregates (monitoring.stats): refreshed after each write, equal to the live
figures of the annual report's code, and what the region page shows for a municipality is what
the municipality's own dashboard shows."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from accounts.events import organizations_changed, seeding
from accounts.models import Role, local_today
from jobs.models import Job
from mentorship import services as mentorship_services
from mentorship.models import MenteeCategory, PairStatus
from monitoring import region_selectors, stats
from monitoring.models import OrganizationStats
from monitoring.reports.data import Period, collect_rows
from roadmaps import services as roadmap_services
from roadmaps.models import ExecutionStatus
from tests.clock import MID_YEAR
from tests.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tests.jobs.conftest import broker_down  # noqa: F401  (the fixture: a broker nobody listens on)
from tests.mentorship.factories import MenteeFactory, MentorFactory, make_meeting, make_pair
from tests.roadmaps.factories import ActivityFactory, DueDateFactory, ExecutionRecordFactory, RoadmapFactory

pytestmark = pytest.mark.usefixtures("mid_year_clock")  # tests/clock.py: "this year, deadline ahead" on any real day
YEAR = MID_YEAR.year


def live(organization, year: int = YEAR) -> dict:
    row = collect_rows([organization], Period(year), local_today(), details=False)[0]
    return {name: getattr(row, name) for name in stats.FIELDS}


def stored(organization, year: int = YEAR) -> dict:
    row = OrganizationStats.objects.get(organization=organization, year=year)
    return {name: getattr(row, name) for name in stats.FIELDS}


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the block as a committed write: its on-commit work (the refresh job) runs, inline."""

    def run(func, *args, **kwargs):
        # the test's transaction never commits: a refresh registered before the block (by the
        # fixtures' writes, which the block's writes join) runs after it, as a commit would run it
        earlier = [e for e in connection.run_on_commit if isinstance(e[1], stats._Flush)]
        with django_capture_on_commit_callbacks(execute=True):
            result = func(*args, **kwargs)
        for entry in earlier:
            connection.run_on_commit.remove(entry)
            with django_capture_on_commit_callbacks(execute=True):
                entry[1]()
        return result

    return run


def test_rows_follow_pairs_meetings_and_roadmap_marks(world, commit):
    school = world.home.school
    user = world.home.coordinator
    young = commit(MenteeFactory, organization=school, mentee_category=MenteeCategory.YOUNG)
    assert stored(school) == live(school) and stored(school)["young_total"] == 1

    pair = commit(
        make_pair,
        school,
        mentors=[MentorFactory(organization=school)],
        mentees=[young],
        order_number="12-п",
        order_date=dt.date(YEAR, 1, 9),
    )
    assert stored(school)["mentees_matched"] == 1 and stored(school)["young_covered"] == 1

    commit(mentorship_services.pair_activate, user=user, pair=pair)
    assert stored(school)["pairs"] == 1 and stored(school) == live(school)

    commit(make_meeting, pair, held_on=dt.date(YEAR, 1, 15))
    commit(make_meeting, pair, held_on=dt.date(YEAR - 1, 12, 31))  # the year before
    assert stored(school)["meetings"] == 1 and stored(school, YEAR - 1)["meetings"] == 1
    assert stored(school) == live(school) and stored(school, YEAR - 1) == live(school, YEAR - 1)

    roadmap = RoadmapFactory(municipality=world.home.municipality)
    due = DueDateFactory(activity=ActivityFactory(section__roadmap=roadmap), date=dt.date(YEAR, 1, 10))
    record = commit(ExecutionRecordFactory, due=due, organization=school)
    assert stored(school)["roadmap_due"] == 1 and stored(school)["roadmap_overdue"] == 1
    commit(
        roadmap_services.record_update,
        record=record,
        user=user,
        status=ExecutionStatus.DONE,
        completed_on=dt.date(YEAR, 1, 9),
        document_number="№ 5",
    )
    assert stored(school)["roadmap_on_time"] == 1 and stored(school)["roadmap_overdue"] == 0
    assert stored(school) == live(school)

    commit(mentorship_services.pair_complete, user=user, pair=pair)
    assert stored(school)["pairs"] == 0 and stored(school)["mentees_matched"] == 0
    assert stored(school) == live(school)

    commit(pair.meetings.first().delete)
    assert stored(school) == live(school)
    # one refresh job per committed write, each finished
    assert Job.objects.filter(kind=stats.JOB_KIND).exclude(state="done").count() == 0


def test_a_rolled_back_write_sends_nothing_and_one_transaction_sends_one_job(world, commit):
    school, other = world.home.school, world.home.other_school
    commit(lambda: None)  # the fixtures' own writes refreshed first
    before = Job.objects.filter(kind=stats.JOB_KIND).count()

    def failing():
        with transaction.atomic():
            MentorFactory(organization=school)
            raise RuntimeError("отмена")

    with pytest.raises(RuntimeError):
        commit(failing)
    assert Job.objects.filter(kind=stats.JOB_KIND).count() == before

    def two_schools():
        with transaction.atomic():
            MentorFactory(organization=school)
            MentorFactory(organization=other)

    commit(two_schools)
    jobs = list(Job.objects.filter(kind=stats.JOB_KIND).order_by("pk")[before:])
    assert len(jobs) == 1
    assert sorted(jobs[0].params["organization_ids"]) == sorted([school.pk, other.pk])
    assert stored(school)["mentors"] == live(school)["mentors"] >= 1


def test_bulk_writes_signal_and_seeding_waits_for_the_end(world, commit):
    school = world.home.school
    commit(lambda: None)  # the fixtures' own writes refreshed first
    mentors = stored(school)["mentors"]
    with seeding():
        commit(MentorFactory, organization=school)
    assert stored(school)["mentors"] == mentors == live(school)["mentors"] - 1
    commit(organizations_changed.send, sender=None, organization_ids=[school.pk])
    assert stored(school) == live(school)
    MentorFactory(organization=world.home.other_school)
    organizations_changed.send(sender=None, organization_ids=None)  # a seeder's end: everything, now
    assert stored(world.home.other_school) == live(world.home.other_school)


def test_rebuild_command_equals_the_live_counts_everywhere(world):
    for school in (world.home.school, world.foreign.school):
        make_pair(school, status=PairStatus.ACTIVE)
    call_command("rebuild_stats", verbosity=0)
    for school in (world.home.school, world.home.other_school, world.foreign.school):
        for year in stats.stat_years():
            assert stored(school, year) == live(school, year)
    rows = OrganizationStats.objects.filter(organization=world.home.school)
    assert rows.count() == len(stats.stat_years())
    call_command("rebuild_stats", verbosity=0)  # again: the same rows, not twice as many
    assert rows.count() == len(stats.stat_years())


def test_region_page_reads_the_aggregates_and_says_how_fresh(world, client_for):
    region = world.home.municipality.region
    neighbour = MunicipalityFactory(region=region, name="Таймырский район")
    make_pair(OrganizationFactory(municipality=neighbour), status=PairStatus.ACTIVE)
    make_pair(world.home.school, status=PairStatus.ACTIVE)
    regional = user_with_role(Role.REGIONAL, region=region, username="region_stats")
    live_rows = region_selectors.region_figures(region, YEAR, live=True)
    call_command("rebuild_stats", verbosity=0)
    stored_rows = region_selectors.region_figures(region, YEAR)
    assert all(r.freshness is not None for r in stored_rows)
    for a, b in zip(live_rows, stored_rows, strict=True):
        assert a.municipality == b.municipality
        assert {n: getattr(a.totals, n) for n in stats.FIELDS} == {n: getattr(b.totals, n) for n in stats.FIELDS}
        assert (a.organizations, a.score, a.rank) == (b.organizations, b.score, b.rank)
    page = client_for(regional).get(reverse("monitoring:region_detail", args=[region.pk]), {"year": YEAR})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Показатели рассчитаны" in text and "пересчитываются в фоне" in text
    drill = client_for(regional).get(reverse("monitoring:region_municipality", args=[neighbour.pk]), {"year": YEAR})
    assert "Показатели рассчитаны" in drill.content.decode()
    assert [f.pairs for _o, f in drill.context["rows"]] == [1]


def test_region_page_without_aggregates_counts_live_and_says_so(world, client_for):
    region = world.home.municipality.region
    regional = user_with_role(Role.REGIONAL, region=region, username="region_live")
    make_pair(world.home.school, status=PairStatus.ACTIVE)
    page = client_for(regional).get(reverse("monitoring:region_detail", args=[region.pk]), {"year": YEAR})
    assert "по данным на момент открытия страницы" in page.content.decode()
    row = next(r for r in page.context["rows"] if r.municipality == world.home.municipality)
    assert row.totals.pairs == 1 and row.freshness is None


def test_region_page_and_municipal_dashboard_show_the_same_figures(world, client_for, commit):
    region = world.home.municipality.region
    regional = user_with_role(Role.REGIONAL, region=region, username="region_same")
    call_command("rebuild_stats", verbosity=0)
    school = world.home.school
    young = commit(MenteeFactory, organization=school, mentee_category=MenteeCategory.YOUNG)
    commit(make_pair, school, mentees=[young], status=PairStatus.ACTIVE)
    commit(MenteeFactory, organization=world.home.other_school)
    pair = commit(make_pair, world.home.other_school, status=PairStatus.ACTIVE)
    commit(make_meeting, pair, held_on=dt.date(YEAR, 2, 1))

    region_page = client_for(regional).get(reverse("monitoring:region_detail", args=[region.pk]), {"year": YEAR})
    row = next(r for r in region_page.context["rows"] if r.municipality == world.home.municipality)
    assert row.freshness is not None  # read from the aggregates, not counted live
    dashboard = client_for(world.home.coordinator).get(reverse("monitoring:dashboard"), {"year": YEAR})
    totals = dashboard.context["totals"]
    for name in ("mentors", "mentees", "pairs", "young_total", "young_covered", "meetings"):
        assert getattr(row.totals, name) == totals[name], name
    assert row.totals.pairs == 2 and row.totals.meetings == 1
    text = region_page.content.decode()
    assert f'{world.home.municipality.name}</a></td>\n  <td class="text-end">2</td>' in text  # its two schools


def test_regional_home_cards_are_the_aggregates_and_dashboards_lead_to_the_region(world, client_for):
    from mentorship.selectors import dashboard_totals

    region = world.home.municipality.region
    regional = user_with_role(Role.REGIONAL, region=region, username="region_home")
    make_pair(world.home.school, status=PairStatus.ACTIVE)
    MenteeFactory(organization=world.home.other_school)  # waiting
    call_command("rebuild_stats", verbosity=0)
    client = client_for(regional)
    home = client.get(reverse("home"))
    cards = {c.title: c for c in home.context["cards"]}
    live_totals = dashboard_totals(regional)  # the mentorship cards' own (live) counts
    assert cards["Наставников"].value == live_totals.mentors
    assert cards["Действующих пар и групп"].value == live_totals.active_pairs == 1
    assert cards["Ожидают пару"].value == live_totals.waiting >= 1
    assert cards["Наставников"].hint.startswith("на ")  # when the figures were computed
    assert f"Встреч в {YEAR} году" in cards
    assert "Встреч за 30 дней" not in cards  # no mentorship card counted live over the region
    # a municipal user keeps the mentorship cards, counted live
    coordinator_cards = client_for(world.home.coordinator).get(reverse("home")).context["cards"]
    assert "Встреч за 30 дней" in {c.title for c in coordinator_cards}
    for name in ("mentorship:dashboard", "monitoring:dashboard"):
        assert client_for(world.home.coordinator).get(reverse(name)).status_code == 200
        response = client_for(regional).get(reverse(name), follow=True)  # one client: signs in again
        assert response.redirect_chain[-1][0] == reverse("monitoring:region_detail", args=[region.pk])
        assert "Сводка по региону" in response.content.decode()


@pytest.mark.usefixtures("broker_down")
def test_with_the_broker_down_the_write_commits_and_the_refresh_waits_in_the_outbox(world, commit):
    import time

    from jobs.models import JobState
    from jobs.services import job_run

    school = world.home.school
    call_command("rebuild_stats", verbosity=0)
    mentors = stored(school)["mentors"]
    started = time.monotonic()
    commit(MentorFactory, organization=school)
    assert time.monotonic() - started < 10  # the broker is asked with a short timeout
    job = Job.objects.filter(kind=stats.JOB_KIND).latest("pk")
    assert job.state == JobState.PENDING and job.send_error  # waits for the dispatcher
    assert stored(school)["mentors"] == mentors  # the page keeps the last figures meanwhile
    assert job_run(job_id=job.pk, eager=True) == JobState.DONE  # the broker is back: a worker runs it
    assert stored(school) == live(school) and stored(school)["mentors"] == mentors + 1


def test_stored_counts_are_the_report_s_own():
    """One definition: the stored columns are the report's summable counts, every one a column of
    OrganizationStats and summed by OrgRow."""
    from monitoring.models import OrganizationStats
    from monitoring.reports.data import COUNTS, OrgRow

    assert stats.FIELDS is COUNTS
    assert set(COUNTS) <= set(OrgRow.SUMMED)
    columns = {f.name for f in OrganizationStats._meta.get_fields()}
    assert set(COUNTS) <= columns
    total = OrgRow(organization_id=1, name="А", mentors=2, practices=1) + OrgRow(organization_id=2, name="Б", mentors=3)
    assert (total.mentors, total.practices, total.organizations) == (5, 1, 2)


def test_municipal_dashboard_and_ranking_read_the_stored_figures_equal_to_the_live(world, client_for):
    """The municipal dashboard and ranking read each organization's stored row (one read, not the
    municipality's people, pairs, meetings and deadlines counted per view); an organization without
    a row, or with a row stored before pairs by form were kept, is counted live; both agree."""
    from monitoring import selectors
    from monitoring.services import criteria_ensure_defaults

    school, other = world.home.school, world.home.other_school
    young = MenteeFactory(organization=school, mentee_category=MenteeCategory.YOUNG)
    make_meeting(make_pair(school, mentees=[young], status=PairStatus.ACTIVE), held_on=dt.date(YEAR, 3, 1))
    make_pair(other, status=PairStatus.ACTIVE)
    make_pair(other, status=PairStatus.FORMING)
    organizations = [school, other]
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    live_figures = selectors.organization_figures([o.pk for o in organizations], start, end)

    figures, freshness = stats.organization_figures(organizations, YEAR)
    assert freshness.refreshed_at is None  # nothing stored yet: every figure is live
    assert figures == live_figures

    call_command("rebuild_stats", verbosity=0)
    figures, freshness = stats.organization_figures(organizations, YEAR)
    assert freshness.refreshed_at is not None
    assert figures == live_figures
    assert figures[school.pk].pairs_by_form and figures[school.pk].meetings == 1

    # a row from before pairs by form were kept, and a school without a row: counted live
    OrganizationStats.objects.filter(organization=other).update(pairs_by_form=None, pairs=99)
    newcomer = OrganizationFactory(municipality=world.home.municipality)
    make_pair(newcomer, status=PairStatus.ACTIVE)
    figures, _ = stats.organization_figures([*organizations, newcomer], YEAR)
    assert figures[other.pk].pairs == 1 and figures[newcomer.pk].pairs == 1

    criteria_ensure_defaults(municipality=world.home.municipality)
    ranked = selectors.ranking([school, other], selectors.criteria_for(world.home.municipality.pk), start, end)
    call_command("rebuild_stats", verbosity=0)
    client = client_for(world.home.methodologist)
    page = client.get(reverse("monitoring:ranking"), {"year": YEAR})
    assert "Показатели рассчитаны" in page.content.decode()
    shown = {r.organization.pk: r.score for r in page.context["rows"]}
    assert {r.organization.pk: r.score for r in ranked} == {k: v for k, v in shown.items() if k != newcomer.pk}
    dashboard = client.get(reverse("monitoring:dashboard"), {"year": YEAR})
    assert "Показатели рассчитаны" in dashboard.content.decode()
    assert dashboard.context["totals"]["pairs"] == 3
