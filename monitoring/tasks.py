"""Celery tasks: ids in, re-fetch, delegate to services; progress lives in the database."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


# the queue is a route (CELERY_TASK_ROUTES), not a task attribute (deprecated in Celery 6)
@shared_task(
    name="monitoring.build_annual_report",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
)
def build_annual_report(build_id: int) -> str | None:
    from monitoring.services import build_run

    build = build_run(build_id=build_id)
    return build.status if build else None


@shared_task(name="monitoring.rebuild_stats", acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def rebuild_stats() -> int:
    """Nightly (beat): every organization's aggregates, since deadlines become due and overdue with
    the date alone (monitoring/stats.py). Idempotent."""
    from monitoring.stats import stats_rebuild

    return stats_rebuild()
