"""Celery tasks: ids in, re-fetch, delegate to services. Retries only for transient e-mail errors."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from accounts.models import Municipality
from notifications import services

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 60
MAX_RETRIES = 5
DB_RETRY_SECONDS = 5
DB_MAX_RETRIES = 20


@shared_task(
    bind=True,
    name="notifications.tasks.sweep_municipality",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def sweep_municipality(self, municipality_id: int, date: str | None = None, kinds: list[str] | None = None) -> dict:
    """The daily sweep of one municipality (beat runs it at the municipality's local hour).

    Safe to run any number of times: the keys it claims make every repetition a no-op.
    """
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is None:
        logger.info("sweep: municipality %s is gone", municipality_id)
        return {"total": 0, "by_kind": {}}
    today = dt.date.fromisoformat(date) if date else services.local_today(municipality)
    try:
        result = services.sweep_run(municipality=municipality, today=today, kinds=kinds)
    except (OperationalError, InterfaceError) as exc:
        # the database went away mid-sweep (a restart, a killed session): run it again; the claimed
        # keys make the second run send only what the first did not
        logger.warning("sweep %s %s: database error, retrying: %r", municipality_id, today, exc)
        close_old_connections()
        connection.close()
        raise self.retry(
            kwargs={"municipality_id": municipality_id, "date": today.isoformat(), "kinds": kinds},
            countdown=DB_RETRY_SECONDS,
            max_retries=DB_MAX_RETRIES,
            exc=exc,
        ) from exc
    if result.transient:
        # Only the letters that met a transient SMTP error are pending again; the retry resends just them.
        raise self.retry(
            kwargs={"municipality_id": municipality_id, "date": today.isoformat(), "kinds": kinds},
            countdown=RETRY_BASE_SECONDS * 2**self.request.retries,
            exc=services.TransientDeliveryError(f"{result.transient} letters"),
        )
    return result.as_dict()


@shared_task(name="notifications.tasks.sweep_all", acks_late=True, reject_on_worker_lost=True)
def sweep_all(date: str | None = None) -> int:
    """Fan out one sweep per municipality (manual catch-up; beat schedules each one at its own hour)."""
    ids = list(Municipality.objects.values_list("pk", flat=True))
    for municipality_id in ids:
        sweep_municipality.delay_on_commit(municipality_id, date)
    return len(ids)


def enqueue_sweep(
    municipality_id: int, *, date: dt.date | None = None, kinds: list[str] | None = None, **options
) -> None:
    """Enqueue after the surrounding transaction commits, so the worker sees what it was written for."""
    kwargs = {"municipality_id": municipality_id, "date": date.isoformat() if date else None, "kinds": kinds}
    from django.db import transaction

    transaction.on_commit(lambda: sweep_municipality.apply_async(kwargs=kwargs, **options))


@shared_task(name="notifications.tasks.deliver_events", acks_late=True, reject_on_worker_lost=True)
def deliver_events(log_ids: list[int]) -> int:
    """Send the notifications of a workflow event (claimed rows; a repeated run finds them taken)."""
    return services.events_deliver(log_ids=log_ids)
