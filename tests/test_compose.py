"""docker-compose.yml cannot run here (no Docker engine): check its services and wiring instead."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_has_the_five_services(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "db", "redis"}


@pytest.mark.parametrize("name", ["web", "worker", "db", "redis"])
def test_long_running_services_have_health_checks(compose, name):
    assert compose["services"][name]["healthcheck"]["test"]


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_services_are_wired_to_postgres_and_redis(compose, name):
    service = compose["services"][name]
    env = service["environment"]
    assert env["NASTAVNIK_MODE"] == "production"
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")
    assert "SECRET_KEY" in env and "ALLOWED_HOSTS" in env
    assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    assert service["build"] == "."


def test_commands(compose):
    services = compose["services"]
    assert "gunicorn config.wsgi:application" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert "beat" in services["beat"]["command"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in services["beat"]["command"]


def test_data_lives_in_volumes(compose):
    assert {"pgdata", "redisdata", "media"} <= set(compose["volumes"])
    assert any(v.startswith("pgdata:") for v in compose["services"]["db"]["volumes"])
    assert any(v.startswith("media:") for v in compose["services"]["web"]["volumes"])


def test_database_password_is_shared_between_db_and_app(compose):
    db_env = compose["services"]["db"]["environment"]
    app_url = compose["services"]["web"]["environment"]["DATABASE_URL"]
    assert db_env["POSTGRES_USER"] in app_url and db_env["POSTGRES_DB"] in app_url
    assert "${POSTGRES_PASSWORD" in db_env["POSTGRES_PASSWORD"] and "${POSTGRES_PASSWORD" in app_url


def test_dockerfile_builds_assets_from_npm_and_runs_gunicorn():
    text = (ROOT / "Dockerfile").read_text()
    assert "npm ci" in text and "collectstatic" in text and "compilemessages" in text
    assert "gunicorn" in text and "python:3.11" in text


def test_health_endpoint_answers(client, db):
    response = client.get("/health/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
