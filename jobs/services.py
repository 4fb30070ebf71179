"""Writes for background jobs: record, dispatch, claim, run with a lease, reap, retry.

The life of a job: `job_enqueue` writes the row in the caller's transaction (state «pending»);
after commit it is sent to the broker with a short timeout, and if the broker is away it simply
stays pending: the periodic dispatcher (`jobs.tick`, beat; or `manage.py dispatch_jobs`) sends it
when the broker is back. A worker claims it (pending/sent → running) with a conditional update,
so a duplicated or redelivered message never runs it twice at once, and renews its lease from a
heartbeat thread. A worker killed mid-job stops renewing; after the lease the dispatcher puts the
job back in the queue (bounded attempts) or marks it failed with a reason in Russian.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
import threading

from django.conf import settings
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    transaction,
)
from django.db import connection as db_connection
from django.db.models import F
from django.utils import timezone

from jobs import broker, registry
from jobs.models import Heartbeat, Job, JobState

log = logging.getLogger(__name__)

WORKER_DIED = "фоновый обработчик остановился во время работы"


class UnknownJobKind(LookupError):
    pass


# Record ------------------------------------------------------------------------------------------
def job_enqueue(*, kind: str, key: str, params: dict | None = None, user=None) -> Job:
    """Record a job (idempotent by `key`) and send it after the surrounding transaction commits.

    Returns at once whatever the broker's state: a failed send leaves the job pending for the
    dispatcher. Call it inside the transaction that writes the work's own row.
    """
    entry = registry.get(kind)
    if entry is None:
        raise UnknownJobKind(kind)
    with transaction.atomic():
        job, _created = Job.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "params": params or {},
                "queue": entry.queue,
                "max_attempts": entry.max_attempts,
                "created_by": user if getattr(user, "pk", None) else None,
            },
        )
    transaction.on_commit(lambda: jobs_dispatch(ids=[job.pk]))
    return job


# Dispatch ----------------------------------------------------------------------------------------
def jobs_dispatch(*, ids: list[int] | None = None, limit: int = 200) -> int:
    """Send pending jobs to the broker (all of them, or just `ids`); returns how many were sent."""
    pending = Job.objects.filter(state=JobState.PENDING)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    rows = list(pending.order_by("created_at", "pk").values_list("pk", "queue")[:limit])
    if not rows:
        return 0
    if broker.eager():
        from jobs.tasks import run

        for job_id, _queue in rows:
            Job.objects.filter(pk=job_id, state=JobState.PENDING).update(state=JobState.SENT, sent_at=timezone.now())
            run.apply(args=[job_id])  # in-process, like every task without a broker
        return len(rows)
    sent = broker.send(list(rows))
    now = timezone.now()
    if sent:
        # a worker may already have claimed it: only a still-pending row becomes «sent»
        Job.objects.filter(pk__in=sent, state=JobState.PENDING).update(state=JobState.SENT, sent_at=now, send_error="")
    missed = [pk for pk, _ in rows if pk not in set(sent)]
    if missed:
        Job.objects.filter(pk__in=missed, state=JobState.PENDING).update(send_error=broker.UNAVAILABLE)
    return len(sent)


# Run ---------------------------------------------------------------------------------------------
def _hostname() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.JOBS_LEASE_SECONDS)


def job_claim(*, job_id: int, worker: str = "", lease: bool = True) -> Job | None:
    """pending/sent → running, by one worker only; None if another has it or it is finished."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state__in=(JobState.PENDING, JobState.SENT)).update(
        state=JobState.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        lease_until=now + _lease() if lease else None,
        worker=worker[:200],
        send_error="",
    )
    if not claimed:
        return None
    return Job.objects.get(pk=job_id)


class _LeaseKeeper(threading.Thread):
    """Renews the lease while the job runs; dies with the process, which is the point."""

    def __init__(self, job: Job, worker: str):
        super().__init__(name=f"job-{job.pk}-lease", daemon=True)
        self.job_id, self.attempt, self.worker = job.pk, job.attempts, worker
        self.stopped = threading.Event()

    def run(self) -> None:
        every = max(0.2, settings.JOBS_LEASE_SECONDS / 3)
        try:
            while not self.stopped.wait(every):
                try:
                    now = timezone.now()
                    Job.objects.filter(pk=self.job_id, state=JobState.RUNNING, attempts=self.attempt).update(
                        heartbeat_at=now, lease_until=now + _lease()
                    )
                    heartbeat_record(role=Heartbeat.Role.WORKER, hostname=self.worker)
                except DatabaseError:  # the database is away for a moment: try again next beat
                    close_old_connections()
        finally:
            db_connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


TRANSIENT_ERRORS = (OperationalError, InterfaceError)


def reason_text(exc: BaseException) -> str:
    """A reason a person can read: the exception's own text when it is Russian, else a plain phrase."""
    text = " ".join(str(exc).split())
    if text and re.search("[а-яА-ЯёЁ]", text):
        return text[:1000]
    if isinstance(exc, TRANSIENT_ERRORS):
        return "база данных была недоступна"
    return "внутренняя ошибка (подробности — в журнале сервера)"


