"""Less noise: roadmap reminders are grouped per school (its curators), kind and day, with the list."""

import datetime as dt

import pytest
from django.core import mail

from notifications import services
from notifications.kinds import Kind
from notifications.models import Notification, ReminderLog
from tests.notifications.factories import record_due, rules

TODAY = dt.date(2026, 11, 23)
pytestmark = pytest.mark.django_db


def sweep(side, today=TODAY):
    return services.sweep_run(municipality=side.municipality, today=today)


def test_sixteen_overdue_activities_are_one_notice_with_the_list(world):
    school = world.home.school
    for n in range(16):
        record_due(TODAY - dt.timedelta(days=1 + n * 2), organization=school, title=f"Мероприятие {n:02d}")
    record_due(TODAY - dt.timedelta(days=1), organization=world.home.other_school, title="Чужая школа")
    sweep(world.home)
    notes = Notification.objects.filter(recipient=world.home.curator, kind=Kind.ROADMAP_OVERDUE)
    assert notes.count() == 1
    note = notes.get()
    assert note.title == f"В {school.short_name} просрочено 16 мероприятий"
    lines = [line for line in note.message.splitlines() if line.startswith("— ")]
    assert len(lines) == 16
    assert "Мероприятие 00" in lines[-1] and "(срок 22.11.2026, просрочено на 1 день)" in lines[-1]
    assert "просрочено на 31 день" in lines[0]
    assert "Чужая школа" not in note.message
    # one letter, the same list
    letters = [m for m in mail.outbox if m.to == [world.home.curator.email]]
    assert len(letters) == 1 and "Мероприятие 15" in letters[0].body
    # the key is the school's for the day: a second sweep the same day adds nothing
    assert sweep(world.home).total == 0
    assert ReminderLog.objects.filter(kind=Kind.ROADMAP_OVERDUE, recipient=world.home.curator).count() == 1


def test_a_day_with_no_record_on_its_cadence_sends_nothing(world):
    record_due(TODAY - dt.timedelta(days=5), organization=world.home.school)  # day 5: the weekly wait
    record_due(TODAY - dt.timedelta(days=6), organization=world.home.school)
    assert sweep(world.home).total == 0


def test_due_today_grouped_and_escalation_one_per_municipality(world):
    rules(world.home.municipality, escalation_days=5)
    for n in range(3):
        record_due(TODAY, organization=world.home.school, title=f"Сегодня {n}")
    record_due(TODAY - dt.timedelta(days=6), organization=world.home.school, title="Давно 1")
    record_due(TODAY - dt.timedelta(days=6), organization=world.home.other_school, title="Давно 2")
    sweep(world.home)
    today_note = Notification.objects.get(recipient=world.home.curator, kind=Kind.ROADMAP_DUE_TODAY)
    assert today_note.title == f"Сегодня срок: 3 мероприятия в {world.home.school.short_name}"
    escalation = Notification.objects.get(recipient=world.home.coordinator, kind=Kind.ROADMAP_ESCALATION)
    assert escalation.title == "Долгая просрочка: 2 мероприятия, 2 организации"
    assert world.home.school.short_name in escalation.message and "Давно 2" in escalation.message


def test_many_quiet_pairs_of_a_school_are_one_notice(world):
    from tests.notifications.factories import pair

    quiet = [pair(world.home.school, started_on=TODAY - dt.timedelta(days=30)) for _ in range(3)]
    pair(world.home.other_school, started_on=TODAY - dt.timedelta(days=30))
    services.sweep_run(municipality=world.home.municipality, today=TODAY, kinds=[Kind.PAIR_INACTIVE])
    notes = list(Notification.objects.filter(recipient=world.home.curator, kind=Kind.PAIR_INACTIVE))
    assert len(notes) == 1
    assert notes[0].title == f"В {world.home.school.short_name} давно нет встреч: 3 пары"
    assert len([line for line in notes[0].message.splitlines() if line.startswith("— ")]) == len(quiet)
    log = ReminderLog.objects.get(kind=Kind.PAIR_INACTIVE, recipient=world.home.curator)
    assert (log.object_type, log.object_id) == ("accounts.organization", world.home.school.pk)
    # the same day again: nothing more
    again = services.sweep_run(municipality=world.home.municipality, today=TODAY, kinds=[Kind.PAIR_INACTIVE])
    assert again.total == 0
