"""Excel (.xlsx, python-calamine): the lines above the header are paragraphs, the rest is the roadmap table.

Read with python-calamine, as every spreadsheet import (accounts.imports): formatted empty rows
cost nothing (openpyxl built a cell object for each of them: 22–43 s for 50,000 of them), and
the sheet's filled extent is checked from its XML before the sheet is built
(`accounts.imports.check_sheet_extent`), so a value far away (XFD1048576) is a message, not a
process killed for want of memory.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import BinaryIO

from roadmaps.importers.table import SHEET_SCAN_ROWS, RawRow, RoadmapImportError, clean_cell, find_header


def _text(value) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "да" if value else "нет"
    return clean_cell(value)


def _bytes(file: BinaryIO | str) -> bytes:
    if isinstance(file, str):
        with open(file, "rb") as handle:
            return handle.read()
    file.seek(0)
    return file.read()


def sheet_rows(values: list[list], merges, title: str) -> list[RawRow]:
    """`values`: the sheet's rows from A1 (calamine's `to_python(skip_empty_area=False)`); `merges`:
    its merged ranges as ((first row, first column), (last row, last column)) from 0. Only the
    top-left cell of a merged range holds the value; the covered cells of a row point to the column
    where the merge starts."""
    from accounts.imports import max_rows

    limit = max_rows()  # the shared import limit: a longer roadmap is refused, never cut
    height = len(values)
    width = max((len(row) for row in values), default=0)
    covered: dict[tuple[int, int], int] = {}
    for (first_row, first_col), (last_row, last_col) in merges or ():
        # a merge may claim the whole sheet: only the cells that exist are covered
        for row in range(first_row, min(last_row, height - 1, limit) + 1):
            for col in range(first_col, min(last_col, width - 1) + 1):
                covered[(row, col)] = first_col
    rows = []
    for index, raw in enumerate(values):
        if index >= limit:
            if any(v not in (None, "") for v in raw):
                raise RoadmapImportError(
                    f"Лист «{title}»: больше {limit} строк (строка {index + 1} не пуста), допустимо не больше {limit}. "
                    "Разделите дорожную карту на части; ничего не загружено."
                )
            continue
        cells = [_text(v) for v in raw]
        origin = [covered.get((index, col), col) for col in range(len(cells))]
        starts = sorted(set(origin))
        rows.append(
            RawRow(
                cells=cells,
                distinct=[cells[i] for i in starts if i < len(cells)] or [""],
                merged_across=len([i for i in starts if i < len(cells) and cells[i]]) == 1
                and any(origin[i] != i for i in range(len(origin))),
                where=f"Лист «{title}», строка {index + 1}",
                origin=origin,
            )
        )
    while rows and not any(rows[-1].cells):
        rows.pop()  # formatted empty rows under the table
    return rows


def xlsx_blocks(file: BinaryIO | str) -> list[str | list[RawRow]]:
    from accounts.imports import release_sheet_xml

    try:
        return _xlsx_blocks(_bytes(file))
    finally:
        release_sheet_xml()


def _xlsx_blocks(content: bytes) -> list[str | list[RawRow]]:
    from python_calamine import CalamineWorkbook

    from accounts.imports import ImportRejected, check_sheet_extent, hidden_rows_and_columns, max_rows

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = list(workbook.sheets_metadata)
    except Exception as exc:  # noqa: BLE001 - calamine raises its own errors and Python's for broken parts
        raise RoadmapImportError("Файл не читается как книга Excel (.xlsx).") from exc
    for meta in sheets:
        if not (str(meta.visible).endswith("Visible") and str(meta.typ).endswith("WorkSheet")):
            continue  # a hidden (old) sheet, or a chart, is never taken silently
        try:
            # rows over the limit are refused (below) with their number; past a hundred more, the
            # sheet is not even built
            check_sheet_extent(content, meta.name, rows_allowed=max_rows() + 100)
        except ImportRejected as exc:
            raise RoadmapImportError(str(exc)) from None
        try:
            sheet = workbook.get_sheet_by_name(meta.name)
            values = sheet.to_python(skip_empty_area=False)
            merges = sheet.merged_cell_ranges
        except Exception as exc:  # noqa: BLE001
            raise RoadmapImportError(
                f"Лист «{meta.name}» повреждён: разметка листа не читается. Откройте файл в Excel и сохраните заново."
            ) from exc
        rows = sheet_rows(values, merges, meta.name)
        header = find_header(rows, SHEET_SCAN_ROWS)
        if header is None:
            continue
        hidden_rows, _ = hidden_rows_and_columns(content, meta.name)
        hidden = [
            index + 1
            for index, row in enumerate(rows)
            if index >= header.index and index + 1 in hidden_rows and any(row.cells)
        ]
        if hidden:
            shown = ", ".join(str(n) for n in hidden[:10]) + (f" и ещё {len(hidden) - 10}" if len(hidden) > 10 else "")
            raise RoadmapImportError(
                f"Лист «{meta.name}»: строки {shown} скрыты в Excel, но в них есть мероприятия. Покажите скрытые "
                "строки (или снимите фильтр), удалите ненужные и загрузите файл снова — скрытое не загружается молча."
            )
        above = [" ".join(" ".join(dict.fromkeys(c for c in row.cells if c)).split()) for row in rows[: header.index]]
        return [line for line in above if line] + [rows[header.index :]]
    raise RoadmapImportError(
        "Ни на одном листе не найдена строка заголовков таблицы (№, мероприятие, сроки, ответственные)."
    )
