"""One machinery for every import path (admin, background page, roadmap page, commands).

- Limits (size, rows) are stated here once and shown on every import page (`limits_text`).
- `read_workbook` reads an .xlsx with python-calamine (0.7 s for 10,000 rows, formatting-only
  rows cost nothing), refuses foreign and broken files with a Russian message, never takes a
  hidden sheet, asks which sheet when several visible ones fit, and trims trailing empty rows.
- `check_headers` names the expected and the found headers and recognises another template.
- `StagedUpload` keeps an uploaded file between the preview and the confirm; `confirm_staged`
  claims its key inside the confirming transaction, so a second or concurrent confirm returns
  the first result instead of writing twice. `purge_stale_uploads` removes what nobody confirmed.
- `Problem` / `ImportRejected`: row (as Excel shows it), column, Russian message.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import logging
import re
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath

import tablib
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.names import clean_text, normalize_name
from accounts.uploads import (
    password_message,
    too_much_unpacked_message,
    unpacked_megabytes,
    zip_container_problem,
)

logger = logging.getLogger(__name__)


# Limits -----------------------------------------------------------------------------------------
def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 10 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 10_000))


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


def limits_text(kinds: str = ".xlsx") -> str:
    """The sentence every import page shows under its file field."""
    return (
        f"Файл {kinds} не больше {max_bytes() // (1024 * 1024)} МБ и не больше {_number(max_rows())} строк данных; "
        "первая строка листа — заголовки столбцов."
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a file is read and imported. An import makes
    a few hundred thousand objects that all live until its end (cells, rows, people, their history
    and links), so every collection of the oldest generation would walk all of them again; none of
    them form cycles, reference counting frees them. A tenth of a 10,000-row import's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Problems ---------------------------------------------------------------------------------------
@dataclass
class Problem:
    message: str
    row: int | None = None  # as Excel shows it (the header row counted)
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row:
            where.append(f"строка {self.row}")
        if self.column:
            where.append(f"столбец «{self.column}»")
        # the first letter up, the column's name as it is (str.capitalize() lowered «Стаж, лет»)
        place = ", ".join(where)
        return (place[:1].upper() + place[1:] + ": " if where else "") + self.message

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRejected(Exception):
    """The file (or a row of it) cannot be imported; nothing was written."""

    def __init__(self, problems: Iterable[Problem] | str, *, sheets: list[str] | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems = list(problems)
        self.sheets = sheets or []  # set when the user must choose a sheet
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def message(self) -> str:
        return str(self)


# Foreign and broken files -----------------------------------------------------------------------
def sniff(content: bytes, filename: str, *, allowed: tuple[str, ...] = (".xlsx",)) -> str:
    """The real kind of a file, or ImportRejected with what it is and what to do."""
    name = PurePath(filename or "").name or "файл"
    ext = PurePath(filename or "").suffix.lower()
    size = len(content)
    if size > max_bytes():
        raise ImportRejected(
            f"Файл «{name}» занимает {size / (1024 * 1024):.1f} МБ, допустимо не больше "
            f"{max_bytes() // (1024 * 1024)} МБ: разделите его на части."
        )
    if not content.strip():
        raise ImportRejected(f"Файл «{name}» пуст.")
    head = content[:8]
    wanted = " или ".join(allowed)
    if head.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in content:
        raise ImportRejected(password_message(name))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected(
            f"Файл «{name}» — документ старого формата (.xls или .doc). Откройте его и сохраните как {wanted}."
        )
    if head.startswith(b"%PDF"):
        raise ImportRejected(f"Файл «{name}» — PDF, а нужен {wanted}. Загрузите исходную таблицу.")
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise ImportRejected(f"Файл «{name}» — программа, а не таблица. Загрузите файл {wanted}.")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise ImportRejected(f"Файл «{name}» — изображение. Загрузите таблицу {wanted}, а не снимок.")
    if head.startswith(b"{\\rtf"):
        raise ImportRejected(f"Файл «{name}» — документ RTF. Сохраните его как {wanted}.")
    if not head.startswith(b"PK"):
        kind = _text_kind(content)
        raise ImportRejected(f"Файл «{name}» — {kind}, а нужен {wanted}. Откройте его в Excel и сохраните как .xlsx.")
    unpacked = unpacked_megabytes(content)
    if unpacked is not None:  # checked before testzip() below unpacks every part
        raise ImportRejected(too_much_unpacked_message(name, unpacked))
    container = zip_container_problem(content, name)
    if container is not None:
        raise ImportRejected(container)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            broken = archive.testzip()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
        RuntimeError,
    ):
        raise ImportRejected(
            f"Файл «{name}» повреждён (архив не открывается). Откройте его в Excel и сохраните заново."
        ) from None
    if broken is not None:
        raise ImportRejected(f"Файл «{name}» повреждён (часть «{broken}» не читается). Сохраните его заново.")
    if "xl/workbook.xml" in names:
        real = ".xlsx"
    elif "word/document.xml" in names:
        real = ".docx"
    elif "ppt/presentation.xml" in names:
        real = ".pptx"
    elif "content.xml" in names and "mimetype" in names:
        real = ".ods/.odt"
    else:
        real = ".zip"
    if real not in allowed:
        what = {
            ".docx": "документ Word",
            ".pptx": "презентация PowerPoint",
            ".ods/.odt": "документ OpenOffice/LibreOffice",
            ".zip": "ZIP-архив",
            ".xlsx": "таблица Excel",
        }[real]
        raise ImportRejected(f"Файл «{name}» — {what}, а нужен {wanted}.")
    if ext and ext not in allowed and real == ".xlsx" and ext not in (".xlsm",):
        raise ImportRejected(f"Файл «{name}»: расширение {ext} не принимается, нужен {wanted}.")
    return real


def _decoded_sample(content: bytes) -> str | None:
    """The first kilobytes as text (UTF-8, UTF-16 with or without a byte-order mark, cp1251), or None
    for binary content."""
    sample = content[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return sample[: len(sample) // 2 * 2].decode("utf-16", "replace")
    zeros = sample[:512].count(0)
    if zeros > len(sample[:512]) // 4:  # UTF-16 without a mark: every other byte is zero
        even, odd = sample[0:512:2].count(0), sample[1:512:2].count(0)
        codec = "utf-16-le" if odd > even else "utf-16-be"
        return sample[: len(sample) // 2 * 2].decode(codec, "replace")
    try:
        return sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a character cut by the sample's end
            return sample[: exc.start].decode("utf-8", "replace")
    if all(32 <= b or b in (9, 10, 13) for b in sample[:256]):
        return sample.decode("cp1251", "replace")
    return None


def _text_kind(content: bytes) -> str:
    """What a non-zip, non-binary file is, in words: CSV or text, HTML, XML (Excel 2003), or unknown."""
    text = _decoded_sample(content)
    if text is None or text.count("\ufffd") > len(text) // 10:
        return "файл неизвестного формата"
    start = text.lstrip("\ufeff \r\n\t").lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "таблица в формате XML (Excel 2003)"
    if start.startswith(("<!doctype html", "<html", "<table", "<meta")) or "<table" in start[:2000]:
        return "веб-страница (HTML), сохранённая с расширением таблицы"
    if start.startswith("<?xml") or start.startswith("<"):
        return "XML-файл"
    return "текст или CSV"


# Reading a sheet --------------------------------------------------------------------------------
IGNORED_HEADERS = {"№", "no", "n", "№ п/п", "п/п", "номер п/п", "#"}


def header_key(text) -> str:
    return normalize_name(clean_text(text).rstrip(":*").strip())


def _cell(value):
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, str):
        text = clean_text(value)
        return text or None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dt.timedelta):
        return str(value)
    return value if value != "" else None


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[list]
    header_row: int  # Excel row number of the header line
    dropped_columns: list[str] = field(default_factory=list)

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1

    def dataset(self) -> tablib.Dataset:
        # rows are as wide as the headers (read_workbook pads them): no per-row append and check
        data = tablib.Dataset(*self.rows, headers=self.headers)
        data.first_data_row = self.first_data_row  # type: ignore[attr-defined]
        data.sheet_name = self.name  # type: ignore[attr-defined]
        return data


def _is_visible_sheet(meta) -> bool:
    return str(meta.visible).endswith("Visible") and str(meta.typ).endswith("WorkSheet")


def _open(content: bytes, name: str):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:  # noqa: BLE001 - calamine raises its own and Python errors for broken parts
        raise ImportRejected(
            f"Файл «{name}» повреждён: внутренняя разметка книги не читается. Откройте его в Excel и сохраните заново."
        ) from None


_MISSING = object()

# the cells a sheet may span: 10,000 rows of a 300-column table; calamine builds the whole
# rectangle up to the last filled cell (one value in XFD1048576 asks for 512 GB and aborts the process)
MAX_SHEET_CELLS = 3_000_000
# title lines and notes above the header a sheet may have besides its data rows
ROWS_ABOVE_DATA = 100


# the one sheet XML read last: the extent, the hidden rows and the error cells of a sheet are found
# in the same XML, unpacked once (a 10,000-row sheet is tens of megabytes of XML)
_XML_CACHE: list[tuple[bytes, str, bytes | None]] = []


def sheet_xml(content: bytes, sheet_name: str) -> bytes | None:
    """The XML of the sheet `sheet_name` of an .xlsx, or None (no such part, a broken book)."""
    for cached_content, cached_name, xml in _XML_CACHE:
        if cached_content is content and cached_name == sheet_name:
            return xml
    xml = None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            part = _sheet_part(archive, sheet_name)
            if part is not None:
                xml = archive.read(part)
    except Exception:  # noqa: BLE001 - a broken book: the reader says so in its own words
        xml = None
    _XML_CACHE[:] = [(content, sheet_name, xml)]
    return xml


def release_sheet_xml() -> None:
    _XML_CACHE.clear()


# a filled cell with its reference (any attribute order): a value, an inline text or a formula
_FILLED_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*(?<!/)>\s*<(?:\w+:)?(?:v|is|f)\b')


# the quick bound: every row's number (as Excel and openpyxl write rows: «<row r="12"…») and whether
# any cell, filled or not, lies at column DA or further
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')  # a prefixed «<x:row» finds none: the closer look follows
_WIDE_REF = re.compile(rb' r="(?:[D-Z][A-Z]|[A-Z]{3})\d')
_NARROW = 104  # columns A…CZ


def _within_bounds(xml: bytes | None, rows_allowed: int) -> bool:
    """True when the sheet certainly fits (its rows' numbers, empty formatted rows included, are
    within the limit and no cell lies past column CZ): a look at the row tags, not at every cell
    (a tenth of the time of `sheet_extent` on a 10,000-row sheet). False means «look closer»."""
    if not xml:
        return True
    numbers = _ROW_NUMBER.findall(xml)
    if not numbers or _WIDE_REF.search(xml) is not None:
        return False
    last = max(map(int, numbers))
    return last <= rows_allowed and last * _NARROW <= MAX_SHEET_CELLS


def sheet_extent(content: bytes, sheet_name: str) -> tuple[int, int] | None:
    """(last row, last column, from 1) over the filled cells of an .xlsx sheet,
    from its XML, before any reader builds the sheet; None when the part is not found."""
    xml = sheet_xml(content, sheet_name)
    if xml is None:
        return None
    refs = _FILLED_REF.findall(xml)
    if not refs:
        return 0, 0
    last_row = max(int(number) for _, number in refs)
    last_col = 0
    for letters in {letters for letters, _ in refs}:
        col = 0
        for letter in letters:
            col = col * 26 + letter - 64
        last_col = max(last_col, col)
    return last_row, last_col


_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_COL_TAG = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_HIDDEN_ATTR = re.compile(rb'\bhidden="(?:1|true)"')
_ZERO_SIZE = re.compile(rb'\b(?:ht|width)="0(?:\.0*)?"')
_HIDDEN_MARKS = (b' hidden="1"', b' hidden="true"', b' ht="0"', b' ht="0.', b' width="0"', b' width="0.')
_NUMBER_ATTR = re.compile(rb'\b(r|min|max)="(\d+)"')


def hidden_rows_and_columns(content: bytes, sheet_name: str) -> tuple[set[int], set[int]]:
    """(Excel numbers of the hidden rows, indexes from 0 of the hidden columns) of an .xlsx sheet:
    hidden by hand, by a filter or a collapsed group, or of zero height or width."""
    xml = sheet_xml(content, sheet_name) or b""
    if not any(mark in xml for mark in _HIDDEN_MARKS):
        return set(), set()
    rows: set[int] = set()
    for match in _ROW_TAG.finditer(xml):
        attrs = match.group(1)
        if _HIDDEN_ATTR.search(attrs) or _ZERO_SIZE.search(attrs):
            numbers = dict(_NUMBER_ATTR.findall(attrs))
            if b"r" in numbers:
                rows.add(int(numbers[b"r"]))
    columns: set[int] = set()
    for match in _COL_TAG.finditer(xml):
        attrs = match.group(1)
        if _HIDDEN_ATTR.search(attrs) or _ZERO_SIZE.search(attrs):
            numbers = dict(_NUMBER_ATTR.findall(attrs))
            first, last = int(numbers.get(b"min", 0)), int(numbers.get(b"max", 0))
            columns.update(range(max(first, 1) - 1, min(last, 1000)))  # a range «to XFD» is the rest of the sheet
    return rows, columns


HIDDEN_ROW_MESSAGE = (
    "строка скрыта в Excel, но в ней есть данные: покажите скрытые строки (или снимите фильтр), удалите ненужные "
    "и загрузите файл снова — скрытое не загружается молча."
)


def check_sheet_extent(content: bytes, sheet_name: str, *, rows_allowed: int | None = None) -> None:
    """ImportRejected naming the far cell, when the filled cells of a sheet reach past the row limit
    or span more cells than any table we import (checked from the XML, before the sheet is read)."""
    if not content.startswith(b"PK"):
        return
    limit = rows_allowed if rows_allowed is not None else max_rows() + ROWS_ABOVE_DATA
    if _within_bounds(sheet_xml(content, sheet_name), limit):
        return
    extent = sheet_extent(content, sheet_name)
    if extent is None:
        return
    last_row, last_col = extent
    if last_row > limit:
        raise ImportRejected(
            [
                Problem(
                    f"лист «{sheet_name}» заполнен до строки {_number(last_row)}, а строк данных допустимо не больше "
                    f"{_number(max_rows())}: разделите файл на части или удалите лишнее ниже таблицы. "
                    "Ничего не загружено.",
                    row=last_row,
                )
            ]
        )
    if last_row * last_col > MAX_SHEET_CELLS:
        raise ImportRejected(
            [
                Problem(
                    f"лист «{sheet_name}» заполнен до столбца {column_letter(last_col - 1)}: таблица вышла бы на "
                    f"{_number(last_row)} строк × {_number(last_col)} столбцов. Удалите ячейки далеко справа от "
                    "таблицы и сохраните файл заново.",
                    column=column_letter(last_col - 1),
                )
            ]
        )


def _sheet_rows(workbook, sheet_name: str, name: str) -> list[list]:
    try:
        raw = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001
        raise ImportRejected(
            f"Файл «{name}», лист «{sheet_name}» повреждён: разметка листа не читается. "
            "Откройте файл в Excel и сохраните заново."
        ) from None
    limit = max_rows()
    rows: list[list] = []
    last_filled = -1
    texts: dict[str, object] = {}  # each distinct text cleaned once: names of schools, lists, categories repeat
    for index, values in enumerate(raw):
        cells = []
        for value in values:
            if value.__class__ is str:
                cell = texts.get(value, _MISSING)
                if cell is _MISSING:
                    cell = texts[value] = _cell(value)
            else:
                cell = _cell(value)
            cells.append(cell)
        if any(c is not None for c in cells):
            last_filled = index
        rows.append(cells)
        if index > limit + 50 and last_filled < index - 1000:
            break  # a long tail of empty rows: nothing more to read
    return rows[: last_filled + 1]


def _find_header(rows: list[list], expected_keys: set[str]) -> int:
    """Index of the header row: the first row within the first ten that names known columns,
    else the first non-empty row."""
    first = None
    for index, row in enumerate(rows[:10]):
        keys = {header_key(c) for c in row if c is not None}
        if not keys:
            continue
        if first is None:
            first = index
        if expected_keys and len(keys & expected_keys) >= min(2, len(expected_keys)):
            return index
    return first or 0


@collector_paused()
def read_workbook(
    content: bytes,
    filename: str,
    *,
    expected: Iterable[str] = (),
    sheet: str | None = None,
    fits: Callable[[list[str]], bool] | None = None,
) -> Sheet:
    """The sheet to import. `expected` are the template's headers (used to find the header row and
    to pick the sheet); `sheet` is the user's choice when the book has several visible sheets."""
    try:
        return _read_workbook(content, filename, expected=expected, sheet=sheet, fits=fits)
    finally:
        release_sheet_xml()


