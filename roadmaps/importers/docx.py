"""Word (.docx, python-docx): the order's paragraphs and tables, in reading order, as blocks for `assemble`.

The text is what Word shows with the revisions accepted: inserted text (w:ins) is read, deleted
text (w:del, w:delText) and deleted table rows are not; the results of fields (w:fldSimple, a
field's result runs) are read and their codes are not; content controls (w:sdt) around text,
cells, rows or whole tables are looked into; a table inside a cell gives its text to that cell;
a table inside a text box is a table. python-docx's own `.text` and `.rows` skip all of these.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import BinaryIO

import docx
from lxml import etree

from roadmaps.importers.numbering import ListNumbers
from roadmaps.importers.table import RawRow, RoadmapImportError, clean_cell

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    f"{W}p",
    f"{W}tbl",
    f"{W}tr",
    f"{W}tc",
    f"{W}sdt",
    f"{W}sdtContent",
    f"{W}customXml",
)
_TEXT_BOX = f"{W}txbxContent"
# Word writes a text box twice: as a drawing (mc:Choice) and as VML for old readers (mc:Fallback)
_FALLBACK = f"{MC}Fallback"
# never text a person sees: deleted or moved-away revisions, field codes, properties (a paragraph's
# tab stops are w:tab elements too)
_SKIPPED = {
    f"{W}del",
    f"{W}moveFrom",
    f"{W}delText",
    f"{W}instrText",
    f"{W}delInstrText",
    f"{W}pPr",
    f"{W}rPr",
    f"{W}tcPr",
    f"{W}trPr",
    f"{W}tblPr",
    f"{W}sdtPr",
    f"{W}sdtEndPr",
    _FALLBACK,
}
_MAX_SPAN = 64


def _text(element, *, boxes: bool = True, numbers: ListNumbers | None = None) -> str:
    """The visible text under `element`: paragraphs end a line, w:br/w:cr break one, w:tab is a tab;
    a paragraph of a Word list starts with the number Word shows (`numbers`)."""
    parts: list[str] = []
    skipping = 0
    for event, node in etree.iterwalk(element, events=("start", "end")):
        tag = node.tag
        if tag in _SKIPPED or (not boxes and tag == _TEXT_BOX):
            skipping += 1 if event == "start" else -1
            continue
        if skipping:
            continue
        if event == "start":
            if tag == _P and numbers is not None:
                label = numbers.label(node)
                if label:
                    parts.append(label + " ")
            elif tag == f"{W}t":
                parts.append(node.text or "")
            elif tag == f"{W}tab":
                parts.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
        elif tag == _P and node is not element:
            parts.append("\n")
    return "".join(parts)


def _unwrap(parent, wanted: str) -> Iterator:
    """The `wanted` children of `parent`, also those inside content controls and custom XML."""
    for child in parent:
        if child.tag == wanted:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _unwrap(content, wanted)
        elif child.tag == _CUSTOM_XML:
            yield from _unwrap(child, wanted)


def _int_attr(parent, path: str, default: int) -> int:
    node = parent.find(path) if parent is not None else None
    if node is None:
        return default
    try:
        return int(node.get(f"{W}val", default))
    except (TypeError, ValueError):
        return default


def _vmerge(tc) -> str | None:
    node = tc.find(f"{W}tcPr/{W}vMerge")
    if node is None:
        return None
    return node.get(f"{W}val") or "continue"


def table_rows(tbl, table_number: int, numbers: ListNumbers | None = None) -> list[RawRow]:
    """The rows of a w:tbl element, one text per grid column (a horizontally merged cell repeats its
    text; a vertically merged one repeats the text of the cell where the merge starts)."""
    if not isinstance(tbl, etree._Element):  # a python-docx Table
        tbl = tbl._tbl
    rows: list[RawRow] = []
    above: list[str] = []
    for tr in _unwrap(tbl, _TR):
        properties = tr.find(f"{W}trPr")
        if properties is not None and properties.find(f"{W}del") is not None:
            continue  # a row deleted with revision marks on
        before = max(0, min(_int_attr(properties, f"{W}gridBefore", 0), _MAX_SPAN))
        cells: list[str] = [""] * before
        origin: list[int] = list(range(before))
        for tc in _unwrap(tr, _TC):
            span = max(1, min(_int_attr(tc.find(f"{W}tcPr"), f"{W}gridSpan", 1), _MAX_SPAN))
            start = len(cells)
            if _vmerge(tc) == "continue" and start < len(above):
                text = above[start]
            else:
                text = clean_cell(_text(tc, numbers=numbers))
            cells.extend([text] * span)
            origin.extend([start] * span)
        above = cells
        starts = sorted(set(origin))
        rows.append(
            RawRow(
                cells=cells,
                distinct=[cells[i] for i in starts] or [""],
                merged_across=len(starts) == 1 and len(cells) > 1,
                where=f"Таблица {table_number}, строка {len(rows) + 1}",
                origin=origin,
            )
        )
    return rows


def _split(text: str) -> list[str]:
    # a paragraph with line breaks inside is several lines for a reader
    return [" ".join(line.split()) for line in text.replace("\t", "  ").split("\n")]


class _Blocks:
    """Paragraph lines and tables in reading order."""

    def __init__(self, numbers: ListNumbers | None = None) -> None:
        self.blocks: list[str | list[RawRow]] = []
        self.tables = 0
        self.numbers = numbers  # Word's list numbers, counted in reading order

    def table(self, tbl) -> None:
        self.tables += 1
        self.blocks.append(table_rows(tbl, self.tables, self.numbers))

    def paragraph(self, p) -> None:
        # the text boxes anchored in a paragraph first (a «УТВЕРЖДЕНО» stamp or an «Приложение к
        # приказу …» placed in a box at the top right is read like a paragraph); a table in a box
        # is a table
        for box in p.iter(_TEXT_BOX):
            if any(ancestor.tag == _FALLBACK for ancestor in box.iterancestors()):
                continue
            self.body(box)
        self.blocks.extend(_split(_text(p, boxes=False, numbers=self.numbers)))

    def body(self, parent) -> None:
        for child in parent:
            if child.tag == _P:
                self.paragraph(child)
            elif child.tag == _TBL:
                self.table(child)
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.body(content)
            elif child.tag == _CUSTOM_XML:
                self.body(child)


def _first_page_header(document) -> list[str]:
    """The first page's header: some orders carry the approval stamp there."""
    if not document.sections:
        return []
    section = document.sections[0]
    header = section.first_page_header if section.different_first_page_header_footer else section.header
    if header.is_linked_to_previous:
        return []
    reader = _Blocks()
    for p in _unwrap(header._element, _P):
        reader.paragraph(p)
    return [line for line in reader.blocks if isinstance(line, str) and line]


def docx_blocks(file: BinaryIO | str) -> list[str | list[RawRow]]:
    try:
        document = docx.Document(file)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RoadmapImportError("Файл не читается как документ Word (.docx).") from exc
    reader = _Blocks(ListNumbers(document))
    reader.blocks.extend(_first_page_header(document))
    reader.body(document.element.body)
    return reader.blocks
