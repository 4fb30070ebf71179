"""PDF with a text layer: paragraphs and tables in reading order (pdfplumber), then the same reading
as for Word.

Each page gives its lines of text outside the tables and its tables (ruled lines first, the text
alignment when a page has no ruled table), ordered from the top. Lines are joined into a paragraph
while a long line runs to the right edge (it was wrapped); short lines (the «УТВЕРЖДЕНО» stamp, a
caption) stay paragraphs of their own. Text wrapped inside a cell is joined back with spaces.

A row cut by a page break continues at the top of the next page's table without a number: it is
glued back to the row it belongs to here, because only the PDF knows where the pages break. A
table continued on the next page is otherwise one more block; joining tables is the assembler's job.

A PDF without a text layer (a scan) is refused with a message instead of a half-read roadmap.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import BinaryIO

from roadmaps.importers.table import RawRow, RoadmapImportError, clean_cell

MAX_PAGES = 200
SCAN_MESSAGE = (
    "PDF без текстового слоя (скан): в нём нет текста, только изображения страниц. Загрузите исходный "
    "документ Word или Excel, или PDF, сохранённый из Word («Сохранить как PDF»), либо распознайте скан "
    "(OCR) и сохраните результат как .docx."
)
_TABLE_SETTINGS_TEXT = {"vertical_strategy": "text", "horizontal_strategy": "text", "min_words_vertical": 3}
_KEEP_BREAK_AFTER = re.compile(r"[;:!?]$")
_KEEP_BREAK_BEFORE = re.compile(r"^(?:[-–—•·●▪]|\d{1,2}(?:\.\d{1,3})*[.)]\s)")

Block = str | list[RawRow]


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str


def join_wrapped(text: str | None) -> str:
    """Cell text wrapped by the page width → one line per real line of the author."""
    if not text:
        return ""
    lines = [" ".join(line.split()) for line in str(text).split("\n")]
    lines = [line for line in lines if line]
    out: list[str] = []
    for line in lines:
        if not out:
            out.append(line)
            continue
        previous = out[-1]
        if _KEEP_BREAK_AFTER.search(previous) or _KEEP_BREAK_BEFORE.match(line):
            out.append(line)
        elif previous.endswith(("-", "–")) and line[:1].islower() and not previous.endswith((" -", " –")):
            out[-1] = previous + line  # "Нормативно–" + "правовое"
        else:
            out[-1] = previous + " " + line
    return clean_cell("\n".join(out))


def _table_rows(raw: list[list[str | None]], table_number: int, page_number: int) -> list[RawRow]:
    rows: list[RawRow] = []
    for index, values in enumerate(raw, start=1):
        cells = [join_wrapped(v) for v in values]
        # pdfplumber returns a cell merged across columns once and None for the columns it covers
        distinct = [join_wrapped(v) for v in values if v is not None]
        merged = len(distinct) == 1 and len(values) > 1
        if merged:
            cells = [distinct[0]] * len(values)
        rows.append(
            RawRow(
                cells=cells,
                distinct=distinct or [""],
                merged_across=merged,
                where=f"Таблица {table_number} (стр. {page_number}), строка {index}",
            )
        )
    return rows


def _paragraphs(lines: list[_Line], left: float, right: float) -> list[tuple[float, str]]:
    """Lines → paragraphs: a line reaching the right edge was wrapped and continues on the next one."""
    width = max(right - left, 1.0)
    out: list[tuple[float, str]] = []
    previous: _Line | None = None
    for line in lines:
        text = " ".join(line.text.split())
        if not text:
            continue
        wrapped = (
            previous is not None
            and previous.x1 >= right - 0.12 * width
            and previous.x1 - previous.x0 >= 0.6 * width  # a long line, not a right-aligned stamp
            and line.top - previous.bottom < 0.9 * (previous.bottom - previous.top)
            and not _KEEP_BREAK_BEFORE.match(text)
        )
        if wrapped and out:
            top, before = out[-1]
            if before.endswith(("-", "–")) and text[:1].islower() and not before.endswith((" -", " –")):
                out[-1] = (top, before + text)
            else:
                out[-1] = (top, before + " " + text)
        else:
            out.append((line.top, text))
        previous = line
    return out


def pdf_blocks(file: BinaryIO | str | bytes) -> list[Block]:
    """The document in reading order: paragraphs (str) and tables (list of RawRow)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    source = io.BytesIO(file) if isinstance(file, bytes) else file
    try:
        pdf = pdfplumber.open(source)
    except (PDFSyntaxError, ValueError, TypeError, KeyError, OSError) as exc:
        raise RoadmapImportError("Файл не читается как PDF: возможно, он повреждён или защищён паролем.") from exc
    except Exception as exc:  # pdfminer raises its own exception types for encrypted or broken files
        raise RoadmapImportError("Файл не читается как PDF: возможно, он повреждён или защищён паролем.") from exc
    blocks: list[Block] = []
    table_number = 0
    text_found = False
    try:
        with pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise RoadmapImportError(f"В PDF больше {MAX_PAGES} страниц: это не похоже на дорожную карту.")
            for page in pdf.pages:
                if not page.chars:
                    continue
                text_found = True
                tables = page.find_tables()
                if not tables:
                    tables = [t for t in page.find_tables(_TABLE_SETTINGS_TEXT) if len(t.rows) >= 3]
                rest = page
                for table in tables:
                    rest = rest.outside_bbox(table.bbox)
                lines = [
                    _Line(line["top"], line["bottom"], line["x0"], line["x1"], line["text"])
                    for line in rest.extract_text_lines()
                ]
                left = min([ln.x0 for ln in lines] + [t.bbox[0] for t in tables] or [0.0])
                right = max([ln.x1 for ln in lines] + [t.bbox[2] for t in tables] or [page.width])
                items: list[tuple[float, Block]] = []
                # paragraphs are cut at every table: text above a table never joins text below it
                cuts = sorted(t.bbox[1] for t in tables)
                groups: dict[int, list[_Line]] = {}
                for line in lines:
                    groups.setdefault(sum(1 for c in cuts if c < line.top), []).append(line)
                for group in groups.values():
                    items.extend(_paragraphs(group, left, right))
                for table in tables:
                    raw = table.extract()
                    if not raw:
                        continue
                    table_number += 1
                    items.append((table.bbox[1], _table_rows(raw, table_number, page.page_number)))
                items.sort(key=lambda item: item[0])
                for position, (_top, block) in enumerate(items):
                    if isinstance(block, list) and position == 0:
                        _glue_page_break(blocks, block)
                    blocks.append(block)
    except RoadmapImportError:
        raise
    except Exception as exc:  # a damaged page: say so rather than return half a roadmap
        raise RoadmapImportError("PDF не удалось прочитать до конца: возможно, файл повреждён.") from exc
    if not text_found:
        raise RoadmapImportError(SCAN_MESSAGE)
    if not any(isinstance(b, list) for b in blocks):
        raise RoadmapImportError(
            "В PDF не найдено ни одной таблицы: дорожная карта читается из таблицы мероприятий. Загрузите "
            "исходный документ Word или Excel."
        )
    return blocks


def _norm(row: RawRow) -> str:
    return " ".join(" ".join(row.cells).lower().split())


def _glue_page_break(blocks: list[Block], table: list[RawRow]) -> None:
    """A table at the very top of a page that continues the previous page's table: a first row
    without a number (a row cut by the page break, below the header Word repeats on every page) is
    glued to the last row of the previous page."""
    if not blocks or not isinstance(blocks[-1], list) or not table:
        return
    previous = blocks[-1]
    if len(previous[-1].cells) != len(table[0].cells):
        return
    headers = {_norm(b[0]) for b in blocks if isinstance(b, list) and b}
    index = 0
    while index < len(table) and _norm(table[index]) in headers:
        index += 1  # the repeated header stays: the reading skips it like any repeated header
    if index >= len(table):
        return
    first, last = table[index], previous[-1]
    if first.cells[0] or first.merged_across or last.merged_across or not last.cells[0]:
        return
    if not any(first.cells):
        return
    last.cells = [join_wrapped(f"{a}\n{b}") if b else a for a, b in zip(last.cells, first.cells, strict=True)]
    last.distinct = list(last.cells)
    del table[index]
