"""The hostile-file generator (tests/hostile.py): it writes every case and a manifest, and its
formatted-empty-rows workbook is what Excel saves for a sheet formatted far below its data.

It touches no database, so `.ci/run` runs it once, in its first pass.
"""

from __future__ import annotations

import io
import json

import openpyxl

from tests import hostile
from tests.xlsx import MENTOR_HEADERS


def test_the_generator_writes_every_case_and_a_manifest(tmp_path):
    hostile.main(str(tmp_path))
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest) == sum(len(cases) for cases in hostile.all_cases().values())
    assert all((tmp_path / item["file"]).is_file() for item in manifest)


def test_formatted_empty_rows_carry_formatting_and_no_value_down_to_the_last():
    rows = [[f"значение {n}" for n in range(len(MENTOR_HEADERS))] for _ in range(3)]
    content = hostile.formatted_empty_rows(MENTOR_HEADERS, rows, count=1_000)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 1 + len(rows) + 1_000
    assert sheet.dimensions == f"A1:P{sheet.max_row}"
    assert [cell.value for cell in sheet[2]] == rows[0]
    for number in (len(rows) + 2, len(rows) + 500, sheet.max_row):
        fill, text = sheet.cell(row=number, column=1), sheet.cell(row=number, column=2)
        assert fill.value is None and text.value is None
        assert fill.fill.fgColor.rgb == "00FFFF00" and fill.fill.fill_type == "solid"
        assert text.number_format == "@"
