"""Word: the roadmap table inside an order document (python-docx)."""

from __future__ import annotations

import zipfile
from typing import BinaryIO

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from roadmaps.importers import RoadmapDocument, parse_order, pick_title
from roadmaps.importers.table import RawRow, RoadmapImportError, clean_cell, find_header, parse_rows


def _rows(table: Table, table_number: int) -> list[RawRow]:
    rows = []
    for index, row in enumerate(table.rows, start=1):
        cells, distinct, seen = [], [], set()
        for cell in row.cells:
            text = clean_cell(cell.text)
            cells.append(text)
            # a horizontally merged cell is returned once per grid column: count it once
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                distinct.append(text)
        merged = len(seen) == 1 and len(cells) > 1
        rows.append(
            RawRow(
                cells=cells, distinct=distinct, merged_across=merged, where=f"Таблица {table_number}, строка {index}"
            )
        )
    return rows


def read_docx(file: BinaryIO | str) -> RoadmapDocument:
    try:
        document = docx.Document(file)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RoadmapImportError("Файл не читается как документ Word (.docx).") from exc
    paragraphs_before: list[str] = []
    tables: list[tuple[int, Table]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if not tables and block.text.strip():
                paragraphs_before.append(" ".join(block.text.split()))
        elif isinstance(block, Table):
            tables.append((len(tables) + 1, block))
    if not tables:
        raise RoadmapImportError("В документе нет таблицы с мероприятиями дорожной карты.")
    # The roadmap is the table with a recognisable header; a table split across pages continues
    # with the same header or with none, so following tables without their own header are appended.
    rows: list[RawRow] = []
    header_found = False
    for number, table in tables:
        table_rows = _rows(table, number)
        has_header = find_header(table_rows) is not None
        if has_header and header_found:
            # a repeated header on a continuation table: skip it, parse_rows drops identical headers
            rows.extend(table_rows)
        elif has_header:
            rows.extend(table_rows)
            header_found = True
        elif header_found:
            rows.extend(table_rows)
    if not header_found:
        raise RoadmapImportError(
            "Ни в одной таблице документа не найдена строка заголовков (№, мероприятие, сроки, ответственные)."
        )
    parsed = parse_rows(rows)
    title = pick_title(paragraphs_before, fallback="Дорожная карта")
    number, date, warning = parse_order(paragraphs_before)
    warnings = list(parsed.warnings)
    if warning:
        warnings.insert(0, warning)
    return RoadmapDocument(
        title=title,
        order_number=number,
        order_date=date,
        columns=parsed.columns,
        sections=parsed.sections,
        warnings=warnings,
        file_kind="docx",
    )