def _read_workbook(
    content: bytes,
    filename: str,
    *,
    expected: Iterable[str],
    sheet: str | None,
    fits: Callable[[list[str]], bool] | None,
) -> Sheet:
    name = PurePath(filename or "").name or "файл"
    sniff(content, filename)
    workbook = _open(content, name)
    metas = list(workbook.sheets_metadata)
    visible = [m.name for m in metas if _is_visible_sheet(m)]
    hidden = [m.name for m in metas if not _is_visible_sheet(m) and str(m.typ).endswith("WorkSheet")]
    expected_keys = {header_key(h) for h in expected}
    if sheet:
        if sheet not in visible:
            why = "скрыт" if sheet in hidden else "не найден"
            raise ImportRejected(
                f"Лист «{sheet}» {why}. Видимые листы: {', '.join(f'«{s}»' for s in visible) or 'нет'}.",
                sheets=visible,
            )
        candidates = [sheet]
    else:
        candidates = visible
    if not candidates:
        raise ImportRejected(
            f"В файле «{name}» нет видимых листов"
            + (f" (скрытые: {', '.join(f'«{s}»' for s in hidden)})" if hidden else "")
            + ": покажите нужный лист в Excel и сохраните файл."
        )
    read: list[Sheet] = []
    for sheet_name in candidates:
        check_sheet_extent(content, sheet_name)
        rows = _sheet_rows(workbook, sheet_name, name)
        if not rows:
            read.append(Sheet(sheet_name, [], [], 1))
            continue
        header_index = _find_header(rows, expected_keys)
        headers_raw = rows[header_index]
        width = max((i + 1 for i, v in enumerate(headers_raw) if v is not None), default=0)
        data_rows = rows[header_index + 1 :]
        data_width = max((i + 1 for r in data_rows for i, v in enumerate(r) if v is not None), default=0)
        width = max(width, data_width)
        headers = [clean_text(v) if v is not None else "" for v in headers_raw[:width]]
        headers += [""] * (width - len(headers))
        body = [(list(r[:width]) + [None] * (width - len(r[:width]))) for r in data_rows]
        read.append(Sheet(sheet_name, headers, body, header_index + 1))
    if len(read) > 1:
        with_data = [s for s in read if s.headers]
        chosen = _pick_sheet(with_data, expected_keys, fits)
        if chosen is None:
            names = [s.name for s in with_data]
            raise ImportRejected(
                f"В файле «{name}» несколько листов с таблицами ({', '.join(f'«{n}»' for n in names)}): "
                "выберите, какой загружать.",
                sheets=names,
            )
    else:
        chosen = read[0]
    if not chosen.headers or not any(chosen.headers):
        raise ImportRejected(f"Лист «{chosen.name}» пуст: нет ни заголовков, ни данных.")
    if not chosen.rows:
        raise ImportRejected(f"На листе «{chosen.name}» только заголовки, строк с данными нет.")
    if len(chosen.rows) > max_rows():
        raise ImportRejected(
            f"На листе «{chosen.name}» строк данных: {_number(len(chosen.rows))}, допустимо не больше "
            f"{_number(max_rows())}: разделите файл на части. Ничего не загружено."
        )
    # cells where a formula failed (#DIV/0!, #REF!, #Н/Д…): the reader sees them as empty
    errors = [
        Problem(
            f"в ячейке {column_letter(col)}{row} ошибка формулы {code}: исправьте формулу или впишите значение.",
            row=row,
            column=chosen.headers[col] if col < len(chosen.headers) and chosen.headers[col] else None,
        )
        for (row, col), code in sorted(error_cells(content, chosen.name).items())
        if row >= chosen.first_data_row
    ]
    if errors:
        raise ImportRejected(errors)
    # rows and columns hidden in Excel (by hand or by a filter): the person did not see what would be loaded
    hidden_rows, hidden_columns = hidden_rows_and_columns(content, chosen.name)
    hidden = [
        Problem(HIDDEN_ROW_MESSAGE, row=chosen.first_data_row + index)
        for index, values in enumerate(chosen.rows)
        if chosen.first_data_row + index in hidden_rows and any(v is not None for v in values)
    ]
    hidden += [
        Problem(
            f"столбец {column_letter(col)} скрыт в Excel, но в нём есть данные: покажите его, проверьте и загрузите "
            "файл снова — скрытое не загружается молча.",
            row=chosen.header_row,
            column=chosen.headers[col] or None,
        )
        for col in sorted(hidden_columns)
        if col < len(chosen.headers) and any(r[col] is not None for r in chosen.rows)
    ]
    if hidden:
        raise ImportRejected(hidden)
    # the header row again inside the data (two lists pasted one under the other, a header repeated
    # for printing): read as a person named «Фамилия Имя Отчество» unless stopped here
    repeats = _repeated_headers(chosen)
    if repeats:
        raise ImportRejected(
            [
                Problem(
                    f"строка повторяет заголовки таблицы (строка {chosen.header_row}): удалите её; если ниже "
                    "начинается другой список, перенесите его на отдельный лист или в отдельный файл.",
                    row=row,
                )
                for row in repeats
            ]
        )
    # columns without a header: data there would be lost silently
    for index, header in enumerate(chosen.headers):
        if not header and any(r[index] is not None for r in chosen.rows):
            row = next(i for i, r in enumerate(chosen.rows) if r[index] is not None) + chosen.first_data_row
            raise ImportRejected([Problem(f"в столбце {column_letter(index)} есть данные, но нет заголовка.", row=row)])
    keep = [i for i, h in enumerate(chosen.headers) if h]
    if len(keep) != len(chosen.headers):
        chosen.headers = [chosen.headers[i] for i in keep]
        chosen.rows = [[r[i] for i in keep] for r in chosen.rows]
    return chosen


