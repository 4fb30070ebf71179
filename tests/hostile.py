"""Hostile files beyond the corpus of tests/badfiles: what a person's Excel, a careless rename or a
hostile upload makes of a file, for the spreadsheet imports, the roadmap readers and the document
uploads (evidence, consent scans, practice files). Each case says what it must produce:

- `expect`: a fragment of the Russian message (None: any Russian message will do);
- `row`/`column`: where the fault is, as Excel shows it;
- `may_pass`: the file is odd but readable; accepting it is right, refusing it with a message too;
  never a 500, and never a partial write.

Build them on disk with `python -m tests.hostile OUT_DIR` (a manifest.json is written beside them).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.styles import PatternFill

from tests.badfiles.build import (
    ORG_HEADERS,
    ROADMAP_HEADER,
    ROADMAP_ROWS,
    USER_HEADERS,
    docx_bytes,
    mentee,
    mentor,
    organization,
    pair,
    roadmap_xlsx,
    user,
)
from tests.xlsx import MENTEE_HEADERS, MENTOR_HEADERS, PAIR_HEADERS, xlsx


@dataclass
class Hostile:
    id: str
    filename: str
    make: Callable[[], bytes]
    expect: str | None = None
    row: int | None = None
    column: str | None = None
    may_pass: bool = False
    slow: bool = False
    extra: dict = field(default_factory=dict)
    _built: bytes | None = field(default=None, repr=False)

    def content(self) -> bytes:
        """The file's bytes, built once for all the paths it is sent through."""
        if self._built is None:
            self._built = self.make()
        return self._built


# Builders -----------------------------------------------------------------------------------------
def _rezip(content: bytes, change: Callable[[str, bytes], bytes | None], *, add: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = change(item.filename, src.read(item.filename))
            if data is not None:
                dst.writestr(item.filename, data)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


# the tests lower UPLOAD_MAX_UNPACKED_BYTES (200 MB) to 20 MB so that a bomb of 30 MB, quick to
# build, is over it; BOMB_MEGABYTES=300 builds bombs over the default limit
BOMB_MEGABYTES = int(os.environ.get("BOMB_MEGABYTES", "30"))


def zip_bomb(content: bytes, part: str, *, megabytes: int | None = None) -> bytes:
    """`part` padded with `megabytes` of blanks inside its XML: kilobytes on the wire, any number
    of megabytes to whoever unpacks it."""
    megabytes = megabytes or BOMB_MEGABYTES

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if part not in archive.namelist():  # no shared strings written: the sheet instead
            part = "xl/worksheets/sheet1.xml"

    def change(name: str, data: bytes) -> bytes | None:
        if name != part:
            return data
        head, sep, tail = data.partition(b"?>")
        return head + sep + b" " * (megabytes * 1024 * 1024) + tail if sep else b" " * megabytes * 1024 * 1024 + data

    return _rezip(content, change)


def csv_cp1251(headers: list, rows: list[list]) -> bytes:
    lines = [";".join(headers)] + [";".join("" if v is None else str(v) for v in row) for row in rows]
    return "\r\n".join(lines).encode("cp1251", errors="replace")


def merged_header(headers: list, rows: list[list]) -> bytes:
    """The first two headers in one merged cell (the second one's name lost), as pretty forms do."""

    def extra(workbook):
        sheet = workbook.active
        sheet.cell(row=1, column=2, value=None)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)

    return xlsx(headers, rows, extra=extra)


def title_above(headers: list, rows: list[list]) -> bytes:
    """A title and a blank line above the header row: the header is on Excel row 3."""

    def extra(workbook):
        sheet = workbook.active
        sheet.insert_rows(1, amount=2)
        sheet.cell(row=1, column=1, value="Список на 2025/2026 учебный год")

    return xlsx(headers, rows, extra=extra)


def reordered(headers: list, rows: list[list]) -> bytes:
    order = list(reversed(range(len(headers))))
    return xlsx([headers[i] for i in order], [[row[i] for i in order] for row in rows])


def formatted_empty_rows(headers: list, rows: list[list], count: int = 50_000) -> bytes:
    def extra(workbook):
        fill = PatternFill("solid", fgColor="FFFF00")
        sheet = workbook.active
        for r in range(len(rows) + 2, len(rows) + 2 + count):
            sheet.cell(row=r, column=1).fill = fill
            sheet.cell(row=r, column=2).number_format = "@"

    return xlsx(headers, rows, extra=extra)


