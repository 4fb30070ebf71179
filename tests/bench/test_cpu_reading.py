"""The benchmark's reading of another process's CPU time (bench.pages.process_cpu_ns)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.pages import process_cpu_ns

needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc on this system")

# a single-threaded child that burns 0.2 s of CPU, prints its own process_time and waits
BUSY = (
    "import sys, time\n"
    "t = time.process_time()\n"
    "while time.process_time() - t < 0.2: pass\n"
    "print(time.process_time(), flush=True)\n"
    "sys.stdin.read()\n"
)


def test_no_process_reads_zero():
    assert process_cpu_ns(None) == 0
    assert process_cpu_ns(2**22 + 12345) == 0  # above pid_max's default: no such process


@needs_proc
def test_single_threaded_process_is_read_to_the_nanosecond():
    child = subprocess.Popen(
        [sys.executable, "-S", "-c", BUSY], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        own = float(child.stdout.readline())
        read = process_cpu_ns(child.pid) / 1e9
    finally:
        child.stdin.close()
        child.wait(timeout=10)
    assert own >= 0.2
    if Path(f"/proc/{os.getpid()}/schedstat").exists():
        # the scheduler's figure: within a few ms of the child's own (it ran a little after printing)
        assert own - 0.001 <= read <= own + 0.005
    else:  # whole clock ticks
        assert abs(read - own) <= 0.02


@pytest.mark.django_db
def test_a_page_meter_takes_its_turns_and_sums_them(client):
    """bench.pages.PageMeter: opened once (warm-up, queries counted), then request by request, as
    the ×1 and ×2 sides take turns in `python -m bench`."""
    from django.urls import reverse

    from accounts.models import Role
    from bench.pages import PageMeter
    from tests.factories import OrganizationFactory, user_with_role

    school = OrganizationFactory()
    client.force_login(user_with_role(Role.COORDINATOR, municipality=school.municipality))
    meter = PageMeter(client, "Главная", "coordinator", reverse("home"))
    assert meter.status == 200 and meter.queries > 0
    for _ in range(3):
        meter.take(1)
    result = meter.result()
    assert result.samples == 3 and result.cpu_p50_ms > 0 and result.p50_ms > 0


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity on this system")
def test_pinning_keeps_a_process_and_its_backend_on_one_cpu():
    from bench.pages import pin, pin_with_this_process

    before = os.sched_getaffinity(0)
    child = subprocess.Popen([sys.executable, "-S", "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        cpu = min(before)
        pin(cpu)
        pin_with_this_process(child.pid)
        assert os.sched_getaffinity(0) == os.sched_getaffinity(child.pid) == {cpu}
        pin(None)  # nothing asked: nothing changes
        assert os.sched_getaffinity(0) == {cpu}
    finally:
        os.sched_setaffinity(0, before)
        child.stdin.close()
        child.wait(timeout=10)


@needs_proc
def test_a_report_child_reads_its_own_peak_memory_not_its_parent_s():
    """bench.report_child measures the report's peak memory in a process of its own. ru_maxrss
    would not do: Linux carries it over exec, so a child of a 300 MB bench process read 300 MB."""
    ballast = bytearray(300 * 1024 * 1024)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1  # touched, so resident
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", "from bench.report_child import _rss_mb; print(_rss_mb())"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(done.stdout) < 100, done.stdout
    del ballast
