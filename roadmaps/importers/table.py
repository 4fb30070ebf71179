"""From a grid of cell texts (any source) to sections and activities.

Documents differ in column order, header wording, title lines above the table and the way section
rows are drawn, so everything here is decided by words and shapes, never by fixed positions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from accounts.names import strip_invisible

HEADER_SCAN_ROWS = 20
# a sheet may carry the whole order (its text, signatures, the list of those acquainted) above the
# roadmap's header: the header is looked for this far down a sheet
SHEET_SCAN_ROWS = 300

# Checked in this order: "Ответственный исполнитель" is a responsible column although "исполнитель"
# alone would do, "Показатель реализации" must not be read as a deadline, "Форма представления
# результата" is the result and not the activity.
COLUMN_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("number", (r"^№", r"^n\b", r"^no\.?$", r"п/п", r"^номер", r"^#", r"^пункт")),
    ("note", (r"^примечани", r"^комментари", r"^отметка")),
    ("indicator", (r"показател", r"индикатор", r"целев\w* значени", r"значени\w* показател")),
    (
        "deadline",
        (
            r"срок",
            r"^дата",
            r"(?:планируем|предполагаем|ориентировочн)\w* дат",
            r"период\w* (?:исполнения|проведения|реализации|выполнения)",
            r"^период\w*$",
            r"^месяц",
            r"^когда",
            r"^время",
            r"^график",
        ),
    ),
    ("responsible", (r"ответствен", r"исполнител", r"^кто ")),
    ("participants", (r"участник", r"целев\w* (?:группа|аудитори)", r"для кого")),
    (
        "result",
        (
            r"результат",
            r"вид документа",
            r"форма представлени",
            r"форма отчет",
            r"итогов\w* документ",
            r"продукт",
            r"выход",
        ),
    ),
    (
        "title",
        (
            r"мероприят",
            r"содержание",
            r"наименование",
            r"деятельност",
            r"действи",
            r"направлени",
            r"задач",
            r"^вид работ",
            r"^тема",
        ),
    ),
]
# The roles a column of the roadmap table can play, with their Russian names (for the preview where a
# person maps columns by hand, and for messages). RoadmapDocument.column_roles maps a role to a column.
COLUMN_ROLES: dict[str, str] = {
    "number": "№ п/п",
    "title": "Мероприятие",
    "deadline": "Сроки",
    "responsible": "Ответственные",
    "participants": "Участники",
    "result": "Результат",
    "indicator": "Показатель",
    "note": "Примечание",
    "section": "Раздел (этап)",
}
COLUMN_LABELS = COLUMN_ROLES
# the roles whose cells, when all empty, make a "number | title" row a section heading
DETAIL_ROLES = ("deadline", "responsible", "result", "participants", "indicator")

ROMAN = r"(?:x{0,3})(?:ix|iv|v?i{0,3})"
SECTION_NUMBER = re.compile(rf"^\s*(?:раздел\s+|блок\s+|этап\s+)?((?:\d{{1,2}}|{ROMAN}))\s*[.)]?\s+(?=\S)", re.I)
SECTION_NUMBER_ONLY = re.compile(rf"^\s*(?:раздел\s+|блок\s+|этап\s+)?(\d{{1,2}}|{ROMAN})\s*[.)]?\s*$", re.I)
ACTIVITY_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,3})*\.?\s*$")
LEADING_NUMBER = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,3})*\.?)\s+(?=\S)")


class RoadmapImportError(ValueError):
    """A document we cannot read; the message is for the user, in Russian."""


@dataclass
class RawRow:
    """One row of a table as read from any format.

    `cells` has one text per grid column (a horizontally merged cell repeats its text, or leaves the
    covered columns empty); `distinct` has each merged cell once; `origin[i]`, when known, is the
    grid column where the cell covering column i starts.
    """

    cells: list[str]
    distinct: list[str]
    merged_across: bool
    where: str  # "строка 12" or "таблица 1, строка 12", for messages
    origin: list[int] | None = None

    @classmethod
    def of(cls, cells: list[str | None], where: str, origin: list[int] | None = None) -> RawRow:
        """A row from plain cell texts (None for a cell covered by a merge), e.g. from a PDF table."""
        texts = [clean_cell(c) for c in cells]
        if origin is None:
            distinct = [t for t in texts if t]
            merged = len([c for c in cells if c is not None]) == 1 and len(cells) > 1
        else:
            starts = sorted(set(origin))
            distinct = [texts[i] for i in starts if i < len(texts)]
            merged = len(starts) == 1 and len(cells) > 1
        return cls(cells=texts, distinct=distinct or [""], merged_across=merged, where=where, origin=origin)


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
    note: str = ""
    # the heading of a group of sub-numbered items («4.1. Семинары» over «4.1.1.»): no deadline of its own
    heading: bool = False


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
    caption: list[str] = field(default_factory=list)  # the rows above the header (title lines inside the table)


def clean_cell(value) -> str:
    """Cell text with its lines kept, spaces inside each line collapsed."""
    if value is None:
        return ""
    text = strip_invisible(str(value)).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _norm_header(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").lower().split())


# the same words with spaces taken out: a narrow column of a PDF cuts a header word without a hyphen
# («Наименов | ание этапа», «Мероприя | тия»), and its pieces must still name the column
_COMPACT_WORDS = [(key, tuple(p.replace(" ", "") for p in patterns)) for key, patterns in COLUMN_WORDS]


def classify_header(text: str) -> str | None:
    norm = _norm_header(text)
    if not norm or len(norm) > 120:
        return None
    for key, patterns in COLUMN_WORDS:
        if any(re.search(p, norm) for p in patterns):
            return key
    compact = norm.replace(" ", "")
    for key, patterns in _COMPACT_WORDS:
        if any(re.search(p, compact) for p in patterns):
            return key
    return None


@dataclass
class Header:
    index: int  # first header row
    height: int  # 1, or 2 for a header of two rows with merged cells
    mapping: dict[str, int]
    labels: list[str]  # per grid column, both rows joined

    @property
    def score(self) -> int:
        return len(self.mapping) + (2 if "deadline" in self.mapping else 0)


TITLE_PATTERNS = dict(COLUMN_WORDS)["title"]
STAGE_WORDS = re.compile(r"этап|раздел|блок|направлени|задач", re.I)


def _title_rank(label: str) -> int:
    norm = _norm_header(label)
    return next((i for i, p in enumerate(TITLE_PATTERNS) if re.search(p, norm)), len(TITLE_PATTERNS))


def _row_roles(labels: list[str]) -> dict[str, int]:
    """Role → column of a header row. Of several activity-like columns («Наименование этапа»,
    «Мероприятия», «Содержание деятельности») the activity is the one named most plainly; a stage
    or section column beside it gives the sections."""
    mapping: dict[str, int] = {}
    titles: list[int] = []
    for position, label in enumerate(labels):
        key = classify_header(label)
        if key == "title":
            if position not in titles and (not titles or labels[titles[-1]] != label):
                titles.append(position)
            continue
        if key and key not in mapping:
            mapping[key] = position
    deadlines = [i for i, label in enumerate(labels) if classify_header(label) == "deadline"]
    if len(deadlines) > 1:
        # «Срок начала | Срок окончания»: a person is due at the end
        ends = [i for i in deadlines if re.search(r"оконч|заверш|конеч|конц", _norm_header(labels[i]))]
        starts = [i for i in deadlines if re.search(r"начал", _norm_header(labels[i]))]
        if ends:
            mapping["deadline"] = ends[0]
        elif starts and len(starts) < len(deadlines):
            mapping["deadline"] = next(i for i in deadlines if i not in starts)
    if titles:
        ranked = sorted(titles, key=lambda i: (STAGE_WORDS.search(labels[i]) is not None, _title_rank(labels[i]), i))
        mapping["title"] = ranked[0]
        stages = [i for i in titles if i != ranked[0] and STAGE_WORDS.search(labels[i]) and i < ranked[0]]
        if stages:
            mapping["section"] = stages[0]
        others = [i for i in titles if i != ranked[0] and i not in stages]
        if others and "note" not in mapping:
            mapping["note"] = others[0]
    return mapping


def _two_row_labels(top: RawRow, sub: RawRow) -> list[str] | None:
    """Labels of a header spanning two rows, or None when `sub` is not a header row."""
    values = [c for c in sub.cells if c]
    if not values or _is_column_numbers(sub):
        return None
    if len([c for c in top.distinct if c]) < 2:
        return None  # a title line above the header is not the header's first row
    if any(ACTIVITY_NUMBER.match(v) and not re.fullmatch(r"(?:19|20)\d{2}", v.strip(" .г")) for v in values[:1]):
        return None
    if not all(classify_header(v) or re.fullmatch(r"(?:19|20)\d{2}\s*(?:г\.?|год)?", v) or len(v) < 40 for v in values):
        return None
    width = max(len(top.cells), len(sub.cells))
    labels = []
    for i in range(width):
        a = top.cells[i] if i < len(top.cells) else ""
        b = sub.cells[i] if i < len(sub.cells) else ""
        if b and a != b and classify_header(b):
            labels.append(b)  # «Исполнители» over «ответственный | участники»: the lower label is precise
        else:
            labels.append(" ".join(x for x in (a, b if b != a else "") if x))
    return labels


def find_header(rows: list[RawRow], scan: int = HEADER_SCAN_ROWS) -> Header | None:
    """The header among the first `scan` rows of a table, found by the meaning of its labels."""
    best: Header | None = None
    for index, row in enumerate(rows[:scan]):
        labels = list(row.cells)
        mapping = _row_roles(labels)
        height = 1
        if index + 1 < len(rows):
            two = _two_row_labels(row, rows[index + 1])
            if two is not None:
                two_mapping = _row_roles(two)
                # more roles, or the same roles placed better («Сроки» over «начало | окончание»)
                if len(two_mapping) > len(mapping) or (len(two_mapping) == len(mapping) and two_mapping != mapping):
                    labels, mapping, height = two, two_mapping, 2
        if "title" not in mapping or (len(mapping) < 3 and set(mapping) != {"title", "deadline"}):
            continue  # «Тема | Сроки» alone (a teacher's plan) is a roadmap too; other pairs are not
        header = Header(index, height, mapping, labels)
        if best is None or header.score > best.score:
            best = header
    return best


def _is_column_numbers(row: RawRow) -> bool:
    values = [c for c in (row.distinct if row.origin else row.cells) if c]
    if len(values) < 3 or not all(v.rstrip(".").isdigit() for v in values):
        return False
    numbers = [int(v.rstrip(".")) for v in values]
    return (
        numbers == list(range(numbers[0], numbers[0] + len(numbers)))
        or len(set(numbers)) == len(numbers) == len([c for c in row.cells if c])
        and numbers == sorted(numbers)
    )


def split_section(text: str) -> tuple[str, str]:
    first_line, _, rest = text.partition("\n")
    m = SECTION_NUMBER.match(first_line)
    if m and m.group(1):
        number = first_line[: m.end()].strip()
        title = first_line[m.end() :].strip()
        return number, (title + ("\n" + rest if rest else "")).strip()
    return "", text.strip()


def _join(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    return a + "\n" + b


def parse_rows(rows: list[RawRow], *, column_map: dict[str, int] | None = None, source_label: str = "") -> ParsedTable:
    """Sections and activities of the roadmap table `rows` (a split table already joined).

    `column_map` (role → column index) is the mapping a person chose in the preview; it replaces
    the one found from the header words.
    """
    header = find_header(rows)
    if header is None and not column_map:
        raise RoadmapImportError(
            "Не найдена строка заголовков таблицы в первых 20 строках. Нужны как минимум столбцы "
            "«Мероприятие» (или «Содержание деятельности», «Наименование мероприятий»), «Сроки» и "
            "«Ответственные» (или «Исполнители»)."
        )
    if header is None:
        header = Header(-1, 1, {}, [])
    mapping = dict(header.mapping)
    if column_map:
        mapping = {k: int(v) for k, v in column_map.items() if k in COLUMN_ROLES and v is not None and int(v) >= 0}
        if "title" not in mapping:
            raise RoadmapImportError("Укажите, в каком столбце записаны мероприятия.")
    body_start = header.index + header.height
    header_rows = rows[header.index : body_start] if header.index >= 0 else []
    labels = header.labels
    width = max((len(r.cells) for r in rows), default=0)
    columns: list[str] = []
    for position in range(len(labels)):
        text = " ".join(labels[position].split()) if labels[position] else ""
        if text and (not columns or columns[-1] != text):
            columns.append(text)
    warnings: list[str] = []
    for key in ("deadline", "responsible"):
        if key not in mapping:
            warnings.append(f"Нет столбца «{COLUMN_ROLES[key]}»: значения останутся пустыми.")
    for key, position in mapping.items():
        if position >= width:
            raise RoadmapImportError(
                f"В таблице {width} столбцов: столбца № {position + 1} для «{COLUMN_ROLES[key]}» нет."
            )
    title_label = labels[mapping["title"]] if mapping.get("title", -1) < len(labels) and labels else "Мероприятие"
    header_norms = {_norm_header(" ".join(r.cells)) for r in header_rows}
    header_norms |= {_norm_header(" ".join(labels))}

    def cell(row: RawRow, key: str) -> str:
        position = mapping.get(key)
        if position is None or position >= len(row.cells):
            return ""
        if row.origin is not None and position < len(row.origin):
            start = row.origin[position]
            if start != position and start in mapping.values():
                return ""  # covered by another column's merged cell
        return row.cells[position]

    def cell_raw(row: RawRow, key: str) -> str:
        position = mapping.get(key)
        return row.cells[position] if position is not None and position < len(row.cells) else ""

    body = []
    for row in rows[body_start:]:
        values = [c for c in row.distinct if c]
        if not values:
            continue
        if _is_column_numbers(row) or _norm_header(" ".join(row.cells)) in header_norms:
            continue  # the "1 2 3 4 5" line under a header, or a header repeated on a new page
        if not ACTIVITY_NUMBER.match(cell_raw(row, "number") or "x") and len(_row_roles(row.cells)) >= max(
            3, len(mapping) - 1
        ):
            continue  # a header repeated on a new page, worded slightly differently
        body.append(row)

    has_number_column = "number" in mapping
    numbered = 0
    with_title = 0
    for row in body:
        if cell(row, "title"):
            with_title += 1
            if ACTIVITY_NUMBER.match(_number_of(row, cell, has_number_column)[0] or "x"):
                numbered += 1
    table_is_numbered = with_title > 0 and numbered >= 0.5 * with_title

    sections: list[ParsedSection] = []
    current: ParsedSection | None = None
    previous: ParsedActivity | None = None
    staged = "section" in mapping
    stage_number = ""
    for position, row in enumerate(body):
        values = [c for c in row.distinct if c]
        number, title = _number_of(row, cell, has_number_column)
        details = any(cell(row, k) for k in DETAIL_ROLES)
        if number and title and not details and position + 1 < len(body) and "." in number.strip(". "):
            following = _number_of(body[position + 1], cell, has_number_column)[0]
            if following.startswith(number.rstrip(". ") + ".") and len(following.strip(". ")) > len(number.strip(". ")):
                # «4.1. Семинары» over «4.1.1.», «4.1.2.»: the heading of a group, read as an item of its
                # own (number and text, no deadline of its own), never dropped
                if current is None:
                    current = ParsedSection(number="", title="")
                    sections.append(current)
                previous = _activity(row, number, title, cell)
                previous.heading = True
                current.activities.append(previous)
                continue
        if staged:
            stage = cell(row, "section")
            if stage and (current is None or stage != current.title) and stage != number:
                sec_number, sec_title = split_section(stage)
                if not sec_number and number and SECTION_NUMBER_ONLY.match(number):
                    sec_number = number
                stage_number = sec_number
                current = ParsedSection(number=sec_number, title=sec_title)
                sections.append(current)
                previous = None
            if number and number == stage_number:
                number = ""  # the stage's number repeated on each of its rows
            if title and not (len(set(values)) == 1 and row.merged_across):
                if current is None:
                    current = ParsedSection(number="", title="")
                    sections.append(current)
                activity = _activity(row, number, title, cell)
                current.activities.append(activity)
                previous = activity
                continue
        if previous is not None and number and number == previous.number and title == previous.title:
            # a cell merged down over two rows (Word repeats it): one activity, its other cells joined
            for attr, key in (("deadline_text", "deadline"), ("responsible_text", "responsible"), ("result", "result")):
                value = cell(row, key)
                if value and value not in getattr(previous, attr):
                    setattr(previous, attr, _join(getattr(previous, attr), value))
            continue
        section: tuple[str, str] | None = None
        spread = _spread_across(row, mapping)
        rest = {c for i, c in enumerate(row.cells) if c and i != mapping.get("number")}
        spilt = (
            number
            and title
            and not row.merged_across
            and title not in number
            and len(rest) <= 1
            and not ACTIVITY_NUMBER.match(number)
            and SECTION_NUMBER.match(number)
        )
        if spilt:
            # «2. Реализация» | «программ наставничества»: a section's title spilt over the number
            # column (a table without ruling read from a PDF)
            section = split_section(_join_words(number, title))
        elif spread and (not number or SECTION_NUMBER_ONLY.match(number)):
            # «I.» | one title repeated in every other column: a row merged across, as a PDF gives it
            own = split_section(spread)
            section = own if own[0] or not number else (number, spread)
        elif len(set(values)) == 1 and (
            row.merged_across or (len(values) == 1 and SECTION_NUMBER.match(values[0]) and not details)
        ):
            # one text across the row: a section, unless it is a numbered activity like «1.2. …»
            sec_number, sec_title = split_section(values[0])
            if not (number and "." in number.strip(". ") and not row.merged_across):
                section = (sec_number, sec_title)
        elif number and title and not details and SECTION_NUMBER_ONLY.match(number):
            if not _continues_numbering(number, previous) or _is_section_like(title):
                section = (number, title)
        elif not number and title and not details and table_is_numbered and _is_section_title(title, previous):
            section = ("", title)
        if section is not None:
            current = ParsedSection(number=section[0], title=section[1])
            sections.append(current)
            previous = None
            continue
        if not title and not details:
            if number:
                warnings.append(f"{row.where}: номер «{number}» без текста мероприятия — строка пропущена.")
            continue
        if not number and previous is not None and table_is_numbered:
            # the text of the activity above goes on in this row (a page break, or a long cell)
            previous.title = _join(previous.title, title)
            previous.deadline_text = _join(previous.deadline_text, cell(row, "deadline"))
            previous.responsible_text = _join(previous.responsible_text, cell(row, "responsible"))
            previous.participants_text = _join(previous.participants_text, cell(row, "participants"))
            previous.result = _join(previous.result, cell(row, "result"))
            previous.indicator_text = _join(previous.indicator_text, cell(row, "indicator"))
            previous.note = _join(previous.note, cell(row, "note"))
            continue
        if not title:
            warnings.append(f"{row.where}: пустой столбец «{title_label}» — строка пропущена.")
            continue
        if current is None:
            current = ParsedSection(number="", title="")
            sections.append(current)
        activity = _activity(row, number, title, cell)
        current.activities.append(activity)
        previous = activity
    if "deadline" not in mapping:
        # no deadline column: a person reads the deadline where the text gives it («… (до 01.10.2024)»,
        # «… – сентябрь 2024 г.», «… Срок – октябрь 2024 г.»)
        found = 0
        for activity in (a for s in sections for a in s.activities):
            activity.deadline_text = deadline_in_text(activity.title)
            found += bool(activity.deadline_text)
        if found:
            warnings = [w for w in warnings if not w.startswith(f"Нет столбца «{COLUMN_ROLES['deadline']}»")]
            warnings.append("Столбца сроков нет: сроки взяты из текста мероприятий — проверьте их.")
    for activity in (a for s in sections for a in s.activities):
        if not activity.deadline_text and "deadline" in mapping and not activity.heading:
            warnings.append(f"{activity.where}, мероприятие {activity.number or '(без номера)'}: срок не указан.")
    sections = [s for s in sections if s.activities or s.title]
    if not any(s.activities for s in sections):
        raise RoadmapImportError("В таблице под строкой заголовков нет ни одного мероприятия.")
    caption = [" ".join(" ".join(c for c in dict.fromkeys(r.cells) if c).split()) for r in rows[: max(header.index, 0)]]
    return ParsedTable(
        columns=columns, mapping=mapping, sections=sections, warnings=warnings, caption=[c for c in caption if c]
    )


def _join_words(first: str, second: str) -> str:
    return " ".join(" ".join(x.split()) for x in (first, second) if x)


def _spread_across(row: RawRow, mapping: dict[str, int]) -> str:
    """The one text that fills the activity column and at least two more columns (the number aside), or ""."""
    number_at = mapping.get("number")
    texts = [c for i, c in enumerate(row.cells) if c and i != number_at]
    title_at = mapping.get("title")
    if len(texts) < 3 or len(set(texts)) != 1 or title_at is None or title_at >= len(row.cells):
        return ""
    return texts[0] if row.cells[title_at] == texts[0] else ""


def _activity(row: RawRow, number: str, title: str, cell) -> ParsedActivity:
    return ParsedActivity(
        number=number.strip(),
        title=title,
        deadline_text=cell(row, "deadline"),
        responsible_text=cell(row, "responsible"),
        participants_text=cell(row, "participants"),
        result=cell(row, "result"),
        indicator_text=cell(row, "indicator"),
        note=cell(row, "note"),
        where=row.where,
    )


def _number_of(row: RawRow, cell, has_number_column: bool) -> tuple[str, str]:
    """(number, title) of a row; without a number column «1.2. Текст» gives its number."""
    title = cell(row, "title")
    number = cell(row, "number") if has_number_column else ""
    if not number and title:
        m = LEADING_NUMBER.match(title)
        if m and not has_number_column:
            return m.group(1), title[m.end() :].strip()
    return number.strip(), title


def _continues_numbering(number: str, previous: ParsedActivity | None) -> bool:
    """«3» right after activity «2» is the next activity of a flat numbering, not section 3."""
    if previous is None:
        return False
    prev = previous.number.strip(". ")
    if not prev.isdigit():
        return False
    return number.strip(". ").isdigit() and int(number.strip(". ")) == int(prev) + 1


def _is_section_like(title: str) -> bool:
    return len(title) < 200 and not title.rstrip().endswith((".", ";"))


def _is_section_title(title: str, previous: ParsedActivity | None) -> bool:
    """A row with only a text in the activity column, between numbered activities: a heading or a continuation."""
    first = title.lstrip("«\"'(-–— ")[:1]
    if not first or not first.isupper() or len(title) > 200:
        return False
    if previous is None:
        return True
    return previous.title.rstrip().endswith((".", ";", "»", ")", "!", "?")) or bool(
        re.match(r"^(?:раздел|этап|блок|направление)\b", title, re.I)
    )


# How a deadline written inside an activity's text begins (after «Срок:», in brackets at the end, after a dash)
_DEADLINE_START = re.compile(
    r"^(?:до|не\s+позднее|не\s+позже|к\s+\d|в\s+течени|в\s+срок|в\s+конце|в\s+начале|в\s+период|ежегодн|ежекварт|"
    r"ежемесяч|еженедел|ежеднев|постоянн|регулярн|раз\b|\d+\s+раз|по\s+итогам|по\s+мере|по\s+окончани|по\s+завершени|"
    r"[ivx]+\s+(?:квартал|полугоди|четверт)|\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}\s+[а-я]+\s+(?:19|20)\d\d|(?:19|20)\d\d\b|"
    r"\d-?(?:й|я|е|го)?\s+(?:квартал|полугоди|половин|четверт)|"
    r"(?:январ|феврал|март|апрел|ма[йя]\b|июн|июл|август|сентябр|октябр|ноябр|декабр))",
    re.I,
)
_LABELLED_DEADLINE = re.compile(
    r"(?:^|[\s.,;(])срок(?:и)?(?:\s+(?:исполнения|выполнения|проведения|реализации))?\s*(?:[:–—-]\s*|\s+)(?P<d>[^()\n]{2,80}?)"
    r"\s*[;)]?\s*$",
    re.I,
)
_BRACKETED_DEADLINE = re.compile(r"\((?P<d>[^()]{2,80})\)\s*[.;]?\s*$")
_DASHED_DEADLINE = re.compile(r"(?:\s[–—-]|,)\s+(?P<d>[^–—,]{2,60}?)\s*;?\s*$")


def deadline_in_text(text: str) -> str:
    """The deadline written inside an activity's own text, or "" («Утверждение положения (до 01.10.2024)»
    → «до 01.10.2024»; «Семинар. Срок – октябрь 2024 г.» → «октябрь 2024 г.»)."""
    line = " ".join((text or "").split())
    for pattern in (_LABELLED_DEADLINE, _BRACKETED_DEADLINE, _DASHED_DEADLINE):
        m = pattern.search(line)
        if m and (pattern is _LABELLED_DEADLINE or _DEADLINE_START.match(m.group("d").strip())):
            found = m.group("d").strip(" ;")
            return found if re.search(r"\bгг?\.$", found) else found.rstrip(" .")
    return ""
