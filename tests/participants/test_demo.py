"""`seed_demo --logins`, run in a process that did not seed, lists the demo participants too."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from accounts import demo as accounts_demo
from tests.mentorship.factories import ConsentFactory, MentorFactory
from tests.participants.conftest import account

pytestmark = pytest.mark.django_db


def test_demo_participants_are_listed_from_the_database(world, monkeypatch):
    monkeypatch.setattr(accounts_demo, "_extra_logins", {})  # a fresh process: nothing registered while seeding
    mentor = MentorFactory(organization=world.home.school, last_name="Демонстрова")
    ConsentFactory(person=mentor)
    user = account(world.home.curator, mentor)
    user.username = "nastavnik"
    user.save(update_fields=["username"])

    out = io.StringIO()
    call_command("seed_demo", "--logins", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.strip().startswith("nastavnik "))
    assert "Наставник (участник)" in line and world.home.school.short_name in line
    # an account that does not exist is not listed
    assert "nastavlyaemyi " not in out.getvalue()
