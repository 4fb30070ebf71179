"""The corpus (roadmaps/fixtures/corpus): orders of municipalities and schools laid out and worded as
public ones are, each with the structure, period, order and due months a coordinator would give
(written by hand in build.py, never computed by the importer)."""

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from roadmaps.importers import read_roadmap

CORPUS = Path(__file__).resolve().parents[2] / "roadmaps" / "fixtures" / "corpus"
EXPECTED = sorted(CORPUS.glob("*.json"))


def _load(path: Path) -> tuple[dict, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data, read_roadmap(str(CORPUS / data["file"]))


def test_corpus_is_large_and_varied():
    kinds = {json.loads(p.read_text(encoding="utf-8"))["file"].rsplit(".", 1)[1] for p in EXPECTED}
    assert len(EXPECTED) >= 12 and kinds >= {"docx", "xlsx"}


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.stem)
def test_structure(path):
    data, document = _load(path)
    got = [(s.number, s.title, [(a.number, a.title) for a in s.activities]) for s in document.sections]
    want = [(s["number"], s["title"], [(a["number"], a["text"]) for a in s["activities"]]) for s in data["sections"]]
    assert got == want
    deadlines = [a.deadline_text for a in document.activities]
    assert deadlines == [a["deadline_text"] for s in data["sections"] for a in s["activities"]]
    for role, index in data["columns"].items():
        assert document.column_roles.get(role) == index, role


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.stem)
def test_title_period_order(path):
    data, document = _load(path)
    assert document.title == data["title"]
    if data["period"] is None:
        assert document.needs_period and document.period_start is None
    else:
        assert not document.needs_period
        assert (document.period_start.isoformat(), document.period_end.isoformat()) == (
            data["period"]["start"],
            data["period"]["end"],
        )
    assert document.period_source == data["period_source"]
    order = document.to_json()["order"]
    if data["order"] is None:
        assert order is None or not order["number"], order
    else:
        assert order == data["order"]


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.stem)
def test_due_months(path):
    data, document = _load(path)
    expected = [a for s in data["sections"] for a in s["activities"]]
    for activity, want in zip(document.activities, expected, strict=True):
        parsed = document.deadline(activity.deadline_text)
        where = f"{activity.number} «{activity.deadline_text}»"
        assert parsed.text == activity.deadline_text, "the original text stays beside the dates"
        if want["flagged"]:
            assert parsed.flagged, where
        else:
            assert not parsed.flagged, (where, parsed.flagged)
            assert [d.strftime("%Y-%m") for d in parsed.dates] == want["due_months"], where
        if not document.needs_period:
            assert all(document.period_start <= d <= document.period_end for d in parsed.dates)


def test_corpus_build_is_reproducible(tmp_path):
    """The committed files are what build.py writes (expectations included)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("corpus_build", CORPUS / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for path in EXPECTED:
        assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    rebuilt = read_roadmap(str(tmp_path / "05_split_table_repeated_header.docx"))
    assert rebuilt.activity_count == 8 and rebuilt.period_start == dt.date(2023, 9, 1)
