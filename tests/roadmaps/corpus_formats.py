"""Every Word order of the project's corpus, read again from the .doc and the PDFs made of it, against
its own .docx reading (issue 11: «the same holds for a .doc and a PDF made from each corpus .docx»).

Variants made from each .docx with LibreOffice (`soffice --headless --convert-to`):
- ``doc``: Word 97–2003;
- ``pdf``: LibreOffice's «export as PDF» of the document as it is;
- ``pdf-word``: the same order laid out as offices print it from Word (`word_layout`): landscape pages,
  the table's header row repeated on every page, page numbers in the running header and footer, long
  words of the table hyphenated at line ends (soft hyphens, as Word's hyphenation puts them), the
  table's columns stretched to the landscape width, rows allowed to break across pages;
- ``pdf-plain`` (one test over the whole corpus): the tables without any ruling, read
  by the text's alignment;
- ``rtf``, ``odt``: RTF and OpenDocument (tested on one order of each folder).

Conversions are kept by the hash of their input in NASTAVNIK_TEST_CONVERSIONS (tests/conftest.py makes
one per run; the measurement below keeps its own folder between runs).

The comparison (`compare`) takes the .docx reading as what a person reads and counts, per document:
activities found with the same number and text (whitespace normalised), the period and the approving
order equal, and the deadline cells whose due months are equal, flagged for a person instead, or wrong.

Measure (prints one line per document and the totals per variant):

    .venv/bin/python -m tests.roadmaps.corpus_formats [doc pdf pdf-word pdf-plain rtf odt] [part of a name…]
"""

from __future__ import annotations

import difflib
import hashlib
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.soffice import keep, read_ahead, read_ahead_fixtures, reader_key, soffice_batch

FIXTURES = Path(__file__).resolve().parents[2] / "roadmaps" / "fixtures"
FOLDERS = ("public", "corpus", "samples")
VARIANTS = ("doc", "pdf", "pdf-word")
# tested over the whole corpus in one test (pdf-plain) or on a few orders (rtf, odt)
MEASURED_ONLY = ("pdf-plain", "rtf", "odt")
# bump when word_layout changes: the cached PDFs of the old layout are then made again
LAYOUT_VERSION = "2"
SOFT_HYPHEN = "\u00ad"


def sources() -> list[Path]:
    """Every .docx of the corpus folders, by folder then name."""
    return [path for folder in FOLDERS for path in sorted((FIXTURES / folder).glob("*.docx"))]


def source_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _cache_folder() -> Path:
    folder = os.environ.get("NASTAVNIK_TEST_CONVERSIONS") or str(Path(tempfile.gettempdir()) / "nastavnik-formats")
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


# variants made for the whole corpus at once, the first time one of its files is asked for; RTF and
# OpenDocument for the first order of each folder only (`some`), which is what their test reads
BATCHED = ("doc", "pdf", "pdf-word", "pdf-plain")
BATCHED_SOME = ("rtf", "odt")


def some() -> list[Path]:
    """The first order of each corpus folder."""
    return [next(p for p in sources() if p.parent.name == folder) for folder in FOLDERS]


def _target(variant: str) -> str:
    return variant if variant in ("doc", "rtf", "odt") else "pdf"


def _made_path(data: bytes, variant: str) -> Path:
    key = hashlib.sha256(f"{variant}:{LAYOUT_VERSION}\0".encode() + data).hexdigest()
    return _cache_folder() / f"{key}.{_target(variant)}"


def _source_bytes(data: bytes, variant: str) -> bytes:
    return word_layout(data) if variant == "pdf-word" else without_ruling(data) if variant == "pdf-plain" else data


def made(path: Path, variant: str) -> Path:
    """The file of `variant` made from the .docx at `path` (converted once per content)."""
    from roadmaps.importers.convert import run_soffice

    data = path.read_bytes()
    result = _made_path(data, variant)
    if not result.exists():
        if variant in BATCHED and path in sources():
            _make_corpus(variant, sources())
        elif variant in BATCHED_SOME and path in some():
            _make_corpus(variant, some())
    if result.exists():
        return result
    with tempfile.TemporaryDirectory(prefix="corpus-formats-") as tmp:
        source = Path(tmp) / f"{path.stem}.docx"
        source.write_bytes(_source_bytes(data, variant))
        keep(run_soffice(source, _target(variant), timeout=300), result)
    return result


