"""The beat scheduler of the project: django-celery-beat's, plus a heartbeat row for /health/."""

from __future__ import annotations

import socket
import time

from django.db import DatabaseError, close_old_connections
from django_celery_beat.schedulers import DatabaseScheduler

HEARTBEAT_EVERY_SECONDS = 15


class Scheduler(DatabaseScheduler):
    _last_heartbeat = 0.0

    def tick(self, *args, **kwargs):
        now = time.monotonic()
        if now - self._last_heartbeat >= HEARTBEAT_EVERY_SECONDS:
            from jobs.models import Heartbeat
            from jobs.services import heartbeat_record

            try:
                heartbeat_record(role=Heartbeat.Role.BEAT, hostname=socket.gethostname())
                self._last_heartbeat = now
            except DatabaseError:
                close_old_connections()
        return super().tick(*args, **kwargs)
