"""PDF with a text layer: paragraphs and tables in reading order (pdfplumber), then the same reading
as for Word.

Each page gives its lines of text outside the tables and its tables, ordered from the top. Ruled
tables come from pdfplumber's lines; a page without any ruled table is read for a table drawn without
lines, from the alignment of its words (`_aligned_table`: the header found by meaning, columns where
many lines start, rows where a number stands or a column starts again). Page numbers and running
headers/footers (lines repeated in the margins of most pages) are left out. A long line is joined with the next
when the next line's first word would not have fitted at its end (it was wrapped); short lines (the
«УТВЕРЖДЕНО» stamp, a caption) stay paragraphs of their own. Text wrapped inside a cell is joined
back with spaces, list items («- …», «1) …» after «:» or «;») keep their line, and a word cut at a
narrow column's edge without a hyphen is joined back when the document or the dictionary (pymorphy3,
already the project's for Russian names) shows it is one word; so is a word hyphenated at a line's
end («настав-» | «ничества»), while a compound keeps its hyphen («Нормативно-правовое»). Two stamps laid side by side without
ruling («СОГЛАСОВАНО …» | «УТВЕРЖДЕНО …») are read column by column, not across.

A row cut by a page break continues at the top of the next page's table without a number: it is
glued back to the row it belongs to here, because only the PDF knows where the pages break. A
table continued on the next page is otherwise one more block; joining tables is the assembler's job.

A PDF without a text layer (a scan) is refused with a message instead of a half-read roadmap.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, BinaryIO

from roadmaps.importers.table import RawRow, RoadmapImportError, clean_cell

MAX_PAGES = 200
SCAN_MESSAGE = (
    "PDF без текстового слоя (скан): в нём нет текста, только изображения страниц. Загрузите исходный "
    "документ Word или Excel, или PDF, сохранённый из Word («Сохранить как PDF»), либо распознайте скан "
    "(OCR) и сохраните результат как .docx."
)
_TABLE_SETTINGS_TEXT = {"vertical_strategy": "text", "horizontal_strategy": "text", "min_words_vertical": 3}
_KEEP_BREAK_AFTER = re.compile(r"[;:!?]$")
_PUNCT = "«»\"'()[].,;:!?–—-"
_ITEM_START = re.compile(r"^(?:[-–—•·●▪]\s|\d{1,2}(?:\.\d{1,3})*[.)]\s)")

Block = str | list[RawRow]


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    space_after: bool = False  # the PDF has a space glyph after the line's last letter

    @property
    def char_width(self) -> float:
        return (self.x1 - self.x0) / max(len(self.text), 1)


def _new_item(previous: str, line: str) -> bool:
    """A line that starts a list item after a line ending an item or introducing a list."""
    return bool(_ITEM_START.match(line)) and (bool(re.search(r"[.;:]$", previous)) or bool(_ITEM_START.match(previous)))


SOFT_HYPHEN = "\u00ad"
_NUMBER_PIECE = re.compile(r"^(?:\d{1,3}|[IVXLC]{1,6})(?:\.\d{1,3})*\.?$")


def _glue(previous: str, line: str, *, broken_word: bool = False, words: set[str] | None = None) -> str:
    if broken_word:
        return previous + line  # a word too long for the column, cut without a hyphen
    if re.match(r"[,.;:)»]", line):
        return previous + line  # «Ежегодно» filled the column, its comma went to the next line
    if previous.endswith(SOFT_HYPHEN):
        return previous[:-1] + line  # a hyphenation point the PDF marks as one
    if previous.endswith("-") and line[:1].isalpha() and not re.search(r"(?:^|\s)-$", previous):
        # a word broken at the line's end («настав-» | «ничества»), or a compound that keeps its hyphen
        # («Нормативно-» | «правовое»)
        return previous[:-1] + line if _hyphenated(previous[:-1], line, words) else previous + line
    if previous.endswith("–") and line[:1].islower() and not previous.endswith(" –"):
        return previous + line  # "Нормативно–" + "правовое"
    if _NUMBER_PIECE.match(previous) and previous.endswith(".") and re.match(r"^\d{1,3}\.?$", line):
        return previous + line  # a number wrapped in a narrow column: «1.1.» | «2.» is «1.1.2.»
    return previous + " " + line


def _hyphenated(head_text: str, line: str, words: set[str] | None) -> bool:
    """Whether the hyphen at the end of a line broke one word (drop it) rather than joined two
    (keep it). On evidence: the document has the word whole, or the hyphenated compound; then the
    dictionary: a joined word it knows, or a piece that is no word by itself, is a broken word; two
    words it knows are a compound («научно-методический», «Нормативно-правовое»)."""
    head = head_text.split()[-1] if head_text.split() else ""
    tail = line.split()[0]
    if not head or not head[-1:].isalpha():
        return False
    joined, compound = _word(head + tail), _word(f"{head}-{tail}")
    if compound in (words or set()):
        return False
    if joined in (words or set()):
        return True
    if _morph() is None:
        return False  # without the dictionary, keep what the PDF shows
    if _known(joined):
        return True
    first, second = _word(head), _word(tail)
    if not second.isalpha():
        return False
    return not (_known(first) and _known(second))


def join_wrapped(text: str | None, words: set[str] | None = None) -> str:
    """Cell text wrapped by the page width → one line per real line of the author."""
    if not text:
        return ""
    lines = [" ".join(line.split()) for line in str(text).split("\n")]
    return _join([_Line(0, 0, 0, 0, line) for line in lines if line], right=None, words=words)


def _word(token: str) -> str:
    return token.strip(_PUNCT).lower().replace("ё", "е")


def vocabulary(paragraphs: list[str], cell_lines: list[str]) -> set[str]:
    """Words the document has whole: those of its paragraphs (full-width lines, never cut) and, in
    table cells, the words inside a line; a line's first word when it is capitalised and not alone,
    its last when punctuation follows (a cut leaves a lowercase tail first and a bare head last)."""
    words: set[str] = set()
    for text in paragraphs:
        words.update(_word(t) for t in text.split())
    for line in cell_lines:
        tokens = line.split()
        if len(tokens) < 2:
            continue
        inner = tokens[1:-1]
        if tokens[0][:1].isupper():
            inner.append(tokens[0])
        if re.search(r"[.,;:!?)»]$", tokens[-1]):
            inner.append(tokens[-1])
        words.update(_word(t) for t in inner)
    words.discard("")
    return words


def _cut_word(previous: _Line, text: str, *, right: float | None, words: set[str] | None, so_far: str = "") -> bool:
    """A word too long for its column is cut without a hyphen («Муниципаль» | «ные»): the line is
    that one piece, filling the column (no space glyph after it), and the next starts in lowercase.
    A line filled by one whole word looks the same, so the pieces are joined only on evidence; when
    in doubt they stay two words (a space too many is harmless, a lost space joins two words).
    `so_far`: the cell's text up to here; a word cut twice («персонал» | «изирован» | «ных») is judged
    by all of its head («персонализирован»), not by the last piece."""
    if not text[:1].islower():
        return False
    tail = text.split(" ", 1)[0]
    if right is None:
        # no geometry (a cell glued across a page break, its last line before the break and its first
        # after it): the document has the joined word whole, or the dictionary knows it and the head
        # is no word or the tail a bare ending («планируемы» | «е»)
        head = previous.text.split()[-1] if previous.text.split() else ""
        joined, second = _word(head + tail), _word(tail)
        if not head[-1:].isalpha():
            return False
        if joined in (words or set()):
            return True
        if _morph() is None or not _known(joined):
            return False
        return not _known(_word(head)) or (len(second) <= 3 and second not in _SHORT_WORDS)
    head = previous.text.strip()
    if " " in head or not head[-1:].isalpha():
        return False
    if so_far.split() and so_far.split()[-1].endswith(head):
        head = so_far.split()[-1]
    if previous.space_after or right - previous.x1 > 1.2 * previous.char_width:
        return False  # the next letter would have fitted: the line ended at a space
    joined, second = _word(head + tail), _word(tail)
    # only on evidence: the document has the joined word whole, or the tail cannot start a word, or
    # the dictionary knows the joined word but not both pieces («Наименов» | «ание», «ежекварталь» | «но»)
    if joined in (words or set()) or second[:1] in "ьъый":
        return True
    if not second.isalpha() or _morph() is None:
        return False
    joined_known, tail_known = _known(joined), _known(second)
    if joined_known and not _known(_word(head)):
        return True  # «ежекварталь» | «но»
    if not tail_known and len(second) >= 2 and (" " in text.strip() or joined_known or not _known(_word(head))):
        # a line never starts with a piece that is no word («Взаимопосе» | «щение уроков»), unless that
        # piece is itself the head of a word cut again («Диагностика» | «профессион» | «альных»); alone
        # on its line, it is taken when the head is no word either («Взаимопосе» | «щение»)
        return True
    # an ending that happens to be a word too: «норматив» | «ной», «Нормативно» | «е»
    return joined_known and len(second) <= 3 and second not in _SHORT_WORDS


# short words that do start a line after a whole word that filled the column («наставник» | «и …»)
_SHORT_WORDS = frozenset(
    "и в с к у я не но на за по до из от об во со ко же ли бы ни их им ее её он она они оно мы вы".split()
)


@lru_cache(maxsize=1)
def _morph() -> Any:
    try:
        import pymorphy3
    except ImportError:  # the dictionary is a dependency of the project; without it, no guessing
        return None
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=4096)
def _known(word: str) -> bool:
    morph = _morph()
    return bool(word) and morph is not None and word.isalpha() and morph.word_is_known(word)


def _join(lines: list[_Line], *, right: float | None, words: set[str] | None = None) -> str:
    """Lines of one cell → its text. With geometry (`right`: the text edge of the cell) a word cut
    at the edge is joined back."""
    out: list[str] = []
    previous: _Line | None = None
    for line in lines:
        text = " ".join(line.text.split())
        text = text[:-1].replace(SOFT_HYPHEN, "") + text[-1:]  # only a line's last one marks a break
        if not text:
            continue
        if not out or previous is None:
            out.append(text)
        elif _KEEP_BREAK_AFTER.search(out[-1]) or _new_item(out[-1], text):
            out.append(text)
        else:
            cut = _cut_word(previous, text, right=right, words=words, so_far=out[-1])
            out[-1] = _glue(out[-1], text, broken_word=cut, words=words)
        previous = line
    return clean_cell("\n".join(out))


def _lines_of(page, bbox) -> list[_Line]:
    """The text lines of one cell: the characters whose middle lies in it (as pdfplumber's own
    table extraction decides)."""
    x0, top, x1, bottom = bbox

    def inside(obj) -> bool:
        if obj.get("object_type") != "char":
            return False
        middle_x, middle_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return x0 <= middle_x <= x1 and top <= middle_y <= bottom

    region = page.filter(inside)
    stream = region.chars
    position = {(c["x0"], c["top"], c["text"]): i for i, c in enumerate(stream)}
    out = []
    for ln in region.extract_text_lines():
        last = ln["chars"][-1] if ln["chars"] else None
        index = position.get((last["x0"], last["top"], last["text"])) if last else None
        following = stream[index + 1]["text"] if index is not None and index + 1 < len(stream) else ""
        out.append(_Line(ln["top"], ln["bottom"], ln["x0"], ln["x1"], ln["text"], space_after=following == " "))
    return out


_Grid = list[list[tuple[tuple | None, list["_Line"]]]]
# a page's item in reading order: a paragraph's text, or a table's (page number, grid)
_Item = str | tuple[int, _Grid]


def _table_grid(page, table) -> _Grid:
    """Each cell of a ruled table (None where a merged cell covers the column) with its text lines."""
    chars = page.filter(lambda obj: obj.get("object_type") == "char" and _overlaps(obj, table.bbox))
    return [[(cell, _lines_of(chars, cell) if cell else []) for cell in row.cells] for row in table.rows]


def _middle_y(grid, r: int) -> float | None:
    boxes = [cell for cell, _lines in grid[r] if cell is not None]
    return (min(b[1] for b in boxes) + max(b[3] for b in boxes)) / 2 if boxes else None


def _above(grid, r: int, c: int, texts: list[list[str | None]]) -> str | None:
    """The text of a cell above whose box reaches down into row r at column c (merged down)."""
    middle_y = _middle_y(grid, r)
    if middle_y is None:
        return None
    for i in range(r - 1, -1, -1):
        cell = grid[i][c][0] if c < len(grid[i]) else None
        if cell is not None:
            return texts[i][c] if cell[1] <= middle_y <= cell[3] else None
    return None


def _left(grid, r: int, c: int, texts: list[list[str | None]]) -> str | None:
    """The text of a cell to the left in row r whose box reaches across column c (merged across
    part of the row). Word gives every position of a merged cell its text; so does this."""
    middle_y = _middle_y(grid, r)
    column_boxes = [grid[i][c][0] for i in range(len(grid)) if c < len(grid[i]) and grid[i][c][0] is not None]
    if middle_y is None or not column_boxes:
        return None
    middle_x = (column_boxes[0][0] + column_boxes[0][2]) / 2
    for j in range(c - 1, -1, -1):
        cell = grid[r][j][0]
        if cell is not None:
            return texts[r][j] if cell[0] <= middle_x <= cell[2] and cell[1] <= middle_y <= cell[3] else None
    return None


def _table_rows(grid, table_number: int, page_number: int, words: set[str]) -> list[RawRow]:
    """Rows with each cell's lines joined back into its text; every position of a merged cell
    gets the merged cell's text."""
    texts: list[list[str | None]] = []
    for row in grid:
        values: list[str | None] = []
        for cell, lines in row:
            if cell is None:
                values.append(None)
                continue
            # the text keeps the same inset from both sides of a cell
            padding = min((ln.x0 for ln in lines), default=cell[0]) - cell[0]
            values.append(_join(lines, right=cell[2] - max(padding, 0.0), words=words))
        texts.append(values)
    rows: list[RawRow] = []
    for index, values in enumerate(texts, start=1):
        distinct = [v for v in values if v is not None]
        # positions covered by a cell merged down from a row above take its text; a row whose only
        # cell spans it across (a section title) is merged across
        down = {c: _above(grid, index - 1, c, texts) for c, v in enumerate(values) if v is None}
        down = {c: text for c, text in down.items() if text is not None}
        merged = len(distinct) == 1 and len(values) > 1 and not down
        if not merged:
            values = [
                v if v is not None else down.get(c, _left(grid, index - 1, c, texts)) for c, v in enumerate(values)
            ]
        cells = [distinct[0]] * len(values) if merged else [v or "" for v in values]
        rows.append(
            RawRow(
                cells=cells,
                distinct=distinct or [""],
                merged_across=merged,
                where=f"Таблица {table_number} (стр. {page_number}), строка {index}",
            )
        )
    return rows