def job_run(*, job_id: int, worker: str | None = None, eager: bool = False) -> str:
    """Claim and run one job; returns its final state (or "skipped")."""
    worker = worker or _hostname()
    job = job_claim(job_id=job_id, worker=worker, lease=not eager)
    if job is None:
        log.info("job %s is gone, finished or taken by another worker", job_id)
        return "skipped"
    entry = registry.get(job.kind)
    if entry is None:
        _finish(job, JobState.FAILED, f"неизвестный вид задачи «{job.kind}»")
        return JobState.FAILED
    keeper = None if eager else _LeaseKeeper(job, worker)
    if keeper:
        heartbeat_record(role=Heartbeat.Role.WORKER, hostname=worker)
        keeper.start()
    try:
        entry.call("run", **job.params)
    except TRANSIENT_ERRORS as exc:
        # the database went away mid-job (a restart, a killed session): the work is transactional,
        # so run it again from the start if attempts are left
        log.warning("job %s: database error, %r", job.pk, exc)
        if not eager:  # a worker's broken connection is replaced; inline, the caller's stays its own
            close_old_connections()
            db_connection.close()
        return _after_failure(job, entry, reason_text(exc), retry=True)
    except Exception as exc:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        return _after_failure(job, entry, reason_text(exc), retry=False)
    finally:
        if keeper:
            keeper.stop()
    _finish(job, JobState.DONE, "")
    return JobState.DONE


def _finish(job: Job, state: str, error: str) -> None:
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts).update(
        state=state, error=error, finished_at=timezone.now(), lease_until=None
    )


def _after_failure(job: Job, entry: registry.Entry, reason: str, *, retry: bool) -> str:
    if retry and job.attempts < job.max_attempts:
        Job.objects.filter(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts).update(
            state=JobState.PENDING, error=f"Попытка {job.attempts}: {reason}", lease_until=None
        )
        _safe_hook(entry, "on_retry", job)
        transaction.on_commit(lambda: jobs_dispatch(ids=[job.pk]))
        return JobState.PENDING
    _finish(job, JobState.FAILED, reason)
    _safe_hook(entry, "on_failed", job, reason=reason)
    return JobState.FAILED


def _safe_hook(entry: registry.Entry, attr: str, job: Job, **extra) -> None:
    try:
        entry.call(attr, **job.params, **extra)
    except Exception:
        log.exception("job %s: %s hook failed", job.pk, attr)


# Reap --------------------------------------------------------------------------------------------
def jobs_reap(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Running jobs whose lease expired (their worker died): back to the queue, or failed.

    Sent jobs no worker took for JOBS_RESEND_AFTER_SECONDS (a broker restarted without its data)
    are sent again; the claim makes a duplicate message harmless.
    """
    now = now or timezone.now()
    counts = {"retried": 0, "failed": 0, "resent": 0}
    expired = list(Job.objects.filter(state=JobState.RUNNING, lease_until__lt=now).order_by("pk"))
    for job in expired:
        entry = registry.get(job.kind)
        reason = f"{WORKER_DIED} (попытка {job.attempts} из {job.max_attempts})"
        if job.attempts < job.max_attempts:
            moved = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts).update(
                state=JobState.PENDING, error=reason, lease_until=None
            )
            if moved:
                counts["retried"] += 1
                if entry:
                    _safe_hook(entry, "on_retry", job)
        else:
            final = f"{WORKER_DIED}, попытки исчерпаны ({job.max_attempts})"
            moved = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts).update(
                state=JobState.FAILED, error=final, lease_until=None, finished_at=now
            )
            if moved:
                counts["failed"] += 1
                if entry:
                    _safe_hook(entry, "on_failed", job, reason=final)
    stale = now - dt.timedelta(seconds=settings.JOBS_RESEND_AFTER_SECONDS)
    counts["resent"] = Job.objects.filter(state=JobState.SENT, sent_at__lt=stale).update(state=JobState.PENDING)
    return counts


def jobs_prune(*, now: dt.datetime | None = None) -> int:
    """Finished jobs older than JOBS_KEEP_DAYS go (their work's own rows keep the outcome)."""
    horizon = (now or timezone.now()) - dt.timedelta(days=settings.JOBS_KEEP_DAYS)
    deleted, _ = Job.objects.filter(state__in=(JobState.DONE, JobState.FAILED), created_at__lt=horizon).delete()
    return deleted


def jobs_tick() -> dict[str, int]:
    """One round of the periodic dispatcher: reap dead leases, send what is pending, prune old rows."""
    counts = jobs_reap()
    counts["sent"] = jobs_dispatch()
    counts["pruned"] = jobs_prune() + heartbeats_prune()
    return counts


# Retry -------------------------------------------------------------------------------------------
def job_retry(*, job: Job, user=None) -> Job:
    """A failed job back in the queue (the retry button); the caller checked the user's scope."""
    entry = registry.get(job.kind)
    with transaction.atomic():
        moved = Job.objects.filter(pk=job.pk, state=JobState.FAILED).update(
            state=JobState.PENDING, attempts=0, error="", send_error="", finished_at=None, started_at=None
        )
        if moved and entry:
            entry.call("on_retry", **job.params)
    if moved:
        transaction.on_commit(lambda: jobs_dispatch(ids=[job.pk]))
    job.refresh_from_db()
    return job


# Heartbeats --------------------------------------------------------------------------------------
def heartbeat_record(*, role: str, hostname: str) -> None:
    now = timezone.now()
    updated = Heartbeat.objects.filter(role=role, hostname=hostname[:200]).update(seen_at=now)
    if not updated:
        try:
            with transaction.atomic():
                Heartbeat.objects.create(role=role, hostname=hostname[:200], seen_at=now)
        except IntegrityError:
            Heartbeat.objects.filter(role=role, hostname=hostname[:200]).update(seen_at=now)


def heartbeats_prune(*, older_than: dt.timedelta = dt.timedelta(days=7)) -> int:
    deleted, _ = Heartbeat.objects.filter(seen_at__lt=timezone.now() - older_than).delete()
    return deleted
