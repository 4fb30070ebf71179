"""Background jobs recorded in the database before anything is sent to the broker.

A `Job` row is written in the same transaction as the work it is for (a report build, an import),
so it exists exactly when that work exists. The row is the outbox (the dispatcher sends what is
not yet sent), the lock (a worker claims it with a conditional update), the lease (a running job
whose worker died stops renewing `lease_until` and is retried or failed) and the state the page
shows. `key` is unique: the same piece of work is never recorded twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class JobState(models.TextChoices):
    PENDING = "pending", "В очереди (ещё не передана обработчику)"
    SENT = "sent", "В очереди"
    RUNNING = "running", "Выполняется"
    DONE = "done", "Готово"
    FAILED = "failed", "Ошибка"


OPEN_STATES = (JobState.PENDING, JobState.SENT, JobState.RUNNING)


class Job(models.Model):
    kind = models.CharField("вид", max_length=60)
    key = models.CharField("ключ", max_length=200, unique=True)
    params = models.JSONField("параметры", default=dict, blank=True)
    queue = models.CharField("очередь", max_length=60, default="celery")
    state = models.CharField("состояние", max_length=10, choices=JobState.choices, default=JobState.PENDING)
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    max_attempts = models.PositiveSmallIntegerField("попыток не больше", default=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="запустил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("записана", auto_now_add=True)
    sent_at = models.DateTimeField("передана обработчику", null=True, blank=True)
    send_error = models.CharField("почему не передана", max_length=300, blank=True)
    started_at = models.DateTimeField("начата", null=True, blank=True)
    heartbeat_at = models.DateTimeField("обработчик отметился", null=True, blank=True)
    lease_until = models.DateTimeField("аренда до", null=True, blank=True)
    finished_at = models.DateTimeField("завершена", null=True, blank=True)
    worker = models.CharField("обработчик", max_length=200, blank=True)
    error = models.TextField("причина ошибки", blank=True)

    class Meta:
        verbose_name = "фоновая задача"
        verbose_name_plural = "фоновые задачи"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="job_state_idx"),
            models.Index(fields=["state", "lease_until"], name="job_lease_idx"),
        ]

    def __str__(self) -> str:
        from jobs.registry import label_for

        return f"{label_for(self.kind)} ({self.get_state_display().lower()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Heartbeat(models.Model):
    """The last sign of life of a worker or of beat (read by /health/)."""

    class Role(models.TextChoices):
        WORKER = "worker", "обработчик"
        BEAT = "beat", "планировщик"

    role = models.CharField("роль", max_length=10, choices=Role.choices)
    hostname = models.CharField("имя", max_length=200)
    seen_at = models.DateTimeField("отметился")

    class Meta:
        verbose_name = "отметка фонового процесса"
        verbose_name_plural = "отметки фоновых процессов"
        constraints = [models.UniqueConstraint(fields=["role", "hostname"], name="heartbeat_unique_role_host")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.hostname}"
