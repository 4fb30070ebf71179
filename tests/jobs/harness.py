"""Real services a fault test may break: its own redis-server on a free port (never the shared one)
and Celery workers it may SIGKILL, all on the test's PostgreSQL database.

Each test gets a private Redis, so queues, beat and workers of parallel pytest-xdist workers never
meet; the worker processes find their test database through DATABASE_URL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


class PrivateRedis:
    """A redis-server the test starts and stops (no persistence: a stop loses the queue, as a crash would)."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tmp_path / f"redis-{self.port}"
        self.dir.mkdir()
        self.process: subprocess.Popen | None = None

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        with open(self.dir / "redis.log", "ab") as out:
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.dir),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for(self.ping, timeout=20, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        wait_for(lambda: not self.ping(), timeout=10, what="redis-server to stop")


class Worker:
    """`celery worker` (optionally with its embedded beat) in its own process group: SIGKILL takes
    the main process, the pool children and beat at once, as the OOM killer would."""

    def __init__(self, tmp_path: Path, broker_url: str, *, name: str, beat: bool = False, env: dict | None = None):
        from django.db import connection

        db = connection.settings_dict
        self.name = f"{name}-{os.getpid()}-{int(time.time() * 1000)}"
        self.beat = beat
        self.log = tmp_path / f"{self.name}.log"
        self.schedule = tmp_path / f"{self.name}-beat"
        self.env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
        self.env.update(
            {
                "DATABASE_URL": (
                    f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
                    f"?application_name={self.name}"
                ),
                "CELERY_BROKER_URL": broker_url,
                "CELERY_RESULT_BACKEND": broker_url,
                "MEDIA_ROOT": str(tmp_path / "media"),
                "JOBS_DISPATCH_INTERVAL": "1",
                "JOBS_LEASE_SECONDS": "3",
                **(env or {}),
            }
        )
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def hostname_prefix(self) -> str:
        return f"{self.name}-{self.starts}@"

    def start(self, **env) -> None:
        from jobs.models import Heartbeat

        self.starts += 1
        command = [
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
            "celery,reports",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"{self.name}-{self.starts}@%h",
        ]
        if self.beat:
            command += ["--beat", "--scheduler", "jobs.beat:Scheduler", "--schedule", str(self.schedule)]
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def ready():
            if self.process.poll() is not None:
                pytest.fail("worker exited: " + self.log.read_text()[-3000:])
            return Heartbeat.objects.filter(
                role=Heartbeat.Role.WORKER, hostname__startswith=self.hostname_prefix
            ).exists()

        wait_for(ready, timeout=90, what=f"worker {self.name} to start (log: {self.log})")

    def kill(self) -> None:
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
                self.process.wait(timeout=20)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def skip_without_real_services() -> None:
    from django.conf import settings
    from django.db import connection

    if not settings.CELERY_BROKER_URL:
        pytest.skip(
            "no broker configured (the SQLite run): the fault tests need Redis and PostgreSQL, "
            "and run in the PostgreSQL + Redis pass of .ci/run"
        )
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes share the test database only on PostgreSQL")
