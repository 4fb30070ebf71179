"""LibreOffice for the tests, many files a run: the roadmap reader converts one upload at a time
(roadmaps.importers.convert.run_soffice), which costs a second of LibreOffice's start-up per file;
the suite reads the same fixture documents many times, so it converts them in batches and keeps
each result by the content hash the reader's cache uses (tests/conftest.py).

LibreOffice starts once per batch and spends about a tenth of a second on each file after that.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "roadmaps" / "fixtures"


def reader_key(folder: Path, data: bytes, kind: str) -> Path:
    """Where the reader's conversion of `data` (a .doc/.rtf/.odt/.xls/.ods) is kept."""
    from roadmaps.importers import convert as converter

    digest = hashlib.sha256(kind.encode() + b"\0" + data).hexdigest()
    return folder / f"{digest}.{converter.TARGET[kind]}"


def keep(produced: Path, result: Path) -> None:
    staging = result.with_suffix(f".{os.getpid()}.part")
    shutil.move(produced, staging)
    os.replace(staging, result)  # atomic: a parallel reader sees the whole file or none


def soffice_batch(sources: list[Path], target: str, *, timeout: float = 600) -> list[Path | None]:
    """Convert many files in one LibreOffice run; each result beside its source, None where
    LibreOffice made nothing (a damaged file: the test that reads it alone gets the reader's error)."""
    from roadmaps.importers import convert as converter

    binary = converter.soffice_path()
    if binary is None or not sources:
        return [None] * len(sources)
    suffix = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="soffice-batch-") as tmp:
        process, outdir, profile = converter.start_soffice(binary, sources, target, Path(tmp))
        try:
            process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        finally:
            converter._kill_group(process)
        converter._keep_as_template(profile)
        results: list[Path | None] = []
        for source in sources:
            produced = outdir / f"{source.stem}.{suffix}"
            if produced.exists() and produced.stat().st_size:
                results.append(source.with_name(f"{source.stem}.out.{suffix}"))
                shutil.move(produced, results[-1])
            else:
                results.append(None)
        return results


def read_ahead(folder: Path, files: list[Path], kind: str) -> None:
    """The reader's conversion of each of `files` (all of `kind`), made in one run and kept where
    the reader's cache looks for it; files already there are skipped."""
    from roadmaps.importers import convert as converter

    keyed = [(f, reader_key(folder, f.read_bytes(), kind)) for f in files]
    keyed = [(f, target) for f, target in keyed if not target.exists()]
    if not keyed:
        return
    with tempfile.TemporaryDirectory(prefix="soffice-read-ahead-") as tmp:
        inputs = []
        for n, (f, _target) in enumerate(keyed):
            inputs.append(Path(tmp) / f"{n:03d}.{kind}")
            shutil.copyfile(f, inputs[-1])
        for (_f, target), produced in zip(keyed, soffice_batch(inputs, converter.TARGET[kind]), strict=True):
            if produced is not None:
                keep(produced, target)


def read_ahead_fixtures(folder: Path) -> None:
    """Every .doc/.rtf/.odt/.xls/.ods under roadmaps/fixtures converted for the reader, one run per
    kind, once per cache folder: under a lock, so the other worker (or the standalone copy's run)
    waits for it instead of converting the same files one by one."""
    import fcntl

    from roadmaps.importers import convert as converter

    done = folder / ".fixtures-read-ahead"
    if done.exists():
        return
    with open(folder / ".fixtures-read-ahead.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            return
        for kind in converter.TARGET:
            read_ahead(folder, sorted(FIXTURES.rglob(f"*.{kind}")), kind)
        done.touch()
