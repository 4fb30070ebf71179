"""The scoping module: who sees and edits which organizations and municipalities."""

import pytest
from django.http import Http404

from accounts import scoping
from accounts.models import Organization, Role, RoleAssignment
from tests.factories import OrganizationFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_curator_sees_and_edits_only_their_organization(world):
    curator = world.home.curator
    assert ids(scoping.visible_organizations(curator)) == {world.home.school.pk}
    assert ids(scoping.editable_organizations(curator)) == {world.home.school.pk}
    assert scoping.can_edit_organization(curator, world.home.school)
    assert not scoping.can_view_organization(curator, world.home.other_school)
    assert not scoping.can_view_organization(curator, world.foreign.school)


def test_curator_reads_own_municipality_data_but_edits_none(world):
    curator = world.home.curator
    assert ids(scoping.visible_municipalities(curator)) == {world.home.municipality.pk}
    assert ids(scoping.editable_municipalities(curator)) == set()


def test_coordinator_sees_and_edits_only_their_municipality(world):
    coordinator = world.home.coordinator
    home_orgs = {world.home.school.pk, world.home.other_school.pk}
    assert ids(scoping.visible_organizations(coordinator)) == home_orgs
    assert ids(scoping.editable_organizations(coordinator)) == home_orgs
    assert ids(scoping.editable_municipalities(coordinator)) == {world.home.municipality.pk}
    assert not scoping.can_view_organization(coordinator, world.foreign.school.pk)


def test_methodologist_reads_municipality_edits_no_organization(world):
    methodologist = world.home.methodologist
    assert ids(scoping.visible_organizations(methodologist)) == {world.home.school.pk, world.home.other_school.pk}
    assert ids(scoping.editable_organizations(methodologist)) == set()
    assert scoping.can_run_monitoring(methodologist, world.home.municipality)
    assert not scoping.can_run_monitoring(methodologist, world.foreign.municipality)


def test_head_reads_their_organization_and_approves(world):
    head = world.home.head
    assert ids(scoping.visible_organizations(head)) == {world.home.school.pk}
    assert ids(scoping.editable_organizations(head)) == set()
    assert scoping.scope_for(head).approve_organization_ids == {world.home.school.pk}


def test_admin_sees_everything(world):
    assert ids(scoping.visible_organizations(world.admin)) == set(Organization.objects.values_list("pk", flat=True))


def test_user_without_roles_sees_nothing(world):
    nobody = UserFactory()
    assert ids(scoping.visible_organizations(nobody)) == set()
    assert ids(scoping.visible_municipalities(nobody)) == set()


def test_several_roles_add_up(world):
    user = user_with_role(Role.CURATOR, organization=world.home.school)
    RoleAssignment.objects.create(user=user, role=Role.HEAD, organization=world.foreign.school)
    scoping.forget_scope(user)
    assert ids(scoping.visible_organizations(user)) == {world.home.school.pk, world.foreign.school.pk}
    assert ids(scoping.editable_organizations(user)) == {world.home.school.pk}


def test_filter_by_organization_follows_a_path(world):
    # RoleAssignment reaches Organization through "organization": a curator sees only their school's rows
    qs = RoleAssignment.objects.filter(organization__isnull=False)
    visible = scoping.filter_by_organization(world.home.curator, qs, "organization")
    assert {ra.organization_id for ra in visible} == {world.home.school.pk}
    coordinator_visible = scoping.filter_by_organization(world.home.coordinator, qs, "organization")
    assert {ra.organization.municipality_id for ra in coordinator_visible} == {world.home.municipality.pk}


def test_get_scoped_or_404_hides_foreign_objects(world):
    qs = scoping.visible_organizations(world.home.curator)
    assert scoping.get_scoped_or_404(qs, pk=world.home.school.pk) == world.home.school
    with pytest.raises(Http404):
        scoping.get_scoped_or_404(qs, pk=world.foreign.school.pk)
    with pytest.raises(Http404):
        scoping.get_scoped_or_404(qs, pk="not-a-number")


def test_scope_is_computed_with_one_query(world, django_assert_num_queries):
    user = world.home.coordinator
    scoping.forget_scope(user)
    with django_assert_num_queries(1):
        scoping.scope_for(user)
        scoping.scope_for(user)
        scoping.visible_organizations(user)  # lazy: builds a filter, runs nothing


def test_inactive_user_sees_nothing(world):
    user = world.home.coordinator
    user.is_active = False
    scoping.forget_scope(user)
    assert ids(scoping.visible_organizations(user)) == set()


