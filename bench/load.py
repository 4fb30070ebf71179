"""A short load test: wrk with 20 connections against gunicorn on 127.0.0.1 over the main pages.

Loopback only: gunicorn binds 127.0.0.1 and wrk is pointed at that address and nothing else.
Bounded: wrk runs for `duration` seconds (60 by default) and is killed after twice that.
Every response that is not 200 counts as an error (a redirect to the login page would hide a
lost session), together with wrk's socket errors.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connections as db_connections
from django.test import Client

HOST = "127.0.0.1"  # never anything else
BASE_DIR = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _lua_script(requests: list[tuple[str, str]]) -> str:
    rows = ",\n".join(f'  {{path = "{path}", cookie = "{cookie}"}}' for path, cookie in requests)
    return f"""
local reqs = {{
{rows}
}}
local threads = {{}}
local counter = 0
errors = 0
statuses = ""

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counter = math.random(#reqs)
end

function request()
  counter = counter % #reqs + 1
  local r = reqs[counter]
  return wrk.format("GET", r.path, {{["Cookie"] = r.cookie}})
end

function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

function done(summary, latency, requests)
  local e = 0
  local s = ""
  for _, t in ipairs(threads) do
    e = e + t:get("errors")
    s = s .. t:get("statuses")
  end
  io.write(string.format("NOT_200 %d\\n", e))
  io.write("NOT_200_STATUSES " .. s .. "\\n")
  io.write(string.format("P50_US %d\\nP95_US %d\\nP99_US %d\\n", latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _parse(output: str) -> dict:
    def grab(pattern: str, cast=float, default=0):
        m = re.search(pattern, output)
        return cast(m.group(1)) if m else default

    socket_errors = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if m:
        socket_errors = sum(int(x) for x in m.groups())
    return {
        "requests": grab(r"(\d+) requests in", int),
        "requests_per_s": grab(r"Requests/sec:\s+([\d.]+)"),
        "not_200": grab(r"NOT_200 (\d+)", int),
        "not_200_statuses": (re.search(r"NOT_200_STATUSES (.*)", output) or [None, ""])[1].strip(),
        "non_2xx_3xx": grab(r"Non-2xx or 3xx responses: (\d+)", int),
        "socket_errors": socket_errors,
        "p50_ms": round(grab(r"P50_US (\d+)", int) / 1000, 1),
        "p95_ms": round(grab(r"P95_US (\d+)", int) / 1000, 1),
        "p99_ms": round(grab(r"P99_US (\d+)", int) / 1000, 1),
    }


class CpuSampler:
    """CPU used by the gunicorn workers and by their own PostgreSQL backends while wrk runs.

    A thread reads /proc twice a second: the master's children and the backends whose
    application_name is the one gunicorn's workers connect with (PGAPPNAME, found in
    pg_stat_activity). Backends of other programs on the same database (another benchmark, a
    shell, this process) are not counted. A process first seen after the start counts from zero,
    one that ended keeps its last reading (a backend closed between two readings loses at most half
    a second of its CPU)."""

    def __init__(self, master_pid: int, application_name: str):
        self.master_pid, self.application_name = master_pid, application_name
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.backend_pids: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _pids(self) -> list[int]:
        pids = []
        try:
            with open(f"/proc/{self.master_pid}/task/{self.master_pid}/children") as fh:
                pids += [int(x) for x in fh.read().split()]
        except OSError:
            pass
        with db_connections["default"].cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [self.application_name])
            backends = [row[0] for row in cursor.fetchall()]
        self.backend_pids.update(backends)
        pids += backends
        return pids

    def sample(self, *, initial: bool = False) -> None:
        from bench.pages import process_cpu_ns

        for pid in self._pids():
            ns = process_cpu_ns(pid)
            if not ns and pid not in self.last:
                continue
            self.first.setdefault(pid, ns if initial else 0)
            self.last[pid] = max(self.last.get(pid, 0), ns)

    def _loop(self) -> None:
        try:
            while not self._stop.wait(0.5):
                self.sample()
        finally:
            db_connections["default"].close()  # this thread's own connection

    def start(self) -> None:
        self.sample(initial=True)
        self._thread.start()

    def stop(self) -> float:
        """CPU seconds used since start."""
        self._stop.set()
        self._thread.join()
        self.sample()
        return sum(self.last[pid] - self.first[pid] for pid in self.last) / 1e9


def run(
    subjects,
    page_list: list[tuple[str, str, str]],
    *,
    duration: int = 60,
    connections: int = 20,
    workers: int = 3,  # as in production: the Dockerfile's and docker-compose.yml's gunicorn --workers 3
    log=print,
) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("Нужен wrk (пакет Debian): apt-get install -y wrk — или `make load`, он ставит его сам.")
    cookies = {}
    for role, user in subjects.users.items():
        client = Client()
        client.force_login(user)  # a session row in the database that gunicorn's workers read
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    requests = [(url, cookies[role]) for _label, role, url in page_list]
    port = _free_port()
    # the workers' PostgreSQL backends carry this application_name (libpq reads PGAPPNAME): the
    # sampler counts those backends and no other connection to the same database
    application_name = f"nastavnik-load-{port}"
    env = dict(os.environ, DEBUG="false", PGAPPNAME=application_name)
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--log-level",
        "warning",
        # production logs every request (--access-logfile -); the line is formatted here too, and dropped
        "--access-logfile",
        os.devnull,
    ]
    server = subprocess.Popen(gunicorn, cwd=BASE_DIR, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/health/", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn не запустился")
            time.sleep(0.3)
        # one pass over every page first, so that each worker has warmed its caches
        for path, cookie in requests:
            urllib.request.urlopen(
                urllib.request.Request(f"http://{HOST}:{port}{path}", headers={"Cookie": cookie}), timeout=30
            ).read()
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(_lua_script(requests))
        cmd = [
            wrk,
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            script.name,
            f"http://{HOST}:{port}",
        ]
        log(
            f"  wrk: {connections} соединений, {duration} с, {len(requests)} адресов по кругу, gunicorn {workers} воркера (ЦП: воркеры и их бэкенды {application_name})"
        )
        sampler = CpuSampler(server.pid, application_name)
        sampler.start()
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration * 2 + 30)
        cpu_seconds = sampler.stop()
        if not sampler.backend_pids:
            # a driver that ignored PGAPPNAME would leave the database's half of the CPU out
            raise RuntimeError(f"не найдены бэкенды PostgreSQL воркеров ({application_name})")
        os.unlink(script.name)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    result = _parse(done.stdout)
    result.update(
        {
            "duration_s": duration,
            "connections": connections,
            "gunicorn_workers": workers,
            "urls": len(requests),
            "errors": result["not_200"] + result["socket_errors"],
            "cpu_seconds": round(cpu_seconds, 1),
            "backends_sampled": len(sampler.backend_pids),
            "cpu_ms_per_request": round(1000 * cpu_seconds / result["requests"], 1) if result["requests"] else None,
        }
    )
    log(
        f"  {result['requests']} запросов, {result['requests_per_s']:.1f} в секунду, ошибок {result['errors']}, "
        f"p50 {result['p50_ms']} мс, p95 {result['p95_ms']} мс, p99 {result['p99_ms']} мс, "
        f"ЦП на запрос {result['cpu_ms_per_request']} мс (gunicorn + PostgreSQL)"
    )
    if done.returncode != 0:
        result["wrk_stderr"] = done.stderr[-2000:]
    return result
