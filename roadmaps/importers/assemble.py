"""One place where a document, whatever its format, becomes a RoadmapDocument.

Every reader (Word, Excel, PDF, the formats converted by LibreOffice) turns its file into `blocks`:
the document in reading order, each block a paragraph line (`str`) or one table (`list[RawRow]`).
`assemble` then decides, as a person reading the order would:

* which table is the roadmap (the one whose header names activities, deadlines, responsible…);
* which following tables continue it (a table split by a page break, with its header repeated or
  without one) and which are unrelated (a list of schools after it) and ignored;
* the title, the period and the approving order, from the paragraphs and the table's caption rows.
"""

from __future__ import annotations

import re

from roadmaps.importers.document import RoadmapDocument
from roadmaps.importers.meta import find_period, parse_order, pick_title, split_heading
from roadmaps.importers.table import (
    ACTIVITY_NUMBER,
    Header,
    RawRow,
    RoadmapImportError,
    _row_roles,
    find_header,
    parse_rows,
)

Block = str | list[RawRow]

# a paragraph between two tables that starts something new: the second table is not a continuation
NEW_PART = re.compile(r"^\s*(?:приложени|список|перечень|таблица|лист\s+(?:ознакомлени|согласовани)|состав\b)", re.I)


def _table_lines(rows: list[RawRow]) -> list[str]:
    out = []
    for row in rows:
        text = "  ".join(dict.fromkeys(c for c in row.cells if c))
        if text.strip():
            out.append(text)
    return out


def _is_roadmap_header(header: Header | None) -> bool:
    if header is None:
        return False
    roles = set(header.mapping)
    return "title" in roles and (
        len(roles & {"deadline", "responsible", "result", "number", "indicator"}) >= 2 or roles == {"title", "deadline"}
    )


def _width(rows: list[RawRow]) -> int:
    return max((len(r.cells) for r in rows), default=0)


def assemble(
    blocks: list[Block],
    *,
    file_kind: str,
    column_map: dict[str, int] | None = None,
    fallback_title: str = "Дорожная карта",
) -> RoadmapDocument:
    """Read `blocks` (paragraph lines and tables in reading order) into a RoadmapDocument.

    Raises RoadmapImportError (Russian message) when no roadmap table is found. The period is left
    empty (document.needs_period) when neither the heading nor the preamble names one.
    """
    tables = [(i, b) for i, b in enumerate(blocks) if isinstance(b, list) and b]
    headers = {i: find_header(rows) for i, rows in tables}
    candidates = [(i, rows) for i, rows in tables if _is_roadmap_header(headers[i])]
    if not candidates:
        # no roadmap table: the roadmap may be written as numbered paragraphs under its heading
        blocks = _paragraphs_as_table(blocks)
        tables = [(i, b) for i, b in enumerate(blocks) if isinstance(b, list) and b]
        headers = {i: find_header(rows) for i, rows in tables}
        candidates = [(i, rows) for i, rows in tables if _is_roadmap_header(headers[i])]
    if not tables:
        raise RoadmapImportError("В документе нет таблицы с мероприятиями дорожной карты.")
    if not candidates:
        if column_map:
            candidates = [max(tables, key=lambda t: len(t[1]))]
        else:
            raise RoadmapImportError(
                "Ни в одной таблице документа не найдена строка заголовков (№, мероприятие, сроки, ответственные)."
            )
    # the roadmap: the best header; among equals, the table with more rows after its continuations
    first_index, first_rows = max(
        candidates, key=lambda t: (_score(headers[t[0]]), len(_joined(blocks, t[0], headers)))
    )
    rows = _joined(blocks, first_index, headers)
    parsed = parse_rows(rows, column_map=column_map)

    used = {r.distinct[0] for r in rows if r.where.startswith("абзац перед таблицей")}
    lines_before = []
    for block in blocks[:first_index]:
        if isinstance(block, str) and " ".join(block.split()) in used:
            continue  # a section's title read into the table, not a line of the heading
        if isinstance(block, str):
            if block.strip():
                lines_before.append(" ".join(block.split()))
        else:
            lines_before.extend(_table_lines(block))  # e.g. the order's header laid out as a table
    preamble, stamp, heading = split_heading(lines_before)
    heading = heading + parsed.caption
    title = pick_title(heading, fallback=fallback_title)
    number, date, order_warning = parse_order(preamble + stamp + heading)
    warnings = list(parsed.warnings)
    if order_warning:
        warnings.insert(0, order_warning)
    document = RoadmapDocument(
        title=title,
        order_number=number,
        order_date=date,
        columns=parsed.columns,
        sections=parsed.sections,
        warnings=warnings,
        file_kind=file_kind,
        column_roles=dict(parsed.mapping),
    )
    period = find_period(heading, preamble + stamp)
    if period is not None:
        document.set_period(period[0], period[1], period[2])
    else:
        document.warnings.insert(
            0,
            "Период дорожной карты не найден ни в заголовке, ни в тексте приказа: укажите начало и окончание периода.",
        )
    return document


