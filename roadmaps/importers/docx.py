"""Word (.docx, python-docx): the order's paragraphs and tables, in reading order, as blocks for `assemble`."""

from __future__ import annotations

import zipfile
from typing import BinaryIO

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from roadmaps.importers.table import RawRow, RoadmapImportError, clean_cell


def table_rows(table: Table, table_number: int) -> list[RawRow]:
    rows = []
    for index, row in enumerate(table.rows, start=1):
        cells: list[str] = []
        origin: list[int] = []
        first: dict[int, int] = {}
        for position, cell in enumerate(row.cells):
            # a horizontally merged cell is returned once per grid column: remember where it starts
            key = id(cell._tc)
            first.setdefault(key, position)
            cells.append(clean_cell(cell.text))
            origin.append(first[key])
        starts = sorted(set(origin))
        rows.append(
            RawRow(
                cells=cells,
                distinct=[cells[i] for i in starts] or [""],
                merged_across=len(starts) == 1 and len(cells) > 1,
                where=f"Таблица {table_number}, строка {index}",
                origin=origin,
            )
        )
    return rows


_TEXT_BOX = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}txbxContent"
_PARAGRAPH = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
# Word writes a text box twice: as a drawing (mc:Choice) and as VML for old readers (mc:Fallback)
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _lines(paragraph: Paragraph) -> list[str]:
    """The lines of a paragraph, after those of the text boxes anchored in it (a «УТВЕРЖДЕНО» stamp
    or an «Приложение к приказу …» placed in a box at the top right is read like a paragraph)."""
    out: list[str] = []
    for box in paragraph._p.iter(_TEXT_BOX):
        if any(ancestor.tag == _FALLBACK for ancestor in box.iterancestors()):
            continue
        for inner in box.iter(_PARAGRAPH):
            out.extend(_split(Paragraph(inner, paragraph._parent).text))
    return out + _split(paragraph.text)


def _split(text: str) -> list[str]:
    # a paragraph with line breaks inside is several lines for a reader
    return [" ".join(line.split()) for line in text.replace("\t", "  ").split("\n")]


def _first_page_header(document) -> list[str]:
    """The first page's header: some orders carry the approval stamp there."""
    if not document.sections:
        return []
    section = document.sections[0]
    header = section.first_page_header if section.different_first_page_header_footer else section.header
    if header.is_linked_to_previous:
        return []
    lines: list[str] = []
    for paragraph in header.paragraphs:
        lines.extend(line for line in _lines(paragraph) if line)
    return lines


def docx_blocks(file: BinaryIO | str) -> list[str | list[RawRow]]:
    try:
        document = docx.Document(file)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RoadmapImportError("Файл не читается как документ Word (.docx).") from exc
    blocks: list[str | list[RawRow]] = list(_first_page_header(document))
    tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            blocks.extend(_lines(block))
        elif isinstance(block, Table):
            tables += 1
            blocks.append(table_rows(block, tables))
    return blocks
