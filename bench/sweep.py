"""The daily reminder sweep of every municipality (as `run_reminders` and beat run it), twice.

Letters are built and written out to bytes as the SMTP backend writes them, then dropped
(bench.mail.SerializingBackend); the whole run is rolled back so that the benchmark can be
repeated on the same day and finds the same work.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.db import transaction
from django.test.utils import override_settings

from accounts.models import Municipality


class _Rollback(Exception):
    pass


def _sweep_all() -> tuple[float, int, int, dict[str, int], float]:
    """(wall seconds, sent, claimed, sent by kind, CPU seconds of this process and its PostgreSQL backend)."""
    from bench.pages import backend_pid, process_cpu_ns
    from notifications import services

    backend = backend_pid()
    db_before = process_cpu_ns(backend)
    cpu_before = time.process_time()
    started = time.perf_counter()
    sent = claimed = 0
    by_kind: dict[str, int] = {}
    for municipality in Municipality.objects.order_by("pk"):
        today = services.local_today(municipality)
        result = services.sweep_run(
            municipality=municipality, today=today, kinds=services.kinds_for_date(municipality, today)
        )
        sent += result.total
        claimed += result.claimed
        for kind, n in result.sent.items():
            by_kind[kind] = by_kind.get(kind, 0) + n
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before + (process_cpu_ns(backend) - db_before) / 1e9
    return wall, sent, claimed, dict(sorted(by_kind.items())), cpu


def measure(*, repeat: int = 3, log=print) -> dict:
    """The sweep of a day, then the same sweep again, `repeat` times (each rolled back, so each
    finds the same work): the figures are the medians, the first passes' CPU is listed too. One
    pass of about 4 s is as exposed to a slow minute of a shared machine as one page request is,
    and the imports are measured the same way."""
    from bench.mail import SerializingBackend

    runs: list[dict] = []
    with override_settings(EMAIL_BACKEND="bench.mail.SerializingBackend"):
        for n in range(1, max(1, repeat) + 1):
            try:
                with transaction.atomic():
                    letters_before = SerializingBackend.letters
                    seconds, sent, claimed, by_kind, cpu = _sweep_all()
                    letters = SerializingBackend.letters - letters_before
                    log(
                        f"  замер {n}, первый проход: ЦП {cpu:.2f} с ({1000 * cpu / max(1, sent):.2f} мс на напоминание), "
                        f"{seconds:.2f} с по часам, отправлено {sent} (писем {letters}), по видам {by_kind}"
                    )
                    again_seconds, again_sent, again_claimed, _, again_cpu = _sweep_all()
                    log(
                        f"  замер {n}, второй проход: ЦП {again_cpu:.2f} с, {again_seconds:.2f} с по часам, "
                        f"отправлено {again_sent}"
                    )
                    runs.append(
                        {
                            "cpu": cpu,
                            "seconds": seconds,
                            "sent": sent,
                            "claimed": claimed,
                            "letters": letters,
                            "by_kind": by_kind,
                            "again_cpu": again_cpu,
                            "again_seconds": again_seconds,
                            "again_sent": again_sent,
                            "again_claimed": again_claimed,
                        }
                    )
                    raise _Rollback
            except _Rollback:
                pass
    if not runs:
        return {}
    first = runs[0]
    cpu = statistics.median(r["cpu"] for r in runs)
    return {
        "cpu_seconds": round(cpu, 2),
        "cpu_seconds_runs": [round(r["cpu"], 2) for r in runs],
        "cpu_ms_per_reminder": round(1000 * cpu / max(1, first["sent"]), 2),
        "second_cpu_seconds": round(statistics.median(r["again_cpu"] for r in runs), 2),
        "seconds": round(statistics.median(r["seconds"] for r in runs), 2),
        # every run must find the same work and send it once: the largest second pass is reported
        "sent": first["sent"],
        "claimed": first["claimed"],
        "emails": first["letters"],
        "by_kind": first["by_kind"],
        "same_work": all((r["sent"], r["letters"]) == (first["sent"], first["letters"]) for r in runs),
        "second_seconds": round(statistics.median(r["again_seconds"] for r in runs), 2),
        "second_sent": max(r["again_sent"] for r in runs),
        "second_claimed": max(r["again_claimed"] for r in runs),
    }


def measure_parallel(*, processes: int | None = None, log=print) -> dict:
    """The same sweep as production runs it: one task per municipality on a worker with one process
    per core (`celery worker` defaults to that). Here the processes are plain subprocesses, each
    given every n-th municipality, committing for real; what they wrote is deleted afterwards."""
    from notifications.models import Notification, ReminderLog, SweepDay

    processes = processes or os.cpu_count() or 2
    ids = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
    last_log = ReminderLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_note = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # the days the children record as swept go too: left behind, they would make the next bench run
    # (another day) catch up every day in between, and measure more than one day's sweep
    last_day = SweepDay.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    base = Path(__file__).resolve().parent.parent

    def run_all() -> tuple[float, int, float]:
        started = time.perf_counter()
        children = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.sweep_child", *map(str, ids[i::processes])],
                cwd=base,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=dict(os.environ, LOG_LEVEL="WARNING"),
            )
            for i in range(processes)
        ]
        outs = [json.loads(child.communicate(timeout=600)[0].strip().splitlines()[-1]) for child in children]
        wall = time.perf_counter() - started
        return max(o["seconds"] for o in outs), sum(o["sent"] for o in outs), wall

    try:
        seconds, sent, wall = run_all()
        log(
            f"  параллельно ({processes} процесса): {seconds:.2f} с (с запуском процессов {wall:.2f} с), отправлено {sent}"
        )
        again_seconds, again_sent, _ = run_all()
        log(f"  повторно: {again_seconds:.2f} с, отправлено {again_sent}")
        from notifications.models import ReminderStatus

        written = ReminderLog.objects.filter(pk__gt=last_log)
        unconfirmed = written.exclude(status__in=[ReminderStatus.SENT, ReminderStatus.SKIPPED]).count()
        notes = Notification.objects.filter(pk__gt=last_note).count()
    finally:
        Notification.objects.filter(pk__gt=last_note).delete()
        ReminderLog.objects.filter(pk__gt=last_log).delete()
        SweepDay.objects.filter(pk__gt=last_day).delete()
    return {
        "processes": processes,
        "seconds": seconds,
        "wall_seconds": round(wall, 2),
        "sent": sent,
        "second_sent": again_sent,
        "second_seconds": again_seconds,
        "not_sent_rows": unconfirmed,
        "notifications": notes,
    }
