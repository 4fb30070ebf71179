"""Thin Celery tasks: ids in, re-fetch, delegate to mentorship.exchange."""

import logging

from celery import shared_task
from django.db import transaction

from mentorship.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def run_import(job_id: int) -> str:
    # claim the job exactly once: a redelivered message finds it no longer queued
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING)
    if not claimed:
        logger.info("import job %s is gone or already taken", job_id)
        return "skipped"
    from mentorship.exchange import run_import_job

    job = ImportJob.objects.select_related("user").get(pk=job_id)
    return run_import_job(job).status


def import_job_run(*, job_id: int) -> str:
    """Run by the background job (jobs.services.job_run holds its lock): also takes an import a
    killed worker left «running» (its transaction was rolled back, so it wrote nothing)."""
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job_id, status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING)).update(
            status=ImportStatus.RUNNING
        )
    if not claimed:
        logger.info("import job %s is gone or finished", job_id)
        return "skipped"
    from mentorship.exchange import run_import_job

    job = ImportJob.objects.select_related("user").get(pk=job_id)
    return run_import_job(job).status


@shared_task(name="mentorship.anonymize_expired")
def anonymize_expired() -> int:
    """Daily: anonymize people past the retention period (idempotent: anonymized people drop out)."""
    from mentorship.models import DestructionReason
    from mentorship.privacy import people_anonymize, people_past_retention

    people = list(people_past_retention())
    people_anonymize(people=people, reason=DestructionReason.RETENTION_EXPIRED)
    return len(people)
