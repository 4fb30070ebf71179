"""From a grid of cell texts (any source) to sections and activities.

Documents differ in column order, header wording, title lines above the table and the way section
rows are drawn, so everything here is decided by words and shapes, never by fixed positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADER_SCAN_ROWS = 20

# Checked in this order: "Ответственный исполнитель" is a responsible column although "исполнитель"
# alone would do, "Показатель реализации" must not be read as a deadline, "Форма представления
# результата" is the result and not the activity.
COLUMN_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("number", (r"^№", r"^n\b", r"п/п", r"^номер", r"^#")),
    ("indicator", (r"показател", r"индикатор", r"целев\w* значени")),
    ("deadline", (r"срок", r"^дата", r"период\w* (?:исполнения|проведения)", r"^когда")),
    ("responsible", (r"ответствен", r"исполнител")),
    ("participants", (r"участник",)),
    ("result", (r"результат", r"вид документа", r"форма представления", r"итогов\w* документ", r"продукт")),
    ("title", (r"мероприят", r"содержание", r"наименование", r"деятельност", r"действи", r"направлени", r"задач")),
]
COLUMN_LABELS = {
    "number": "№",
    "title": "Мероприятие",
    "deadline": "Сроки",
    "responsible": "Ответственные",
    "participants": "Участники",
    "result": "Результат",
    "indicator": "Показатель",
}

ROMAN = r"(?:x{0,3})(?:ix|iv|v?i{0,3})"
SECTION_NUMBER = re.compile(rf"^\s*((?:\d{{1,2}}|{ROMAN}))\s*[.)]?\s+(?=\S)", re.IGNORECASE)
SECTION_NUMBER_ONLY = re.compile(rf"^\s*(?:раздел\s+)?(\d{{1,2}}|{ROMAN})\s*[.)]?\s*$", re.IGNORECASE)
ACTIVITY_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,3})+\.?\s*$|^\s*\d{1,3}\.?\s*$")


class RoadmapImportError(ValueError):
    """A document we cannot read; the message is for the user, in Russian."""


@dataclass
class RawRow:
    cells: list[str]
    # how many grid columns each distinct cell covers (merged cells count once)
    distinct: list[str]
    merged_across: bool
    where: str  # "строка 12" or "таблица 1, строка 12", for messages


@dataclass
class ParsedActivity:
    number: str
    title: str
    deadline_text: str = ""
    responsible_text: str = ""
    participants_text: str = ""
    result: str = ""
    indicator_text: str = ""
    where: str = ""


@dataclass
class ParsedSection:
    number: str
    title: str
    activities: list[ParsedActivity] = field(default_factory=list)


@dataclass
class ParsedTable:
    columns: list[str]
    mapping: dict[str, int]
    sections: list[ParsedSection]
    warnings: list[str]


def clean_cell(value) -> str:
    """Cell text with its lines kept, spaces inside each line collapsed."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _norm_header(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").lower().split())


def classify_header(text: str) -> str | None:
    norm = _norm_header(text)
    if not norm:
        return None
    for key, patterns in COLUMN_WORDS:
        if any(re.search(p, norm) for p in patterns):
            return key
    return None


def find_header(rows: list[RawRow]) -> tuple[int, dict[str, int]] | None:
    """Index of the header row among the first rows, and column → position."""
    best: tuple[int, int, dict[str, int]] | None = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping: dict[str, int] = {}
        for position, cell in enumerate(row.cells):
            key = classify_header(cell) if len(cell) <= 120 else None
            if key and key not in mapping:
                mapping[key] = position
        if "title" not in mapping or len(mapping) < 3:
            continue
        score = len(mapping)
        if best is None or score > best[0]:
            best = (score, index, mapping)
    if best is None:
        return None
    return best[1], best[2]


def _is_column_numbers(row: RawRow) -> bool:
    values = [c for c in row.cells if c]
    return (
        len(values) >= 3
        and all(v.isdigit() for v in values)
        and [int(v) for v in values] == list(range(int(values[0]), int(values[0]) + len(values)))
    )


