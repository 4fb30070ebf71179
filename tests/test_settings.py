"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def environ(monkeypatch):
    def set_(**values):
        for key, value in values.items():
            monkeypatch.setenv(key, value)

    return set_


def test_bool_accepts_common_spellings(environ):
    environ(FLAG_A="yes", FLAG_B="0", FLAG_C="True")
    assert env.env_bool("FLAG_A", False) is True
    assert env.env_bool("FLAG_B", True) is False
    assert env.env_bool("FLAG_C", False) is True
    assert env.env_bool("FLAG_ABSENT", True) is True


def test_bool_rejects_garbage_naming_the_variable(environ):
    environ(DEBUG="maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' — не логическое значение"):
        env.env_bool("DEBUG", False)


def test_int_rejects_garbage_and_too_small(environ):
    environ(EMAIL_PORT="twenty-five", SESSION_COOKIE_AGE="10")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT"):
        env.env_int("EMAIL_PORT", 25)
    with pytest.raises(ImproperlyConfigured, match="не меньше 300"):
        env.env_int("SESSION_COOKIE_AGE", 3600, minimum=300)


def test_list_splits_on_commas(environ):
    environ(ALLOWED_HOSTS="nastavnik.ru, www.nastavnik.ru ,")
    assert env.env_list("ALLOWED_HOSTS", []) == ["nastavnik.ru", "www.nastavnik.ru"]


def test_timezone_must_be_known(environ):
    environ(TIME_ZONE="Asia/Norilsk-City")
    with pytest.raises(ImproperlyConfigured, match="неизвестный часовой пояс IANA"):
        env.env_timezone("TIME_ZONE", "Europe/Moscow")
    environ(TIME_ZONE="Asia/Krasnoyarsk")
    assert env.env_timezone("TIME_ZONE", "Europe/Moscow") == "Asia/Krasnoyarsk"


def test_database_default_is_sqlite_file(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env.env_database("DATABASE_URL", "/tmp/x/nastavnik.sqlite3")
    assert config == {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/x/nastavnik.sqlite3"}


def test_database_url_postgres(environ):
    environ(DATABASE_URL="postgres://postgres:secret@127.0.0.1:5432/nastavnik")
    config = env.env_database("DATABASE_URL", "unused")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["HOST"], config["PORT"], config["USER"]) == (
        "nastavnik",
        "127.0.0.1",
        5432,
        "postgres",
    )


@pytest.mark.parametrize("url", ["mysql://root@localhost/db", "postgres://127.0.0.1:5432/"])
def test_database_url_rejected(environ, url):
    environ(DATABASE_URL=url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.env_database("DATABASE_URL", "unused")


def test_broker_url_must_be_a_url(environ):
    environ(CELERY_BROKER_URL="127.0.0.1:6379")
    with pytest.raises(ImproperlyConfigured, match="CELERY_BROKER_URL"):
        env.env_redis_url("CELERY_BROKER_URL")


def _run_check(extra_env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "NASTAVNIK_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL"}
    }
    clean.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_mode_requires_secret_key():
    result = _run_check({"NASTAVNIK_MODE": "production", "ALLOWED_HOSTS": "nastavnik.example.ru"})
    assert result.returncode != 0
    assert "SECRET_KEY обязательна" in result.stderr
    assert "Traceback" not in result.stderr and result.returncode == 2


def test_bad_debug_value_stops_the_start():
    result = _run_check({"DEBUG": "sometimes"})
    assert result.returncode != 0
    assert "DEBUG='sometimes' — не логическое значение" in result.stderr


def test_production_mode_passes_check_deploy():
    result = _run_check(
        {
            "NASTAVNIK_MODE": "production",
            "SECRET_KEY": "x7!" + "k2mZp9qLw4" * 6,
            "ALLOWED_HOSTS": "nastavnik.example.ru",
            "SITE_URL": "https://nastavnik.example.ru",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_no_broker_means_eager_tasks(settings):
    # the suite itself runs with and without CELERY_BROKER_URL; the rule holds either way
    assert settings.CELERY_TASK_ALWAYS_EAGER is (settings.CELERY_BROKER_URL is None)


def test_site_url_is_an_address_and_https_in_production(environ):
    environ(SITE_URL="nastavnik.example.ru")
    with pytest.raises(ImproperlyConfigured, match="SITE_URL"):
        env.env_url("SITE_URL", "http://127.0.0.1:8000")
    environ(SITE_URL="http://nastavnik.example.ru/")
    assert env.env_url("SITE_URL", "x") == "http://nastavnik.example.ru"
    with pytest.raises(ImproperlyConfigured, match="https://"):
        env.env_url("SITE_URL", "x", require_https=True)


def test_origins_email_backend_and_numbers_are_checked(environ):
    environ(CSRF_TRUSTED_ORIGINS="nastavnik.example.ru", EMAIL_BACKEND="django.core.mail.backends.smpt.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="CSRF_TRUSTED_ORIGINS"):
        env.env_origins("CSRF_TRUSTED_ORIGINS")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_BACKEND"):
        env.env_dotted("EMAIL_BACKEND", "x")
    environ(NOTIFICATIONS_TEST_SEND_DELAY="0,5")
    assert env.env_float("NOTIFICATIONS_TEST_SEND_DELAY", 0.0) == 0.5
