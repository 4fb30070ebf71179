"""The broker, asked with a short timeout: a dead Redis costs a request about a second, never 25."""

from __future__ import annotations

import logging

from django.conf import settings

try:  # imported with the app, not inside the first request that sends a job (about a second cold)
    import kombu.transport.redis  # noqa: F401
except ImportError:  # pragma: no cover - redis is a dependency of the project
    pass

log = logging.getLogger(__name__)

UNAVAILABLE = "фоновый обработчик недоступен"


def _app():
    from config.celery import app

    return app


def eager() -> bool:
    """No broker at all (the embedded default): tasks run in-process."""
    return bool(_app().conf.task_always_eager)


def _connection():
    timeout = settings.JOBS_BROKER_TIMEOUT
    return _app().connection_for_write(
        transport_options={
            **(_app().conf.broker_transport_options or {}),
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
            "max_retries": 0,
        }
    )


def send(messages: list[tuple[int, str]]) -> list[int]:
    """Send `jobs.run(job_id)` for each (job_id, queue); returns the ids sent.

    Raises nothing: an unreachable broker sends nothing and the caller keeps the jobs pending.
    """
    if not messages:
        return []
    app = _app()
    sent: list[int] = []
    try:
        with _connection() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=settings.JOBS_BROKER_TIMEOUT)
            for job_id, queue in messages:
                app.send_task("jobs.run", args=[job_id], queue=queue, connection=conn, retry=False, ignore_result=True)
                sent.append(job_id)
    except Exception as exc:  # OperationalError, socket errors, timeouts: the broker is away
        log.warning("broker unreachable, %s job(s) stay pending: %r", len(messages) - len(sent), exc)
    return sent


def ping() -> bool:
    if eager():
        return True
    try:
        with _connection() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=settings.JOBS_BROKER_TIMEOUT)
        return True
    except Exception:
        return False
