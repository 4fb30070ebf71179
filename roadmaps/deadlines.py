"""Russian deadline prose ("Декабрь 2022", "до 15 июня ежегодно", "Раз в четверть") → due dates.

The parser is pure (no database) and total: any text gives a `ParsedDeadline`, never an
exception. Every returned date lies inside the roadmap's period; explicit dates outside it are
left out and said so in `note`, and text with no usable date is reported as not parsed so that a
person sets the dates by hand. A month stands for its last day: "Декабрь 2022" is due 31.12.2022.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

ONCE, ANNUAL, QUARTERLY, MONTHLY = "once", "annual", "quarterly", "monthly"
# How often continuous work («постоянно», «в течение года») gets a checkpoint.
CHECKPOINT_YEAR, CHECKPOINT_HALF, CHECKPOINT_QUARTER = "year", "half", "quarter"
CHECKPOINTS = {
    CHECKPOINT_YEAR: "в конце каждого года",
    CHECKPOINT_HALF: "в конце каждого полугодия",
    CHECKPOINT_QUARTER: "в конце каждого квартала",
}
CONTINUOUS, AS_NEEDED, RELATIVE = "continuous", "as_needed", "relative"

MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
# Longest stems first so that "ма" (май, мая) does not swallow "март".
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
MONTH_RE = rf"(?<![а-яa-z])(?:{_MONTH_ALT})[а-я]*"
YEAR_RE = r"(?:19|20)\d{2}"

_NUMBER_WORDS = {
    "одн": 1,
    "одного": 1,
    "дв": 2,
    "тр": 3,
    "четыр": 4,
    "пят": 5,
    "шест": 6,
    "сем": 7,
    "восьм": 8,
    "девят": 9,
    "десят": 10,
}
_UNIT_DAYS = {"дн": 1, "ден": 1, "недел": 7, "месяц": 30}

CONTINUOUS_PATTERNS = (
    r"в\s+течени[еи]\s+(?:всего\s+)?(?:периода|года|учебного\s+года|срока)",
    r"постоянн",
    r"регулярн",
    r"систематическ",
    r"в\s+течени[еи]\s+(?:всего\s+)?период",
    r"весь\s+период",
    r"по\s+мере\s+реализации",
    r"на\s+протяжении",
)
AS_NEEDED_PATTERNS = (r"по\s+мере\s+(?:необходимости|поступлени|потребност)", r"при\s+необходимости", r"по\s+запрос")
RELATIVE_PATTERNS = (
    r"с\s+(?:даты|момента)",
    r"после\s+",
    r"в\s+соответствии\s+со?\s+срок",
    r"по\s+графику",
    r"согласно\s+(?:графику|плану|срок)",
    r"по\s+итогам",
)
ANNUAL_PATTERNS = (r"ежегодн", r"раз\s+в\s+год", r"1\s+раз\s+в\s+год", r"каждый\s+год")
QUARTERLY_PATTERNS = (r"ежекварталь", r"раз\s+в\s+квартал", r"поквартальн", r"каждый\s+квартал")
TERM_PATTERNS = (
    r"раз\s+в\s+четверть",
    r"ежечетвертн",
    r"по\s+четвертям",
    r"каждую\s+четверть",
    r"по\s+итогам\s+четверт",
)
MONTHLY_PATTERNS = (r"ежемесячн", r"раз\s+в\s+месяц", r"каждый\s+месяц")
TERM_START_PATTERNS = (r"(?:на|в)\s+начал[еоа]\s+(?:учебного\s+)?года", r"до\s+начала\s+учебного\s+года")
TERM_END_PATTERNS = (r"(?:на|в)\s+конц[еа]\s+(?:учебного\s+)?года", r"по\s+окончании\s+учебного\s+года")


@dataclass
class ParsedDeadline:
    text: str
    parsed: bool
    recurrence: str | None
    dates: list[dt.date] = field(default_factory=list)
    note: str = ""
    # dates read from the text itself, before clipping to the period (the importer widens the
    # period to cover them when the title gave a narrower one)
    explicit: list[dt.date] = field(default_factory=list)
    offset_days: int | None = None
    # the schedule in words («ежегодно, до 15 июня»), and why a person must look («» when fine)
    schedule: str = ""
    flagged: str = ""


def normalize(text: str) -> str:
    text = (text or "").replace("\u00a0", " ").replace("ё", "е").replace("Ё", "Е").lower()
    text = re.sub(r"[–—−‑]", "-", text)
    return " ".join(text.split())


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_number(word: str) -> int | None:
    for stem in sorted(MONTHS, key=len, reverse=True):
        if word.startswith(stem):
            # "ма" must be май/мая/мае, not a longer word such as "материалы"
            if stem == "ма" and word not in ("май", "мая", "мае", "маю", "маем"):
                return None
            return MONTHS[stem]
    return None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _has(text: str, patterns: tuple[str, ...]) -> bool:
    return any(re.search(p, text) for p in patterns)


def year_windows(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The period cut into consecutive twelve-month windows (a 2022–2024 roadmap has three)."""
    windows = []
    cursor = start
    while cursor <= end:
        try:
            nxt = cursor.replace(year=cursor.year + 1)
        except ValueError:  # 29 February
            nxt = cursor.replace(year=cursor.year + 1, day=28)
        window_end = min(nxt - dt.timedelta(days=1), end)
        windows.append((cursor, window_end))
        cursor = nxt
        if len(windows) > 200:
            break
    return windows


