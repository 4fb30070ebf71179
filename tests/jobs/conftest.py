import socket

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_down():
    """The app configured with a broker nobody listens on (a closed port): Redis is "down"."""
    from config.celery import app

    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    yield app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = previous
