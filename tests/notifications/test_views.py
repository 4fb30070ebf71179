"""Notification center, preferences and the sent log: insider, read-only user, outsider; constant queries."""

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications import selectors, services
from notifications.kinds import Kind
from notifications.models import Notification, NotificationPreference, ReminderLog
from tests.factories import OrganizationFactory, user_with_role
from tests.notifications.factories import record_due


def notify(user, n=1, **fields):
    return [
        Notification.objects.create(
            recipient=user,
            kind=Kind.ROADMAP_OVERDUE,
            title=f"Просрочено № {i}",
            message="Текст",
            path="/roadmaps/",
            **fields,
        )
        for i in range(n)
    ]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# Notification center ---------------------------------------------------------------------------
def test_list_shows_only_own_notifications(client_for, world):
    notify(world.home.curator, 2)
    notify(world.home.coordinator, 1)
    notify(world.foreign.curator, 1)
    body = client_for(world.home.curator).get(reverse("notifications:list")).content.decode()
    assert body.count('data-testid="notification"') == 2


def test_bell_shows_unread_count_on_every_page(client_for, world):
    notify(world.home.head, 3)
    notify(world.home.head, 1, read_at=timezone.now())
    body = client_for(world.home.head).get(reverse("home")).content.decode()
    assert 'data-testid="notification-count">3<' in body


def test_bell_costs_one_query(client_for, world, rf):
    from django.template import Context, Template

    from notifications.context_processors import unread_notifications

    notify(world.home.curator, 2)
    request = rf.get("/")
    request.user = world.home.curator
    template = Template('<ul>{% include "notifications/bell.html" %}</ul>')
    context = Context({"user": world.home.curator, **unread_notifications(request)})
    with CaptureQueriesContext(connection) as ctx:
        html = template.render(context)
    assert len(ctx.captured_queries) == 1
    assert 'notification-count">2<' in html


