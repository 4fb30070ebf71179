"""One letter a day per person: a recipient's reminders of the day go out together, while every
reminder keeps its own row, its own claim, its own notification in the bell and its own «sent»."""

import datetime as dt
import smtplib

import pytest
from django.core import mail

from notifications import services
from notifications.kinds import Kind
from notifications.models import Notification, ReminderLog, ReminderStatus
from tests.notifications.factories import record_due
from tests.notifications.test_sweep import TODAY, run_until_done, sweep
from tests.notifications.test_sweep import flaky_smtp as flaky_smtp  # noqa: F401 (the fixture)


def three_due(world):
    """Three reminders for the school's curator today: due today, overdue, due in 7 days."""
    return [
        record_due(TODAY + dt.timedelta(days=offset), organization=world.home.school, title=title)
        for offset, title in ((0, "Положение о наставничестве"), (-1, "Приказ о наставниках"), (7, "Отчёт за квартал"))
    ]


def letters_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def keys_of(letter) -> list[str]:
    return letter.extra_headers["X-Nastavnik-Reminder"].split()


def test_a_recipients_reminders_of_the_day_come_in_one_letter(world, settings):
    settings.SITE_URL = "https://nastavnik.example.ru"
    records = three_due(world)
    result = sweep(world.home)
    assert result.total == 3
    [letter] = letters_to(world.home.curator)
    assert letter.subject == "«Наставник»: 3 напоминания на 23.11.2026"
    rows = ReminderLog.objects.filter(recipient=world.home.curator)
    assert sorted(keys_of(letter)) == sorted(row.key for row in rows)
    assert {row.kind for row in rows} == {Kind.ROADMAP_DUE_TODAY, Kind.ROADMAP_OVERDUE, Kind.ROADMAP_DUE_SOON}
    html = letter.alternatives[0][0]
    for row in rows:
        assert row.title in letter.body and row.title in html
    for record in records:
        assert f"https://nastavnik.example.ru/roadmaps/records/{record.pk}/" in letter.body
        assert f'href="https://nastavnik.example.ru/roadmaps/records/{record.pk}/"' in html
    # each reminder is still delivered on its own key: sent, e-mailed, in the bell
    assert set(rows.values_list("status", "email_sent")) == {(ReminderStatus.SENT, True)}
    assert Notification.objects.filter(recipient=world.home.curator).count() == 3


def test_one_reminder_is_a_letter_of_its_own(world):
    record_due(TODAY, organization=world.home.school)
    sweep(world.home)
    [letter] = letters_to(world.home.curator)
    assert letter.subject.startswith("«Наставник»: Сегодня срок")
    assert "Напоминания «Наставника» на" not in letter.body  # no list of one
    assert keys_of(letter) == [ReminderLog.objects.get().key]


def test_a_second_sweep_of_the_day_sends_no_letter(world):
    three_due(world)
    assert sweep(world.home).total == 3
    assert sweep(world.home).total == 0
    assert len(mail.outbox) == 1


def test_rows_another_sweep_holds_are_left_out_of_the_letter(world):
    three_due(world)
    planned = services.reminders_collect(municipality=world.home.municipality, today=TODAY)
    services.reminders_claim(
        rows=services.reminder_rows(municipality=world.home.municipality, today=TODAY, planned=planned)
    )
    held = ReminderLog.objects.get(kind=Kind.ROADMAP_OVERDUE)
    ReminderLog.objects.filter(pk=held.pk).update(status=ReminderStatus.SENDING)
    result = sweep(world.home)
    assert result.total == 2
    [letter] = letters_to(world.home.curator)
    assert held.key not in keys_of(letter) and len(keys_of(letter)) == 2
    assert held.title not in letter.body
    assert letter.subject == "«Наставник»: 2 напоминания на 23.11.2026"
    held.refresh_from_db()
    assert held.status == ReminderStatus.SENDING  # left to the sweep that holds it, never sent twice


def test_a_long_day_is_split_into_letters(world, monkeypatch):
    monkeypatch.setattr(services, "MAX_LETTER_ITEMS", 2)
    three_due(world)
    assert sweep(world.home).total == 3
    letters = letters_to(world.home.curator)
    assert [len(keys_of(m)) for m in letters] == [2, 1]
    keys = [key for m in letters for key in keys_of(m)]
    assert sorted(keys) == sorted(row.key for row in ReminderLog.objects.all())


def test_a_transient_error_puts_the_whole_letter_back_and_it_goes_once(world, flaky_smtp):  # noqa: F811
    flaky_smtp.failures, flaky_smtp.error = 1, smtplib.SMTPServerDisconnected("connection lost")
    three_due(world)
    result, retries = run_until_done(world.home.municipality, TODAY)
    assert retries == 1 and result["total"] == 3
    [letter] = flaky_smtp.sent
    assert len(keys_of(letter)) == 3
    assert set(ReminderLog.objects.values_list("status", "attempts", "email_sent")) == {(ReminderStatus.SENT, 2, True)}
    assert Notification.objects.count() == 3


def test_a_permanent_error_fails_every_row_of_the_letter(world, flaky_smtp):  # noqa: F811
    flaky_smtp.failures = 1
    flaky_smtp.error = smtplib.SMTPRecipientsRefused({"x@example.ru": (550, b"no such user")})
    three_due(world)
    result = sweep(world.home)
    assert (result.total, result.failed) == (0, 3)
    assert set(ReminderLog.objects.values_list("status", flat=True)) == {ReminderStatus.FAILED}
    assert all("550" in error for error in ReminderLog.objects.values_list("error", flat=True))
    assert Notification.objects.count() == 3  # the bell has them all
    assert sweep(world.home).total == 0 and flaky_smtp.sent == []


@pytest.mark.parametrize("opted_out", [Kind.ROADMAP_OVERDUE])
def test_an_e_mail_opt_out_takes_that_kind_out_of_the_letter(world, opted_out):
    from tests.notifications.factories import opt_out

    opt_out(world.home.curator, opted_out, email_only=True)
    three_due(world)
    assert sweep(world.home).total == 3
    [letter] = letters_to(world.home.curator)
    assert len(keys_of(letter)) == 2
    assert ReminderLog.objects.get(kind=opted_out).key not in keys_of(letter)
    assert Notification.objects.filter(recipient=world.home.curator).count() == 3