def test_role_scope_constraint_rejects_mismatched_rows(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=UserFactory(), role=Role.CURATOR, municipality=world.home.municipality)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=UserFactory(), role=Role.COORDINATOR, organization=OrganizationFactory())


# The rules that used to be rebuilt by hand: monitoring, accepting reports, approving, users ------------
@pytest.mark.parametrize(
    ("who", "runs", "accepts", "manages"),
    [
        ("coordinator", True, True, True),
        ("methodologist", True, True, False),
        ("curator", False, False, False),
        ("head", False, False, False),
    ],
)
def test_monitoring_and_report_rights_per_role(world, who, runs, accepts, manages):
    user = getattr(world.home, who)
    home, foreign = world.home.municipality, world.foreign.municipality
    assert scoping.can_run_monitoring(user, home) is runs
    assert scoping.can_accept_reports(user, home.pk) is accepts
    assert not scoping.can_run_monitoring(user, foreign)
    assert not scoping.can_accept_reports(user, foreign)
    assert scoping.scope_for(user).runs_monitoring is runs
    assert scoping.scope_for(user).manages_users is manages
    assert ids(scoping.monitoring_municipalities(user)) == ({home.pk} if runs else set())


def test_admin_runs_monitoring_everywhere(world):
    assert scoping.scope_for(world.admin).runs_monitoring
    assert ids(scoping.monitoring_municipalities(world.admin)) == {
        world.home.municipality.pk,
        world.foreign.municipality.pk,
    }


def test_filter_by_monitoring_keeps_only_the_runner_municipality_rows(world):
    from accounts.models import Municipality

    qs = Municipality.objects.all()
    assert ids(scoping.filter_by_monitoring(world.home.methodologist, qs, "")) == {world.home.municipality.pk}
    assert ids(scoping.filter_by_monitoring(world.home.curator, qs, "")) == set()


def test_head_approves_own_school_only(world):
    head = world.home.head
    assert scoping.can_approve_organization(head, world.home.school)
    assert not scoping.can_approve_organization(head, world.home.other_school.pk)
    assert not scoping.can_approve_organization(world.home.curator, world.home.school)


def test_roles_with_reads_the_grant_tables():
    assert scoping.roles_with(scoping.MONITOR) == {Role.COORDINATOR, Role.METHODOLOGIST}
    assert scoping.roles_with(scoping.APPROVE) == {Role.HEAD}
    assert scoping.roles_with(scoping.EDIT) == {Role.COORDINATOR, Role.CURATOR}


