"""A worker records its first heartbeat when it starts (health shows it before any job runs)."""

from __future__ import annotations

import logging

from celery.signals import worker_ready

log = logging.getLogger(__name__)


@worker_ready.connect
def _worker_ready(sender=None, **kwargs) -> None:
    from django.db import DatabaseError, connection

    from jobs.models import Heartbeat
    from jobs.services import heartbeat_record

    try:
        heartbeat_record(role=Heartbeat.Role.WORKER, hostname=getattr(sender, "hostname", "") or "worker")
    except DatabaseError:
        log.warning("worker heartbeat not recorded: the database is not reachable yet")
    finally:
        connection.close()