def split_section(text: str) -> tuple[str, str]:
    first_line, _, rest = text.partition("\n")
    m = SECTION_NUMBER.match(first_line)
    if m and m.group(1):
        number = first_line[: m.end()].strip()
        title = first_line[m.end() :].strip()
        return number, (title + ("\n" + rest if rest else "")).strip()
    return "", text.strip()


def parse_rows(rows: list[RawRow], *, source_label: str = "") -> ParsedTable:
    found = find_header(rows)
    if found is None:
        raise RoadmapImportError(
            "Не найдена строка заголовков таблицы в первых 20 строках. Нужны как минимум столбцы "
            "«Мероприятие» (или «Содержание деятельности», «Наименование мероприятий»), «Сроки» и "
            "«Ответственные» (или «Исполнители»)."
        )
    header_index, mapping = found
    header = rows[header_index]
    columns = [c for c in header.cells if c]
    # Keep the header as printed, one entry per distinct column, in order.
    columns = []
    for position in sorted(set(mapping.values()) | {i for i, c in enumerate(header.cells) if c}):
        text = header.cells[position] if position < len(header.cells) else ""
        if text and (not columns or columns[-1] != text):
            columns.append(" ".join(text.split()))
    warnings: list[str] = []
    for key in ("deadline", "responsible"):
        if key not in mapping:
            warnings.append(f"Нет столбца «{COLUMN_LABELS[key]}»: значения останутся пустыми.")

    def cell(row: RawRow, key: str) -> str:
        position = mapping.get(key)
        if position is None or position >= len(row.cells):
            return ""
        return row.cells[position]

    sections: list[ParsedSection] = []
    current: ParsedSection | None = None
    other_keys = [k for k in ("deadline", "responsible", "result", "participants", "indicator") if k in mapping]
    for row in rows[header_index + 1 :]:
        values = [c for c in row.distinct if c]
        if not values:
            continue
        if _is_column_numbers(row) or _norm_header(" ".join(row.cells)) == _norm_header(" ".join(header.cells)):
            continue  # the "1 2 3 4 5" line under a header, or a header repeated on a new page
        number, title = cell(row, "number"), cell(row, "title")
        is_section = False
        if len(set(values)) == 1 and (row.merged_across or (len(values) == 1 and SECTION_NUMBER.match(values[0]))):
            sec_number, sec_title = split_section(values[0])
            if not (number and ACTIVITY_NUMBER.match(number) and "." in number.strip(". ") and not row.merged_across):
                is_section = True
        elif number and SECTION_NUMBER_ONLY.match(number) and title and not any(cell(row, k) for k in other_keys):
            sec_number, sec_title, is_section = number, title, True
        if is_section:
            current = ParsedSection(number=sec_number, title=sec_title)
            sections.append(current)
            continue
        if not title:
            if number and not any(cell(row, k) for k in other_keys):
                warnings.append(f"{row.where}: номер «{number}» без текста мероприятия — строка пропущена.")
            else:
                warnings.append(f"{row.where}: пустой столбец «{header.cells[mapping['title']]}» — строка пропущена.")
            continue
        if current is None:
            current = ParsedSection(number="", title="")
            sections.append(current)
        activity = ParsedActivity(
            number=number.strip(),
            title=title,
            deadline_text=cell(row, "deadline"),
            responsible_text=cell(row, "responsible"),
            participants_text=cell(row, "participants"),
            result=cell(row, "result"),
            indicator_text=cell(row, "indicator"),
            where=row.where,
        )
        if not activity.deadline_text and "deadline" in mapping:
            warnings.append(f"{row.where}, мероприятие {activity.number or '(без номера)'}: срок не указан.")
        current.activities.append(activity)
    if not any(s.activities for s in sections):
        raise RoadmapImportError("В таблице под строкой заголовков нет ни одного мероприятия.")
    return ParsedTable(columns=columns, mapping=mapping, sections=sections, warnings=warnings)