def _make_corpus(variant: str, paths: list[Path]) -> None:
    """The corpus orders at `paths` made as `variant` in one LibreOffice run, and for .doc/.rtf/.odt
    also the reader's conversion of each to .docx (kept where tests/conftest.py looks for it).
    LibreOffice spends about a second starting and a tenth of one per file, so 35 files in one run
    cost what 3 cost one by one. Under a lock: the other xdist worker waits for the batch instead of
    converting the same files. A file the batch could not make is made alone afterwards (`made`),
    with its own error."""
    import fcntl

    folder = _cache_folder()
    with open(folder / f".{variant}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        todo = [(path, data) for path in paths if not _made_path(data := path.read_bytes(), variant).exists()]
        if not todo:
            return
        with tempfile.TemporaryDirectory(prefix="corpus-formats-") as tmp:
            inputs = []
            for n, (_path, data) in enumerate(todo):
                inputs.append(Path(tmp) / f"{n:03d}.docx")
                inputs[-1].write_bytes(_source_bytes(data, variant))
            outputs = soffice_batch(inputs, _target(variant))
            made_docs = []
            for (_path, data), produced in zip(todo, outputs, strict=True):
                if produced is not None:
                    result = _made_path(data, variant)
                    keep(produced, result)
                    made_docs.append(result)
            if variant in ("doc", *BATCHED_SOME):
                read_ahead(folder, made_docs, variant)


# Word-like print layout ---------------------------------------------------------------------------
_LONG_WORD = re.compile(r"[А-Яа-яЁё]{9,}")
_VOWELS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯ")


def hyphenate(word: str) -> str:
    """Soft hyphens where Word's Russian hyphenation may break a word: before a consonant that starts a
    syllable (a consonant followed by a vowel), keeping at least three letters on either side and two
    between breaks, never leaving «ь», «ъ» or «й» at a line's start («настав-ни-чества»). A word may so
    be cut twice in a narrow column."""
    out, last = [], 0
    for i in range(3, len(word) - 2):
        starts_syllable = word[i] not in _VOWELS and word[i + 1] in _VOWELS and word[i] not in "ьъйЬЪЙ"
        if starts_syllable and any(c in _VOWELS for c in word[last:i]) and i - last >= 3:
            out.append(word[last:i])
            last = i
    out.append(word[last:])
    return SOFT_HYPHEN.join(out)


def word_layout(data: bytes) -> bytes:
    """The .docx as an office prints it from Word (see the module's docstring)."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    document = docx.Document(io.BytesIO(data))
    for section in document.sections:
        if section.orientation != WD_ORIENT.LANDSCAPE:
            width, height = section.page_width, section.page_height
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = height, width
            section.left_margin = section.right_margin = Mm(20)
            section.top_margin = section.bottom_margin = Mm(15)
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        _page_number(section.header.paragraphs[0], before="", center=True)
        _page_number(section.footer.paragraphs[0], before="Страница ", center=False)
    text_width = document.sections[0].page_width - document.sections[0].left_margin - document.sections[0].right_margin
    for table in document.tables:
        rows = table.rows
        if len(rows) < 4:
            continue
        _stretch(table, text_width)
        tr_pr = rows[0]._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:tblHeader")) is None:
            tr_pr.append(OxmlElement("w:tblHeader"))
        for row in rows:
            pr = row._tr.trPr
            if pr is not None:
                for cant in pr.findall(qn("w:cantSplit")):
                    pr.remove(cant)
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.text = _LONG_WORD.sub(lambda m: hyphenate(m.group(0)), run.text)
    return _saved(document)


def without_ruling(data: bytes) -> bytes:
    """The .docx with no line drawn in any table (a layout some offices publish)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(data))
    for table in document.tables:
        for old in list(table._tbl.iter(qn("w:tblBorders"))) + list(table._tbl.iter(qn("w:tcBorders"))):
            old.getparent().remove(old)
        borders = OxmlElement("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "nil")
            borders.append(edge)
        table._tbl.tblPr.append(borders)
        style = table._tbl.tblPr.find(qn("w:tblStyle"))
        if style is not None:
            table._tbl.tblPr.remove(style)
    return _saved(document)


def _stretch(table, width: int) -> None:
    """The table's columns widened in proportion to fill the landscape line (Word's «fit to window»)."""
    from docx.oxml.ns import qn

    grid = table._tbl.tblGrid
    columns = grid.findall(qn("w:gridCol")) if grid is not None else []
    widths = [int(c.get(qn("w:w")) or 0) for c in columns]
    total = sum(widths)
    if not total:
        return
    scale = (width / 635) / total  # EMU → twentieths of a point
    for column, value in zip(columns, widths, strict=True):
        column.set(qn("w:w"), str(int(value * scale)))
    for cell in table._tbl.iter(qn("w:tcW")):
        if cell.get(qn("w:type")) in (None, "dxa") and cell.get(qn("w:w")):
            cell.set(qn("w:w"), str(int(int(cell.get(qn("w:w"))) * scale)))
    pr = table._tbl.tblPr
    tbl_w = pr.find(qn("w:tblW")) if pr is not None else None
    if tbl_w is not None and tbl_w.get(qn("w:type")) == "dxa":
        tbl_w.set(qn("w:w"), str(int(width / 635)))


def _page_number(paragraph, *, before: str, center: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.RIGHT
    if before:
        paragraph.add_run(before)
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "1":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# Comparison ---------------------------------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join((text or "").replace(SOFT_HYPHEN, "").split())


def _difference(a: str, b: str) -> str:
    """Where two texts differ, with a little of what surrounds it."""
    start = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    end = 0
    while end < min(len(a), len(b)) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    lo = max(start - 20, 0)
    return f"«…{a[lo : len(a) - end + 12]}…» ≠ «…{b[lo : len(b) - end + 12]}…»"


def _months(activity: dict) -> tuple[str, ...]:
    return tuple(d[:7] for d in activity["due_dates"])


@dataclass
class Comparison:
    name: str
    variant: str
    activities: int = 0  # in the .docx reading
    matched: int = 0  # same number and text
    number_only: int = 0  # same number, other text
    extra: int = 0  # read from the variant but not in the .docx
    period: bool = False
    order: bool = False
    cells: int = 0  # deadline cells of the .docx reading
    cells_right: int = 0
    cells_flagged: int = 0  # the variant asks a person where the .docx gave dates
    cells_wrong: int = 0
    error: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return (
            not self.error
            and self.period
            and self.order
            and self.matched == self.activities
            and not self.extra
            and self.cells_wrong == 0
        )


def _activities(data: dict) -> list[dict]:
    return [a for s in data["sections"] for a in s["activities"]]


def compare(name: str, variant: str, expected: dict, got: dict | None, error: str = "") -> Comparison:
    result = Comparison(name, variant)
    want = _activities(expected)
    result.activities = len(want)
    result.cells = sum(1 for a in want if _norm(a["deadline_text"]))
    if got is None:
        result.error = error
        result.cells_wrong = result.cells
        return result
    result.period = expected.get("period") == got.get("period")
    result.order = expected.get("order") == got.get("order")
    have = _activities(got)
    keys_want = [(_norm(a["number"]), _norm(a["text"])) for a in want]
    keys_have = [(_norm(a["number"]), _norm(a["text"])) for a in have]
    pairs: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(a=keys_want, b=keys_have, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            pairs[block.a + k] = block.b + k
    # the rest: the same number at the same place in the order, other text
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "replace":
            for k in range(min(a1 - a0, b1 - b0)):
                if keys_want[a0 + k][0] == keys_have[b0 + k][0]:
                    pairs[a0 + k] = b0 + k
                    result.number_only += 1
                    result.notes.append(
                        f"текст {keys_want[a0 + k][0]}: {_difference(keys_want[a0 + k][1], keys_have[b0 + k][1])}"
                    )
    result.matched = sum(1 for i, j in pairs.items() if keys_want[i] == keys_have[j])
    result.extra = len(have) - len(pairs)
    for i, activity in enumerate(want):
        if not _norm(activity["deadline_text"]):
            continue
        other = have[pairs[i]] if i in pairs else None
        if other is None:
            result.cells_wrong += 1
            result.notes.append(f"нет мероприятия {keys_want[i][0]} «{keys_want[i][1][:50]}»")
        elif _months(other) == _months(activity) and bool(other["flagged"]) == bool(activity["flagged"]):
            result.cells_right += 1
        elif other["flagged"] and not activity["flagged"]:
            result.cells_flagged += 1
        else:
            result.cells_wrong += 1
            result.notes.append(
                f"срок {keys_want[i][0]} «{_norm(activity['deadline_text'])}» {_months(activity)} ≠ "
                f"«{_norm(other['deadline_text'])}» {_months(other)}"
            )
    if not result.period:
        result.notes.append(f"период {expected.get('period')} ≠ {got.get('period')}")
    if not result.order:
        result.notes.append(f"приказ {expected.get('order')} ≠ {got.get('order')}")
    return result


def reading(path: Path) -> dict:
    from roadmaps.importers import read_roadmap

    return read_roadmap(str(path)).to_json()


def compare_file(path: Path, variant: str, expected: dict | None = None) -> Comparison:
    from roadmaps.importers import RoadmapImportError

    expected = expected if expected is not None else reading(path)
    try:
        got = reading(made(path, variant))
    except RoadmapImportError as error:
        return compare(source_id(path), variant, expected, None, str(error))
    return compare(source_id(path), variant, expected, got)


def totals(results: list[Comparison]) -> dict:
    cells = sum(r.cells for r in results)
    return {
        "documents": len(results),
        "same": sum(r.same for r in results),
        "activities": sum(r.activities for r in results),
        "matched": sum(r.matched for r in results),
        "extra": sum(r.extra for r in results),
        "period": sum(r.period for r in results),
        "order": sum(r.order for r in results),
        "cells": cells,
        "right": sum(r.cells_right for r in results),
        "flagged": sum(r.cells_flagged for r in results),
        "wrong": sum(r.cells_wrong for r in results),
        "right_share": sum(r.cells_right for r in results) / cells if cells else 1.0,
        "wrong_share": sum(r.cells_wrong for r in results) / cells if cells else 0.0,
    }


def _cached_reader_conversions() -> None:
    """Outside pytest, keep LibreOffice's .doc → .docx by content too (as tests/conftest.py does)."""
    from roadmaps.importers import formats

    original = formats.convert

    def cached(data: bytes, kind: str, *, timeout: float | None = None) -> bytes:
        path = reader_key(_cache_folder(), data, kind)
        if not path.exists():
            read_ahead_fixtures(_cache_folder())
        if not path.exists():
            path.write_bytes(original(data, kind, timeout=timeout))
        return path.read_bytes()

    formats.convert = cached


def main(variants: list[str], only: list[str] | None = None) -> None:
    import sys

    sys.path.insert(0, str(FIXTURES.parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    _cached_reader_conversions()
    results: dict[str, list[Comparison]] = {v: [] for v in variants}
    for path in sources():
        if only and not any(part in source_id(path) for part in only):
            continue
        expected = reading(path)
        for variant in variants:
            result = compare_file(path, variant, expected)
            results[variant].append(result)
            flag = "=" if result.same else "≠"
            print(
                f"{variant:8} {flag} {result.name:62} акт {result.matched}/{result.activities} +{result.extra} "
                f"период {'да' if result.period else 'НЕТ'} приказ {'да' if result.order else 'НЕТ'} "
                f"сроки {result.cells_right}/{result.cells} флаг {result.cells_flagged} неверно {result.cells_wrong}"
                + (f" ОШИБКА {result.error}" if result.error else ""),
                flush=True,
            )
            for note in result.notes[:6]:
                print(f"           {note}")
    for variant, rows in results.items():
        t = totals(rows)
        print(
            f"ИТОГО {variant}: документов {t['same']}/{t['documents']} как .docx; мероприятий {t['matched']}/"
            f"{t['activities']} (+{t['extra']} лишних); период {t['period']}/{t['documents']}, приказ "
            f"{t['order']}/{t['documents']}; сроков верно {t['right']}/{t['cells']} ({t['right_share']:.1%}), "
            f"флаг {t['flagged']}, неверно {t['wrong']} ({t['wrong_share']:.1%})"
        )


if __name__ == "__main__":
    import sys

    arguments = sys.argv[1:]
    known = VARIANTS + MEASURED_ONLY
    main([a for a in arguments if a in known] or list(VARIANTS), [a for a in arguments if a not in known])