def with_cell(headers: list, rows: list[list], row: int, column: str, value) -> bytes:
    """`value` written into the cell as Excel would keep it (an error code stays an error code)."""

    def extra(workbook):
        sheet = workbook.active
        cell = sheet.cell(row=row, column=headers.index(column) + 1)
        cell.value = value
        if isinstance(value, str) and value.startswith("#"):
            cell.data_type = "e"

    return xlsx(headers, rows, extra=extra)


def odt_shell() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return out.getvalue()


def docx_merged_header() -> bytes:
    import docx

    document = docx.Document()
    table = document.add_table(rows=0, cols=len(ROADMAP_HEADER))
    top = table.add_row().cells
    top[0].merge(top[-1]).text = "План мероприятий"
    for values in ROADMAP_ROWS:
        for cell, value in zip(table.add_row().cells, values, strict=False):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PDF_JUNK = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
EXE = b"MZ\x90\x00" + b"\0" * 200


# Cases ----------------------------------------------------------------------------------------------
def person_cases(kind: str) -> list[Hostile]:
    """For a mentors' or mentees' file; the fault is on Excel row 4 (two good rows above it)."""
    make_row = mentor if kind == "mentors" else mentee
    headers = MENTOR_HEADERS if kind == "mentors" else MENTEE_HEADERS
    good = [make_row(1), make_row(2)]

    def bad(**over):
        return lambda: xlsx(headers, [*good, make_row(3, **over)])

    cases = [
        Hostile("zero-byte", "data.xlsx", lambda: b"", "пуст"),
        Hostile("whitespace-only", "data.xlsx", lambda: b" \r\n\t " * 10, "пуст"),
        Hostile("csv-cp1251-as-xlsx", "data.xlsx", lambda: csv_cp1251(headers, good), "CSV"),
        Hostile("xlsx-named-txt", "data.txt", lambda: xlsx(headers, good), ".txt"),
        Hostile("xlsx-named-csv", "data.csv", lambda: xlsx(headers, good), ".csv"),
        Hostile("png-as-xlsx", "data.xlsx", lambda: PNG, "изображение"),
        Hostile("exe-as-xlsx", "data.xlsx", lambda: EXE, "программа"),
        Hostile("odt-as-xlsx", "data.xlsx", odt_shell, "нужен .xlsx"),
        Hostile(
            "zip-bomb-shared-strings",
            "data.xlsx",
            lambda: zip_bomb(xlsx(headers, good), "xl/sharedStrings.xml"),
            "слишком",
        ),
        Hostile(
            "zip-bomb-sheet", "data.xlsx", lambda: zip_bomb(xlsx(headers, good), "xl/worksheets/sheet1.xml"), "слишком"
        ),
        Hostile("merged-header", "data.xlsx", lambda: merged_header(headers, good), "нет заголовка", 2),
        Hostile("header-on-row-3", "data.xlsx", lambda: title_above(headers, good), may_pass=True),
        Hostile("reordered-columns", "data.xlsx", lambda: reordered(headers, good), may_pass=True),
        Hostile(
            "header-spaces-and-case",
            "data.xlsx",
            lambda: xlsx([f" {h.lower()} " for h in headers], good),
            may_pass=True,
        ),
        Hostile(
            "error-div0",
            "data.xlsx",
            lambda: with_cell(headers, [*good, make_row(3)], 4, "Стаж, лет", "#DIV/0!"),
            "ошиб",
            4,
            "Стаж, лет",
        ),
        Hostile(
            "error-ref-in-name",
            "data.xlsx",
            lambda: with_cell(headers, [*good, make_row(3)], 4, "Фамилия", "#REF!"),
            "ошиб",
            4,
            "Фамилия",
        ),
        Hostile(
            "formula-without-value",
            "data.xlsx",
            lambda: with_cell(headers, [*good, make_row(3)], 4, "Стаж, лет", "=2+2"),
            may_pass=True,
        ),
        Hostile("decimal-comma", "data.xlsx", bad(**{"Стаж, лет": "10,7"}), "целое число", 4, "Стаж, лет"),
        Hostile("decimal-comma-whole", "data.xlsx", bad(**{"Стаж, лет": "12,0"}), may_pass=True),
        Hostile("huge-integer", "data.xlsx", bad(**{"Стаж, лет": 10**15}), None, 4, "Стаж, лет"),
        Hostile("date-in-number-column", "data.xlsx", bad(**{"Стаж, лет": dt.datetime(2024, 3, 15)}), None, 4),
        Hostile("zero-width-first-name", "data.xlsx", bad(Имя="\u200b\u00a0"), "Обязательное поле", 4, "Имя"),
        Hostile("thousand-chars-middle-name", "data.xlsx", bad(Отчество="о" * 1000), "не более", 4, "Отчество"),
        Hostile("thousand-chars-org", "data.xlsx", bad(Организация="Ш" * 1000), None, 4, "Организация"),
        Hostile(
            "lookalike-org",
            "data.xlsx",
            lambda: xlsx(headers, [*good, make_row(3, Организация="Hорильск СШ № 1")]),
            may_pass=True,
        ),
        Hostile("duplicate-rows", "data.xlsx", lambda: xlsx(headers, [good[0], good[0]]), "строки 3 и 2", 3),
        # Excel's escape of a control character: read as NUL, which PostgreSQL refuses in any text
        Hostile("nul-in-name", "data.xlsx", bad(Фамилия="Нулева_x0000_я", Отчество="_x0001_"), may_pass=True),
        Hostile(
            "formatted-50000-empty-rows",
            "data.xlsx",
            lambda: formatted_empty_rows(headers, good),
            may_pass=True,
            slow=True,
        ),
    ]
    if kind == "mentors":
        cases += [
            Hostile("negative-capacity", "data.xlsx", bad(**{"Наставляемых не более": -1}), None, 4),
            Hostile("date-serial", "data.xlsx", bad(**{"Дата обучения": 45366}), may_pass=True),
            Hostile("date-us-text", "data.xlsx", bad(**{"Дата обучения": "03/15/2024"}), "не дата", 4, "Дата обучения"),
        ]
    else:
        cases += [
            Hostile("date-serial", "data.xlsx", bad(**{"В банке с": 45366}), may_pass=True),
            Hostile("date-iso-text", "data.xlsx", bad(**{"В банке с": "2025-09-01"}), may_pass=True),
        ]
    return cases


