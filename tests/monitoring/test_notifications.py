"""The report workflow talks: submit tells the coordinator; return (with its reason) and accept
tell the school's curator and head, in-app and by e-mail, once per event."""

import pytest
from django.core import mail
from django.urls import reverse

from monitoring import services
from monitoring.models import Assignment
from notifications.kinds import Kind
from notifications.models import Notification, ReminderLog, ReminderStatus
from tests.monitoring import factories as f


def _notes(kind):
    return {(n.recipient_id, n.kind) for n in Notification.objects.filter(kind=kind)}


def _mail_to(address):
    return [m for m in mail.outbox if address in m.to]


@pytest.fixture
def assignment(world):
    c = f.campaign(world.home)
    return Assignment.objects.get(campaign=c, organization=world.home.school)


def test_submit_return_accept_each_notify_the_right_people(world, assignment, django_capture_on_commit_callbacks):
    home = world.home
    path = reverse("monitoring:assignment_detail", args=[assignment.pk])

    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_submit(user=home.curator, assignment=assignment)
    assert _notes(Kind.REPORT_SUBMITTED) == {(home.coordinator.pk, Kind.REPORT_SUBMITTED)}
    note = Notification.objects.get(kind=Kind.REPORT_SUBMITTED)
    assert note.path == path and home.school.short_name in note.title
    assert len(_mail_to(home.coordinator.email)) == 1
    assert not _mail_to(world.foreign.coordinator.email) and not _mail_to(home.curator.email)

    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_return(
            user=home.methodologist, assignment=assignment, comment="Нет приказа о наставничестве"
        )
    returned = Notification.objects.filter(kind=Kind.REPORT_RETURNED)
    assert {n.recipient_id for n in returned} == {home.curator.pk, home.head.pk}
    assert all("Нет приказа о наставничестве" in n.message for n in returned)
    letters = _mail_to(home.curator.email) + _mail_to(home.head.email)
    assert len(letters) == 2 and all("Нет приказа о наставничестве" in m.body for m in letters)

    # the second submission the same day is a new event: told again, not swallowed by the key
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_submit(user=home.curator, assignment=assignment)
    assert Notification.objects.filter(kind=Kind.REPORT_SUBMITTED, recipient=home.coordinator).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_accept(user=home.coordinator, assignment=assignment)
    assert {n.recipient_id for n in Notification.objects.filter(kind=Kind.REPORT_ACCEPTED)} == {
        home.curator.pk,
        home.head.pk,
    }
    assert not Notification.objects.filter(recipient=world.foreign.curator).exists()
    assert not Notification.objects.filter(recipient=home.methodologist).exists()
    assert set(ReminderLog.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}


def test_a_repeated_delivery_sends_nothing_twice(world, assignment, django_capture_on_commit_callbacks):
    from notifications.services import events_deliver

    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_submit(user=world.home.curator, assignment=assignment)
    ids = list(ReminderLog.objects.values_list("pk", flat=True))
    assert events_deliver(log_ids=ids) == 0
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_opted_out_recipient_gets_no_letter(world, assignment, django_capture_on_commit_callbacks):
    from notifications.models import NotificationPreference

    NotificationPreference.objects.create(user=world.home.coordinator, kind=Kind.REPORT_SUBMITTED, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_submit(user=world.home.curator, assignment=assignment)
    assert Notification.objects.filter(recipient=world.home.coordinator).count() == 1
    assert not mail.outbox


def test_home_card_opens_the_reports_waiting_for_review(world, assignment, client_for):
    services.assignment_submit(user=world.home.curator, assignment=assignment)
    client = client_for(world.home.coordinator)
    home = client.get(reverse("home")).content.decode()
    assert reverse("monitoring:campaign_list") + "#review" in home
    page = client.get(reverse("monitoring:campaign_list")).content.decode()
    assert 'data-testid="to-review"' in page and reverse("monitoring:assignment_detail", args=[assignment.pk]) in page
    foreign = client_for(world.foreign.coordinator).get(reverse("monitoring:campaign_list")).content.decode()
    assert 'data-testid="to-review"' not in foreign