def test_no_module_but_scoping_names_the_grant_rules():
    """The monitoring rule used to be rebuilt in about ten places with its own admin special case:
    outside scoping.py nothing reads the raw grant sets to decide a right."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    pattern = re.compile(
        r"scope\.is_admin\s+or\s+(bool\()?scope\.(methodology_municipality_ids|edit_municipality_ids)"
        r"|pk__in=scope\.methodology_municipality_ids"
    )
    offenders = []
    for app in ("accounts", "roadmaps", "mentorship", "monitoring", "notifications"):
        for path in (root / app).rglob("*.py"):
            if path.name == "scoping.py" or "migrations" in path.parts:
                continue
            if pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(root)))
    assert not offenders, offenders


def test_choice_lists_of_domain_models_are_registered_by_their_apps(world):
    from mentorship.models import Person
    from roadmaps.models import Roadmap

    assert Person in scoping.scoped_models()
    assert Roadmap in scoping.scoped_models()
    assert scoping.choices_for(world.home.curator, Organization, edit=True) is not None
    assert ids(scoping.choices_for(world.home.curator, Organization, edit=True)) == {world.home.school.pk}
    users = ids(scoping.choices_for(world.home.coordinator, type(world.home.coordinator)))
    assert world.home.curator.pk in users
    assert world.foreign.curator.pk not in users and world.foreign.coordinator.pk not in users


def test_one_today_per_municipality(world):
    """Roadmaps, reminders and the municipality itself share one «today» (accounts.models)."""
    import datetime as dt

    from accounts.models import local_today
    from notifications import services as reminder_services
    from roadmaps import models as roadmap_models

    assert roadmap_models.local_today is local_today
    assert reminder_services.local_today is local_today
    # 21:30 UTC is already the next day in Norilsk (UTC+7), still the same day in UTC+5
    moment = dt.datetime(2026, 3, 1, 21, 30, tzinfo=dt.UTC)
    world.home.municipality.timezone = "Asia/Krasnoyarsk"
    world.foreign.municipality.timezone = "Asia/Yekaterinburg"
    assert world.home.municipality.today(moment) == dt.date(2026, 3, 2)
    assert world.foreign.municipality.today(moment) == dt.date(2026, 3, 2)
    assert local_today(world.foreign.municipality, dt.datetime(2026, 3, 1, 18, 30, tzinfo=dt.UTC)) == dt.date(
        2026, 3, 1
    )


def test_user_today_is_the_today_of_the_users_municipality(world):
    """A school's curator, a participant and a coordinator see their municipality's date (read with
    the roles, no extra query); an admin or a user across time zones sees the site's date."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, RoleAssignment

    world.home.municipality.timezone = "Asia/Krasnoyarsk"  # UTC+7
    world.home.municipality.save()
    world.foreign.municipality.timezone = "Europe/Kaliningrad"  # UTC+2
    world.foreign.municipality.save()
    moment = dt.datetime(2026, 3, 1, 20, 30, tzinfo=dt.UTC)  # 2 March in Krasnoyarsk, 1 March in Kaliningrad
    for user in (world.home.curator, world.home.coordinator, world.foreign.curator, world.admin):
        scoping.forget_scope(user)
    with CaptureQueriesContext(connection) as queries:
        assert scoping.user_today(world.home.curator, moment) == dt.date(2026, 3, 2)
    assert len(queries) == 1  # the scope's own query
    assert scoping.user_today(world.home.coordinator, moment) == dt.date(2026, 3, 2)
    assert scoping.user_today(world.foreign.curator, moment) == dt.date(2026, 3, 1)
    site = timezone_localdate(moment)
    assert scoping.user_today(world.admin, moment) == site
    assert scoping.user_today(None, moment) == site
    RoleAssignment.objects.create(user=world.home.curator, role=Role.CURATOR, organization=world.foreign.school)
    scoping.forget_scope(world.home.curator)
    assert scoping.user_today(world.home.curator, moment) == site


def timezone_localdate(moment):
    from django.utils import timezone

    return timezone.localtime(moment).date()


def test_monitoring_year_list_is_computed_when_shown(monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from monitoring import forms

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2031, 1, 10, 12, tzinfo=dt.UTC))
    form = forms.PeriodFilterForm()
    assert (2032, "2032") in list(form.fields["year"].choices)


def test_municipal_editors_are_the_rows_whose_scope_edits_there(world):
    """The reminders' recipients: every role row of the municipality whose user may edit the
    municipality or that school, by the same grants as can_edit_*; nobody else's."""
    home = world.home
    closed = OrganizationFactory(municipality=home.municipality, is_active=False)
    user_with_role(Role.CURATOR, organization=closed)
    user_with_role(Role.HEAD, organization=home.school)
    user_with_role(Role.METHODOLOGIST, municipality=home.municipality)
    gone = user_with_role(Role.CURATOR, organization=home.school)
    gone.is_active = False
    gone.save()
    user_with_role(Role.ADMIN)
    rows = list(scoping.municipal_editors(home.municipality).select_related("user", "organization"))
    assert {(r.user_id, r.organization_id) for r in rows} == {
        (home.coordinator.pk, None),
        (home.curator.pk, home.school.pk),
    }
    for row in rows:
        if row.organization is not None:
            assert scoping.can_edit_organization(row.user, row.organization)
        else:
            assert scoping.can_edit_municipality(row.user, home.municipality)
    # everyone else with a role in the municipality who may edit something there is among them
    others = RoleAssignment.objects.filter(user__is_active=True).exclude(pk__in=[r.pk for r in rows])
    for row in others.select_related("user", "organization"):
        school = row.organization
        if school is not None and school.municipality_id == home.municipality.pk and school.is_active:
            assert not scoping.can_edit_organization(row.user, school)
        if row.municipality_id == home.municipality.pk:
            assert not scoping.can_edit_municipality(row.user, home.municipality)


def test_own_organizations_are_the_school_roles_not_the_municipality(world):
    """«Your organization»: the schools a user holds an editing school role in; a coordinator edits
    every school of the municipality but owns none of them."""
    own = Organization.objects.filter
    assert list(own(scoping.scope_for(world.home.curator).own_organization_q(""))) == [world.home.school]
    assert not own(scoping.scope_for(world.home.coordinator).own_organization_q("")).exists()
    assert not own(scoping.scope_for(world.home.head).own_organization_q("")).exists()  # reads and approves only