def _occurrences(month: int, day: int | None, start: dt.date, end: dt.date) -> list[dt.date]:
    """Every date with this month (and day, or the month's end) inside the period."""
    out = []
    for year in range(start.year, end.year + 1):
        date = _safe_date(year, month, day) if day else month_end(year, month)
        if date is None and day:
            date = month_end(year, month)
        if date and start <= date <= end:
            out.append(date)
    return out


# Explicit dates -----------------------------------------------------------------------------------
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\d)")
_DAY_MONTH = re.compile(rf"(?<!\d)(\d{{1,2}})\s+({MONTH_RE})(?:\s+({YEAR_RE}))?")
_MONTH_RANGE = re.compile(rf"({MONTH_RE})(?:\s+({YEAR_RE}))?\s*(?:-|по|до)\s*({MONTH_RE})(?:\s+({YEAR_RE}))?")
_MONTH_YEAR = re.compile(rf"({MONTH_RE})(?:\s+({YEAR_RE}))?")
_BEFORE_MONTH = re.compile(rf"до\s+({MONTH_RE})(?:\s+({YEAR_RE}))?")
_QUARTER = re.compile(rf"(\d|i{{1,3}}|iv)\s*(?:-?й\s+)?квартал[а-я]*(?:\s+({YEAR_RE}))?")
_SEASONS = {"весн": (3, 5), "лет": (6, 8), "осен": (9, 11), "зим": (12, 2)}


@dataclass
class _Item:
    """A date found in the text; `year` None means "this month in every year of the period"."""

    month: int
    day: int | None
    year: int | None
    span: tuple[int, int]


def _two_digit_year(value: str) -> int:
    year = int(value)
    return year + 2000 if year < 100 else year