def test_open_marks_read_and_goes_to_the_object(client_for, world):
    (n,) = notify(world.home.curator)
    response = client_for(world.home.curator).post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/roadmaps/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_refuses_an_external_link(client_for, world):
    (n,) = notify(world.home.curator)
    Notification.objects.filter(pk=n.pk).update(path="https://evil.example.com/")
    response = client_for(world.home.curator).post(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:list")


@pytest.mark.parametrize("name", ["notifications:open", "notifications:read"])
def test_foreign_notification_is_404(client_for, world, name):
    (n,) = notify(world.foreign.curator)
    for user in (world.home.curator, world.home.coordinator, world.foreign.coordinator):
        assert client_for(user).post(reverse(name, args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_touches_only_own(client_for, world):
    notify(world.home.curator, 3)
    notify(world.foreign.curator, 2)
    client_for(world.home.curator).post(reverse("notifications:read_all"))
    assert Notification.objects.filter(recipient=world.home.curator, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=world.foreign.curator, read_at__isnull=True).count() == 2


def test_mark_read_requires_post(client_for, world):
    (n,) = notify(world.home.curator)
    assert client_for(world.home.curator).get(reverse("notifications:read", args=[n.pk])).status_code == 405


def test_anonymous_is_sent_to_login(client):
    assert client.get(reverse("notifications:list")).status_code == 302


def test_list_query_count_is_constant(client_for, world):
    client = client_for(world.home.curator)
    notify(world.home.curator, 1)
    client.get(reverse("notifications:list"))
    small = queries(client, reverse("notifications:list"))
    notify(world.home.curator, 20)
    assert queries(client, reverse("notifications:list")) == small


# Preferences -----------------------------------------------------------------------------------
def test_preferences_save_opt_outs(client_for, world):
    client = client_for(world.home.curator)
    assert "Скоро срок мероприятия" in client.get(reverse("notifications:preferences")).content.decode()
    client.post(
        reverse("notifications:preferences"),
        {Kind.ROADMAP_DUE_SOON: "none", Kind.ROADMAP_OVERDUE: "app", Kind.ROADMAP_DUE_TODAY: "all"},
    )
    prefs = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=world.home.curator)}
    assert prefs == {Kind.ROADMAP_DUE_SOON: (False, False), Kind.ROADMAP_OVERDUE: (True, False)}
    client.post(reverse("notifications:preferences"), {Kind.ROADMAP_DUE_SOON: "all"})
    assert not NotificationPreference.objects.filter(user=world.home.curator, kind=Kind.ROADMAP_DUE_SOON).exists()
    assert not NotificationPreference.objects.exclude(user=world.home.curator).exists()


# Sent log --------------------------------------------------------------------------------------
@pytest.fixture
def swept(world):
    today = services.local_today(world.home.municipality)
    record_due(today, organization=world.home.school)
    record_due(today + dt.timedelta(days=1), organization=world.home.school, title="Завтрашнее мероприятие")
    record_due(today + dt.timedelta(days=2), municipality=world.home.municipality, title="Муниципальное мероприятие")
    services.sweep_run(municipality=world.home.municipality, today=today)
    foreign_today = services.local_today(world.foreign.municipality)
    record_due(foreign_today, organization=world.foreign.school, title="Чужое мероприятие")
    services.sweep_run(municipality=world.foreign.municipality, today=foreign_today)
    return today


def test_coordinator_sees_own_sent_log_and_tomorrow(client_for, world, swept):
    client = client_for(world.home.coordinator)
    page = client.get(reverse("notifications:sent_log")).content.decode()
    assert "Сегодня срок" in page and str(world.home.curator) in page
    assert "Чужое мероприятие" not in page
    # the page loads tomorrow's preview from its own URL
    assert reverse("notifications:tomorrow") in page
    body = client.get(reverse("notifications:tomorrow")).content.decode()
    assert "Чужое мероприятие" not in body
    upcoming = body.split('data-testid="upcoming"')[1].split("</table>")[0]
    # tomorrow: the school's record is due that day, the municipal one is 1 day before (the 7/1 rule)
    assert "Завтрашнее мероприятие" in upcoming
    assert "Муниципальное мероприятие" in upcoming and str(world.home.coordinator) in upcoming
    assert f"Будет отправлено завтра, {(swept + dt.timedelta(days=1)):%d.%m.%Y}" in body


def test_tomorrow_counts_one_letter_per_person(client_for, world, swept):
    """The curator's two reminders of tomorrow go in one letter, the coordinator's in another."""
    tomorrow = swept + dt.timedelta(days=1)
    record_due(tomorrow - dt.timedelta(days=1), organization=world.home.school, title="Вчерашнее мероприятие")
    _, rows = selectors.tomorrow_preview(world.home.coordinator, world.home.municipality)
    by_person = Counter(row.recipient_id for row in rows if row.send_email)
    assert (by_person[world.home.curator.pk], by_person[world.home.coordinator.pk]) == (2, 1)
    assert selectors.letter_count(rows) == 2
    body = client_for(world.home.coordinator).get(reverse("notifications:tomorrow")).content.decode()
    letters = body.split('data-testid="upcoming-letters">')[1].split("</p>")[0]
    assert letters.startswith("Писем по электронной почте: 2 ")


def test_tomorrow_opened_on_its_own_is_a_whole_page_and_the_zone_reads_as_an_offset(client_for, world, swept):
    """«открыть отдельно» (a plain request) gets the menu and a way back; htmx gets the fragment.
    The log names the municipality's zone as «UTC+7», not its internal name «Asia/Krasnoyarsk»."""
    client = client_for(world.home.coordinator)
    whole = client.get(reverse("notifications:tomorrow")).content.decode()
    assert "<nav" in whole and "← Журнал рассылок" in whole and 'data-testid="upcoming"' in whole
    fragment = client.get(reverse("notifications:tomorrow"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'data-testid="upcoming"' in fragment
    world.home.municipality.timezone = "Asia/Krasnoyarsk"
    world.home.municipality.save()
    log = client.get(reverse("notifications:sent_log")).content.decode()
    assert "(UTC+7)" in log and "Asia/Krasnoyarsk" not in log


def test_tomorrow_preview_omits_opted_out_nothing_is_written(client_for, world, swept):
    count = ReminderLog.objects.count()
    response = client_for(world.home.coordinator).get(reverse("notifications:tomorrow"))
    assert response.status_code == 200
    assert ReminderLog.objects.count() == count  # the preview only reads


@pytest.mark.parametrize("who", ["curator", "head", "methodologist"])
@pytest.mark.parametrize("name", ["notifications:sent_log", "notifications:tomorrow"])
def test_sent_log_is_for_coordinators_only(client_for, world, swept, who, name):
    assert client_for(getattr(world.home, who)).get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", ["notifications:sent_log", "notifications:tomorrow"])
def test_foreign_municipality_sent_log_is_404(client_for, world, swept, name):
    client = client_for(world.home.coordinator)
    url = reverse(name) + f"?municipality={world.foreign.municipality.pk}"
    assert client.get(url).status_code == 404


def test_admin_may_pick_any_municipality(client_for, world, swept):
    url = reverse("notifications:sent_log") + f"?municipality={world.foreign.municipality.pk}"
    assert "Чужое мероприятие" in client_for(world.admin).get(url).content.decode()
    tomorrow_url = reverse("notifications:tomorrow") + f"?municipality={world.foreign.municipality.pk}"
    assert client_for(world.admin).get(tomorrow_url).status_code == 200


@pytest.mark.parametrize("name", ["notifications:sent_log", "notifications:tomorrow"])
def test_sent_log_query_count_is_constant(client_for, world, swept, name):
    client = client_for(world.home.coordinator)
    url = reverse(name)
    client.get(url)
    small = queries(client, url)
    today = services.local_today(world.home.municipality)
    for i in range(8):  # notices are grouped per school and day: many schools make many rows
        school = OrganizationFactory(municipality=world.home.municipality)
        user_with_role("curator", organization=school)
        record_due(today - dt.timedelta(days=1), organization=school, title=f"Ещё {i}")
        record_due(today + dt.timedelta(days=1), organization=school, title=f"Завтра {i}")
    services.sweep_run(municipality=world.home.municipality, today=today)
    assert ReminderLog.objects.filter(municipality=world.home.municipality).count() > 8
    assert queries(client, url) == small


def test_navigation_shows_the_log_to_coordinators_only(client_for, world):
    url = reverse("notifications:sent_log")
    assert url in client_for(world.home.coordinator).get(reverse("home")).content.decode()
    assert url not in client_for(world.home.curator).get(reverse("home")).content.decode()
