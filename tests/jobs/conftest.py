import socket

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_down(monkeypatch):
    """The app configured with a broker nobody listens on (a closed port): Redis is "down".

    Celery reads CELERY_BROKER_URL from the environment before its own setting, so both are set.
    """
    from config.celery import app

    url = f"redis://127.0.0.1:{free_port()}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    previous = (app.conf.task_always_eager, app.conf.get("broker_url"))
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    yield url
    app.conf.task_always_eager, app.conf.broker_url = previous
