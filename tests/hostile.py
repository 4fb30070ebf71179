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
import re
import struct
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
    """`count` rows under the data that carry formatting and no value (a fill in column A, the text
    format in column B), as a sheet formatted down to row 50,000 is saved by Excel.

    openpyxl writes one formatted row, styles included; the sheet's XML then repeats that row
    `count` times (openpyxl would take seconds of the test run to write them cell by cell)."""
    first = len(rows) + 2

    def extra(workbook):
        sheet = workbook.active
        sheet.cell(row=first, column=1).fill = PatternFill("solid", fgColor="FFFF00")
        sheet.cell(row=first, column=2).number_format = "@"

    return _repeat_row(xlsx(headers, rows, extra=extra), first, count)


def _repeat_row(content: bytes, number: int, count: int) -> bytes:
    """The workbook `content` with its sheet's row `number` repeated as rows number … number+count-1."""

    def change(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        sheet = data.decode("utf-8")
        found = re.search(rf'<row r="{number}"[^>]*>.*?</row>', sheet, re.S)
        assert found, f"row {number} is not in the sheet"
        copies = "".join(
            re.sub(rf'r="([A-Z]*){number}"', lambda m, n=n: f'r="{m.group(1)}{n}"', found.group(0))
            for n in range(number, number + count)
        )
        sheet = sheet[: found.start()] + copies + sheet[found.end() :]
        last = number + count - 1
        return re.sub(r'<dimension ref="([A-Z]+\d+):([A-Z]+)\d+"', rf'<dimension ref="\1:\g<2>{last}"', sheet).encode()

    return _rezip(content, change)


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


# Real files of other programs (tests/hostile_fixtures, made once; see its README) -----------------
FIXTURES = Path(__file__).resolve().parent / "hostile_fixtures"


def fixture(name: str) -> Callable[[], bytes]:
    return lambda: (FIXTURES / name).read_bytes()


# A legacy Excel 5.0/95 workbook (BIFF5 in an OLE2 compound file): LibreOffice no longer writes them,
# people still keep them; built here record by record.
def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff5_xls(headers, rows, *, sheet="Лист1", codepage=1251) -> bytes:
    enc = f"cp{codepage}"
    cells = b""
    table = [list(headers), *rows]
    for r, values in enumerate(table):
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cells += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
            else:
                text = str(value).encode(enc, "replace")[:255]
                cells += _record(0x0204, struct.pack("<HHHH", r, c, 0, len(text)) + text)
    width = max(len(v) for v in table)
    sheet_part = (
        _record(0x0809, struct.pack("<HHHH", 0x0500, 0x0010, 0x0DBB, 0x07CC))
        + _record(0x0200, struct.pack("<HHHHH", 0, len(table), 0, width, 0))
        + cells
        + _record(0x000A, b"")
    )
    name = sheet.encode(enc)

    def globals_part(offset):
        return (
            _record(0x0809, struct.pack("<HHHH", 0x0500, 0x0005, 0x0DBB, 0x07CC))
            + _record(0x0042, struct.pack("<H", codepage))
            + _record(0x0085, struct.pack("<IHB", offset, 0, len(name)) + name)
            + _record(0x000A, b"")
        )

    head = globals_part(0)
    stream = globals_part(len(head)) + sheet_part
    return cfb({"Book": stream})


def cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file (OLE2, version 3) whose streams are all under 4096 bytes (in the mini stream)."""
    END, FREE, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    mini, minifat, starts = b"", [], []
    for data in streams.values():
        assert len(data) < 4096
        first = len(mini) // 64
        count = max(1, -(-len(data) // 64))
        starts.append(first)
        minifat += [first + i + 1 for i in range(count - 1)] + [END]
        mini += data.ljust(count * 64, b"\0")
    mini_sectors = -(-len(mini) // 512)
    mini = mini.ljust(mini_sectors * 512, b"\0")
    # sectors: 0 FAT, 1 directory, 2 mini FAT, 3.. the mini stream's container
    fat = [FATSECT, END, END] + [3 + i + 1 for i in range(mini_sectors - 1)] + [END]
    fat += [FREE] * (128 - len(fat))

    def entry(name, kind, child=NOSTREAM, start=END, size=0, right=NOSTREAM):
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NOSTREAM, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<III", start, size, 0)
        )

    names = list(streams)
    entries = entry("Root Entry", 5, child=1, start=3, size=len(mini))
    for i, name in enumerate(names):  # a chain to the right: a valid (degenerate) tree
        entries += entry(
            name, 2, start=starts[i], size=len(streams[name]), right=(i + 2 if i + 1 < len(names) else NOSTREAM)
        )
    directory = entries.ljust(512, b"\0")
    # empty entries must have NOSTREAM siblings
    for i in range(1 + len(names), 4):
        off = i * 128
        directory = directory[: off + 68] + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + directory[off + 80 :]
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIII", 0, 1, 1, 0)
        + struct.pack("<IIIII", 4096, 2, 1, END, 0)
        + struct.pack("<109I", *([0] + [FREE] * 108))
    )
    minifat_sector = struct.pack(f"<{len(minifat)}I", *minifat).ljust(512, b"\xff")
    return header + struct.pack("<128I", *fat) + directory + minifat_sector + mini


def strict_ooxml(content: bytes) -> bytes:
    """The same book in «Strict Open XML» namespaces (Excel's «Strict Open XML Spreadsheet» save)."""
    pairs = [
        (
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        ),
        (
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        ),
    ]

    def change(name: str, data: bytes) -> bytes:
        for old, new in pairs:
            data = data.replace(old, new)
        return data

    return _rezip(content, change)


def claimed_dimension(content: bytes, ref: str = "A1:XFD1048576") -> bytes:
    """The sheet claims to span every row and column Excel has (a few cells really filled)."""

    def change(name: str, data: bytes) -> bytes:
        if not name.startswith("xl/worksheets/sheet"):
            return data
        if b"<dimension" in data:
            return re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
        return data.replace(b"<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>'.encode(), 1)

    return _rezip(content, change)


def far_value(headers: list, rows: list[list], ref: str, *, title: str = "Данные") -> bytes:
    """One stray value far from the table (a key pressed in the last cell of the sheet)."""

    def extra(workbook):
        workbook.active[ref] = "x"

    return xlsx(headers, rows, title=title, extra=extra)


def with_macros(content: bytes) -> bytes:
    """An .xlsm: a VBA project part and the macro-enabled content type."""

    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            data = data.replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            ).replace(
                b"</Types>",
                b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
            )
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
                b' Target="vbaProject.bin"/></Relationships>',
            )
        return data

    return _rezip(content, change, add={"xl/vbaProject.bin": cfb({"VBA": b'Attribute VB_Name = "Module1"\r\n'})})


def cached_formula(headers: list, rows: list[list], row: int, column: str, formula: str, cached: str) -> bytes:
    """A formula whose last computed value Excel kept (openpyxl writes none; the XML gets one)."""
    ref = f"{column_letter(headers.index(column))}{row}"

    def extra(workbook):
        workbook.active[ref] = f"={formula}"

    content = xlsx(headers, rows, extra=extra)

    def change(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        return re.sub(
            rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?'.encode(),
            lambda m: (
                f'<c r="{ref}"{m.group(1).decode()} t="str"><f>'.encode() + m.group(2) + f"</f><v>{cached}</v>".encode()
            ),
            data,
        )

    return _rezip(content, change)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def csv_text(headers: list, rows: list[list], *, sep: str = ";", encoding: str = "utf-8-sig") -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode(encoding)


def truncated_half(content: bytes) -> bytes:
    return content[: len(content) // 2]


# Word roadmaps with the structures a real order has ----------------------------------------------
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def docx_edited(change: Callable) -> bytes:
    """The corpus's roadmap .docx (ROADMAP_ROWS), its table's XML changed by `change(table, document)`
    before it is saved."""
    import docx

    document = docx.Document()
    document.add_paragraph(
        "Дорожная карта (план мероприятий) по внедрению целевой модели наставничества на 2025-2026 годы"
    )
    table = document.add_table(rows=0, cols=len(ROADMAP_HEADER))
    for values in ROADMAP_ROWS:
        for cell, value in zip(table.add_row().cells, values, strict=False):
            cell.text = value
    change(table, document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xml(text: str):
    from lxml import etree

    return etree.fromstring(f'<root xmlns:w="{W}">{text}</root>')[0]


def _set_paragraph(cell, inner: str) -> None:
    """The cell's only paragraph gets `inner` (runs, w:ins, w:del, fields…) instead of its runs."""
    paragraph = cell._tc.findall(_w("p"))[0]
    for child in list(paragraph):
        paragraph.remove(child)
    holder = _xml(f"<w:p>{inner}</w:p>")
    for child in list(holder):
        paragraph.append(child)


def tracked_changes(table, document) -> None:
    """Row 1.2's title rewritten with revision marks on; a whole activity row deleted, another
    inserted: what Word shows (and prints) is the text with the changes accepted."""
    _set_paragraph(
        table.rows[3].cells[1],
        '<w:del w:id="1" w:author="Методист" w:date="2025-09-01T00:00:00Z"><w:r><w:delText>Старое название'
        "</w:delText></w:r></w:del>"
        '<w:ins w:id="2" w:author="Методист" w:date="2025-09-01T00:00:00Z"><w:r><w:t>Назначение кураторов в ОО'
        "</w:t></w:r></w:ins>",
    )
    deleted = table.add_row()
    for cell, value in zip(deleted.cells, ["1.3", "Удалённое мероприятие", "май 2026", "ОО", ""], strict=False):
        _set_paragraph(
            cell,
            f'<w:del w:id="3" w:author="М" w:date="2025-09-01T00:00:00Z"><w:r><w:delText>{value}</w:delText>'
            "</w:r></w:del>",
        )
    properties = deleted._tr.get_or_add_trPr()
    properties.append(_xml('<w:del w:id="4" w:author="М" w:date="2025-09-01T00:00:00Z"/>'))
    inserted = table.add_row()
    for cell, value in zip(inserted.cells, ["1.4", "Вставленное мероприятие", "июнь 2026", "ОО", ""], strict=False):
        _set_paragraph(
            cell, f'<w:ins w:id="5" w:author="М" w:date="2025-09-01T00:00:00Z"><w:r><w:t>{value}</w:t></w:r></w:ins>'
        )


def fields_and_comments(table, document) -> None:
    """A deadline inside a simple field, a responsible inside a complex field, a comment on a title
    and a content control (w:sdt) around a result: all of them text a person sees in the cell."""
    _set_paragraph(
        table.rows[2].cells[2],
        '<w:fldSimple w:instr=" DOCPROPERTY Срок "><w:r><w:t>сентябрь 2025</w:t></w:r></w:fldSimple>',
    )
    _set_paragraph(
        table.rows[2].cells[3],
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> MERGEFIELD Ответственный </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Управление образования</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    )
    _set_paragraph(
        table.rows[3].cells[1],
        '<w:commentRangeStart w:id="7"/><w:r><w:t>Назначение кураторов в ОО</w:t></w:r><w:commentRangeEnd w:id="7"/>'
        '<w:r><w:commentReference w:id="7"/></w:r>',
    )
    _set_paragraph(
        table.rows[3].cells[4],
        '<w:sdt><w:sdtPr><w:alias w:val="Результат"/></w:sdtPr><w:sdtContent><w:r><w:t>Приказ о кураторах</w:t>'
        "</w:r></w:sdtContent></w:sdt>",
    )


def rows_in_content_control(table, document) -> None:
    """The activity rows inside a repeating-section content control (w:sdt around w:tr), as form
    templates make them."""
    rows = table._tbl.findall(_w("tr"))[1:]
    sdt = _xml('<w:sdt><w:sdtPr><w:alias w:val="Мероприятия"/></w:sdtPr><w:sdtContent/></w:sdt>')
    content = sdt.find(_w("sdtContent"))
    rows[0].addprevious(sdt)
    for row in rows:
        content.append(row)


def vertical_merges(table, document) -> None:
    """«Ответственные» merged down rows 1.1–1.2 (vMerge), the section row merged across (gridSpan),
    and a stray «continue» in the header row that has nothing above it."""
    table.cell(2, 3).merge(table.cell(3, 3))
    table.cell(2, 3).text = "Управление образования"
    header_cell = table.rows[0].cells[4]._tc
    header_cell.get_or_add_tcPr().append(_xml('<w:vMerge w:val="continue"/>'))


def span_past_grid(table, document) -> None:
    """A row whose cells span more grid columns than the table's grid has (Word opens it)."""
    last = table.rows[3].cells[4]._tc
    last.get_or_add_tcPr().append(_xml('<w:gridSpan w:val="4"/>'))
    table.rows[1].cells[0]._tc.get_or_add_tcPr().append(_xml('<w:gridSpan w:val="0"/>'))


def nested_table(table, document) -> None:
    """A table inside the «Ответственные» cell of 1.1 (two people, one per row)."""
    cell = table.rows[2].cells[3]
    inner = cell.add_table(rows=2, cols=1)
    inner.cell(0, 0).text = "Управление образования"
    inner.cell(1, 0).text = "ИМЦ"


def table_in_text_box() -> bytes:
    """The whole roadmap table inside a text box (a drawing anchored in a paragraph)."""

    def change(table, document):
        tbl = table._tbl
        body = tbl.getparent()
        anchor = document.add_paragraph()._p
        box = _xml(
            '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" style="width:500pt;height:300pt">'
            "<v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict></w:r>"
        )
        anchor.append(box)
        content = box.find(f".//{_w('txbxContent')}")
        body.remove(tbl)
        content.append(tbl)
        content.append(_xml("<w:p/>"))

    return docx_edited(change)


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
    cases += other_programs_cases(headers, good, make_row) + sheet_structure_cases(headers, good, make_row, kind)
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
    date_column = "Дата обучения" if kind == "mentors" else "В банке с"
    cases += [
        Hostile("date-words", "data.xlsx", bad(**{date_column: "1 сентября 2025 г."}), may_pass=True),
        Hostile("date-words-genitive-short", "data.xlsx", bad(**{date_column: "01 сент. 2025"}), may_pass=True),
        Hostile("date-with-time-text", "data.xlsx", bad(**{date_column: "01.09.2025 0:00:00"}), may_pass=True),
        Hostile("date-impossible", "data.xlsx", bad(**{date_column: "31.02.2025"}), "не дата", 4, date_column),
        Hostile(
            "date-words-impossible", "data.xlsx", bad(**{date_column: "31 февраля 2025"}), "не дата", 4, date_column
        ),
        Hostile("date-serial-text", "data.xlsx", bad(**{date_column: "45901"}), "не дата", 4, date_column),
    ]
    return cases


# the people seed_people() (tests/test_badfiles.py) puts in the home school, as a person retypes them
EXISTING = {"mentors": ("Наставникова", "Анна", "Петровна"), "mentees": ("Ученикова", "Ольга", "Ивановна")}
NAME_VARIANTS = {
    "soft-hyphen": lambda last, first, middle: (last[:5] + "\u00ad" + last[5:], first, middle),
    "zero-width-joiner": lambda last, first, middle: (last, first + "\u200d", middle),
    "nbsp-and-double-spaces": lambda last, first, middle: ("\u00a0" + last + "  ", " " + first, middle + "\u00a0"),
    "yo-and-case": lambda last, first, middle: (last.upper(), first, middle.replace("е", "ё")),
    "bidi-embedding": lambda last, first, middle: ("\u202a" + last + "\u202c", "\u2066" + first + "\u2069", middle),
    "word-joiner-and-bom": lambda last, first, middle: (last + "\u2060", "\ufeff" + first, middle),
    "stress-mark": lambda last, first, middle: (last, first[0] + "\u0301" + first[1:], middle),
    "decomposed-yo": lambda last, first, middle: (last, first, middle.replace("е", "е\u0308")),
    "latin-lookalikes": lambda last, first, middle: (last.replace("а", "a").replace("о", "o"), first, middle),
}


def existing_person_cases(kind: str) -> list[Hostile]:
    """A person already in the school, retyped with invisible or look-alike characters, beside two
    new ones: the import must find the person (2 new people, never 3)."""
    make_row = mentor if kind == "mentors" else mentee
    headers = MENTOR_HEADERS if kind == "mentors" else MENTEE_HEADERS
    good = [make_row(1), make_row(2)]
    cases = []
    for variant, change in NAME_VARIANTS.items():
        last, first, middle = change(*EXISTING[kind])
        row = make_row(3, Фамилия=last, Имя=first, Отчество=middle)
        cases.append(
            Hostile(
                f"existing-person-{variant}",
                "data.xlsx",
                (lambda row=row: xlsx(headers, [*good, row])),
                may_pass=True,
                extra={"new_people": 2},
            )
        )
    cases.append(
        Hostile("same-file-twice", "data.xlsx", lambda: xlsx(headers, good), may_pass=True, extra={"twice": True})
    )
    return cases


def other_programs_cases(headers: list, good: list[list], make_row) -> list[Hostile]:
    """What other programs and careless saves make of a table: every one of them a real file."""
    book = lambda: xlsx(headers, good)  # noqa: E731
    return [
        Hostile("real-encrypted-xlsx", "data.xlsx", fixture("mentors-encrypted.xlsx"), "паролем"),
        Hostile("real-xls-biff8", "data.xls", fixture("mentors-biff8.xls"), "старого формата"),
        Hostile("real-xls-biff8-as-xlsx", "data.xlsx", fixture("mentors-biff8.xls"), "старого формата"),
        Hostile("real-xls-biff5", "data.xls", lambda: biff5_xls(headers, good), "старого формата"),
        Hostile("truncated-xls", "data.xls", lambda: truncated_half(biff5_xls(headers, good)), "старого формата"),
        Hostile("real-ods", "data.ods", fixture("mentors.ods"), "OpenOffice"),
        Hostile("real-ods-as-xlsx", "data.xlsx", fixture("mentors.ods"), "OpenOffice"),
        Hostile("xlsm-with-macros", "data.xlsm", lambda: with_macros(book()), may_pass=True),
        Hostile("upper-case-extension", "СПИСОК.XLSX", book, may_pass=True),
        Hostile("no-extension", "список", book, may_pass=True),
        Hostile("long-cyrillic-name", ("Список наставников школы " * 12).strip() + ".xlsx", book, may_pass=True),
        Hostile("path-in-name", "../../../etc/список.xlsx", book, may_pass=True),
        Hostile("zip-encrypted-parts", "data.xlsx", lambda: zip_flags(book(), flag=1), "паролем"),
        Hostile("zip-deflate64-parts", "data.xlsx", lambda: zip_flags(book(), method=9), "повреждён"),
        Hostile("strict-ooxml", "data.xlsx", lambda: strict_ooxml(book()), may_pass=True),
        Hostile(
            "html-as-xls", "data.xls", lambda: b"<html><body><table><tr><td>1</td></tr></table></body></html>", "HTML"
        ),
        Hostile(
            "spreadsheetml-2003-as-xls",
            "data.xls",
            lambda: (
                b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
                b"<Worksheet><Table><Row><Cell><Data>1</Data></Cell></Row></Table></Worksheet></Workbook>"
            ),
            "XML",
        ),
        Hostile("csv-utf8-bom-semicolon", "data.csv", lambda: csv_text(headers, good), "CSV"),
        Hostile("csv-utf16-tab", "data.csv", lambda: csv_text(headers, good, sep="\t", encoding="utf-16"), "CSV"),
        Hostile(
            "csv-utf16-tab-as-xlsx", "data.xlsx", lambda: csv_text(headers, good, sep="\t", encoding="utf-16"), "CSV"
        ),
        Hostile(
            "csv-quoted-newline",
            "data.csv",
            lambda: csv_text(headers, [*good, make_row(3, Должность="Учитель\nматематики")], sep=","),
            "CSV",
        ),
    ]


def mac_epoch(workbook) -> None:
    """Dates counted from 1904, as Excel for Mac kept them (calamine reads the flag)."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    workbook.epoch = CALENDAR_MAC_1904


def two_level_header(headers: list, rows: list[list]) -> bytes:
    """«ФИО» merged over «Фамилия | Имя | Отчество» on the row below, as printed forms have it."""
    first = list(headers)
    last = headers.index("Фамилия")
    first[last : last + 3] = ["ФИО", None, None]

    def extra(workbook):
        workbook.active.merge_cells(start_row=1, start_column=last + 1, end_row=1, end_column=last + 3)

    return xlsx(first, [headers, *rows], extra=extra)


def sheet_structure_cases(headers: list, good: list[list], make_row, kind: str) -> list[Hostile]:
    """How people lay out a sheet; the fault, when there is one, is on Excel row 4 unless said."""
    first_data = good[0]

    def extra_book(change):
        return lambda: xlsx(headers, good, extra=change)

    def empty_first(workbook):
        workbook.create_sheet("Пустой", 0)

    def protect(workbook):
        workbook.active.protection.sheet = True
        workbook.active.protection.password = "secret"

    def hide_row_and_column(workbook):
        sheet = workbook.active
        sheet.row_dimensions[3].hidden = True
        sheet.column_dimensions["F"].hidden = True

    def filter_out_row(workbook):
        sheet = workbook.active
        sheet.auto_filter.ref = sheet.dimensions
        sheet.row_dimensions[2].hidden = True

    def hide_empty_column(workbook):
        workbook.active.column_dimensions["Z"].hidden = True

    return [
        Hostile(
            "header-repeated-mid-file", "data.xlsx", lambda: xlsx(headers, [first_data, headers, good[1]]), "заголов", 3
        ),
        Hostile(
            "two-header-rows-numbered",
            "data.xlsx",
            lambda: xlsx(headers, [[str(i + 1) for i in range(len(headers))], *good]),
            None,
            2,
        ),
        Hostile("empty-first-sheet", "data.xlsx", extra_book(empty_first), may_pass=True),
        Hostile("mac-1904-dates", "data.xlsx", extra_book(mac_epoch), may_pass=True),
        Hostile("two-level-header", "data.xlsx", lambda: two_level_header(headers, good), None, 1),
        Hostile("protected-sheet", "data.xlsx", extra_book(protect), may_pass=True),
        Hostile("hidden-row-and-column", "data.xlsx", extra_book(hide_row_and_column), "скрыт", 3),
        Hostile("filtered-out-row", "data.xlsx", extra_book(filter_out_row), "скрыт", 2),
        Hostile(
            "zero-height-row",
            "data.xlsx",
            lambda: _rezip(
                xlsx(headers, good), lambda n, d: d.replace(b'<row r="3"', b'<row r="3" ht="0" customHeight="1"')
            ),
            "скрыт",
            3,
        ),
        Hostile("hidden-empty-column", "data.xlsx", extra_book(hide_empty_column), may_pass=True),
        Hostile(
            "formula-with-cached-value",
            "data.xlsx",
            lambda: cached_formula(
                headers, [*good, make_row(3)], 4, "Фамилия", 'CONCATENATE("Петро","ва3")', "Петрова3"
            ),
            may_pass=True,
        ),
        Hostile(
            "claims-every-row-and-column", "data.xlsx", lambda: claimed_dimension(xlsx(headers, good)), may_pass=True
        ),
        Hostile(
            "value-in-XFD1048576", "data.xlsx", lambda: far_value(headers, good, "XFD1048576"), "до строки", 1048576
        ),
        Hostile("value-in-A1048576", "data.xlsx", lambda: far_value(headers, good, "A1048576"), "до строки", 1048576),
        Hostile("value-in-XFD4", "data.xlsx", lambda: far_value(headers, good, "XFD4"), "нет заголовка", 4),
        Hostile(
            "cell-of-32767-chars",
            "data.xlsx",
            lambda: xlsx(headers, [*good, make_row(3, Отчество="о" * 32767)]),
            "не более",
            4,
            "Отчество",
        ),
        Hostile(
            "emoji-in-name", "data.xlsx", lambda: xlsx(headers, [*good, make_row(3, Имя="Анна 👩‍🏫")]), may_pass=True
        ),
        Hostile(
            "rtl-override-in-name",
            "data.xlsx",
            lambda: xlsx(headers, [*good, make_row(3, Фамилия="\u202eавортеП")]),
            may_pass=True,
        ),
        Hostile("arabic-name", "data.xlsx", lambda: xlsx(headers, [*good, make_row(3, Имя="مريم")]), may_pass=True),
        Hostile(
            "number-with-unit",
            "data.xlsx",
            lambda: xlsx(headers, [*good, make_row(3, **{"Стаж, лет": "12 лет"})]),
            "не число",
            4,
            "Стаж, лет",
        ),
        Hostile(
            "number-with-nbsp",
            "data.xlsx",
            lambda: xlsx(headers, [*good, make_row(3, **{"Стаж, лет": "1\u00a02"})]),
            may_pass=True,
        ),
        Hostile(
            "negative-experience",
            "data.xlsx",
            lambda: xlsx(headers, [*good, make_row(3, **{"Стаж, лет": -5})]),
            None,
            4,
            "Стаж, лет",
        ),
        Hostile(
            "float-experience-huge",
            "data.xlsx",
            lambda: xlsx(headers, [*good, make_row(3, **{"Стаж, лет": 1e300})]),
            None,
            4,
            "Стаж, лет",
        ),
    ]


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
        Hostile("real-encrypted-xlsx", "data.xlsx", fixture("mentors-encrypted.xlsx"), "паролем"),
        Hostile("strict-ooxml", "data.xlsx", lambda: strict_ooxml(xlsx(PAIR_HEADERS, [pair()])), may_pass=True),
        Hostile(
            "header-repeated-mid-file",
            "data.xlsx",
            lambda: xlsx(PAIR_HEADERS, [pair(), PAIR_HEADERS]),
            "заголов",
            3,
        ),
        Hostile("date-words", "data.xlsx", bad(**{"Дата начала": "1 сентября 2025 г."}), may_pass=True),
        Hostile(
            "date-words-impossible",
            "data.xlsx",
            bad(**{"Дата начала": "31 февраля 2025"}),
            "не дата",
            2,
            "Дата начала",
        ),
        Hostile(
            "mentor-name-soft-hyphen",
            "data.xlsx",
            bad(**{"Наставники (ФИО через ;)": "Настав\u00adникова  Анна\u00a0Петровна"}),
            may_pass=True,
        ),
        Hostile(
            "mentor-names-comma-separated",
            "data.xlsx",
            bad(**{"Наставники (ФИО через ;)": "Наставникова Анна Петровна, Другая Ирина"}),
            None,
            2,
            "Наставники (ФИО через ;)",
        ),
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
        Hostile("strict-ooxml", "data.xlsx", lambda: strict_ooxml(xlsx(headers, good)), may_pass=True),
        Hostile(
            "header-repeated-mid-file", "data.xlsx", lambda: xlsx(headers, [good[0], headers, good[1]]), "заголов", 3
        ),
        Hostile("claims-every-row", "data.xlsx", lambda: claimed_dimension(xlsx(headers, good)), may_pass=True),
        Hostile("real-xls-biff5", "data.xls", lambda: biff5_xls(headers, good), "старого формата"),
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
        *roadmap_more_cases(),
    ]


def roadmap_xlsx_merged(ref: str) -> bytes:
    """A merge written into the sheet's XML (openpyxl would create a cell object for each covered
    cell just to write it)."""

    def change(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        return data.replace(
            b"</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
        )

    return _rezip(roadmap_xlsx(ROADMAP_ROWS[1:]), change)


def roadmap_more_cases() -> list[Hostile]:
    """`extra["has"]`/`["hasnt"]`: texts the preview of an accepted file must (not) show."""
    read_all = {"has": ["Издание приказа о внедрении целевой модели", "Назначение кураторов в ОО"]}
    book = lambda: roadmap_xlsx(ROADMAP_ROWS[1:])  # noqa: E731
    return [
        Hostile("real-encrypted-xlsx", "roadmap.xlsx", fixture("roadmap-encrypted.xlsx"), "паролем"),
        Hostile("real-encrypted-docx", "roadmap.docx", fixture("roadmap-encrypted.docx"), "паролем"),
        Hostile("real-encrypted-docx-as-doc", "roadmap.doc", fixture("roadmap-encrypted.docx"), "паролем"),
        Hostile(
            "real-xls-biff8", "roadmap.xls", fixture("roadmap-biff8.xls"), may_pass=True, slow=True, extra=read_all
        ),
        Hostile(
            "real-xls-biff5",
            "roadmap.xls",
            lambda: biff5_xls(ROADMAP_HEADER, ROADMAP_ROWS[1:], sheet="Дорожная карта"),
            may_pass=True,
            slow=True,
            extra=read_all,
        ),
        Hostile("real-ods", "roadmap.ods", fixture("roadmap.ods"), may_pass=True, slow=True, extra=read_all),
        Hostile(
            "real-xls-as-xlsx", "roadmap.xlsx", fixture("roadmap-biff8.xls"), may_pass=True, slow=True, extra=read_all
        ),
        Hostile("docx-as-doc", "roadmap.doc", lambda: docx_bytes(), may_pass=True, extra=read_all),
        Hostile("upper-case-extension", "ДОРОЖНАЯ КАРТА.DOCX", lambda: docx_bytes(), may_pass=True, extra=read_all),
        Hostile("no-extension", "дорожная карта", lambda: docx_bytes(), may_pass=True, extra=read_all),
        Hostile(
            "long-cyrillic-name",
            ("Дорожная карта по внедрению целевой модели наставничества " * 6).strip() + ".docx",
            lambda: docx_bytes(),
            may_pass=True,
            extra=read_all,
        ),
        Hostile("strict-ooxml-xlsx", "roadmap.xlsx", lambda: strict_ooxml(book()), may_pass=True, extra=read_all),
        Hostile("xlsm-with-macros", "roadmap.xlsm", lambda: with_macros(book()), may_pass=True, extra=read_all),
        Hostile("claims-every-row", "roadmap.xlsx", lambda: claimed_dimension(book()), may_pass=True, extra=read_all),
        Hostile(
            "merge-over-the-whole-sheet",
            "roadmap.xlsx",
            lambda: roadmap_xlsx_merged("F1:XFD1048576"),
            may_pass=True,
            extra=read_all,
        ),
        Hostile(
            "value-in-XFD1048576",
            "roadmap.xlsx",
            lambda: far_value(ROADMAP_HEADER, ROADMAP_ROWS[1:], "XFD1048576", title="Дорожная карта"),
            "до строки",
        ),
        Hostile("real-encrypted-pdf", "roadmap.pdf", fixture("roadmap-encrypted.pdf"), "паролем"),
        Hostile("zip-encrypted-parts-docx", "roadmap.docx", lambda: zip_flags(docx_bytes(), flag=1), "паролем"),
        Hostile("zip-encrypted-parts-xlsx", "roadmap.xlsx", lambda: zip_flags(book(), flag=1), "паролем"),
        Hostile("zip-deflate64-parts-docx", "roadmap.docx", lambda: zip_flags(docx_bytes(), method=9), None),
        Hostile(
            "hidden-activity-row",
            "roadmap.xlsx",
            lambda: roadmap_xlsx(
                ROADMAP_ROWS[1:], extra=lambda wb: setattr(wb.active.row_dimensions[3], "hidden", True)
            ),
            "скрыт",
        ),
        Hostile("truncated-docx", "roadmap.docx", lambda: truncated_half(docx_bytes()), "повреждён"),
        Hostile("truncated-xlsx", "roadmap.xlsx", lambda: truncated_half(book()), "повреждён"),
        Hostile("truncated-ods", "roadmap.ods", lambda: truncated_half(fixture("roadmap.ods")()), "повреждён"),
        Hostile("truncated-pdf", "roadmap.pdf", lambda: truncated_half(PDF_JUNK * 40), None),
        Hostile(
            "truncated-xls",
            "roadmap.xls",
            lambda: truncated_half(fixture("roadmap-biff8.xls")()),
            None,
            slow=True,
        ),
        Hostile(
            "docx-tracked-changes",
            "roadmap.docx",
            lambda: docx_edited(tracked_changes),
            may_pass=True,
            extra={
                "has": ["Назначение кураторов в ОО", "Вставленное мероприятие"],
                "hasnt": ["Старое название", "Удалённое мероприятие"],
            },
        ),
        Hostile(
            "docx-fields-comments-content-controls",
            "roadmap.docx",
            lambda: docx_edited(fields_and_comments),
            may_pass=True,
            extra={"has": ["сентябрь 2025", "Управление образования", "Приказ о кураторах"], "hasnt": ["MERGEFIELD"]},
        ),
        Hostile(
            "docx-rows-in-content-control",
            "roadmap.docx",
            lambda: docx_edited(rows_in_content_control),
            may_pass=True,
            extra=read_all,
        ),
        Hostile(
            "docx-vertical-merges", "roadmap.docx", lambda: docx_edited(vertical_merges), may_pass=True, extra=read_all
        ),
        Hostile("docx-span-past-grid", "roadmap.docx", lambda: docx_edited(span_past_grid), may_pass=True),
        Hostile(
            "docx-nested-table",
            "roadmap.docx",
            lambda: docx_edited(nested_table),
            may_pass=True,
            extra={"has": ["ИМЦ", "Издание приказа о внедрении целевой модели"]},
        ),
        Hostile("docx-table-in-text-box", "roadmap.docx", table_in_text_box, may_pass=True, extra=read_all),
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
        Hostile("encrypted-docx", "act.docx", fixture("roadmap-encrypted.docx"), "паролем"),
    ]


# Municipality archives (manage.py import_municipality) ---------------------------------------------------
def archive(
    *,
    manifest: dict | None = None,
    parts: dict[str, str | bytes] | None = None,
    media: dict[str, bytes] | None = None,
    region_pk: int = 900,
    municipality_pk: int = 900,
) -> bytes:
    """An archive of accounts.backup's format 1: a region and a municipality (pks far from the
    test data's unless given), `parts` and `media` added or replacing the default ones."""
    data: dict[str, str | bytes] = {
        "data/000_accounts.Region.json": json.dumps(
            [{"model": "accounts.region", "pk": region_pk, "fields": {"name": "Архивный край"}}]
        ),
        "data/001_accounts.Municipality.json": json.dumps(
            [
                {
                    "model": "accounts.municipality",
                    "pk": municipality_pk,
                    "fields": {"region": region_pk, "name": "город Архивный", "short_name": "Архивный"},
                }
            ]
        ),
    }
    data.update(parts or {})
    files = [name.removeprefix("media/") for name in media or {}]
    head = {
        "format": 1,
        "municipality": "город Архивный",
        "counts": {"accounts.Region": 1, "accounts.Municipality": 1},
        "files": files,
    }
    if manifest is not None:
        head = {**head, **manifest}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("manifest.json", json.dumps(head, ensure_ascii=False))
        for name, content in data.items():
            target.writestr(name, content)
        for name, content in (media or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def zip_flags(content: bytes, *, flag: int = 0, method: int | None = None) -> bytes:
    """Every member marked with `flag` in its general-purpose bits (1: encrypted with a password), or
    stored with compression `method` (9: Deflate64, which Python cannot unpack), in the local and
    the central headers alike."""
    out = bytearray(content)
    position = 0
    while True:
        local = out.find(b"PK\x03\x04", position)
        if local < 0:
            break
        struct.pack_into("<H", out, local + 6, struct.unpack_from("<H", out, local + 6)[0] | flag)
        if method is not None:
            struct.pack_into("<H", out, local + 8, method)
        position = local + 4
    position = 0
    while True:
        central = out.find(b"PK\x01\x02", position)
        if central < 0:
            break
        struct.pack_into("<H", out, central + 8, struct.unpack_from("<H", out, central + 8)[0] | flag)
        if method is not None:
            struct.pack_into("<H", out, central + 10, method)
        position = central + 4
    return bytes(out)


def municipality_cases() -> list[Hostile]:
    """`extra["twice"]`: the archive is good; importing it again must add nothing."""
    bomb = " " * (BOMB_MEGABYTES * 1024 * 1024)
    return [
        Hostile("good-archive-twice", "archive.zip", lambda: archive(), may_pass=True, extra={"twice": True}),
        Hostile("empty-zip", "archive.zip", lambda: _rezip(archive(), lambda n, d: None), "manifest.json"),
        Hostile("manifest-is-a-list", "archive.zip", lambda: _archive_manifest(b"[]"), "manifest.json"),
        Hostile(
            "manifest-cp1251",
            "archive.zip",
            lambda: _archive_manifest(
                json.dumps(
                    {"format": 1, "municipality": "город Архивный", "counts": {}, "files": []}, ensure_ascii=False
                ).encode("cp1251")
            ),
            "manifest.json",
        ),
        Hostile(
            "data-part-is-an-object",
            "archive.zip",
            lambda: archive(parts={"data/001_accounts.Municipality.json": '{"a": 1}'}),
            "повреждена",
        ),
        Hostile(
            "data-part-wrong-types",
            "archive.zip",
            lambda: archive(
                parts={
                    "data/001_accounts.Municipality.json": json.dumps(
                        [
                            {
                                "model": "accounts.municipality",
                                "pk": "девятьсот",
                                "fields": {"region": [900], "name": None},
                            }
                        ]
                    )
                }
            ),
            "повреждена",
        ),
        Hostile("encrypted-members", "archive.zip", lambda: zip_flags(archive(), flag=1), "паролем"),
        Hostile("deflate64-members", "archive.zip", lambda: zip_flags(archive(), method=9), "не читается"),
        Hostile(
            "zip-slip-media",
            "archive.zip",
            lambda: archive(media={"media/../../../../../tmp/hostile-zip-slip.txt": b"x"}),
            "недопустим",
        ),
        Hostile(
            "absolute-media",
            "archive.zip",
            lambda: archive(media={"media//tmp/hostile-absolute.txt": b"x"}),
            "недопустим",
        ),
        Hostile(
            "bomb-in-data-part",
            "archive.zip",
            lambda: archive(parts={"data/002_accounts.Organization.json": "[" + bomb + "]"}),
            "слишком",
        ),
        Hostile(
            "bomb-in-media",
            "archive.zip",
            lambda: archive(media={"media/evidence/big.pdf": b"%PDF" + bomb.encode()}),
            "слишком",
        ),
        # an archive made in another database: its ids are taken here by other places
        Hostile(
            "ids-taken-here",
            "archive.zip",
            lambda: archive(region_pk=1, municipality_pk=1),
            "уже заняты",
            # the test makes sure these ids are taken here (PostgreSQL's sequences are not reset
            # between tests, so the test data's own rows may have other ids)
            extra={"taken": (1, 1)},
        ),
    ]


def _archive_manifest(manifest: bytes) -> bytes:
    return _rezip(archive(), lambda name, data: manifest if name == "manifest.json" else data)


def all_cases() -> dict[str, list[Hostile]]:
    return {
        "mentors": person_cases("mentors") + existing_person_cases("mentors"),
        "mentees": person_cases("mentees") + existing_person_cases("mentees"),
        "pairs": pair_cases(),
        "organizations": directory_cases("organizations"),
        "users": directory_cases("users"),
        "roadmap": roadmap_cases(),
        "document": document_cases(),
        "municipality": municipality_cases(),
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