def _find_items(text: str) -> list[_Item]:
    items: list[_Item] = []
    taken: list[tuple[int, int]] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    def add(item: _Item) -> None:
        items.append(item)
        taken.append(item.span)

    # "с 1 января по 31 декабря 2021": the range ends at its last date, so read ranges of day-dates
    # as their end; a plain day-date is itself a due date.
    for m in _NUMERIC_DATE.finditer(text):
        day, month, year = int(m.group(1)), int(m.group(2)), _two_digit_year(m.group(3))
        if 1 <= month <= 12 and 1 <= day <= 31:
            add(_Item(month, day, year, m.span()))
    day_matches = [m for m in _DAY_MONTH.finditer(text) if free(m.span())]
    # A year written once at the end applies to every day-month before it.
    trailing_year = None
    tail = re.search(rf"({YEAR_RE})\s*(?:г\.?|года?)?\s*$", text)
    if tail:
        trailing_year = int(tail.group(1))
    is_from_to = bool(re.search(r"(?:^|\s)с\s+\d{1,2}\s+\S+.*\s(?:по|до)\s+\d{1,2}\s+", text))
    for index, m in enumerate(day_matches):
        month = _month_number(m.group(2))
        if month is None:
            continue
        year = int(m.group(3)) if m.group(3) else None
        if year is None and trailing_year and m.start() < (tail.start() if tail else 0):
            year = trailing_year
        if is_from_to and index == 0 and len(day_matches) > 1:
            taken.append(m.span())  # the start of "с … по …" is not a due date
            continue
        add(_Item(month, int(m.group(1)), year, m.span()))
    for m in _BEFORE_MONTH.finditer(text):
        if not free(m.span()):
            continue
        month = _month_number(m.group(1))
        if month is None:
            continue
        year = int(m.group(2)) if m.group(2) else None
        # "до декабря 2021": before December begins, i.e. by the end of November
        if month == 1:
            prev_month, prev_year = 12, (year - 1 if year else None)
        else:
            prev_month, prev_year = month - 1, year
        add(_Item(prev_month, None, prev_year, m.span()))
    for m in _MONTH_RANGE.finditer(text):
        if not free(m.span()):
            continue
        first, last = _month_number(m.group(1)), _month_number(m.group(3))
        if first is None or last is None:
            continue
        year = m.group(4) or m.group(2)
        end_year = int(year) if year else None
        if end_year is not None and m.group(2) and not m.group(4) and last < first:
            end_year += 1  # "ноябрь 2022 - февраль" runs into the next year
        add(_Item(last, None, end_year, m.span()))
    for m in _MONTH_YEAR.finditer(text):
        if not free(m.span()):
            continue
        month = _month_number(m.group(0).split()[0])
        if month is None:
            continue
        add(_Item(month, None, int(m.group(2)) if m.group(2) else None, m.span()))
    for m in _QUARTER.finditer(text):
        if not free(m.span()):
            continue
        token = m.group(1)
        number = int(token) if token.isdigit() else {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(token, 0)
        if 1 <= number <= 4:
            add(_Item(number * 3, None, int(m.group(2)) if m.group(2) else None, m.span()))
    items.sort(key=lambda i: i.span[0])
    return items


def _resolve(items: list[_Item], start: dt.date, end: dt.date) -> tuple[list[dt.date], list[dt.date], bool]:
    """Concrete dates (inside the period), explicit dates (any) and whether any item had no year."""
    dates: list[dt.date] = []
    explicit: list[dt.date] = []
    yearless = False
    for item in items:
        if item.year is not None:
            date = _safe_date(item.year, item.month, item.day) if item.day else month_end(item.year, item.month)
            if date is None and item.day:
                date = month_end(item.year, item.month)
            if date is None:
                continue
            explicit.append(date)
            if start <= date <= end:
                dates.append(date)
        else:
            yearless = True
            dates.extend(_occurrences(item.month, item.day, start, end))
    return sorted(set(dates)), sorted(set(explicit)), yearless


# Generated schedules ------------------------------------------------------------------------------
def _window_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """Once a year: at the end of each year of the period.

    An academic-year period (from 1 September) is cut into twelve-month windows; any other period
    reports at the end of each calendar year and at its own end.
    """
    if (start.month, start.day) in ((1, 1), (9, 1)):
        return [w_end for _, w_end in year_windows(start, end)]
    ends = [dt.date(y, 12, 31) for y in range(start.year, end.year + 1) if dt.date(y, 12, 31) <= end]
    if not ends or ends[-1] != end:
        ends.append(end)
    return ends


def _quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    return [d for y in range(start.year, end.year + 1) for m in (3, 6, 9, 12) if start <= (d := month_end(y, m)) <= end]


def _term_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    # School terms (четверти) end around the end of October, December, March and May.
    return [
        d for y in range(start.year, end.year + 1) for m in (3, 5, 10, 12) if start <= (d := month_end(y, m)) <= end
    ]


def _month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) and len(out) < 2400:
        date = month_end(year, month)
        if start <= date <= end:
            out.append(date)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _academic_year_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    return [d for y in range(start.year, end.year + 1) if start <= (d := dt.date(y, 9, 1)) <= end] or [start]


def _relative_offset(text: str) -> int | None:
    m = re.search(r"в\s+течени[еи]\s+(\d+|[а-я]+)\s+(дн|ден|недел|месяц)[а-я]*", text)
    if not m:
        return None
    amount_word, unit = m.group(1), m.group(2)
    if amount_word.isdigit():
        amount = int(amount_word)
    else:
        amount = next((v for k, v in _NUMBER_WORDS.items() if amount_word.startswith(k)), None)
        if amount is None:
            return None
    return amount * _UNIT_DAYS[unit]


def parse_deadline(
    text: str | None,
    period_start: dt.date | None,
    period_end: dt.date | None,
    *,
    order_date: dt.date | None = None,
    checkpoints: str = CHECKPOINT_YEAR,
) -> ParsedDeadline:
    """Turn deadline prose into due dates inside [period_start, period_end].

    Without a period no date is given: the result is flagged until a person sets the period.
    """
    original = text or ""
    if period_start is None or period_end is None:
        return ParsedDeadline(
            original,
            False,
            None,
            note="Период дорожной карты не указан.",
            flagged="Не указан период дорожной карты: даты появятся, когда он будет задан.",
        )
    try:
        result = _parse(original, period_start, period_end)
    except Exception as exc:  # noqa: BLE001 — a bad cell must be flagged for a person, never crash an import
        result = ParsedDeadline(original, False, None, note=f"Не удалось разобрать сроки ({type(exc).__name__}).")
    if not result.parsed:
        result.flagged = result.note or "Сроки не распознаны."
    elif result.recurrence == RELATIVE:
        result.flagged = result.note
    elif "вне периода" in result.note:
        result.flagged = result.note
    result.schedule = result.schedule or SCHEDULE_WORDS.get(result.recurrence or "", "")
    return result


SCHEDULE_WORDS = {
    ONCE: "однократно",
    ANNUAL: "ежегодно",
    QUARTERLY: "ежеквартально",
    MONTHLY: "ежемесячно",
    CONTINUOUS: "постоянно, контрольная точка в конце каждого года",
    AS_NEEDED: "по мере необходимости",
    RELATIVE: "в срок от события",
}


