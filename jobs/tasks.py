"""Celery tasks of the job machinery: thin, ids in, everything else in jobs.services."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, name="jobs.run", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run(self, job_id: int) -> str:
    from jobs.services import job_run

    return job_run(job_id=job_id, worker=self.request.hostname or None, eager=bool(self.request.is_eager))


@shared_task(name="jobs.tick", ignore_result=True)
def tick() -> dict:
    """Beat runs this every JOBS_DISPATCH_INTERVAL seconds: it also proves a worker is alive."""
    from celery import current_task

    from jobs.models import Heartbeat
    from jobs.services import heartbeat_record, jobs_tick

    hostname = getattr(getattr(current_task, "request", None), "hostname", None) or "worker"
    heartbeat_record(role=Heartbeat.Role.WORKER, hostname=hostname)
    return jobs_tick()
