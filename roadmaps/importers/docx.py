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


def docx_blocks(file: BinaryIO | str) -> list[str | list[RawRow]]:
    try:
        document = docx.Document(file)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RoadmapImportError("Файл не читается как документ Word (.docx).") from exc
    blocks: list[str | list[RawRow]] = []
    tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            # a paragraph with line breaks inside is several lines for a reader
            for line in block.text.replace("\t", "  ").split("\n"):
                blocks.append(" ".join(line.split()))
        elif isinstance(block, Table):
            tables += 1
            blocks.append(table_rows(block, tables))
    return blocks
