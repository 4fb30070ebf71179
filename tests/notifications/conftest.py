"""A Celery worker this package can kill: started in its own process group on a queue of its own.

The shared `celery_worker_process` (tests/conftest.py) lives for the whole session and must not be
killed; this one uses a private queue so the shared worker never takes our tasks, the file-based
e-mail backend so letters can be counted across processes, and a slow "SMTP" so a kill lands
in the middle of a sweep.
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HEADER = re.compile(r"^X-Nastavnik-Reminder:\s*(.+(?:\n[ \t].+)*)", re.MULTILINE)


def letters_by_key(mail_dir: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in mail_dir.glob("*.log"):
        for match in HEADER.finditer(path.read_text(errors="replace")):
            for key in match.group(1).split():  # a letter names every reminder it carries
                counts[key] = counts.get(key, 0) + 1
    return counts


class KillableWorker:
    def __init__(self, tmp_path: Path, send_delay: float):
        from django.db import connection

        db = connection.settings_dict
        self.queue = f"notif-test-{os.getpid()}-{int(time.time() * 1000)}"
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.log = tmp_path / "worker.log"
        self.env = dict(os.environ)
        self.env.update(
            {
                "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(self.mail_dir),
                "NOTIFICATIONS_TEST_SEND_DELAY": str(send_delay),
            }
        )
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        from config.celery import app

        self.starts += 1
        hostname = f"{self.queue}-{self.starts}@%h"
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=2",
                    "--loglevel=INFO",
                    "-Q",
                    self.queue,
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--hostname",
                    hostname,
                ],
                cwd=Path(__file__).resolve().parents[2],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: SIGKILL takes the pool children too
            )
        name = hostname.split("@")[0] + "@"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("worker exited: " + self.log.read_text()[-3000:])
            replies = app.control.ping(timeout=1.0) or []
            if any(n.startswith(name) for reply in replies for n in reply):
                return
        self.stop()
        pytest.fail("worker did not answer within 60 s: " + self.log.read_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), as the OOM killer would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def letters(self) -> dict[str, int]:
        return letters_by_key(self.mail_dir)


@pytest.fixture
def killable_worker(transactional_db, tmp_path):
    from django.conf import settings
    from django.db import connection

    if not settings.CELERY_BROKER_URL:
        pytest.skip("CELERY_BROKER_URL is not set: the real-worker tests run in .ci/run against Redis")
    if connection.vendor != "postgresql":
        pytest.skip("the real worker shares the test database only on PostgreSQL")
    worker = KillableWorker(tmp_path, send_delay=0.15)
    yield worker
    worker.stop()