def _overlaps(obj, bbox) -> bool:
    return obj["x1"] >= bbox[0] and obj["x0"] <= bbox[2] and obj["bottom"] >= bbox[1] and obj["top"] <= bbox[3]


_COLUMN_GAP = 18.0  # points: wider than any space between words of a line, narrower than a stamp's gutter


def _split_line(line: dict) -> list[_Line]:
    """A text line cut where a wide gap leaves room for columns (two stamps side by side)."""
    chars = [c for c in line.get("chars", []) if c["text"].strip()]
    whole = [_Line(line["top"], line["bottom"], line["x0"], line["x1"], line["text"])]
    if len(chars) < 2:
        return whole
    widths = sorted(c["x1"] - c["x0"] for c in chars)
    limit = max(_COLUMN_GAP, 3 * widths[len(widths) // 2])
    groups: list[list[dict]] = [[chars[0]]]
    for previous, char in zip(chars, chars[1:], strict=False):
        if char["x0"] - previous["x1"] > limit:
            groups.append([char])
        else:
            groups[-1].append(char)
    if len(groups) == 1:
        return whole
    out = []
    for group in groups:
        text = group[0]["text"]
        for previous, char in zip(group, group[1:], strict=False):
            text += (" " if char["x0"] - previous["x1"] > 1.0 else "") + char["text"]
        out.append(_Line(line["top"], line["bottom"], group[0]["x0"], group[-1]["x1"], text))
    return out


def _side_by_side(raw: list[dict]) -> list[_Line]:
    """Lines outside tables in reading order. Blocks laid out in two columns without ruling (the
    «СОГЛАСОВАНО» and «УТВЕРЖДЕНО» stamps side by side) are read column by column, as a person does,
    not across: a run of at least two lines cut by the same gutter, with the lines between and just
    after it that start at either column's edge."""
    pieces = [_split_line(line) for line in raw]
    out: list[_Line] = []
    index = 0
    while index < len(pieces):
        if len(pieces[index]) != 2:
            out.append(
                _Line(raw[index]["top"], raw[index]["bottom"], raw[index]["x0"], raw[index]["x1"], raw[index]["text"])
            )
            index += 1
            continue
        left_x, gutter = pieces[index][0].x0, pieces[index][1].x0
        height = max(pieces[index][0].bottom - pieces[index][0].top, 1.0)
        end, splits = index, 1
        while end + 1 < len(pieces):
            parts, previous = pieces[end + 1], pieces[end][0]
            if parts[0].top - previous.bottom > 0.8 * height:  # a paragraph's spacing: the block ended
                break
            if len(parts) == 2 and abs(parts[0].x0 - left_x) < 4 and abs(parts[1].x0 - gutter) < 40:
                end, splits = end + 1, splits + 1
            elif len(parts) == 1 and (abs(parts[0].x0 - left_x) < 4 or abs(parts[0].x0 - gutter) < 4):
                end += 1  # a line of one column only
            else:
                break
        if splits < 2:
            line = raw[index]
            out.append(_Line(line["top"], line["bottom"], line["x0"], line["x1"], line["text"]))
            index += 1
            continue
        run = [part for parts in pieces[index : end + 1] for part in parts]
        left = [part for part in run if part.x0 < gutter - 4]
        out.extend(left)
        # the page's items are put in order by their top: the right column comes after the left one
        after = max((part.top for part in left), default=run[0].top)
        for number, part in enumerate((part for part in run if part.x0 >= gutter - 4), start=1):
            height = part.bottom - part.top
            out.append(_Line(after + number * 0.01, after + number * 0.01 + height, part.x0, part.x1, part.text))
        index = end + 1
    return out


def _paragraphs(
    lines: list[_Line], left: float, right: float, words: set[str] | None = None
) -> list[tuple[float, str]]:
    """Lines → paragraphs: a long line is wrapped when the next line's first word would not have
    fitted in the room left at its end."""
    width = max(right - left, 1.0)
    out: list[tuple[float, str]] = []
    previous: _Line | None = None
    for line in lines:
        text = " ".join(line.text.split())
        if not text:
            continue
        first_word = len(text.split(" ", 1)[0]) + 1
        wrapped = (
            previous is not None
            and out
            and previous.x1 - previous.x0 >= 0.45 * width  # a long line, not a right-aligned stamp
            and right - previous.x1 < (first_word + 2) * line.char_width
            and line.top - previous.bottom < 0.9 * (previous.bottom - previous.top)
            and not _KEEP_BREAK_AFTER.search(out[-1][1])
            and not _new_item(out[-1][1], text)
        )
        if wrapped:
            top, before = out[-1]
            out[-1] = (top, _glue(before, text, words=words))
        else:
            out.append((line.top, text))
        previous = line
    return out


_NUMBER_WORD = re.compile(r"^(?:\d{1,2}(?:\.\d{1,3})*\.?|[IVXLC]{1,6}\.)$")
_GUTTER = 6.0  # points: more than a space between words of a cell, less than the room between columns


def _text_lines(words: list[dict]) -> list[list[dict]]:
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _column_edges(lines: list[list[dict]]) -> list[float]:
    """Where the columns of a table without ruling start: the left edges at which the pieces of many
    lines begin (a piece: words closer than a gutter), as a cell's left-aligned text does on every
    line; and the right end of the widest line."""
    starts: list[tuple[float, int]] = []
    for number, line in enumerate(lines):
        for i, word in enumerate(line):
            if i == 0 or word["x0"] - line[i - 1]["x1"] > _GUTTER:
                starts.append((word["x0"], number))
    starts.sort()
    clusters: list[list[tuple[float, int]]] = []
    for x, number in starts:
        if clusters and x - clusters[-1][-1][0] <= 4:
            clusters[-1].append((x, number))
        else:
            clusters.append([(x, number)])
    need = 3
    edges = [min(x for x, _n in c) for c in clusters if len({n for _x, n in c}) >= need]
    if not edges:
        return []
    leftmost = min(w["x0"] for line in lines for w in line)
    if edges[0] - leftmost > 4:
        edges.insert(0, leftmost)  # a first column with few lines (the numbers of a short table)
    # no column is narrower than a number: two starts that close are one column's (a header or a
    # merged title at the cell's edge, the numbers centred a little to the right)
    edges = [x for i, x in enumerate(edges) if i == 0 or x - edges[i - 1] >= 12]
    return edges + [max(w["x1"] for line in lines for w in line)]


def _header_top(page) -> float | None:
    """The top of a header row found by meaning in the text's alignment (pdfplumber's «text»
    strategy gives the rows of words): a line that names a column and, with the lines below it
    joined column by column (a header wrapped in narrow columns), names two; else a line whose own
    pieces name two columns (a page with too few lines for the strategy)."""
    from roadmaps.importers.table import classify_header

    found = [t for t in page.find_tables(_TABLE_SETTINGS_TEXT) if len(t.rows) >= 3]
    candidates = []
    if found:
        table = max(found, key=lambda t: len(t.rows))
        texts = [[" ".join((t or "").split()) for t in row] for row in table.extract()]
        for index, row in enumerate(table.rows):
            following = [r for r in texts[index : index + 6] if any(r)]
            joined = [" ".join(r[c] for r in following if c < len(r) and r[c]) for c in range(len(texts[index]))]
            own = len({classify_header(t) for t in texts[index]} - {None})
            if own and len({classify_header(t) for t in joined} - {None}) >= 2:
                candidates.append((own, row.bbox[1]))
    if candidates:
        # a line naming two columns itself first («№ | Мероприятие | Срок»), before one that names
        # only one (a stamp's «… до 20.12.2022» above the table)
        best = max(own for own, _top in candidates)
        return next(top for own, top in candidates if own >= min(best, 2))
    for line in _text_lines(page.extract_words()):
        pieces: list[list[str]] = []
        for i, word in enumerate(line):
            if i == 0 or word["x0"] - line[i - 1]["x1"] > _GUTTER:
                pieces.append([])
            pieces[-1].append(word["text"])
        if len({classify_header(" ".join(piece)) for piece in pieces} - {None}) >= 2:
            return float(line[0]["top"])
    return None


def _line_text(line: list[dict]) -> str:
    return " ".join(w["text"] for w in line)


def _aligned_table(
    page,
    edges: list[float] | None,
    header: list[str] | None = None,
    *,
    header_top: float | None,
    until: float | None = None,
) -> tuple[tuple, _Grid, list[float], list[str]] | None:
    """A table drawn without lines, read from the text's alignment. The header row is found by
    meaning (so that the heading above is no table); the columns start where many lines' pieces
    start; the header runs down to the first line that begins with a number; a row starts where a
    number stands in the first column, where a column whose cell had ended starts again (Word puts a
    cell's text at its top) or after a wider gap; a line crossing column edges (a section's title)
    is merged across the row. A page with no header continues the previous page's table with its
    columns, when its first line keeps to them. A header repeated on a new page is as many lines as
    the first page's (`header`: their texts); what follows it is a row, maybe one cut by the page.
    Gives (bbox, grid, column edges, header lines) or None."""
    bottom = until if until is not None else page.height * (1 - _MARGIN / 2)
    top = header_top
    continued = top is None
    if continued:
        if not edges:
            return None
        body = [w for w in page.extract_words() if _MARGIN * page.height / 2 < w["top"] < bottom - 1]
        if not body:
            return None
        top = min(w["top"] for w in body)
        first = [w for w in body if abs(w["top"] - top) < 2]
        crossing = any(w["x0"] < edge - 1 < w["x1"] - 2 for w in first for edge in edges[1:-1])
        aligned = any(abs(w["x0"] - edge) < 3 for w in first for edge in edges[:-1])
        if crossing or not aligned or min(w["x0"] for w in first) < edges[0] - 3:
            return None
    assert top is not None
    region = page.crop((0, max(top - 1, 0), page.width, bottom), strict=False)
    lines = _text_lines(region.extract_words(keep_blank_chars=False, use_text_flow=False))
    pitches = sorted(b[0]["top"] - a[0]["top"] for a, b in zip(lines, lines[1:], strict=False))
    pitch = pitches[len(pitches) // 2] if pitches else 0.0
    for index in range(1, len(lines)):
        if pitch and lines[index][0]["top"] - lines[index - 1][0]["top"] > 2.2 * pitch:
            lines = lines[:index]  # a wide gap: the table ended (the signature, a note below it)
            break
    repeated = bool(header) and [_line_text(ln) for ln in lines[: len(header or [])]] == header
    if not continued and not (repeated and edges):
        edges = _column_edges(lines)  # a table of its own; a header repeated keeps the columns
    if not edges or len(edges) < 3 or not lines:
        return None

    def column(word: dict) -> int:
        return max([j for j, edge in enumerate(edges[:-1]) if word["x0"] >= edge - 2] or [0])

    def numbered(line: list[dict]) -> bool:
        return column(line[0]) == 0 and bool(_NUMBER_WORD.match(line[0]["text"]))

    starts = [0]
    header_lines: list[str] = []
    if not continued:
        texts = [_line_text(ln) for ln in lines]
        if header and repeated and len(lines) > len(header):
            starts.append(len(header))  # the first page's header, repeated
        else:
            # the header: down to the first line beginning with a number (in its first cell or a title's)
            first_number = next((i for i, ln in enumerate(lines) if _NUMBER_WORD.match(ln[0]["text"])), None)
            if first_number and first_number <= 12:
                starts.append(first_number)
        header_lines = texts[: starts[1]] if len(starts) > 1 else texts[:1]
    band = {column(w) for w in lines[starts[-1]]}  # the columns of the lines overlapping the last one
    for index in range(starts[-1] + 1, len(lines)):
        line, previous = lines[index], lines[index - 1]
        columns = {column(w) for w in line}
        if pitch and line[0]["top"] - previous[0]["top"] < 0.5 * pitch:
            # overlapping the line before (a cell merged down whose lines run between the rows'):
            # part of the same row
            band |= columns
            continue
        restarted = index - 1 > starts[-1] and bool(columns - band)
        spaced = bool(pitch) and line[0]["top"] - previous[0]["top"] > 1.35 * pitch
        crossing = any(w["x0"] < edge - 1 < w["x1"] - 2 for w in line for edge in edges[1:-1])
        if numbered(line) or restarted or spaced or (crossing and _NUMBER_WORD.match(line[0]["text"])):
            starts.append(index)
        band = columns
    starts = sorted(set(starts))
    grid: _Grid = []
    chars = page.filter(lambda obj: obj.get("object_type") == "char")
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        group = [w for line in lines[start:end] for w in line]
        row_top = min(w["top"] for w in group) - 0.5
        row_bottom = (
            min(w["top"] for w in lines[end]) - 0.5 if end < len(lines) else max(w["bottom"] for w in group) + 0.5
        )
        # columns joined by a word that crosses the edge between them (a text merged across); a
        # title across two columns or more is merged across the whole row
        joined = [any(w["x0"] < edge - 1 < w["x1"] - 2 for w in group) for edge in edges[1:-1]]
        if sum(joined) >= 2:
            joined = [True] * len(joined)
        cells: list[tuple[tuple | None, list[_Line]]] = []
        first_column = 0
        while first_column < len(edges) - 1:
            last = first_column
            while last < len(joined) and joined[last]:
                last += 1
            box = (edges[first_column], row_top, edges[last + 1], row_bottom)
            cells.append((box, _lines_of(chars, box)))
            cells.extend((None, []) for _ in range(last - first_column))
            first_column = last + 1
        filled = [i for i, (box, cell_lines) in enumerate(cells) if box and cell_lines]
        title = filled == [0] and not _NUMBER_WORD.match(" ".join(ln.text for ln in cells[0][1]).strip())
        if len(filled) == 1 and (title or any(joined)):
            # the row's only text, in the first cell or across some: a title merged across the row
            box = (edges[0], row_top, edges[-1], row_bottom)
            cells = [(box, _lines_of(chars, box))] + [(None, []) for _ in edges[2:]]
        grid.append(cells)
    _text_edges(grid, len(edges) - 1)
    bbox = (edges[0], top - 1, edges[-1], max(w["bottom"] for w in lines[-1]) + 1)
    return bbox, grid, edges, header_lines or (header or [])


def _text_edges(grid: _Grid, width: int) -> None:
    """A cell's right side set at the text edge of its column, the widest line in it (a word cut at
    the edge is judged by it)."""
    for index in range(width):
        single = [r[index] for r in grid if r[index][0] and (index + 1 >= len(r) or r[index + 1][0])]
        text_right = max((ln.x1 for _box, cell_lines in single for ln in cell_lines), default=None)
        if text_right is None:
            continue
        for r in grid:
            box, cell_lines = r[index]
            if box and (index + 1 >= len(r) or r[index + 1][0]):
                r[index] = ((box[0], box[1], max(text_right, box[0] + 1), box[3]), cell_lines)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line]  # outside the tables
    grids: list[tuple[tuple, _Grid]]  # (bbox, grid) of each table


# a page number as it is printed: «3», «- 3 -», «Страница 3», «стр. 3 из 5», «3 / 5»
_PAGE_NUMBER = re.compile(
    r"^[-–—]?\s*(?:(?:страница|стр\.?|лист|с\.)\s*)?\d{1,3}\s*(?:(?:из|/)\s*\d{1,3})?\s*[-–—]?$", re.I
)
_MARGIN = 0.12  # the top and the bottom 12 % of a page: where running headers and footers stand


def _in_margin(line: _Line, page: _Page) -> bool:
    return line.bottom <= _MARGIN * page.height or line.top >= (1 - _MARGIN) * page.height


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _running_lines(pages: list[_Page]) -> set[str]:
    """Texts (digits aside) that stand in the margin band of more than one page and of at least half
    of them: a running header or footer («Приложение к приказу № 5 — стр. 2»), not the document's."""
    seen: dict[str, set[int]] = {}
    for page in pages:
        for line in page.lines:
            if _in_margin(line, page):
                seen.setdefault(_running_key(line.text), set()).add(page.number)
    return {key for key, where in seen.items() if len(where) >= max(2, (len(pages) + 1) // 2)}


def _is_running(line: _Line, page: _Page, running: set[str]) -> bool:
    """A page number or a running header/footer line: page furniture, not the order's text."""
    if not _in_margin(line, page):
        return False
    return bool(_PAGE_NUMBER.match(line.text.strip())) or _running_key(line.text) in running


def pdf_blocks(file: BinaryIO | str | bytes) -> list[Block]:
    """The document in reading order: paragraphs (str) and tables (list of RawRow)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    source: Any = io.BytesIO(file) if isinstance(file, bytes) else file
    try:
        pdf = pdfplumber.open(source)
    except (PDFSyntaxError, ValueError, TypeError, KeyError, OSError) as exc:
        raise RoadmapImportError("Файл не читается как PDF: возможно, он повреждён или защищён паролем.") from exc
    except Exception as exc:  # pdfminer raises its own exception types for encrypted or broken files
        raise RoadmapImportError("Файл не читается как PDF: возможно, он повреждён или защищён паролем.") from exc
    pages: list[list[tuple[float, _Item]]] = []  # per page: (top, paragraph text or table grid)
    read: list[_Page] = []
    paragraphs: list[str] = []
    cell_lines: list[str] = []
    text_found = False
    edges: list[float] | None = None  # the columns of a table without ruling, kept for the next page
    header: list[str] = []  # and the lines of its header, to know it when it is repeated
    try:
        with pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise RoadmapImportError(f"В PDF больше {MAX_PAGES} страниц: это не похоже на дорожную карту.")
            for page in pdf.pages:
                if not page.chars:
                    continue
                text_found = True
                tables = page.find_tables()
                if tables:
                    grids = [(table.bbox, _table_grid(page, table)) for table in tables if table.rows]
                else:
                    # a table drawn without lines: the previous page's going on at the top, and one
                    # with a header of its own (maybe under the end of the previous one)
                    header_top = _header_top(page)
                    grids = []
                    if edges:
                        # (a header's lines centred in their cells may stand a line above its top)
                        until = header_top - 15 if header_top is not None else None
                        going_on = _aligned_table(page, edges, header, header_top=None, until=until)
                        if going_on:
                            grids.append((going_on[0], going_on[1]))
                    if header_top is not None:
                        fresh = _aligned_table(page, edges, header, header_top=header_top)
                        if fresh:
                            grids.append((fresh[0], fresh[1]))
                            edges, header = fresh[2], header or fresh[3]
                rest = page
                for bbox, _grid in grids:
                    # a line just under (or over) a table may touch its border by a fraction of a
                    # point (a section's title between two tables): it stays a paragraph
                    x0, top, x1, bottom = bbox
                    rest = rest.outside_bbox((x0, min(top + 2, bottom), x1, max(bottom - 2, top)))
                lines = _side_by_side(rest.extract_text_lines())
                read.append(_Page(page.page_number, float(page.width), float(page.height), lines, grids))
            running = _running_lines(read)
            for page_read in read:
                lines = [ln for ln in page_read.lines if not _is_running(ln, page_read, running)]
                boxes = [bbox for bbox, _grid in page_read.grids]
                left = min([ln.x0 for ln in lines] + [b[0] for b in boxes] or [0.0])
                right = max([ln.x1 for ln in lines] + [b[2] for b in boxes] or [page_read.width])
                items: list[tuple[float, _Item]] = []
                # paragraphs are cut at every table: text above a table never joins text below it
                cuts = sorted(b[1] for b in boxes)
                groups: dict[int, list[_Line]] = {}
                for line in lines:
                    groups.setdefault(sum(1 for c in cuts if c < line.top), []).append(line)
                texts = [item for group in groups.values() for item in _paragraphs(group, left, right)]
                paragraphs.extend(text for _top, text in texts)
                items.extend(texts)
                for bbox, grid in page_read.grids:
                    cell_lines.extend(ln.text for row in grid for _cell, cell in row for ln in cell)
                    items.append((bbox[1], (page_read.number, grid)))
                items.sort(key=lambda item: item[0])
                pages.append(items)
    except RoadmapImportError:
        raise
    except Exception as exc:  # a damaged page: say so rather than return half a roadmap
        raise RoadmapImportError("PDF не удалось прочитать до конца: возможно, файл повреждён.") from exc
    if not text_found:
        raise RoadmapImportError(SCAN_MESSAGE)
    # a word cut at a narrow column's edge is recognised by the words the document has whole
    words = vocabulary(paragraphs, cell_lines)
    blocks: list[Block] = []
    table_number = 0
    for items in pages:
        for position, (_top, item) in enumerate(items):
            if isinstance(item, str):
                blocks.append(item)
                continue
            table_number += 1
            page_number, grid = item
            rows = _table_rows(grid, table_number, page_number, words)
            if position == 0:
                _glue_page_break(blocks, rows, words)
            blocks.append(rows)
    if not any(isinstance(b, list) for b in blocks) and not _paragraph_roadmap(blocks):
        raise RoadmapImportError(
            "В PDF не найдено ни одной таблицы: дорожная карта читается из таблицы мероприятий. Загрузите "
            "исходный документ Word или Excel."
        )
    return blocks


def _starts_anew(text: str) -> bool:
    """A cell text that begins a text of its own rather than going on with one cut by the page."""
    first = text.lstrip()[:1]
    return first.isupper() or first.isdigit() or first in '«"(№'


def _paragraph_roadmap(blocks: list[Block]) -> bool:
    from roadmaps.importers.paragraphs import paragraph_table

    return paragraph_table([b for b in blocks if isinstance(b, str)]) is not None


def _norm(row: RawRow) -> str:
    return " ".join(" ".join(row.cells).lower().split())


def _glue_page_break(blocks: list[Block], table: list[RawRow], words: set[str] | None = None) -> None:
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
    filled = [c for c in first.cells if c]
    if len(filled) >= 2 and all(_starts_anew(c) for c in filled):
        # not a row cut in two but the next row, its first cells merged down from the row above across
        # the break (a stage and its number): Word leaves them blank on the new page, the reading gives
        # every position of a merged cell its text
        lead = next(i for i, c in enumerate(first.cells) if c)
        first.cells = last.cells[:lead] + first.cells[lead:]
        first.distinct = list(dict.fromkeys(first.cells))
        return
    last.cells = [join_wrapped(f"{a}\n{b}", words) if b else a for a, b in zip(last.cells, first.cells, strict=True)]
    last.distinct = list(last.cells)
    del table[index]
