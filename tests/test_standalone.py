"""The repository stands alone: a copy of it in an empty folder runs the demo and the roadmap tests.

Nothing the product or its tests use may live beside the repository (the team's reference shelf
in the parent folder is not part of the product). The copy is made from the files git tracks, so a document
that is used but never committed fails here, not on a newcomer's machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
STANDALONE = "tests/test_standalone.py::test_copy_alone_in_an_empty_folder_runs_demo_and_roadmap_tests"
# What the copy runs: the roadmap tests but the slow ones (they convert the same corpus files to
# .doc/.pdf/.rtf/.odt through LibreOffice, minutes; the files they read are the ones the others
# read) and the browser ones. When this test is in a run, the run leaves these tests to the copy
# (tests/conftest.py) instead of running them twice.
COPY_RUNS = ("tests/roadmaps", "not browser and not slow")


def runs_in_the_copy(item) -> bool:
    return (
        item.nodeid.startswith(COPY_RUNS[0] + "/")
        and item.get_closest_marker("browser") is None
        and item.get_closest_marker("slow") is None
    )


# Paths that climb out of the repository: a "../" prefix, ".." as a path part, BASE_DIR's parent.
SHELF = "sha" + "red"  # the reference shelf's folder name, spelled so this file names no outside path
OUTSIDE = re.compile(
    r"""(\.\./""" + SHELF + r"""|["']\.\.["']\s*/|BASE_DIR\)\.parent|parent\s*/\s*["']""" + SHELF + ")"
)


def _tracked_files() -> list[Path]:
    if (ROOT / ".git").exists() and shutil.which("git"):
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        return [ROOT / name for name in out.decode().split("\0") if name]
    skip = {".venv", "node_modules", "var", ".git", "__pycache__"}
    return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def test_no_source_reads_outside_the_repository():
    offenders = []
    for path in _tracked_files():
        if path.suffix not in {".py", ".cfg", ".toml", ".ini"} and path.name not in {"Makefile", "run"}:
            continue
        if path == Path(__file__) or not path.exists():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "paths outside the repository:\n" + "\n".join(offenders)


@pytest.mark.slow(seconds=200)
def test_copy_alone_in_an_empty_folder_runs_demo_and_roadmap_tests(tmp_path):
    copy = tmp_path / "empty" / "nastavnik"
    for path in _tracked_files():
        if not path.is_file():
            continue
        target = copy / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    assert sorted(p.name for p in (tmp_path / "empty").iterdir()) == ["nastavnik"]
    # without PYTHONDONTWRITEBYTECODE the copy's four processes (migrate, seed_demo, shell, pytest)
    # compile its modules once, not each
    outside = ("DATABASE_URL", "CELERY_", "PYTEST_", "DJANGO_", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(outside)}
    env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"  # letters are not our stdout

    def run(*args: str, timeout: int = 300) -> str:
        done = subprocess.run(args, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    run(sys.executable, "manage.py", "migrate", "--noinput", "-v", "0")
    users = json.loads(run(sys.executable, "manage.py", "seed_demo", "--json"))
    assert users, "demo printed its logins"
    counts = json.loads(
        run(
            sys.executable,
            "manage.py",
            "shell",
            "-v",
            "0",
            "-c",
            "import json; from roadmaps.models import Roadmap, Activity; "
            "print(json.dumps([Roadmap.objects.count(), Activity.objects.count()]))",
        )
    )
    assert counts[0] >= 3 and counts[1] > 50, f"demo roadmaps in the copy: {counts}"

    done = subprocess.run(
        [sys.executable, "-m", "pytest", COPY_RUNS[0], "-q", "-m", COPY_RUNS[1], "-p", "no:cacheprovider", "-rsfE"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    out = done.stdout
    summary = out.strip().splitlines()[-1] if out.strip() else done.stderr[-3000:]
    # the run leaves these tests to the copy, so a failure here names each failed test
    failed = [line for line in out.splitlines() if line.startswith(("FAILED", "ERROR"))]
    assert done.returncode == 0 and "passed" in summary, (
        f"roadmap tests in the copy: {summary}\n" + "\n".join(failed) + f"\n\n{out[-6000:]}\n{done.stderr[-2000:]}"
    )
    # a test may skip only for a service this pass does not run (PostgreSQL, a broker), never for a
    # missing file: every skip reason is listed and checked
    reasons = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    allowed = ("PostgreSQL", "CELERY_BROKER_URL", "broker")
    unexpected = [r for r in reasons if not any(word in r for word in allowed)]
    assert not unexpected, "a roadmap test skipped in the standalone copy:\n" + "\n".join(unexpected)


def _collected(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NASTAVNIK_TESTS_WITH_DB_ONLY"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_a_run_leaves_the_roadmap_tests_to_the_copy_only_when_the_copy_runs():
    files = ("tests/roadmaps/test_corpus.py", "tests/roadmaps/test_corpus_formats.py")
    alone = [line for line in _collected(*files).splitlines() if line.startswith("tests/")]
    with_copy = _collected(*files, STANDALONE).splitlines()
    without_copy = _collected(*files, STANDALONE, "--deselect", STANDALONE).splitlines()
    fast = [line for line in alone if line.startswith(files[0])]  # none of them is marked slow
    formats = [line for line in alone if line.startswith(files[1])]  # some are (LibreOffice conversions)
    assert fast and formats
    # the copy runs the fast ones; the slow ones stay in this run
    assert STANDALONE in with_copy and not set(fast) & set(with_copy) and set(formats) & set(with_copy)
    # .ci/run's PostgreSQL pass deselects the copy: every roadmap test runs there
    assert STANDALONE not in without_copy and set(alone) <= set(without_copy)
