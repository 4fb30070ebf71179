"""Authentication hardening: lockout, password rules, sessions, CSRF, export log."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import ExportLog
from accounts.services import export_log_record

pytestmark = pytest.mark.django_db


def test_login_is_locked_after_repeated_failures(client, world, settings):
    username = world.home.curator.username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": username, "password": "wrong-password-x"})
    # now even the right password is refused, with a Russian explanation
    response = client.post(reverse("login"), {"username": username, "password": world.password})
    assert response.status_code == 429
    assert "Вход временно заблокирован" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302  # not signed in


def test_other_users_are_not_locked_by_someone_elses_failures(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": world.home.curator.username, "password": "wrong-password-x"})
    response = client.post(reverse("login"), {"username": world.home.coordinator.username, "password": world.password})
    assert response.status_code == 302


def test_password_validators_refuse_weak_passwords(world):
    with pytest.raises(ValidationError) as exc:
        validate_password("12345678", world.home.curator)
    messages = " ".join(exc.value.messages)
    assert "слишком короткий" in messages or "слишком широко распространён" in messages


def test_session_expires(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 300 <= settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_csrf_is_enforced_on_forms(world):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": world.home.curator.username, "password": world.password})
    assert response.status_code == 403
    page = strict.get(reverse("login")).content.decode()
    assert "csrfmiddlewaretoken" in page


def test_export_log_records_who_and_what(world, rf):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    entry = export_log_record(
        user=world.home.coordinator,
        kind="Банк наставников",
        rows=12,
        masked_rows=3,
        municipality=world.home.municipality,
        request=request,
    )
    assert ExportLog.objects.get() == entry
    assert (entry.rows, entry.masked_rows, entry.ip_address) == (12, 3, "10.1.2.3")


def test_export_log_admin_is_scoped_and_read_only(client_for, world):
    export_log_record(
        user=world.home.coordinator, kind="Банк наставников", rows=1, municipality=world.home.municipality
    )
    export_log_record(
        user=world.foreign.coordinator, kind="Банк наставников (чужой)", rows=1, municipality=world.foreign.municipality
    )
    client = client_for(world.home.coordinator)
    page = client.get(reverse("admin:accounts_exportlog_changelist")).content.decode()
    assert "Банк наставников" in page and "(чужой)" not in page
    assert client.get(reverse("admin:accounts_exportlog_add")).status_code == 403
