"""Excel (.xlsx, openpyxl): the lines above the header are paragraphs, the rest is the roadmap table."""

from __future__ import annotations

import datetime as dt
import zipfile
from typing import BinaryIO

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from roadmaps.importers.table import RawRow, RoadmapImportError, clean_cell, find_header


def _text(value) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_cell(value)


def sheet_rows(ws) -> list[RawRow]:
    # Only the top-left cell of a merged range holds the value; the covered cells of a row point to
    # the column where the merge starts.
    from accounts.imports import max_rows

    limit = max_rows()  # the shared import limit: a longer roadmap is refused, never cut
    covered: dict[tuple[int, int], int] = {}
    for rng in ws.merged_cells.ranges:
        for row in range(rng.min_row, min(rng.max_row, limit) + 1):
            for col in range(rng.min_col, rng.max_col + 1):
                covered[(row, col)] = rng.min_col
    rows = []
    for index, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if index > limit:
            if any(v not in (None, "") for v in values):
                raise RoadmapImportError(
                    f"Лист «{ws.title}»: больше {limit} строк (строка {index} не пуста), допустимо не больше {limit}. "
                    "Разделите дорожную карту на части; ничего не загружено."
                )
            continue
        cells = [_text(v) for v in values]
        origin = [covered.get((index, col), col) - 1 for col in range(1, len(cells) + 1)]
        starts = sorted(set(origin))
        rows.append(
            RawRow(
                cells=cells,
                distinct=[cells[i] for i in starts if i < len(cells)] or [""],
                merged_across=len([i for i in starts if i < len(cells) and cells[i]]) == 1
                and any(origin[i] != i for i in range(len(origin))),
                where=f"Лист «{ws.title}», строка {index}",
                origin=origin,
            )
        )
    while rows and not any(rows[-1].cells):
        rows.pop()  # formatted empty rows under the table
    return rows


def xlsx_blocks(file: BinaryIO | str) -> list[str | list[RawRow]]:
    try:
        workbook = openpyxl.load_workbook(file, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise RoadmapImportError("Файл не читается как книга Excel (.xlsx).") from exc
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            continue  # a hidden (old) sheet is never taken silently
        rows = sheet_rows(ws)
        header = find_header(rows)
        if header is None:
            continue
        above = [" ".join(" ".join(dict.fromkeys(c for c in row.cells if c)).split()) for row in rows[: header.index]]
        return [line for line in above if line] + [rows[header.index :]]
    raise RoadmapImportError(
        "Ни на одном листе в первых 20 строках не найдена строка заголовков (№, мероприятие, сроки, ответственные)."
    )
