"""Reminder kinds are registered by the app that owns the data (accounts.reminders); a lookup
that no longer names a field fails loudly: at registration (the start stops) and in the system
check, never as a kind that quietly sends nothing."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from accounts import reminders
from mentorship import reminders as mentorship_reminders
from mentorship.models import Meeting, Pair
from notifications.checks import NOT_SWEPT
from notifications.kinds import Kind
from notifications.providers import DAILY_KINDS, get_provider


def _registry_copy(monkeypatch):
    monkeypatch.setattr(reminders, "_registry", dict(reminders._registry))


def test_every_swept_kind_is_registered_by_the_app_that_owns_its_data():
    owners = {entry.kind: entry.app_label for entry in reminders.registered_reminders()}
    assert (set(DAILY_KINDS) | {Kind.WEEKLY_DIGEST}) - NOT_SWEPT <= set(owners)
    assert owners[Kind.ROADMAP_OVERDUE] == "roadmaps"
    assert owners[Kind.PAIR_INACTIVE] == owners[Kind.MENTEE_WAITING] == owners[Kind.FEEDBACK_TO_GIVE] == "mentorship"
    assert owners[Kind.CAMPAIGN_REPORT_OVERDUE] == "monitoring"


def test_registered_lookups_name_real_fields():
    assert reminders.check_registered_reminders() == []


@pytest.mark.parametrize(
    ("model", "lookup"),
    [
        (Pair, "started_at"),  # the field was renamed: started_on
        (Meeting, "pair__organization__town"),  # a field further down the path
        (Meeting, "held_on__year"),  # a path through a non-relation
    ],
)
def test_a_renamed_field_fails_at_registration(monkeypatch, model, lookup):
    _registry_copy(monkeypatch)
    with pytest.raises(ImproperlyConfigured, match=lookup.split("__")[0] if model is Pair else model._meta.label):
        reminders.register_reminder(Kind.PAIR_INACTIVE, model=model, fields=(lookup,), provider=lambda ctx: [])


def test_the_owner_app_registration_fails_when_its_model_field_is_renamed(monkeypatch):
    """As if Pair.started_on were renamed: mentorship's own registration (its ready()) raises."""
    _registry_copy(monkeypatch)
    monkeypatch.setattr(
        mentorship_reminders, "PAIR_FIELDS", (*mentorship_reminders.PAIR_FIELDS[:-2], "started_at", "meetings__held_on")
    )
    with pytest.raises(ImproperlyConfigured, match="started_at"):
        mentorship_reminders.register()


def test_the_system_check_reports_a_kind_whose_field_is_gone(monkeypatch):
    _registry_copy(monkeypatch)
    entry = reminders.reminder_kind(Kind.PAIR_INACTIVE)
    reminders._registry[Kind.PAIR_INACTIVE] = reminders.ReminderKind(
        kind=entry.kind, model=entry.model, fields=(*entry.fields, "last_seen_on"), provider=entry.provider
    )
    with pytest.raises(SystemCheckError, match="notifications.E002"):
        call_command("check")


def test_the_system_check_refuses_a_kind_the_log_cannot_store(monkeypatch):
    _registry_copy(monkeypatch)
    reminders.register_reminder("pair_silence", model=Pair, fields=("status",), provider=lambda ctx: [])
    with pytest.raises(SystemCheckError, match="pair_silence"):
        call_command("check")


def test_a_kind_is_registered_once(monkeypatch):
    _registry_copy(monkeypatch)
    with pytest.raises(ImproperlyConfigured, match="twice"):
        reminders.register_reminder(Kind.PAIR_INACTIVE, model=Pair, fields=("status",), provider=lambda ctx: [])


@pytest.mark.django_db
def test_the_sweep_finds_the_registered_provider():
    assert get_provider(Kind.PAIR_INACTIVE) is mentorship_reminders.pair_inactive
    assert get_provider("no_such_kind") is None
    assert apps.get_app_config("mentorship")  # the owner is installed