def pair_cases() -> list[Hostile]:
    def bad(**over):
        return lambda: xlsx(PAIR_HEADERS, [pair(**over)])

    return [
        Hostile("csv-cp1251-as-xlsx", "data.xlsx", lambda: csv_cp1251(PAIR_HEADERS, [pair()]), "CSV"),
        Hostile(
            "zip-bomb-shared-strings",
            "data.xlsx",
            lambda: zip_bomb(xlsx(PAIR_HEADERS, [pair()]), "xl/sharedStrings.xml"),
            "слишком",
        ),
        Hostile(
            "error-value-in-date",
            "data.xlsx",
            lambda: with_cell(PAIR_HEADERS, [pair()], 2, "Дата начала", "#VALUE!"),
            "ошиб",
            2,
            "Дата начала",
        ),
        Hostile("date-serial", "data.xlsx", bad(**{"Дата начала": 45901}), may_pass=True),
        Hostile("end-before-start-iso", "data.xlsx", bad(**{"Плановая дата окончания": "2025-01-01"}), None, 2),
        Hostile(
            "zero-width-in-mentor", "data.xlsx", bad(**{"Наставники (ФИО через ;)": "\u200b"}), None, 2, None, True
        ),
        Hostile("thousand-chars-title", "data.xlsx", bad(**{"Название (для группы)": "Г" * 1000}), None, 2),
        Hostile("reordered-columns", "data.xlsx", lambda: reordered(PAIR_HEADERS, [pair()]), may_pass=True),
    ]


def directory_cases(kind: str) -> list[Hostile]:
    """For the admin's imports of organizations and users; the fault is on Excel row 4."""
    headers, make_row, name_column = (
        (ORG_HEADERS, organization, "Полное наименование")
        if kind == "organizations"
        else (USER_HEADERS, user, "Фамилия")
    )
    good = [make_row(1), make_row(2)]

    def bad(**over):
        return lambda: xlsx(headers, [*good, make_row(3, **over)])

    return [
        Hostile("csv-cp1251-as-xlsx", "data.xlsx", lambda: csv_cp1251(headers, good), "CSV"),
        Hostile("zip-bomb", "data.xlsx", lambda: zip_bomb(xlsx(headers, good), "xl/sharedStrings.xml"), "слишком"),
        Hostile(
            "error-ref",
            "data.xlsx",
            lambda: with_cell(headers, [*good, make_row(3)], 4, name_column, "#REF!"),
            "ошиб",
            4,
            name_column,
        ),
        Hostile("nul-in-text", "data.xlsx", bad(**{name_column: "Текст_x0000_с нулём"}), may_pass=True),
        Hostile("thousand-chars", "data.xlsx", bad(**{name_column: "Я" * 1000}), None, 4, name_column),
        Hostile("merged-header", "data.xlsx", lambda: merged_header(headers, good), "нет заголовка", 2),
        Hostile("reordered-columns", "data.xlsx", lambda: reordered(headers, good), may_pass=True),
    ]