def _repeated_headers(sheet: Sheet) -> list[int]:
    """Excel rows of the data that repeat the header row: at least two cells, and at least half of
    the named columns, each holding its own column's header."""
    keys = [header_key(h) if h else "" for h in sheet.headers]
    named = sum(1 for k in keys if k)
    if named < 2:
        return []
    need = max(2, (named + 1) // 2)
    found = []
    firsts = [key[:1] for key in keys]
    for index, row in enumerate(sheet.rows):
        same = 0
        for key, first, value in zip(keys, firsts, row, strict=False):
            # the full key only for a text that starts as the header does (a tenth of a second on
            # 10,000 rows instead of a second)
            if (
                key
                and value.__class__ is str
                and value[:1].casefold().replace("ё", "е") == first
                and header_key(value) == key
            ):
                same += 1
        if same >= need:
            found.append(sheet.first_data_row + index)
    return found


def _score(sheet: Sheet, expected_keys: set[str]) -> int:
    return len({header_key(h) for h in sheet.headers if h} & expected_keys)


def _pick_sheet(sheets: list[Sheet], expected_keys: set[str], fits) -> Sheet | None:
    """The one sheet that is clearly the table to import, or None (the user must choose).

    A sheet with every expected header wins if it is the only one; otherwise the best partial
    match wins only if it is at least twice as good as the next (the template's data sheet
    beside its reference sheet); two equally good sheets always ask."""
    if len(sheets) == 1:
        return sheets[0]
    if fits is not None:
        fitting = [s for s in sheets if fits(s.headers)]
        return fitting[0] if len(fitting) == 1 else None
    if not expected_keys:
        return None
    ranked = sorted(sheets, key=lambda s: _score(s, expected_keys), reverse=True)
    best, second = _score(ranked[0], expected_keys), _score(ranked[1], expected_keys)
    if best == len(expected_keys):
        return ranked[0] if second < best else None
    if best >= 2 and best >= 2 * second:
        return ranked[0]
    return None


# a cell with a body, or an empty styled one (<c r="A2" s="1"/>, common in Excel files: without the
# "/>" branch its match ran on into the next cell and hid that cell's error)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)


def error_cells(content: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
    """{(Excel row, column index from 0): the error code} of the cells of `sheet_name` that hold a
    formula's error («#DIV/0!»). Calamine reads such a cell as empty; the sheet's XML keeps the code
    (t="e"). Parts are read only when they name an error cell at all."""
    xml = sheet_xml(content, sheet_name)
    if xml is None or b't="e"' not in xml:
        return {}
    found: dict[tuple[int, int], str] = {}
    for attrs, body in _CELL.findall(xml):
        if b't="e"' not in attrs:
            continue
        ref, value = _REF.search(attrs), _VALUE.search(body)
        if ref is None:
            continue
        letters, number = ref.group(1).decode(), int(ref.group(2))
        col = 0
        for letter in letters:
            col = col * 26 + ord(letter) - 64
        found[(number, col - 1)] = value.group(1).decode("utf-8", "replace") if value else "#ОШИБКА"
    return found


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    from xml.etree import ElementTree

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    rel_id = None
    for element in workbook.iter():
        if element.tag.endswith("}sheet") and element.get("name") == sheet_name:
            rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
    for element in rels.iter():
        if element.get("Id") == rel_id and rel_id:
            target = element.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# Templates and headers --------------------------------------------------------------------------
@dataclass
class Template:
    key: str
    of: str  # «наставляемых» in «это шаблон наставляемых»
    into: str  # «наставников» in «а загружается в наставников»
    headers: list[str]
    required: list[str]


TEMPLATES: dict[str, Template] = {}


def register_template(template: Template) -> None:
    TEMPLATES[template.key] = template


def check_headers(sheet: Sheet, template: Template) -> list[str]:
    """Map the sheet's headers onto the template's exact names; ImportRejected names what is wrong."""
    by_key = {header_key(h): h for h in template.headers}
    found = [h for h in sheet.headers]
    found_keys = [header_key(h) for h in found]
    # another template?
    known = set(by_key)
    for other in TEMPLATES.values():
        if other.key == template.key:
            continue
        other_keys = {header_key(h) for h in other.headers}
        distinctive = other_keys - known
        own_distinctive = known - other_keys
        present = set(found_keys)
        if distinctive & present and not (own_distinctive & present - other_keys):
            if {header_key(h) for h in other.required} <= present:
                raise ImportRejected(
                    f"Это шаблон {other.of}, а загружается в {template.into}. "
                    f"Выберите загрузку {other.of} или скачайте шаблон {template.of}."
                )
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    mapped: list[str] = []
    unknown: list[str] = []
    for index, (text, key) in enumerate(zip(found, found_keys, strict=True)):
        if key in seen:
            problems.append(
                Problem(
                    f"столбец «{text}» повторяется (столбцы {column_letter(seen[key])} и {column_letter(index)}).",
                    row=sheet.header_row,
                )
            )
        seen.setdefault(key, index)
        if key in by_key:
            mapped.append(by_key[key])
        elif key in IGNORED_HEADERS:
            mapped.append(text)
        else:
            mapped.append(text)
            unknown.append(f"«{text}» (столбец {column_letter(index)})")
    missing = [h for h in template.required if header_key(h) not in seen]
    expected_list = ", ".join(f"«{h}»" for h in template.headers)
    found_list = ", ".join(f"«{h}»" for h in found)
    if missing:
        problems.append(
            Problem(
                f"нет обязательных столбцов: {', '.join(f'«{h}»' for h in missing)}. "
                f"Ожидаются столбцы шаблона {template.of}: {expected_list}. В файле: {found_list}.",
                row=sheet.header_row,
            )
        )
    if unknown:
        problems.append(
            Problem(
                f"столбцы не из шаблона {template.of}: {', '.join(unknown)} — их данные не были бы загружены. "
                f"Переименуйте их как в шаблоне или удалите. Ожидаются: {expected_list}.",
                row=sheet.header_row,
            )
        )
    if problems:
        raise ImportRejected(problems)
    return mapped


def duplicate_rows(keys: list[object | None], first_row: int) -> dict[int, list[int]]:
    """{excel row: the other excel rows with the same key} for keys that repeat (None ignored)."""
    rows_by_key: dict[object, list[int]] = {}
    for index, key in enumerate(keys):
        if key:
            rows_by_key.setdefault(key, []).append(first_row + index)
    result: dict[int, list[int]] = {}
    for rows in rows_by_key.values():
        if len(rows) > 1:
            for row in rows:
                result[row] = [r for r in rows if r != row]
    return result


# Staged uploads and idempotent confirm ----------------------------------------------------------
def stage_upload(*, user, kind: str, content: bytes, filename: str, params: dict | None = None):
    from accounts.models import StagedUpload

    staged = StagedUpload(user=user, kind=kind, original_name=PurePath(filename).name[:255], params=params or {})
    suffix = PurePath(filename).suffix.lower()[:10]
    staged.file.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(content), save=False)
    staged.save()
    return staged


def staged_for(user, key: str, kind: str | None = None):
    """The user's staged upload by its key, or None (an unknown, foreign or malformed key)."""
    from accounts.models import StagedUpload

    try:
        key_value = uuid.UUID(str(key))
    except (TypeError, ValueError, AttributeError):
        return None
    qs = StagedUpload.objects.filter(key=key_value, user=user)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.first()


def confirm_staged(staged, apply: Callable[[object, bytes], dict]) -> dict:
    """Run `apply(staged, content)` once for the staged upload, inside one transaction.

    The key is claimed by a conditional update in the same transaction: a concurrent confirm
    waits on the row and then finds it claimed, a later confirm finds it claimed; both get the
    first result. `apply` returns a JSON-able dict ({"ok": True, ...}) or raises ImportRejected,
    in which case its writes are rolled back and the problems become the stored result.
    """
    from accounts.models import StagedUpload

    with transaction.atomic():
        claimed = StagedUpload.objects.filter(pk=staged.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
        if not claimed:
            current = StagedUpload.objects.filter(pk=staged.pk).values_list("result", flat=True).first()
            return {**(current or {"ok": False, "message": "Эта загрузка уже подтверждена."}), "repeated": True}
        try:
            with staged.file.open("rb") as handle:
                content = handle.read()
        except (FileNotFoundError, OSError, ValueError):
            result = {"ok": False, "message": "Загруженный файл больше не доступен: загрузите его ещё раз."}
        else:
            try:
                with transaction.atomic():
                    result = apply(staged, content)
            except ImportRejected as exc:
                result = {
                    "ok": False,
                    "message": "Ничего не записано: данные изменились после проверки или файл не прошёл проверку.",
                    "problems": [p.as_dict() for p in exc.problems],
                }
        StagedUpload.objects.filter(pk=staged.pk).update(result=result)
        name = staged.file.name
        transaction.on_commit(lambda: _delete_file(name))
    return result


def _delete_file(name: str) -> None:
    from django.core.files.storage import default_storage

    try:
        if name:
            default_storage.delete(name)
    except OSError:
        logger.warning("staged upload %s could not be deleted", name)


def discard_staged(staged) -> None:
    from accounts.models import StagedUpload

    name = staged.file.name
    StagedUpload.objects.filter(pk=staged.pk, confirmed_at__isnull=True).delete()
    _delete_file(name)


PURGE_HOOKS: list[Callable[[dt.datetime], int]] = []


def register_purge(hook: Callable[[dt.datetime], int]) -> None:
    """An app's own leftovers (e.g. files of refused background imports) removed with the uploads;
    `hook(cutoff)` removes what is older than `cutoff` and returns how many."""
    if hook not in PURGE_HOOKS:
        PURGE_HOOKS.append(hook)


def purge_stale_uploads(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Remove uploads nobody confirmed within a day (files and rows), and old confirmed rows."""
    from accounts.models import StagedUpload

    now = timezone.now()
    stale = StagedUpload.objects.filter(confirmed_at__isnull=True, created_at__lt=now - older_than)
    removed = 0
    for staged in stale.iterator():
        _delete_file(staged.file.name)
        removed += StagedUpload.objects.filter(pk=staged.pk, confirmed_at__isnull=True).delete()[0]
    # confirmed rows answer a repeated confirm; a week later nobody repeats it
    StagedUpload.objects.filter(confirmed_at__lt=now - dt.timedelta(days=7)).delete()
    for hook in PURGE_HOOKS:
        removed += hook(now - older_than)
    return removed


def problems_text(problems: Iterable[Problem | dict], limit: int = 50) -> str:
    items = [p if isinstance(p, Problem) else Problem(**p) for p in problems]
    text = "; ".join(str(p) for p in items[:limit])
    if len(items) > limit:
        text += f"; и ещё {len(items) - limit}"
    return text


# django-import-export resources -----------------------------------------------------------------
@collector_paused()
def import_sheet(resource, sheet: Sheet, *, dry_run: bool, **kwargs):
    """Run a resource over a read sheet, all or nothing; returns (result, problems).

    Headers are checked against the resource's template first (nothing runs on a wrong file);
    any bad row rolls the whole import back.
    """
    template = resource.import_template()
    headers = check_headers(sheet, template)
    dataset = Sheet(sheet.name, headers, sheet.rows, sheet.header_row).dataset()
    with transaction.atomic():
        if not dry_run:
            hold_import_lock(template.key)
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            **kwargs,
        )
    return result, result_problems(result, sheet.first_data_row)


def hold_import_lock(kind: str) -> None:
    """Writing imports of one kind run one after another (a PostgreSQL advisory lock held until the
    transaction ends). A resource reads what exists (people, pairs, their keys) before it writes; two
    uploads of the same file confirmed at the same moment each read a database without the other's
    rows and wrote every pair twice. After the lock the second reads the first's rows and writes none.
    SQLite lets one writer at a time anyway."""
    from django.db import connection

    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    key = zlib.crc32(f"accounts.imports:{kind}".encode()) - 2**31  # a signed 32-bit key
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _messages(error) -> list[str]:
    from django.core.exceptions import ValidationError
    from django.db import DatabaseError

    if isinstance(error, ImportRejected):
        return [str(p) for p in error.problems]
    if isinstance(error, ValidationError):
        return list(error.messages)
    if isinstance(error, ValueError | TypeError) and error.args and isinstance(error.args[0], str):
        text = error.args[0]
        if any("а" <= ch <= "я" for ch in text.lower()):
            return [text]
    if isinstance(error, DatabaseError):
        logger.warning("import row refused by the database: %s", error)
        return ["строка не записывается: значение не подходит (слишком длинное или повторяет уже существующее)."]
    logger.error("import row failed: %r", error)
    return ["строка не обработана: значение в ней не удалось прочитать."]


def result_problems(result, first_data_row: int) -> list[Problem]:
    problems: list[Problem] = []
    for error in result.base_errors:
        if isinstance(error.error, ImportRejected):
            problems.extend(error.error.problems)
        else:
            problems.extend(Problem(m) for m in _messages(error.error))
    for number, errors in result.row_errors():
        for error in errors:
            for message in _messages(error.error):
                problems.append(Problem(message, row=first_data_row + number - 1))
    for invalid in result.invalid_rows:
        for column, texts in invalid.error_dict.items():
            column_name = None if column in ("__all__", "Строка") else column
            for text in texts:
                problems.append(Problem(str(text), row=first_data_row + invalid.number - 1, column=column_name))
    problems.sort(key=lambda p: p.row or 0)
    return problems


def result_counts(result) -> dict[str, int]:
    totals = result.totals
    return {"new": totals.get("new", 0), "update": totals.get("update", 0), "skip": totals.get("skip", 0)}


def counts_text(counts: dict[str, int]) -> str:
    return (
        f"добавлено: {counts.get('new', 0)}, обновлено: {counts.get('update', 0)}, "
        f"без изменений: {counts.get('skip', 0)}"
    )
