"""Reads: the honest state of a job in words, and the health of the background machinery."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from jobs import broker, registry
from jobs.models import Heartbeat, Job, JobState


@dataclass(frozen=True)
class JobStatus:
    state: str  # queued | running | done | failed
    text: str  # what the page says
    can_retry: bool = False


def job_for_key(key: str) -> Job | None:
    return Job.objects.filter(key=key).first()


def last_heartbeat(role: str) -> dt.datetime | None:
    return Heartbeat.objects.filter(role=role).aggregate(last=Max("seen_at"))["last"]


def worker_alive(*, now: dt.datetime | None = None) -> bool:
    if broker.eager():
        return True
    seen = last_heartbeat(Heartbeat.Role.WORKER)
    horizon = dt.timedelta(seconds=settings.JOBS_WORKER_STALE_SECONDS)
    return seen is not None and (now or timezone.now()) - seen <= horizon


def job_status(job: Job | None, *, stage: str = "") -> JobStatus | None:
    """«в очереди: фоновый обработчик недоступен, отчёт будет построен, как только он заработает»."""
    if job is None:
        return None
    entry = registry.get(job.kind)
    outcome = entry.outcome if entry else "задача будет выполнена"
    if job.state in (JobState.PENDING, JobState.SENT):
        if job.state == JobState.PENDING and job.send_error:
            return JobStatus("queued", f"В очереди: {job.send_error}, {outcome}, как только он заработает.")
        if not worker_alive():
            return JobStatus(
                "queued", f"В очереди: фоновый обработчик не отвечает, {outcome}, как только он заработает."
            )
        retry_note = f" Повтор после сбоя: {job.error}." if job.error else ""
        return JobStatus("queued", f"В очереди.{retry_note}")
    if job.state == JobState.RUNNING:
        return JobStatus("running", f"Выполняется (этап: {stage})" if stage else "Выполняется")
    if job.state == JobState.FAILED:
        return JobStatus("failed", f"Ошибка: {job.error or 'причина не записана'}", can_retry=True)
    return JobStatus("done", "Готово")


def health() -> tuple[dict, bool]:
    """(body, database ok). Cheap: two small queries and one broker ping with a short timeout."""
    from django.db import connection

    now = timezone.now()
    body: dict = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = {"ok": True}
    except Exception:
        body["database"] = {"ok": False}
        body["status"] = "down"
        return body, False
    body["broker"] = {"ok": broker.ping(), "eager": broker.eager()}
    for role, limit in (
        (Heartbeat.Role.WORKER, settings.JOBS_WORKER_STALE_SECONDS),
        (Heartbeat.Role.BEAT, settings.JOBS_BEAT_STALE_SECONDS),
    ):
        seen = last_heartbeat(role)
        age = (now - seen).total_seconds() if seen else None
        body[role] = {
            "last_seen": timezone.localtime(seen).isoformat(timespec="seconds") if seen else None,
            "age_seconds": round(age) if age is not None else None,
            "ok": broker.eager() or (age is not None and age <= limit),
        }
    pending = Job.objects.filter(state=JobState.PENDING).count()
    body["jobs"] = {"waiting_for_broker": pending}
    if not all(body[part]["ok"] for part in ("broker", "worker", "beat")):
        body["status"] = "degraded"
    return body, True
