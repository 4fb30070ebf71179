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


@pytest.mark.parametrize("name", ["web", "worker", "beat", "db", "redis"])
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
    assert "jobs.beat:Scheduler" in services["beat"]["command"]


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
    body = response.json()
    assert response.status_code == 200 and body["database"] == {"ok": True}
    assert {"broker", "worker", "beat", "jobs"} <= set(body)


def test_web_healthcheck_uses_the_proxy_headers(compose):
    assert compose["services"]["web"]["healthcheck"]["test"] == ["CMD", "python", "-m", "config.healthcheck"]


def test_image_leaves_out_the_tests():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert "tests" in ignored and ".ci" in ignored
    text = (ROOT / "Dockerfile").read_text()
    assert '".[dev]"' not in text and "chromium" not in text.lower() and "playwright" not in text.lower()


@pytest.mark.slow(seconds=25)
def test_production_server_passes_its_own_health_check_with_readme_env(tmp_path):
    """gunicorn in production mode with README's .env (a real host name, HTTPS redirect on) is healthy."""
    import os
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_"))}
    env.update(
        NASTAVNIK_MODE="production",
        SECRET_KEY="x" * 20 + "-production-secret-for-the-health-check-test-0123456789",
        ALLOWED_HOSTS="nastavnik.example.ru",
        SITE_URL="https://nastavnik.example.ru",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        NASTAVNIK_VAR_DIR=str(tmp_path),
        HEALTHCHECK_PORT=str(port),
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        check = None
        for _ in range(60):
            check = subprocess.run(
                [sys.executable, "-m", "config.healthcheck"], cwd=ROOT, env=env, capture_output=True, text=True
            )
            if check.returncode == 0:
                break
            time.sleep(0.5)
        assert check is not None and check.returncode == 0, check.stderr if check else "no check ran"
        # the naive check (no host name, plain http) is what failed in production before
        import urllib.error
        import urllib.request

        with pytest.raises(urllib.error.HTTPError) as naive:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5)
        assert naive.value.code in {301, 400}
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_bad_environment_is_one_russian_line_not_a_traceback():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_"))}
    for name, value in {"SITE_URL": "nastavnik.example.ru", "DEBUG": "maybe", "EMAIL_PORT": "двадцать"}.items():
        done = subprocess.run(
            [sys.executable, "manage.py", "check"], cwd=ROOT, env={**env, name: value}, capture_output=True, text=True
        )
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and name in lines[0] and "Ошибка настройки" in lines[0], done.stderr
        assert "Traceback" not in done.stderr
