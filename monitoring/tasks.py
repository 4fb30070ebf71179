"""Celery tasks: ids in, re-fetch, delegate to services; progress lives in the database."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(
    name="monitoring.build_annual_report",
    queue="reports",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
)
def build_annual_report(build_id: int) -> str | None:
    from monitoring.services import build_run

    build = build_run(build_id=build_id)
    return build.status if build else None


@shared_task(name="monitoring.check_websites", queue="celery", soft_time_limit=10 * 60, time_limit=12 * 60)
def check_websites(run_id: int) -> int:
    from monitoring.webcheck import run_checks

    return run_checks(run_id=run_id)
