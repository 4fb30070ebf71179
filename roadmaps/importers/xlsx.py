"""Excel: a sheet with title lines, a header row somewhere in the first 20 rows, then the table."""

from __future__ import annotations

import datetime as dt
import zipfile
from typing import BinaryIO

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from roadmaps.importers import RoadmapDocument, parse_order, pick_title
from roadmaps.importers.table import RawRow, RoadmapImportError, clean_cell, find_header, parse_rows

MAX_ROWS = 5000


def _text(value) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_cell(value)


def _sheet_rows(ws) -> list[RawRow]:
    # Only the top-left cell of a merged range holds the value; remember which rows are one
    # merged cell across the table (section rows).
    merged_rows: dict[int, int] = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_row == rng.max_row and rng.max_col > rng.min_col:
            merged_rows[rng.min_row] = max(merged_rows.get(rng.min_row, 0), rng.max_col - rng.min_col + 1)
    rows = []
    for index, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if index > MAX_ROWS:
            break
        cells = [_text(v) for v in values]
        distinct = [c for c in cells if c]
        rows.append(
            RawRow(
                cells=cells,
                distinct=distinct or [""],
                merged_across=merged_rows.get(index, 0) >= 2,
                where=f"Лист «{ws.title}», строка {index}",
            )
        )
    return rows


def read_xlsx(file: BinaryIO | str) -> RoadmapDocument:
    try:
        workbook = openpyxl.load_workbook(file, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise RoadmapImportError("Файл не читается как книга Excel (.xlsx).") from exc
    chosen = None
    for ws in workbook.worksheets:
        rows = _sheet_rows(ws)
        found = find_header(rows)
        if found is not None:
            chosen = (ws, rows, found[0])
            break
    if chosen is None:
        raise RoadmapImportError(
            "Ни на одном листе в первых 20 строках не найдена строка заголовков (№, мероприятие, сроки, ответственные)."
        )
    ws, rows, header_index = chosen
    above = [" ".join(" ".join(c for c in row.cells if c).split()) for row in rows[:header_index]]
    above = [line for line in above if line]
    parsed = parse_rows(rows)
    number, date, warning = parse_order(above)
    warnings = list(parsed.warnings)
    if warning:
        warnings.insert(0, warning)
    return RoadmapDocument(
        title=pick_title(above, fallback=ws.title),
        order_number=number,
        order_date=date,
        columns=parsed.columns,
        sections=parsed.sections,
        warnings=warnings,
        file_kind="xlsx",
    )