def _paragraphs_as_table(blocks: list[Block]) -> list[Block]:
    """The blocks with a list of numbered paragraphs (a roadmap without a table) turned into a table."""
    from roadmaps.importers.paragraphs import paragraph_table

    positions = [i for i, b in enumerate(blocks) if isinstance(b, str)]
    lines = [" ".join(str(blocks[i]).split()) for i in positions]
    found = paragraph_table(lines)
    if found is None:
        return blocks
    start, stop, rows = found
    first, last = positions[start], positions[stop - 1] if stop > start else positions[start]
    return [*blocks[:first], rows, *blocks[last + 1 :]]


def _score(header: Header | None) -> int:
    return header.score if header is not None else 0


# a paragraph between two tables of the roadmap that titles the next part: «Раздел 2. Кадровое
# обеспечение», «II. Методическое сопровождение», «2. Основной этап»
SECTION_LINE = re.compile(
    r"^\s*(?:(?:раздел|этап|блок|направление)\s+(?:\d{1,2}|[IVX]{1,4})\b|(?:\d{1,2}|[IVX]{1,4})\.?\s+[А-ЯЁA-Z«])",
    re.I,
)


def _section_row(text: str, width: int, where: str) -> RawRow:
    """A paragraph standing for a section row merged across the table."""
    text = " ".join(text.split())
    return RawRow(cells=[text] * max(width, 1), distinct=[text], merged_across=True, where=where, origin=[0] * width)


def _is_section_line(text: str) -> bool:
    text = text.strip()
    return bool(SECTION_LINE.match(text)) and len(text) <= 200 and not text.endswith((";", ":", ","))


def _joined(blocks: list[Block], first_index: int, headers: dict[int, Header | None]) -> list[RawRow]:
    """The roadmap table with the tables that continue it (split by a page break, or one table per
    section with the section's title as a paragraph above it)."""
    first = blocks[first_index]
    assert not isinstance(first, str), "the roadmap block is a table"
    rows: list[RawRow] = list(first)
    header = headers.get(first_index)
    width = _width(rows)
    roles = set(header.mapping) if header else set()
    pending: list[str] = []  # section titles written between this table and the next
    sections_between = 0
    for block in blocks[first_index + 1 :]:
        if isinstance(block, str):
            if block.strip() and _is_section_line(block) and not NEW_PART.match(block):
                pending.append(block)
                continue
            if block.strip() and (NEW_PART.match(block) or len(block.strip()) > 80):
                break
            continue
        if not block:
            continue
        if pending:
            rows.extend(_section_row(line, width, f"абзац перед таблицей «{line[:40]}»") for line in pending)
            sections_between += len(pending)
            pending = []
        other = find_header(block)
        if other is not None and header is not None:
            if set(other.mapping) != roles and len(set(other.mapping) ^ roles) > 1:
                break  # a table of its own (a list of schools, a signature sheet)
            rows.extend(block)  # the header repeated: parse_rows skips it
            continue
        if other is None and _width(block) == width and not _looks_unrelated(block, header):
            rows.extend(block)
            continue
        if other is None and _width(block) < width and _numbering_goes_on(block, header):
            # the rest of the table, without its last columns (a page of another layout, the
            # «Примечание» column dropped): padded to the roadmap's width, never silently lost
            rows.extend(_padded(row, width) for row in block)
            continue
        break
    if sections_between and header is not None:
        # the first section's title stands above the first table, where it reads like the heading
        before = [b for b in blocks[:first_index] if isinstance(b, str) and b.strip()]
        if before and _is_section_line(before[-1]):
            at = header.index + header.height
            rows.insert(at, _section_row(before[-1], width, f"абзац перед таблицей «{before[-1][:40]}»"))
    return rows


def _numbering_goes_on(rows: list[RawRow], header: Header | None) -> bool:
    """A header-less table narrower than the roadmap whose first row is the roadmap's next
    activity («3.» after «2.»): every column the roadmap reads is still there."""
    if header is None or "number" not in header.mapping:
        return False
    first = next((r for r in rows if any(r.cells)), None)
    if first is None:
        return False
    needed = [header.mapping[k] for k in ("number", "title", "deadline", "responsible") if k in header.mapping]
    number = first.cells[header.mapping["number"]] if header.mapping["number"] < len(first.cells) else ""
    # a list that starts at «1» is a list of its own (of schools, of people), not the roadmap going on
    return (
        max(needed) < len(first.cells)
        and bool(ACTIVITY_NUMBER.match(number or "x"))
        and number.strip(". ") not in ("1", "")
    )


def _padded(row: RawRow, width: int) -> RawRow:
    extra = width - len(row.cells)
    origin = row.origin + list(range(len(row.cells), width)) if row.origin is not None else None
    return RawRow(
        cells=row.cells + [""] * extra,
        distinct=row.distinct,
        merged_across=row.merged_across,
        where=row.where,
        origin=origin,
    )


def _looks_unrelated(rows: list[RawRow], header: Header | None) -> bool:
    """A header-less table of the same width that starts with a header of another kind."""
    first = next((r for r in rows if any(r.cells)), None)
    if first is None:
        return True
    return (
        len(_row_roles(first.cells)) >= 2 and header is not None and set(_row_roles(first.cells)) != set(header.mapping)
    )
