"""Helpers for the print tests: headless LibreOffice with a private profile, PDF read with pdfplumber."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

A4 = (595.3, 841.9)  # points


def office() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        pytest.skip("LibreOffice is not installed (make test installs it: the browser target)")
    return path


def to_pdf(source: Path, out_dir: Path) -> Path:
    """Convert with the application's LibreOffice runner: a profile of this call's own (parallel
    workers never share one), copied from the warm one an earlier conversion left, so LibreOffice
    does not spend seconds building a profile from nothing for every print test."""
    from roadmaps.importers.convert import run_soffice

    office()
    out_dir.mkdir(parents=True, exist_ok=True)
    copy = out_dir / source.name
    shutil.copy(source, copy)
    pdf = run_soffice(copy, "pdf", timeout=240)
    assert pdf == out_dir / (source.stem + ".pdf")
    assert pdf.exists() and pdf.stat().st_size > 1000, f"LibreOffice wrote no PDF for {source.name}"
    return pdf


def is_a4(page) -> bool:
    size = sorted((float(page.width), float(page.height)))
    return abs(size[0] - A4[0]) < 2 and abs(size[1] - A4[1]) < 2


def tokens(text: str) -> list[str]:
    """Words, also split where a line may break (dashes and hyphens)."""
    return [t for t in re.split(r"[\s–—-]+", text) if t]


def words(page) -> set[str]:
    return {t for w in page.extract_words(keep_blank_chars=False) for t in tokens(w["text"])}
