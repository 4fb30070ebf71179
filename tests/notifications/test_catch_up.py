"""Catch-up: a sweep also covers the days since the last completed sweep of its municipality,
sending what was due then (overdue and escalation), each exactly once."""

import datetime as dt

import pytest
from django.core import mail

from notifications import services
from notifications.kinds import Kind
from notifications.models import Notification, ReminderLog, ReminderStatus, SweepDay
from tests.notifications.factories import record_due, rules

D0 = dt.date(2026, 11, 16)  # the last day a sweep ran
pytestmark = pytest.mark.django_db


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def sweep(side, today, kinds=None):
    return services.sweep_run(municipality=side.municipality, today=today, kinds=kinds)


def logs(**filters):
    return sorted(
        ReminderLog.objects.filter(**filters).values_list("kind", "date", "recipient__username", "status"),
        key=lambda r: (r[1], r[0], r[2]),
    )


def test_days_without_a_sweep_are_caught_up_once(world):
    record = record_due(day(1), organization=world.home.school)  # overdue from day 2
    result = sweep(world.home, day(0))
    assert result.caught_up == [] and SweepDay.objects.filter(date=day(0)).exists()
    assert [k for k, *_ in logs()] == [Kind.ROADMAP_DUE_SOON]  # «через 1 день», sent on its day
    mail.outbox = []
    # no sweep ran on days 1, 2 and 3 (the worker or beat was down)
    result = sweep(world.home, day(4))
    assert result.caught_up == [day(1), day(2), day(3)]
    curator = world.home.curator.username
    assert logs(date__gt=day(0)) == [
        (Kind.ROADMAP_OVERDUE, day(2), curator, ReminderStatus.SENT),  # 1 day late, that day
        (Kind.ROADMAP_OVERDUE, day(3), curator, ReminderStatus.SENT),  # 2 days late
        (Kind.ROADMAP_OVERDUE, day(4), curator, ReminderStatus.SENT),  # today: 3 days late
    ]
    # not «сегодня срок» for day 1, which is past
    assert not ReminderLog.objects.filter(kind=Kind.ROADMAP_DUE_TODAY).exists()
    # the curator's three reminders come in one letter, each listed
    assert result.total == 3 and len(mail.outbox) == 1
    assert mail.outbox[0].subject == "«Наставник»: 3 напоминания на 20.11.2026"
    assert mail.outbox[0].body.count("Просрочено на") == 3
    late = Notification.objects.filter(reminder__date=day(2)).get()
    assert late.title.startswith("Просрочено на 1 день")
    assert late.message.startswith("Напоминание за 18.11.2026: в тот день рассылка не проводилась.")
    assert ReminderLog.objects.get(date=day(2)).key.startswith(f"accounts.organization:{record.organization_id}:")
    # the same sweep again, or the next day's: nothing twice
    assert sweep(world.home, day(4)).total == 0
    result = sweep(world.home, day(5))
    assert result.caught_up == [] and result.total == 0  # 4 days late: the weekly cadence waits for day 10
    assert ReminderLog.objects.filter(kind=Kind.ROADMAP_OVERDUE).count() == 3
    assert Notification.objects.filter(kind=Kind.ROADMAP_OVERDUE).count() == 3


def test_escalation_of_a_missed_day_reaches_the_coordinator(world):
    rules(world.home.municipality, escalation_days=7)
    record_due(day(-8), organization=world.home.school)  # 8 days late on day 0: escalation day
    sweep(world.home, day(-1))
    result = sweep(world.home, day(1))  # day 0 was missed
    assert result.caught_up == [day(0)]
    escalation = ReminderLog.objects.get(kind=Kind.ROADMAP_ESCALATION)
    assert (escalation.date, escalation.recipient, escalation.status) == (
        day(0),
        world.home.coordinator,
        ReminderStatus.SENT,
    )


def test_catch_up_is_bounded_by_the_setting(world, settings):
    settings.NOTIFICATIONS_CATCHUP_DAYS = 3
    record_due(day(-1), organization=world.home.school)
    sweep(world.home, day(-30))
    result = sweep(world.home, day(10))
    assert result.caught_up == [day(7), day(8), day(9)]
    # overdue fires 1, 2, 3 and 10 days after the due date (days 0, 1, 2 and 9): only day 9 is within
    # reach; the escalation 8 days late falls on day 7
    assert [d for _, d, *_ in logs(kind=Kind.ROADMAP_OVERDUE)] == [day(9)]
    assert [d for _, d, *_ in logs(kind=Kind.ROADMAP_ESCALATION)] == [day(7)]
    settings.NOTIFICATIONS_CATCHUP_DAYS = 0
    assert sweep(world.home, day(20)).caught_up == []


def test_no_catch_up_before_the_first_sweep_and_none_for_the_other_municipality(world):
    record_due(day(1), organization=world.home.school)
    record_due(day(1), organization=world.foreign.school)
    sweep(world.home, day(0))
    assert sweep(world.foreign, day(4)).caught_up == []  # the foreign side never swept: no history
    assert sweep(world.home, day(4)).caught_up == [day(1), day(2), day(3)]
    assert ReminderLog.objects.filter(municipality=world.foreign.municipality).count() == 1  # its own day 4


def test_the_weekly_digest_alone_does_not_count_as_a_swept_day(world):
    record_due(day(1), organization=world.home.school)
    sweep(world.home, day(0))
    sweep(world.home, day(2), kinds=[Kind.WEEKLY_DIGEST])
    assert not SweepDay.objects.filter(date=day(2)).exists()
    assert sweep(world.home, day(3)).caught_up == [day(1), day(2)]


def test_an_installation_without_sweep_records_catches_up_from_its_last_reminders(world):
    record_due(day(1), organization=world.home.school)
    sweep(world.home, day(0))
    SweepDay.objects.all().delete()  # as before the record existed: the reminder log stands in
    assert sweep(world.home, day(3)).caught_up == [day(1), day(2)]


def test_switched_off_reminders_are_not_flooded_when_switched_on(world):
    record_due(day(1), organization=world.home.school)
    sweep(world.home, day(0))
    rules(world.home.municipality, enabled=False)
    for n in (1, 2, 3):
        assert sweep(world.home, day(n)).total == 0
    rules(world.home.municipality, enabled=True)
    result = sweep(world.home, day(4))
    assert result.caught_up == [] and result.total == 1  # only today's «просрочено на 3 дня»