def roadmap_cases() -> list[Hostile]:
    return [
        Hostile("zero-byte-docx", "roadmap.docx", lambda: b"", "пуст"),
        Hostile("pdf-junk", "roadmap.pdf", lambda: PDF_JUNK, None),
        Hostile("pdf-as-docx", "roadmap.docx", lambda: PDF_JUNK, None),
        Hostile("rtf-junk", "roadmap.rtf", lambda: b"{\\rtf1\\ansi {\\*\\junk" + b"}" * 3 + b"\\par\\cell\\row", None),
        Hostile("odt-shell", "roadmap.odt", odt_shell, None),
        Hostile("csv-cp1251-as-docx", "roadmap.docx", lambda: csv_cp1251(ROADMAP_HEADER, ROADMAP_ROWS[1:]), None),
        Hostile("png-as-docx", "roadmap.docx", lambda: PNG, None),
        Hostile("xlsx-as-docx", "roadmap.docx", lambda: roadmap_xlsx(ROADMAP_ROWS[1:]), may_pass=True),
        Hostile("docx-as-xlsx", "roadmap.xlsx", lambda: docx_bytes(), may_pass=True),
        Hostile("zip-bomb-docx", "roadmap.docx", lambda: zip_bomb(docx_bytes(), "word/document.xml"), "слишком"),
        Hostile(
            "zip-bomb-xlsx",
            "roadmap.xlsx",
            lambda: zip_bomb(roadmap_xlsx(ROADMAP_ROWS[1:]), "xl/sharedStrings.xml"),
            "слишком",
        ),
        Hostile("merged-title-row", "roadmap.docx", docx_merged_header, may_pass=True),
        Hostile(
            "error-cells-xlsx",
            "roadmap.xlsx",
            lambda: roadmap_xlsx(
                ROADMAP_ROWS[1:], extra=lambda wb: setattr(wb.active.cell(row=3, column=3), "value", "#REF!")
            ),
            may_pass=True,
        ),
        Hostile(
            "thousand-char-title",
            "roadmap.docx",
            lambda: docx_bytes([*ROADMAP_ROWS, ["1.3", "М" * 5000, "май 2026", "ОО", ""]]),
            may_pass=True,
        ),
        Hostile(
            "formatted-empty-rows-xlsx",
            "roadmap.xlsx",
            lambda: formatted_empty_rows(ROADMAP_HEADER, ROADMAP_ROWS[1:]),
            may_pass=True,
            slow=True,
        ),
    ]


def document_cases() -> list[Hostile]:
    """Evidence files, consent scans, practice files: checked by extension, size and signature."""
    return [
        Hostile("zero-byte-pdf", "scan.pdf", lambda: b"", "пуст"),
        Hostile("exe-as-pdf", "scan.pdf", lambda: EXE, "повреждён"),
        Hostile("exe", "setup.exe", lambda: EXE, "не принимается"),
        Hostile("html", "page.html", lambda: b"<html><script>alert(1)</script></html>", "не принимается"),
        Hostile("svg", "scan.svg", lambda: b"<svg onload='alert(1)'/>", "не принимается"),
        Hostile("png-as-docx", "act.docx", lambda: PNG, "повреждён"),
        Hostile("no-extension", "scan", lambda: PDF_JUNK, "не принимается"),
        Hostile("double-extension", "scan.pdf.exe", lambda: EXE, "не принимается"),
        Hostile("path-in-name", "../../../../etc/passwd.pdf", lambda: PDF_JUNK, may_pass=True),
        Hostile("long-name", ("Скан согласия " * 20).strip() + ".pdf", lambda: PDF_JUNK, may_pass=True),
        Hostile("too-big", "scan.pdf", lambda: b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024), "МБ", extra={"max_mb": 1}),
        Hostile("truncated-docx", "act.docx", lambda: docx_bytes()[:300], may_pass=True),
    ]


def all_cases() -> dict[str, list[Hostile]]:
    return {
        "mentors": person_cases("mentors"),
        "mentees": person_cases("mentees"),
        "pairs": pair_cases(),
        "organizations": directory_cases("organizations"),
        "users": directory_cases("users"),
        "roadmap": roadmap_cases(),
        "document": document_cases(),
    }


def main(out: str) -> None:
    root = Path(out)
    manifest = []
    for group, cases in all_cases().items():
        (root / group).mkdir(parents=True, exist_ok=True)
        for case in cases:
            name = f"{group}/{case.id}{Path(case.filename).suffix}"
            (root / name).write_bytes(case.make())
            manifest.append(
                {"file": name, "sent_as": case.filename, "expect": case.expect, "row": case.row, "column": case.column}
            )
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1] if len(sys.argv) > 1 else "hostile-files")