def _parse(original: str, start: dt.date, end: dt.date) -> ParsedDeadline:
    if end < start:
        start, end = end, start
    text = normalize(original)
    if not text:
        return ParsedDeadline(original, False, None, note="Срок не указан.")

    items = _find_items(text)
    dates, explicit, yearless = _resolve(items, start, end)
    outside = [d for d in explicit if not start <= d <= end]
    annual = _has(text, ANNUAL_PATTERNS)

    def result(recurrence: str | None, found: list[dt.date], note: str = "") -> ParsedDeadline:
        found = sorted({d for d in found if start <= d <= end})
        if outside:
            listed = ", ".join(d.strftime("%d.%m.%Y") for d in outside)
            note = (note + " " if note else "") + f"Даты вне периода дорожной карты не включены: {listed}."
        parsed = bool(found) or recurrence in (AS_NEEDED, RELATIVE)
        if not parsed and recurrence in (ONCE, ANNUAL) and outside:
            recurrence = None
        return ParsedDeadline(original, parsed, recurrence if parsed else None, found, note.strip(), explicit)

    # Dates written out win: "Ежегодно, май 2023, май 2024" is due in those two Mays.
    if items:
        if _has(text, TERM_START_PATTERNS) and not dates:
            pass
        elif annual or (yearless and len(dates) > 1):
            if annual and not explicit and not yearless:
                return result(ANNUAL, _window_ends(start, end))
            return result(ANNUAL, dates)
        else:
            years = {d.year for d in dates}
            recurrence = ANNUAL if len(dates) > 1 and len(years) == len(dates) else ONCE
            note = "Далее — по мере необходимости." if _has(text, AS_NEEDED_PATTERNS) else ""
            return result(recurrence, dates, note)

    if _has(text, TERM_START_PATTERNS):
        found = _academic_year_starts(start, end)
        note = "Далее — в течение периода." if _has(text, CONTINUOUS_PATTERNS) else ""
        return result(ANNUAL, found, note)
    if _has(text, TERM_END_PATTERNS):
        return result(
            ANNUAL, [d for y in range(start.year, end.year + 1) if start <= (d := dt.date(y, 5, 31)) <= end] or [end]
        )
    if _has(text, TERM_PATTERNS):
        return result(QUARTERLY, _term_ends(start, end), "По учебным четвертям.")
    if _has(text, QUARTERLY_PATTERNS):
        return result(QUARTERLY, _quarter_ends(start, end))
    if _has(text, MONTHLY_PATTERNS):
        return result(MONTHLY, _month_ends(start, end))
    if _has(text, AS_NEEDED_PATTERNS):
        return result(AS_NEEDED, [], "Сроки определяются по мере необходимости.")
    offset = _relative_offset(text)
    if _has(text, RELATIVE_PATTERNS) and not re.search(r"в\s+течени[еи]\s+(?:всего\s+)?период", text):
        parsed = result(RELATIVE, [], "Срок отсчитывается от события; дату назначают вручную.")
        parsed.offset_days = offset
        return parsed
    if annual:
        return result(ANNUAL, _window_ends(start, end))
    if _has(text, CONTINUOUS_PATTERNS):
        # A continuous activity is reported once a year (and at the end of the period).
        return result(CONTINUOUS, _window_ends(start, end), "Отчёт — по итогам каждого года периода.")
    for season, (first, last) in _SEASONS.items():
        if re.search(rf"\b{season}[а-я]*", text):
            year_m = re.search(YEAR_RE, text)
            if year_m:
                year = int(year_m.group(0)) + (1 if last < first else 0)
                return result(ONCE, [month_end(year, last)])
            return result(ANNUAL, _occurrences(last, None, start, end))
    bare_year = re.search(rf"(?<!\d)({YEAR_RE})(?!\d)", text)
    if bare_year:
        year = int(bare_year.group(1))
        explicit = [dt.date(year, 12, 31)]
        outside = [] if start <= explicit[0] <= end else explicit
        if _has(text, CONTINUOUS_PATTERNS) or "течени" in text:
            return result(CONTINUOUS, [min(explicit[0], end)] if start.year <= year <= end.year else [])
        return result(ONCE, explicit)
    return ParsedDeadline(original, False, None, note="Сроки не распознаны: укажите даты вручную.")


def explicit_span(texts: list[str]) -> tuple[dt.date, dt.date] | None:
    """The earliest and latest date written out in these cells (to widen a roadmap's period)."""
    wide = (dt.date(1990, 1, 1), dt.date(2100, 12, 31))
    found = [d for t in texts for d in parse_deadline(t, *wide).explicit]
    return (min(found), max(found)) if found else None
