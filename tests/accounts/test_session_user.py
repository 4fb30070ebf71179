"""The session's user is read with its scope and the bell's count in one query (accounts.backends),
and nothing of it outlives the request: a change of roles or notifications shows on the next page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.backends import read_session_user, session_users
from accounts.models import Role, RoleAssignment, User
from accounts.scoping import forget_scope, scope_for
from notifications.kinds import Kind
from notifications.models import Notification
from tests.factories import MunicipalityFactory, OrganizationFactory, RegionFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def notify(user, n=1, **fields):
    for i in range(n):
        Notification.objects.create(
            recipient=user, kind=Kind.ROADMAP_OVERDUE, title=f"№ {i}", message="Текст", path="/", **fields
        )


def _users_of_every_kind(world):
    region = RegionFactory(name="Красноярский край")
    near = MunicipalityFactory(region=region, timezone="Asia/Krasnoyarsk")
    far = MunicipalityFactory(region=region, timezone="Asia/Krasnoyarsk")
    MunicipalityFactory(timezone="Europe/Moscow")  # another region's
    regional = user_with_role(Role.REGIONAL, region=region, username="regional")
    many = user_with_role(Role.CURATOR, organization=world.home.school, username="many_roles")
    RoleAssignment.objects.create(user=many, role=Role.CURATOR, organization=OrganizationFactory(municipality=far))
    RoleAssignment.objects.create(user=many, role=Role.METHODOLOGIST, municipality=near)
    participant = user_with_role(Role.PARTICIPANT, organization=world.home.school, username="mentor")
    nobody = UserFactory(username="no_roles")
    return [
        world.home.coordinator,
        world.home.methodologist,
        world.home.curator,
        world.home.head,
        world.admin,
        regional,
        many,
        participant,
        nobody,
    ]


def test_scope_read_with_the_user_is_the_scope_read_on_its_own(world):
    users = _users_of_every_kind(world)
    for user in users:
        for preloaded in (session_users().get(pk=user.pk), read_session_user(user.pk)):
            with CaptureQueriesContext(connection) as ctx:
                scope = scope_for(preloaded)
            assert len(ctx.captured_queries) == 0, user.username
            assert scope == scope_for(User.objects.get(pk=user.pk)), user.username
    session_user = read_session_user(world.home.curator.pk)
    assert session_user == world.home.curator and session_user.date_joined == world.home.curator.date_joined
    assert read_session_user(10**9) is None
    regional = session_users().get(username="regional")
    assert len(scope_for(regional).region_municipality_ids_by_role[Role.REGIONAL]) == 2


def test_a_page_reads_session_user_roles_and_bell_in_two_queries(client_for, world):
    notify(world.home.curator, 2)
    notify(world.home.curator, 1, read_at=timezone.now())
    client = client_for(world.home.curator)
    client.get(reverse("password_change"))  # the session exists; the next request only reads it
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("password_change"))
    assert response.status_code == 200
    tables = [q["sql"].split('"')[1] for q in ctx.captured_queries]  # SELECT "<table>"."<column>", …
    # the session, then the user with the role rows and the unread count as subqueries
    assert tables == ["django_session", "accounts_user"], tables
    body = response.content.decode()
    assert 'data-testid="notification-count">2<' in body
    assert f"{Role.CURATOR.label}: {world.home.school.short_name}" in body


def test_a_regional_user_costs_no_query_for_its_municipalities(client_for, world):
    region = RegionFactory(name="Красноярский край")
    for _ in range(3):
        MunicipalityFactory(region=region)
    client = client_for(user_with_role(Role.REGIONAL, region=region, username="regional"))
    client.get(reverse("password_change"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("password_change")).status_code == 200
    assert len(ctx.captured_queries) == 2


def test_a_removed_role_shows_on_the_next_request(client_for, world):
    client = client_for(world.home.curator)
    url = reverse("organization_detail", args=[world.home.school.pk])
    assert client.get(url).status_code == 200
    RoleAssignment.objects.filter(user=world.home.curator).delete()
    assert client.get(url).status_code in (403, 404)


def test_read_notifications_leave_the_bell_on_the_next_request(client_for, world):
    notify(world.home.head, 3)
    client = client_for(world.home.head)
    assert 'notification-count">3<' in client.get(reverse("password_change")).content.decode()
    client.post(reverse("notifications:read_all"))
    body = client.get(reverse("password_change")).content.decode()
    assert 'data-testid="notification-count"' not in body
    notify(world.home.head, 1)
    assert 'notification-count">1<' in client.get(reverse("password_change")).content.decode()


def test_forget_scope_reads_the_roles_again(world):
    user = session_users().get(pk=world.home.curator.pk)
    RoleAssignment.objects.create(user=user, role=Role.METHODOLOGIST, municipality=world.home.municipality)
    forget_scope(user)  # a service that changed the roles drops what was read with the user
    assert Role.METHODOLOGIST in scope_for(user).roles


def test_menu_built_once_per_set_of_roles_still_follows_the_roles_and_the_prefix(world):
    from django.urls import clear_script_prefix, set_script_prefix

    from accounts.navigation import nav_for

    def urls(user):
        return {item["url"] for group in nav_for(user) for item in group["items"]}

    sent_log = reverse("notifications:sent_log")
    assert sent_log in urls(world.home.coordinator)
    assert sent_log not in urls(world.home.curator)
    assert sent_log in urls(world.foreign.coordinator)  # the same roles: the same menu
    try:
        set_script_prefix("/nastavnik/")
        assert "/nastavnik" + sent_log in urls(world.home.coordinator)
    finally:
        clear_script_prefix()
    assert sent_log in urls(world.home.coordinator)
