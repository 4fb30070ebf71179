"""seed_scale at a tiny size: every row lands where scoping expects it, in one consistent region."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from accounts import scoping
from accounts.models import Municipality, Organization, Role, RoleAssignment, User
from bench.scale import REGION_NAME, SCALE_PASSWORD, ScaleConfig, generate

pytestmark = pytest.mark.django_db

TINY = dict(municipalities=3, organizations=9, people=120, pairs=30, meetings=90, school_roadmaps=6, responses=30)


@pytest.fixture
def tiny():
    return generate(ScaleConfig.scaled(0.001, **TINY))


def test_sizes_follow_the_parameters(tiny):
    from mentorship.models import Meeting, Pair, Person, Program
    from roadmaps.models import ExecutionRecord, Roadmap, RoadmapLevel

    assert Municipality.objects.filter(region__name=REGION_NAME).count() == 3
    assert Organization.objects.count() == 9
    assert Person.objects.count() == 120
    assert Pair.objects.count() == 30 and Program.objects.count() == 30  # every pair has its program
    assert Meeting.objects.count() == 90
    assert Roadmap.objects.filter(level=RoadmapLevel.MUNICIPAL).count() == 3
    assert Roadmap.objects.filter(level=RoadmapLevel.SCHOOL).count() == 6
    # 6 school roadmaps × 10 activities × 4 due dates, plus the municipal level's own records
    assert ExecutionRecord.objects.filter(organization__isnull=False).count() == 6 * 10 * 4
    assert ExecutionRecord.objects.filter(organization__isnull=True).count() > 0
    assert tiny.counts["people"] == 120 and tiny.seconds > 0


def test_every_row_belongs_to_one_municipality(tiny):
    from mentorship.models import PairParticipant
    from monitoring.models import Assignment, Response
    from roadmaps.models import Activity, ExecutionRecord, Roadmap

    assert (
        not ExecutionRecord.objects.filter(organization__isnull=False)
        .exclude(municipality_id=F("organization__municipality_id"))
        .exists()
    )
    assert not ExecutionRecord.objects.exclude(municipality_id=F("activity__roadmap__municipality_id")).exists()
    assert (
        not Roadmap.objects.filter(parent__isnull=False).exclude(municipality_id=F("parent__municipality_id")).exists()
    )
    assert (
        not Activity.objects.filter(source_activity__isnull=False)
        .exclude(source_activity__roadmap_id=F("roadmap__parent_id"))
        .exists()
    )
    assert not PairParticipant.objects.exclude(person__organization_id=F("pair__organization_id")).exists()
    assert not Assignment.objects.exclude(organization__municipality_id=F("campaign__municipality_id")).exists()
    assert not Response.objects.exclude(person__organization_id=F("assignment__organization_id")).exists()


def test_roles_cover_every_scope_and_scoping_keeps_them_apart(tiny):
    for municipality in Municipality.objects.all():
        for role in (Role.COORDINATOR, Role.METHODOLOGIST):
            assert RoleAssignment.objects.filter(role=role, municipality=municipality).count() == 1
    for organization in Organization.objects.all():
        assert RoleAssignment.objects.filter(role=Role.CURATOR, organization=organization).exists()
        assert RoleAssignment.objects.filter(role=Role.HEAD, organization=organization).exists()
    coordinator = User.objects.get(username=tiny.bench_users["coordinator"])
    own = RoleAssignment.objects.get(user=coordinator).municipality
    assert set(scoping.visible_organizations(coordinator)) == set(own.organizations.all())
    curator = User.objects.get(username=tiny.bench_users["curator"])
    assert scoping.visible_organizations(curator).count() == 1
    assert curator.check_password(SCALE_PASSWORD)
    regional = User.objects.get(username=tiny.bench_users["regional"])
    assert set(scoping.visible_organizations(regional)) == set(Organization.objects.all())
    assert not scoping.editable_organizations(regional).exists()


def test_workflows_are_plausible(tiny):
    from mentorship.models import OPEN_PAIR_STATUSES, Meeting, PairParticipant, Person
    from monitoring.models import Campaign
    from roadmaps.models import ExecutionRecord, ExecutionStatus

    # a mentee is in at most one forming or active pair; nobody mentors themself
    open_mentees = list(
        PairParticipant.objects.filter(role="mentee", pair__status__in=OPEN_PAIR_STATUSES).values_list(
            "person_id", flat=True
        )
    )
    assert len(open_mentees) == len(set(open_mentees))
    assert not PairParticipant.objects.filter(
        role="mentor", pair__participants__role="mentee", pair__participants__person_id=F("person_id")
    ).exists()
    assert not Meeting.objects.filter(held_on__lt=F("pair__started_on")).exists()
    assert not ExecutionRecord.objects.filter(status=ExecutionStatus.DONE, completed_on__isnull=True).exists()
    assert not Campaign.objects.filter(due_at__isnull=True).exists()
    assert Person.objects.filter(is_mentee=True, mentee_since__isnull=True).count() == 0
    # history was written where the models keep it
    assert Person.history.count() == Person.objects.count()
    assert ExecutionRecord.history.count() == ExecutionRecord.objects.count()
    from monitoring.models import Assignment

    assert Assignment.history.count() == Assignment.objects.count()


def test_command_prints_json_and_refuses_a_second_run():
    out = StringIO()
    call_command(
        "seed_scale",
        scale=0.001,
        organizations=4,
        people=40,
        pairs=10,
        meetings=20,
        school_roadmaps=2,
        json=True,
        stdout=out,
    )
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["counts"]["organizations"] == 4
    assert set(summary["bench_users"]) == {"coordinator", "curator", "methodologist", "regional"}
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="уже есть"):
        call_command("seed_scale", scale=0.001, stdout=StringIO())


def test_the_region_pages_aggregates_are_filled_and_equal_the_live_counts(tiny):
    from accounts.models import local_today
    from monitoring import stats
    from monitoring.models import OrganizationStats
    from monitoring.region_selectors import region_figures

    years = stats.stat_years()
    assert OrganizationStats.objects.count() == 9 * len(years)
    assert tiny.counts["OrganizationStats"] == 9
    region = Municipality.objects.filter(region__name=REGION_NAME).first().region
    year = local_today().year
    stored, counted = region_figures(region, year), region_figures(region, year, live=True)
    assert all(r.freshness is not None for r in stored)
    for a, b in zip(stored, counted, strict=True):
        assert [getattr(a.totals, n) for n in stats.FIELDS] == [getattr(b.totals, n) for n in stats.FIELDS]
    assert sum(r.totals.meetings for r in stored) > 0


def _fingerprint(municipality) -> dict:
    from mentorship.models import Meeting, Pair, Person
    from roadmaps.models import ExecutionRecord

    orgs = Organization.objects.filter(municipality=municipality)
    return {
        # ids are left out: a rolled-back run does not give PostgreSQL's sequences back
        "organizations": list(orgs.order_by("pk").values_list("short_name", "kind")),
        "people": list(
            Person.objects.filter(organization__in=orgs)
            .order_by("pk")
            .values_list("last_name", "first_name", "organization__short_name", "is_mentor")
        ),
        "pairs": list(
            Pair.objects.filter(organization__in=orgs).order_by("pk").values_list("organization__short_name", "status")
        ),
        "meetings": Meeting.objects.filter(pair__organization__in=orgs).count(),
        "records": ExecutionRecord.objects.filter(municipality=municipality).count(),
    }


def test_a_region_grown_twice_keeps_its_largest_municipality_row_for_row():
    """--scale 2 is the --scale 1 region plus as many municipalities again of the usual size: the
    municipality the benchmark signs in to is the same, ids included, so a page's ratio ×2 ÷ ×1
    measures the growth of the region, not a different school."""
    from django.db import transaction

    from mentorship.models import Person

    class Rollback(Exception):
        pass

    prints = []
    for scale in (1, 2):
        try:
            with transaction.atomic():
                generate(ScaleConfig.scaled(scale, **TINY))
                region = Municipality.objects.filter(region__name=REGION_NAME)
                largest = region.order_by("pk").first()
                prints.append(_fingerprint(largest))
                if scale == 2:
                    assert region.count() == 6
                    assert Organization.objects.count() == 18 and Person.objects.count() == 240
                    assert RoleAssignment.objects.filter(role=Role.REGIONAL).count() == 1
                    regional = User.objects.get(username="scale-region")
                    assert scoping.scope_for(regional).view_municipality_ids >= set(region.values_list("pk", flat=True))
                raise Rollback
        except Rollback:
            pass
    assert prints[0] == prints[1]
    assert prints[0]["people"] and prints[0]["pairs"]
