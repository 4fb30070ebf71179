"""run_reminders and setup_periodic_tasks."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from notifications.models import ReminderSettings
from tests.notifications.factories import record_due


def run(*args) -> tuple[list[str], dict]:
    out = StringIO()
    call_command("run_reminders", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    return lines, json.loads(lines[-1])


def test_run_reminders_prints_json_and_second_run_sends_nothing(world):
    record_due(dt.date(2026, 11, 24), organization=world.home.school)  # a Tuesday: no digest
    record_due(dt.date(2026, 11, 21), organization=world.home.school)
    record_due(dt.date(2026, 11, 24), organization=world.foreign.school)
    _, first = run("--date", "2026-11-24")
    assert first == {"total": 3, "by_kind": {"roadmap_due_today": 2, "roadmap_overdue": 1}}
    _, second = run("--date", "2026-11-24")
    assert second == {"total": 0, "by_kind": {}}


def test_run_reminders_for_one_municipality_and_digest_on_its_weekday(world):
    record_due(dt.date(2026, 11, 23), organization=world.home.school)
    record_due(dt.date(2026, 11, 23), organization=world.foreign.school)
    lines, result = run("--date", "2026-11-23", "--municipality", world.home.municipality.name)  # Monday
    assert result == {"total": 2, "by_kind": {"roadmap_due_today": 1, "weekly_digest": 1}}
    assert len(lines) == 2 and lines[0].startswith(world.home.municipality.name)


def test_run_reminders_rejects_bad_input(world):
    with pytest.raises(CommandError):
        run("--date", "23.11.2026")
    with pytest.raises(CommandError):
        run("--municipality", "город Нигде")


def test_setup_periodic_tasks_is_idempotent_and_uses_local_time(world):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    call_command("setup_periodic_tasks", stdout=StringIO())
    call_command("setup_periodic_tasks", stdout=StringIO())
    tasks = PeriodicTask.objects.filter(task="notifications.tasks.sweep_municipality")
    assert tasks.count() == 4
    daily = tasks.get(name__contains=f"ежедневная рассылка — {world.home.municipality.name}")
    assert json.loads(daily.kwargs) == {"municipality_id": world.home.municipality.pk}
    assert (daily.crontab.hour, daily.crontab.minute, str(daily.crontab.timezone)) == ("9", "0", "Asia/Krasnoyarsk")
    weekly = tasks.get(name__contains=f"еженедельная сводка — {world.foreign.municipality.name}")
    assert json.loads(weekly.kwargs)["kinds"] == ["weekly_digest"]
    assert (weekly.crontab.day_of_week, str(weekly.crontab.timezone)) == ("1", "Asia/Yekaterinburg")

    ReminderSettings.objects.filter(municipality=world.home.municipality).update(send_hour=7)
    call_command("setup_periodic_tasks", stdout=StringIO())
    daily.refresh_from_db()
    assert daily.crontab.hour == "7"
    assert PeriodicTask.objects.filter(task="notifications.tasks.sweep_municipality").count() == 4
    assert CrontabSchedule.objects.filter(hour="9", timezone="Asia/Krasnoyarsk").exists()


def test_demo_seed_is_idempotent(world):
    from accounts.demo import DemoContext
    from notifications import demo
    from notifications.models import Notification

    record_due(dt.date.today() - dt.timedelta(days=1), organization=world.home.school)
    ctx = DemoContext(municipalities={"home": world.home.municipality, "foreign": world.foreign.municipality})
    demo.seed(ctx)
    count = Notification.objects.count()
    demo.seed(ctx)
    assert Notification.objects.count() == count
