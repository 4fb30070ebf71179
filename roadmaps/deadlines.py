"""Russian deadline prose ("Декабрь 2022", "до 15 июня ежегодно", "Раз в четверть") → due dates.

The parser is pure (no database) and total: any text gives a `ParsedDeadline`, never an
exception. Every returned date lies inside the roadmap's period; explicit dates outside it are
left out and said so in `note` and `flagged`, and text with no usable date is reported as not
parsed so that a person sets the dates by hand. A month stands for its last day: "Декабрь 2022" is
due 31.12.2022. A month or day written without a year ("сентябрь", "до 15 июня ежегодно", "до 25
декабря отчетного года") is due in every year of the period. The academic year runs from
1 September to 31 August; its terms (четверти) end in October, December, March and May.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

ONCE, ANNUAL, HALF_YEARLY, QUARTERLY, MONTHLY = "once", "annual", "half_yearly", "quarterly", "monthly"
CONTINUOUS, AS_NEEDED, RELATIVE = "continuous", "as_needed", "relative"
# How often continuous work («постоянно», «в течение года») gets a checkpoint.
CHECKPOINT_YEAR, CHECKPOINT_HALF, CHECKPOINT_QUARTER = "year", "half", "quarter"
CHECKPOINTS = {
    CHECKPOINT_YEAR: "в конце каждого года",
    CHECKPOINT_HALF: "в конце каждого полугодия",
    CHECKPOINT_QUARTER: "в конце каждого квартала",
}

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
MONTH_NAMES_GENITIVE = [
    "",
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
MONTH_NAMES = [
    "",
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]
# Longest stems first so that "ма" (май, мая) does not swallow "март".
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
MONTH_RE = rf"(?<![а-яa-z])(?:{_MONTH_ALT})[а-я]*"
YEAR_RE = r"(?:19|20)\d{2}"

_NUMBER_WORDS = {
    "одн": 1,
    "полу": 0.5,
    "дву": 2,
    "дв": 2,
    "тре": 3,
    "тр": 3,
    "четыр": 4,
    "пят": 5,
    "шест": 6,
    "сем": 7,
    "восьм": 8,
    "девят": 9,
    "десят": 10,
    "пятнадцат": 15,
    "двадцат": 20,
    "тридцат": 30,
}

CONTINUOUS_PATTERNS = (
    r"в\s+течени[еи]\s+(?:всего\s+)?(?:периода|года|учебного\s+года|срока|реализации)",
    r"постоянн",
    r"регулярн",
    r"систематическ",
    r"в\s+течени[еи]\s+(?:всего\s+)?период",
    r"весь\s+период",
    r"по\s+мере\s+реализации",
    r"на\s+протяжении",
    r"еженедельн",
    r"ежедневн",
    r"в\s+период\s+реализации",
    r"на\s+период\s+(?:действия|реализации)",
    r"в\s+течени[еи]\s+(?:всего\s+)?(?:учебного\s+)?года",
    r"бессрочн",
    r"весь\s+(?:учебный\s+)?год",
)
AS_NEEDED_PATTERNS = (
    r"по\s+мере\s+(?:необходимости|поступлени|потребност|обновлени|появлени|выхода)",
    r"при\s+необходимости",
    r"по\s+запрос",
    r"при\s+наличии",
    r"при\s+поступлении",
    r"в\s+случае\s+",
)
RELATIVE_PATTERNS = (
    r"с\s+(?:даты|момента|дня)",
    r"со\s+дня",
    r"после\s+",
    r"в\s+соответствии\s+со?\s+(?:срок|график|план|календар)",
    r"по\s+графику",
    r"согласно\s+(?:графику|плану|срок|календар)",
    r"по\s+итогам\s+(?!(?:учебного\s+)?года|четверт|полугоди|квартал|месяц)",
    r"в\s+сроки?\s*,?\s+(?:установленн|определенн|указанн|предусмотренн)",
    r"по\s+(?:отдельному\s+)?(?:плану|графику)",
    r"срочн",
    r"месячн\w*\s+срок",
    r"недельн\w*\s+срок",
    r"дневн\w*\s+срок",
)
ANNUAL_PATTERNS = (
    r"отчетн\w*\s+(?:календарн\w*\s+)?год",
    r"текущ\w*\s+(?:календарн\w*\s+)?год",
    r"каждого\s+(?:учебного\s+)?года",
    r"ежегодн",
    r"(?<![2-9]\s)(?<!двух\s)(?<!трех\s)(?<!четырех\s)(?<!два\s)(?<!три\s)(?<!четыре\s)раза?\s+в\s+(?:учебный\s+)?год",
    r"каждый\s+год",
    r"ежегод",
    r"по\s+итогам\s+(?:календарного\s+)?года",
)
QUARTERLY_PATTERNS = (
    r"ежекварталь",
    r"раза?\s+в\s+квартал",
    r"поквартальн",
    r"каждый\s+квартал",
    r"по\s+итогам\s+квартал",
)
HALF_PATTERNS = (
    r"раза?\s+в\s+полугоди",
    r"ежеполугод",
    r"(?:2|два|двух)\s+раза?\s+в\s+(?:учебный\s+)?год",
    r"по\s+полугодиям",
    r"(?:по\s+итогам|по\s+окончании|по\s+завершении|в\s+конце)\s+(?:каждого\s+)?полугоди(?!\w*\s+(?:19|20)\d\d)",
    r"каждое\s+полугодие",
    r"раза?\s+в\s+полгода",
    r"каждые\s+полгода",
)
TERM_PATTERNS = (
    r"раза?\s+в\s+четверть",
    r"ежечетвертн",
    r"по\s+четвертям",
    r"каждую\s+четверть",
    r"(?:по\s+итогам|по\s+окончании|по\s+завершении|в\s+конце|после\s+окончания)\s+(?:каждой\s+)?(?:учебной\s+)?четверт",
    r"(?:4|четыре|четырех)\s+раза?\s+в\s+(?:учебный\s+)?год",
)
MONTHLY_PATTERNS = (
    r"ежемесячн",
    r"раза?\s+в\s+месяц",
    r"каждый\s+месяц",
    r"по\s+итогам\s+(?:каждого\s+)?месяц",
    r"числа\s+каждого\s+месяца",
)
BEFORE_SCHOOL_YEAR = (
    r"до\s+начала\s+(?:нового\s+)?учебного\s+года",
    r"к\s+началу\s+(?:нового\s+)?учебного\s+года",
    r"перед\s+началом\s+учебного\s+года",
)
TERM_START_PATTERNS = (
    r"^начал[оа]\s+(?:нового\s+)?(?:учебного\s+)?года",
    r"(?:на|в)\s+начал[еоа]\s+(?:нового\s+)?(?:учебного\s+)?года",
    r"с\s+начала\s+учебного\s+года",
    r"в\s+начале\s+каждого\s+учебного\s+года",
)
TERM_END_PATTERNS = (
    r"^конец\s+(?:каждого\s+)?учебного\s+года",
    r"(?:на|в)\s+конц[еа]\s+(?:каждого\s+)?учебного\s+года",
    r"(?:к|до)\s+конц[ау]\s+(?:каждого\s+)?учебного\s+года",
)
AFTER_SCHOOL_YEAR = (
    r"по\s+(?:окончании|завершении|итогам)\s+(?:каждого\s+)?учебного\s+года",
    r"после\s+(?:окончания|завершения)\s+учебного\s+года",
)
YEAR_END_PATTERNS = (
    r"(?:на|в|к)\s+конц[еау]\s+(?:каждого\s+)?(?:календарного\s+)?года",
    r"(?:до\s+конца|^конец)\s+(?:каждого\s+)?(?:календарного\s+|текущего\s+)?года",
)
NEXT_YEAR = re.compile(r"следующ\w*\s+за\s+отчетн|следующего\s+(?:календарного\s+)?года|следующего\s+за\s+ним")
# a remark in brackets beside a deadline: by a plan or schedule, or to be agreed
REMARK = re.compile(r"\((?=[^()]*(?:план|график|согласовани|отдельн|календар))[^()]*\)", re.I)
# the order (or the roadmap it approves) as the start of a relative deadline
ORDER_ANCHOR = re.compile(r"приказ|утвержд|издани|подписани|вступлени|настоящ|дорожн\w*\s+карт|опубликовани|принятия")


HALF_IN_WORDS = re.compile(r"(?<![\w])(\d|перв\w*|втор\w*)\s*(?:-?\s*(?:я|ая|ой|ую|й))?\s+половин[а-я]*")
# the end of the roadmap (programme, project) itself: due at the end of its period
END_OF_PERIOD = re.compile(
    r"(?:по|после)\s+(?:окончани[юия]|завершени[юия]|итогам)\s+(?:реализации\s+|срока\s+(?:реализации\s+)?)?"
    r"(?:программ|проект|дорожн\w*\s+карт|план[аеу]?\b|периода|мероприятий\s+дорожн)"
    r"|(?:в|к)\s+конц[еу]\s+(?:реализации\s+)?(?:программ|проект|периода|срока\s+реализации)"
    r"|на\s+заключительном\s+этапе|по\s+итогам\s+реализации(?!\s+(?:каждого|в\s))"
)
# «раз в 3 месяца», «1 раз в два месяца», «каждые три месяца»
EVERY_N_MONTHS = re.compile(r"(?:раза?\s+в|каждые)\s+(\d{1,2}|[а-я]+)\s+месяц")


@dataclass
class ParsedDeadline:
    text: str
    parsed: bool
    recurrence: str | None
    dates: list[dt.date] = field(default_factory=list)
    note: str = ""
    # dates read from the text itself, before clipping to the period
    explicit: list[dt.date] = field(default_factory=list)
    offset_days: int | None = None
    # the schedule in words («ежегодно, до 15 июня»), and why a person must look («» when fine)
    schedule: str = ""
    flagged: str = ""


def normalize(text: str) -> str:
    text = (text or "").replace("\u00a0", " ").replace("ё", "е").replace("Ё", "Е").lower()
    text = re.sub(r"[–—−‑]", "-", text)
    text = re.sub(r"(\d)\s*г\.г\.", r"\1 гг.", text)
    return " ".join(text.split())


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def add_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(date.day, calendar.monthrange(year, month + 1)[1]))


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


def is_academic(start: dt.date) -> bool:
    return (start.month, start.day) == (9, 1)


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


def _occurrences(
    month: int, day: int | None, start: dt.date, end: dt.date, *, min_year: int | None = None
) -> list[dt.date]:
    """Every date with this month (and day, or the month's end) inside the period."""
    out = []
    for year in range(max(start.year, min_year or start.year), end.year + 1):
        date = _safe_date(year, month, day) if day else month_end(year, month)
        if date is None and day:
            date = month_end(year, month)
        if date and start <= date <= end:
            out.append(date)
    return out


# Explicit dates -----------------------------------------------------------------------------------
_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})\s?\.\s?(\d{1,2})\s?\.\s?(\d{4}|\d{2})(?![\d])")
_NUMERIC_MONTH_YEAR = re.compile(rf"(?<![\d.])(0?[1-9]|1[0-2])\.({YEAR_RE})(?!\d)")
_NUMERIC_DAY_MONTH = re.compile(r"(?<![\d.])([0-2]?\d|3[01])\.(0[1-9]|1[0-2])(?!\d|\.\d)")
_DAY_MONTH = re.compile(rf"(?<![\d.])(\d{{1,2}})(?:\s*-?\s*(?:го|е|ое))?\s+({MONTH_RE})(?:\s+({YEAR_RE}))?")
_MONTH_RANGE = re.compile(
    rf"({MONTH_RE})(?:\s+({YEAR_RE})\s*(?:г\.?|года)?)?\s*(?:-|по|до|/)\s*({MONTH_RE})(?:\s+({YEAR_RE}))?"
)
_MONTH_YEAR = re.compile(rf"({MONTH_RE})(?:\s+({YEAR_RE}))?")
_BEFORE_MONTH = re.compile(rf"(?<![а-я])до\s+({MONTH_RE})(?:\s+({YEAR_RE}))?")
_ROMAN_OR_DIGIT = r"(\d|iv|i{1,3}|перв\w*|втор\w*|трет\w*|четв[её]рт\w*)"
_QUARTER = re.compile(
    rf"{_ROMAN_OR_DIGIT}\s*(?:-?(?:й|го|м|ом))?\s+(?:квартал[а-я]*|кв\.?(?![а-я]))(?:\s+({YEAR_RE}))?"
)
# «по итогам I, II полугодия», «I и II четверти»: one item per number
_ENUMERATION = re.compile(
    r"(?<![\w])((?:\d|iv|i{1,3})(?:\s*(?:,|и)\s*(?:\d|iv|i{1,3}))+)\s*(?:-?(?:е|й|я|го|ое|ая|ой))?\s+"
    r"(полугоди[а-я]*|четверт[а-я]*|квартал[а-я]*|кв\.?(?![а-я]))"
)


def _expand_enumerations(text: str) -> str:
    def each(m: re.Match) -> str:
        return ", ".join(f"{n} {m.group(2)}" for n in re.split(r"\s*(?:,|и)\s*", m.group(1)))

    return _ENUMERATION.sub(each, text)


_HALF = re.compile(rf"{_ROMAN_OR_DIGIT}\s*(?:-?(?:е|ое|го|м|ом))?\s+полугоди[а-я]*(?:\s+(?:({YEAR_RE})|(учебн)))?")
_TERM = re.compile(rf"{_ROMAN_OR_DIGIT}\s*(?:-?(?:я|й|ой))?\s+четверт[а-я]*")
_SEASONS = {"весн": (3, 5), "лет": (6, 8), "осен": (9, 11), "зим": (12, 2)}
_ORDINALS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "перв": 1, "втор": 2, "трет": 3, "четв": 4}


def _ordinal(token: str) -> int:
    if token.isdigit():
        return int(token)
    for stem, value in _ORDINALS.items():
        if token == stem or (len(stem) > 3 and token.startswith(stem)):
            return value
    return 0


@dataclass
class _Item:
    """A date found in the text; `year` None means "this month in every year of the period"."""

    month: int
    day: int | None
    year: int | None
    span: tuple[int, int]
    # an academic-year term or half ("I полугодие" of the school year): the year follows the period
    academic: bool = False


def _two_digit_year(value: str) -> int:
    year = int(value)
    return year + 2000 if year < 100 else year


def _find_items(text: str, academic_period: bool) -> list[_Item]:
    items: list[_Item] = []
    taken: list[tuple[int, int]] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    def add(item: _Item) -> None:
        items.append(item)
        taken.append(item.span)

    for m in _NUMERIC_DATE.finditer(text):
        day, month, year = int(m.group(1)), int(m.group(2)), _two_digit_year(m.group(3))
        if 1 <= month <= 12 and 1 <= day <= 31:
            add(_Item(month, day, year, m.span()))
        else:
            taken.append(m.span())
    for m in _NUMERIC_MONTH_YEAR.finditer(text):
        if free(m.span()):
            add(_Item(int(m.group(1)), None, int(m.group(2)), m.span()))
    for m in _NUMERIC_DAY_MONTH.finditer(text):
        if free(m.span()) and 1 <= int(m.group(1)) <= 31:
            add(_Item(int(m.group(2)), int(m.group(1)), None, m.span()))
    # A year written once at the end applies to every day-month before it.
    tail = re.search(rf"({YEAR_RE})\s*(?:г\.?|года?)?\s*\.?\s*$", text)
    trailing_year = int(tail.group(1)) if tail else None
    for m in _DAY_MONTH.finditer(text):
        if not free(m.span()):
            continue
        month = _month_number(m.group(2))
        if month is None:
            continue
        year = int(m.group(3)) if m.group(3) else None
        if year is None and trailing_year and tail and m.start() < tail.start():
            year = trailing_year
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
        year = int(m.group(2)) if m.group(2) else None
        if year is None and trailing_year and tail and m.start() < tail.start():
            year = trailing_year
        add(_Item(month, None, year, m.span()))
    for m in _QUARTER.finditer(text):
        if not free(m.span()):
            continue
        number = _ordinal(m.group(1))
        if 1 <= number <= 4:
            add(_Item(number * 3, None, int(m.group(2)) if m.group(2) else None, m.span()))
    for m in _HALF.finditer(text):
        if not free(m.span()):
            continue
        number = _ordinal(m.group(1))
        if number not in (1, 2):
            continue
        year = int(m.group(2)) if m.group(2) else None
        academic = bool(m.group(3)) or (academic_period and year is None)
        if academic:
            add(_Item(12 if number == 1 else 5, None, None, m.span(), academic=True))
        else:
            add(_Item(6 if number == 1 else 12, None, year, m.span()))
    for m in _TERM.finditer(text):
        if not free(m.span()):
            continue
        number = _ordinal(m.group(1))
        if 1 <= number <= 4:
            add(_Item((10, 12, 3, 5)[number - 1], None, None, m.span(), academic=True))
    items.sort(key=lambda i: i.span[0])
    return _ranges_to_ends(items, text)


def _ranges_to_ends(items: list[_Item], text: str) -> list[_Item]:
    """«21 октября – 10 ноября», «с 01.09.2023 по 15.09.2023»: a range is due at its end."""
    out: list[_Item] = []
    for item in items:
        if out:
            previous = out[-1]
            gap = text[previous.span[1] : item.span[0]]
            if re.fullmatch(r"\s*(?:г\.?|года)?\s*(?:-|по|до)\s*", gap):
                if item.year is None and previous.year is not None:
                    item.year = previous.year + (
                        1 if (item.month, item.day or 31) < (previous.month, previous.day or 31) else 0
                    )
                out[-1] = item
                continue
        out.append(item)
    return out


def _resolve(
    items: list[_Item], start: dt.date, end: dt.date, *, next_year: bool
) -> tuple[list[dt.date], list[dt.date], bool]:
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
            # «в I квартале года, следующего за отчетным»: the first report falls in the second year
            dates.extend(_occurrences(item.month, item.day, start, end, min_year=start.year + 1 if next_year else None))
    return sorted(set(dates)), sorted(set(explicit)), yearless


# Generated schedules ------------------------------------------------------------------------------
def _window_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """Once a year: at the end of each year of the period.

    An academic-year period (from 1 September) is cut into twelve-month windows; any other period
    reports at the end of each calendar year and at its own end.
    """
    if (start.month, start.day) in ((1, 1), (9, 1)):
        return [w_end for _, w_end in year_windows(start, end)]
    ends = [dt.date(y, 12, 31) for y in range(start.year, end.year + 1) if start <= dt.date(y, 12, 31) <= end]
    if not ends or ends[-1] != end:
        ends.append(end)
    return ends


def _half_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    months = (12, 5) if is_academic(start) else (6, 12)
    return [d for y in range(start.year, end.year + 1) for m in months if start <= (d := month_end(y, m)) <= end]


def _checkpoints(start: dt.date, end: dt.date, every: str) -> list[dt.date]:
    if every == CHECKPOINT_QUARTER:
        found = _quarter_ends(start, end)
    elif every == CHECKPOINT_HALF:
        found = [d for y in range(start.year, end.year + 1) for m in (6, 12) if start <= (d := month_end(y, m)) <= end]
    else:
        return _window_ends(start, end)
    if not found or found[-1] != end:
        found.append(end)
    return sorted(set(found))


def _quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    return [d for y in range(start.year, end.year + 1) for m in (3, 6, 9, 12) if start <= (d := month_end(y, m)) <= end]


def _term_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    # School terms (четверти) end around the end of October, December, March and May.
    return [
        d for y in range(start.year, end.year + 1) for m in (3, 5, 10, 12) if start <= (d := month_end(y, m)) <= end
    ]


def _month_ends(start: dt.date, end: dt.date, day: int | None = None) -> list[dt.date]:
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) and len(out) < 2400:
        date = month_end(year, month)
        if day:
            date = _safe_date(year, month, day) or date
        if start <= date <= end:
            out.append(date)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


_UNIT = r"(дн|ден|суток|сутк|недел|месяц|мес\.|год|лет)"


def relative_offset(text: str) -> tuple[int, str] | None:
    """(amount, unit: "d" or "m") of «в течение двух недель», «в трехмесячный срок», «не позднее 10 дней»."""
    m = re.search(
        rf"(?:в\s+течени[еи]|не\s+позднее|не\s+позже|через|в\s+срок\s+до|в\s+срок)\s+(\d+|[а-я]+)?\s*(?:рабоч\w+\s+|календарн\w+\s+)?{_UNIT}[а-я.]*",
        text,
    )
    amount: float | None = None
    unit = ""
    if m and not re.match(r"(?:всего|учебного|календарного|периода|срока|реализации|текущего)", m.group(1) or ""):
        word = m.group(1) or "1"
        unit = m.group(2)
        if (m.group(1) is None and unit.startswith(("год", "лет"))) or (word.isdigit() and int(word) > 99):
            return None  # «в течение года» is continuous work, «в течение 2023 года» a year
        if word.isdigit():
            amount = int(word)
        else:
            amount = next((v for k, v in _NUMBER_WORDS.items() if word.startswith(k)), None)
            if amount is None and word in ("месяца", "недели", "года"):
                amount, unit = 1, word[:5]
        if m.group(1) and not m.group(1).isdigit() and amount is None:
            return None
    else:
        m = re.search(r"(?:в\s+)?(\d+|[а-я]+?)-?(дневн|недельн|месячн|годичн)\w*\s+срок", text)
        if not m:
            m2 = re.search(r"(?:в\s+)?(месячн|недельн|двухнедельн|декадн)\w*\s+срок", text)
            if not m2:
                return None
            return {"месячн": (1, "m"), "недельн": (7, "d"), "двухнедельн": (14, "d"), "декадн": (10, "d")}[m2.group(1)]
        word, unit = m.group(1), m.group(2)
        amount = (
            int(word) if word.isdigit() else next((v for k, v in _NUMBER_WORDS.items() if word.startswith(k)), None)
        )
    if amount is None:
        return None
    if unit.startswith(("дн", "ден", "сут")):
        return int(amount), "d"
    if unit.startswith("недел"):
        return int(amount * 7), "d"
    if unit.startswith(("месяц", "мес", "месячн")):
        return (int(amount), "m") if amount >= 1 else (15, "d")
    if unit.startswith(("год", "лет")):
        return int(amount * 12), "m"
    return None


def _offset_date(base: dt.date, offset: tuple[int, str]) -> dt.date:
    amount, unit = offset
    return base + dt.timedelta(days=amount) if unit == "d" else add_months(base, amount)


def _fmt(date: dt.date) -> str:
    return date.strftime("%d.%m.%Y")


def parse_deadline(
    text: str | None,
    period_start: dt.date | None,
    period_end: dt.date | None,
    *,
    order_date: dt.date | None = None,
    checkpoints: str = CHECKPOINT_YEAR,
) -> ParsedDeadline:
    """Turn deadline prose into due dates inside [period_start, period_end].

    order_date: relative deadlines («в трехмесячный срок», «в течение двух недель с даты
    подписания приказа») count from it; without it they are flagged. checkpoints: how often
    continuous work is checked. Without a period no date is given: the result is flagged until a
    person sets the period.
    """
    original = text or ""
    if period_start is None or period_end is None:
        try:
            probe = _parse(original, dt.date(2000, 1, 1), dt.date(2000, 12, 31), order_date, checkpoints)
        except Exception:  # noqa: BLE001
            probe = ParsedDeadline(original, False, None)
        return ParsedDeadline(
            original,
            False,
            None,
            note="Период дорожной карты не указан.",
            schedule=probe.schedule,
            flagged="Не указан период дорожной карты: даты появятся, когда он будет задан.",
        )
    try:
        result = _parse(original, period_start, period_end, order_date, checkpoints)
        # a remark in brackets («в течение учебного года (по плану)», «май (по графику МО)») does not
        # undo the deadline written beside it
        bare = REMARK.sub(" ", original).strip()
        if bare and bare != original.strip() and (not result.parsed or result.recurrence == RELATIVE):
            plain = _parse(bare, period_start, period_end, order_date, checkpoints)
            if plain.parsed and plain.recurrence != RELATIVE:
                plain.text = original
                result = plain
    except Exception as exc:  # noqa: BLE001 — a bad cell must be flagged for a person, never crash an import
        result = ParsedDeadline(original, False, None, note=f"Не удалось разобрать сроки ({type(exc).__name__}).")
    if not result.parsed:
        result.flagged = result.flagged or result.note or "Сроки не распознаны."
    elif result.recurrence == RELATIVE:
        result.flagged = result.flagged or result.note
    elif "вне периода" in result.note:
        result.flagged = result.flagged or result.note
    result.schedule = result.schedule or SCHEDULE_WORDS.get(result.recurrence or "", "")
    return result


SCHEDULE_WORDS = {
    ONCE: "однократно",
    ANNUAL: "ежегодно",
    HALF_YEARLY: "раз в полугодие",
    QUARTERLY: "ежеквартально",
    MONTHLY: "ежемесячно",
    CONTINUOUS: "постоянно",
    AS_NEEDED: "по мере необходимости",
    RELATIVE: "в срок от события",
}


def _words_for(items: list[_Item], dates: list[dt.date], annual: bool) -> str:
    """«ежегодно, до 15 июня», «ежегодно, сентябрь», «однократно» for a schedule read from dates."""
    yearless = [i for i in items if i.year is None]
    if yearless and (annual or len(dates) > 1):
        parts = []
        for item in yearless:
            if item.day:
                parts.append(f"до {item.day} {MONTH_NAMES_GENITIVE[item.month]}")
            else:
                parts.append(MONTH_NAMES[item.month])
        return "ежегодно, " + ", ".join(dict.fromkeys(parts))
    if annual or len({d.year for d in dates}) > 1:
        return "ежегодно"
    return "однократно"


def _parse(original: str, start: dt.date, end: dt.date, order_date: dt.date | None, every: str) -> ParsedDeadline:
    if end < start:
        start, end = end, start
    text = _expand_enumerations(normalize(original))
    if not text:
        return ParsedDeadline(original, False, None, note="Срок не указан.")
    # «2-я половина учебного года», «вторая половина 2025 года»: a half-year, as «II полугодие»
    text = HALF_IN_WORDS.sub(r"\1 полугодие", text)
    if re.search(r"не\s+реже", text):
        # «по мере необходимости, но не реже 1 раза в год»: the least schedule is the duty
        text = re.sub(r"(?:по\s+мере\s+необходимости|при\s+необходимости)\s*,?\s*(?:но\s+)?", "", text).strip()
    academic = is_academic(start)
    next_year = bool(NEXT_YEAR.search(text))

    items = _find_items(text, academic)
    dates, explicit, yearless = _resolve(items, start, end, next_year=next_year)
    outside = [d for d in explicit if not start <= d <= end]
    annual = _has(text, ANNUAL_PATTERNS)
    then_annual = bool(
        re.search(r"(?:далее|затем|и\s+далее|начиная\s+с|с\s+последующ\w*)[^.;]*ежегодн|ежегодн\w*[,\s]+начиная", text)
    )

    # A schedule the text does not date itself («ежегодно», «до 1 мая текущего года», «ежемесячно»)
    # starts with the approving order: nobody is due before the order that sets the duty.
    floor = order_date if order_date is not None and start < order_date <= end else None

    def result(recurrence: str | None, found: list[dt.date], note: str = "", schedule: str = "") -> ParsedDeadline:
        found = sorted({d for d in found if start <= d <= end and (floor is None or d >= floor or d in explicit)})
        flagged = ""
        if outside:
            listed = ", ".join(_fmt(d) for d in outside)
            note = (note + " " if note else "") + f"Даты вне периода дорожной карты не включены: {listed}."
        parsed = bool(found) or recurrence in (AS_NEEDED, RELATIVE)
        if not parsed and recurrence in (ONCE, ANNUAL) and outside:
            recurrence = None
        if not parsed and not note:
            note = "Ни одна дата не попадает в период дорожной карты."
        return ParsedDeadline(
            original,
            parsed,
            recurrence if parsed else None,
            found,
            note.strip(),
            explicit,
            schedule=schedule if parsed else "",
            flagged=flagged,
        )

    # Dates written out win: "Ежегодно, май 2023, май 2024" is due in those two Mays.
    if items:
        if then_annual or (annual and len(explicit) == 1 and not yearless):
            # «сентябрь 2023, далее ежегодно»: that date and the same day in every later year
            for date in explicit:
                dates.extend(
                    d
                    for d in _occurrences(
                        date.month, date.day if date.day != month_end(date.year, date.month).day else None, start, end
                    )
                    if d >= date
                )
            return result(ANNUAL, dates, schedule=_words_for(items, dates, True))
        if annual or (yearless and len(dates) > 1):
            if annual and not explicit and not yearless:
                found = _window_ends(start, end)
                return result(ANNUAL, found, schedule="ежегодно")
            return result(ANNUAL, dates, schedule=_words_for(items, dates, annual))
        if dates and re.search(r"далее[^.;]*(?:постоянн|в\s+течени|регулярн|систематич)", text):
            # «Сентябрь 2023, далее – постоянно»: that date, then the checkpoints of continuous work
            later = [d for d in _checkpoints(start, end, every) if d > max(dates)]
            return result(
                CONTINUOUS,
                dates + later,
                schedule=f"{_words_for(items, dates, False)}, далее постоянно: контрольные точки {CHECKPOINTS[every]}",
            )
        years = {d.year for d in dates}
        recurrence = ANNUAL if len(dates) > 1 and len(years) == len(dates) else ONCE
        note = "Далее — по мере необходимости." if _has(text, AS_NEEDED_PATTERNS) else ""
        if _has(text, CONTINUOUS_PATTERNS) and not dates and not outside:
            pass
        else:
            return result(recurrence, dates, note, schedule=_words_for(items, dates, False))

    if END_OF_PERIOD.search(text):
        return result(ONCE, [end], schedule="однократно, по окончании периода дорожной карты")
    stretch = EVERY_N_MONTHS.search(text)
    if stretch:
        word = stretch.group(1)
        step = int(word) if word.isdigit() else next((v for k, v in _NUMBER_WORDS.items() if word.startswith(k)), 0)
        if isinstance(step, int) and 2 <= step <= 12:
            # every `step` months counted from the period's start: the end of each such stretch
            found = []
            cursor = start
            while cursor <= end and len(found) < 400:
                stretch_end = add_months(dt.date(cursor.year, cursor.month, 1), step) - dt.timedelta(days=1)
                if stretch_end > end:
                    break
                found.append(stretch_end)
                cursor = stretch_end + dt.timedelta(days=1)
            recurrence = QUARTERLY if step == 3 else HALF_YEARLY if step == 6 else ANNUAL if step == 12 else MONTHLY
            return result(recurrence, found, schedule=f"раз в {step} мес. от начала периода")
    if _has(text, BEFORE_SCHOOL_YEAR):
        found = _occurrences(8, 31, start, end)
        return result(ANNUAL, found, schedule="ежегодно, до начала учебного года (31 августа)")
    if _has(text, TERM_START_PATTERNS):
        found = [d for y in range(start.year, end.year + 1) if start <= (d := dt.date(y, 9, 1)) <= end] or [start]
        note = "Далее — в течение периода." if _has(text, CONTINUOUS_PATTERNS) else ""
        return result(ANNUAL, found, note, schedule="ежегодно, в начале учебного года (сентябрь)")
    if _has(text, TERM_END_PATTERNS):
        found = [d for y in range(start.year, end.year + 1) if start <= (d := dt.date(y, 5, 31)) <= end] or [end]
        return result(ANNUAL, found, schedule="ежегодно, в конце учебного года (май)")
    if _has(text, AFTER_SCHOOL_YEAR):
        found = [d for y in range(start.year, end.year + 1) if start <= (d := dt.date(y, 6, 30)) <= end] or [end]
        return result(ANNUAL, found, schedule="ежегодно, по окончании учебного года (июнь)")
    if _has(text, TERM_PATTERNS):
        return result(QUARTERLY, _term_ends(start, end), "По учебным четвертям.", schedule="по учебным четвертям")
    if _has(text, HALF_PATTERNS):
        words = "раз в полугодие (декабрь, май)" if academic else "раз в полугодие (июнь, декабрь)"
        return result(HALF_YEARLY, _half_ends(start, end), schedule=words)
    day_m = re.search(r"(?:до|не\s+позднее|к)\s+(\d{1,2})\s*(?:-?го\s+)?числа", text)
    day = int(day_m.group(1)) if day_m and 1 <= int(day_m.group(1)) <= 31 else None
    after_period = bool(re.search(r"следующ\w*\s+за\s+отчетн|после\s+отчетн", text))
    if day and after_period and re.search(r"за\s+отчетн\w*\s+(?:календарн\w*\s+|учебн\w*\s+)?год", text):
        # «до 10 числа месяца, следующего за отчетным годом»: the 10th of the month after each year
        found = []
        for window_end in _window_ends(start, end):
            following = window_end + dt.timedelta(days=1)
            found.append(_safe_date(following.year, following.month, day) or month_end(following.year, following.month))
        return result(ANNUAL, found, schedule=f"ежегодно, до {day} числа месяца после отчетного года")
    if _has(text, QUARTERLY_PATTERNS) or (day and "квартал" in text):
        if after_period:
            # «до 5 числа месяца, следующего за отчетным кварталом»: 5 April, 5 July, 5 October, 5 January
            found = [
                _safe_date(y, m, day or 1) or month_end(y, m)
                for y in range(start.year, end.year + 2)
                for m in (1, 4, 7, 10)
            ]
            found = [d for d in found if d > start + dt.timedelta(days=31)]
            words = f"ежеквартально, до {day or 1} числа месяца после квартала"
        elif day:
            found = [
                _safe_date(y, m, day) or month_end(y, m) for y in range(start.year, end.year + 1) for m in (3, 6, 9, 12)
            ]
            words = f"ежеквартально, до {day} числа последнего месяца квартала"
        else:
            found, words = _quarter_ends(start, end), "ежеквартально"
        return result(QUARTERLY, found, schedule=words)
    if _has(text, MONTHLY_PATTERNS):
        found = _month_ends(start, end, day)
        words = f"ежемесячно, до {day} числа" if day else "ежемесячно"
        if after_period:
            found = [
                _safe_date((d + dt.timedelta(days=1)).year, (d + dt.timedelta(days=1)).month, day or 1)
                for d in _month_ends(start, end)
            ]
            found = [d for d in found if d]
            words = f"ежемесячно, до {day or 1} числа следующего месяца"
        return result(MONTHLY, found, schedule=words)
    if day and after_period and re.search(r"отчетн\w*\s+период", text):
        return ParsedDeadline(
            original,
            False,
            None,
            note="Отчетный период (месяц, квартал, год) в сроке не назван: укажите даты вручную.",
        )
    offset = relative_offset(text)
    relative = _has(text, RELATIVE_PATTERNS) and not re.search(r"в\s+течени[еи]\s+(?:всего\s+)?период", text)
    if offset is not None:
        anchor = re.search(r"(?<![а-я])(?:с|со|от|после)\s+(?:даты|дня|момента)?\s*(.*)$", text)
        anchored_to_order = anchor is None or bool(ORDER_ANCHOR.search(anchor.group(1)))
        if offset[1] == "d":
            span_words = f"{offset[0]} дн."
        else:
            span_words = f"{offset[0]} мес."
        if anchored_to_order and order_date is not None:
            due = _offset_date(order_date, offset)
            if start <= due <= end:
                parsed = result(ONCE, [due], schedule=f"в течение {span_words} от даты приказа ({_fmt(order_date)})")
            else:
                parsed = result(RELATIVE, [], f"Срок от даты приказа ({_fmt(due)}) вне периода дорожной карты.")
            parsed.offset_days = offset[0] if offset[1] == "d" else offset[0] * 30
            return parsed
        note = (
            "Срок отсчитывается от даты приказа, а она не указана: укажите дату приказа или срок вручную."
            if anchored_to_order
            else "Срок отсчитывается от события; дату назначают вручную."
        )
        parsed = result(RELATIVE, [], note, schedule=f"в течение {span_words} от события")
        parsed.offset_days = offset[0] if offset[1] == "d" else offset[0] * 30
        return parsed
    if relative:
        return result(RELATIVE, [], "Срок отсчитывается от события; дату назначают вручную.")
    if _has(text, AS_NEEDED_PATTERNS):
        return result(AS_NEEDED, [], "Сроки определяются по мере необходимости.", schedule="по мере необходимости")
    year_range = re.search(rf"(?<!\d)({YEAR_RE})\s*(?:гг?\.?|годы?)?\s*(?:-|/|по)\s*({YEAR_RE}|\d{{2}})(?!\d)", text)
    if year_range:
        y1 = int(year_range.group(1))
        y2 = int(year_range.group(2)) if len(year_range.group(2)) == 4 else (y1 // 100) * 100 + int(year_range.group(2))
        if y1 <= y2 <= y1 + 15:
            if re.search(r"уч", text[year_range.end() : year_range.end() + 12]):
                window = (dt.date(y1, 9, 1), dt.date(y2, 8, 31))
            else:
                window = (dt.date(y1, 1, 1), dt.date(y2, 12, 31))
            inner = (max(start, window[0]), min(end, window[1]))
            found = _checkpoints(*inner, every) if inner[0] <= inner[1] else []
            outside = [] if found else [window[1]]
            return result(CONTINUOUS, found, schedule=f"постоянно, контрольные точки {CHECKPOINTS[every]}")
    if re.search(r"(?:до\s+конца|^конец)\s+(?:каждого\s+)?(?:календарного\s+|текущего\s+)?года", text):
        # «до конца года»: 31 December, also in a plan of school years
        found = _occurrences(12, 31, start, end) or _window_ends(start, end)
        return result(ANNUAL, found, schedule="ежегодно, до конца календарного года")
    if annual or _has(text, YEAR_END_PATTERNS):
        return result(ANNUAL, _window_ends(start, end), schedule="ежегодно, в конце года")
    bare_year = re.search(rf"(?<!\d)({YEAR_RE})(?!\d)", text)
    if _has(text, CONTINUOUS_PATTERNS) and not bare_year:
        # Continuous work gets a checkpoint every year (half-year, quarter) of the period.
        return result(
            CONTINUOUS,
            _checkpoints(start, end, every),
            "Контрольная точка — " + CHECKPOINTS[every] + " периода.",
            schedule=f"постоянно, контрольные точки {CHECKPOINTS[every]}",
        )
    holidays = re.search(r"(осенн|зимн|весенн|летн)\w*\s+каникул", text)
    if holidays:
        # school holidays end in early November, early January, late March and August
        month = {"осенн": 11, "зимн": 1, "весенн": 3, "летн": 8}[holidays.group(1)]
        year_m = re.search(YEAR_RE, text)
        if year_m:
            year = int(year_m.group(0))
            explicit = [month_end(year, month)]
            outside = [] if start <= explicit[0] <= end else explicit
            return result(ONCE, explicit, schedule="однократно")
        words = f"ежегодно, {holidays.group(1)}ие каникулы ({MONTH_NAMES[month]})"
        return result(ANNUAL, _occurrences(month, None, start, end), schedule=words)
    for season, (first, last) in _SEASONS.items():
        if re.search(rf"(?<![а-я]){season}[а-я]*", text):
            year_m = re.search(YEAR_RE, text)
            if year_m:
                year = int(year_m.group(0)) + (1 if last < first else 0)
                explicit = [month_end(year, last)]
                outside = [] if start <= explicit[0] <= end else explicit
                return result(ONCE, [month_end(year, last)], schedule="однократно")
            return result(ANNUAL, _occurrences(last, None, start, end), schedule=f"ежегодно, {MONTH_NAMES[last]}")
    if bare_year:
        year = int(bare_year.group(1))
        explicit = [dt.date(year, 12, 31)]
        if _has(text, CONTINUOUS_PATTERNS) or "течени" in text:
            inner = (max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31)))
            found = _checkpoints(*inner, every) if inner[0] <= inner[1] else []
            outside = [] if found else explicit
            return result(CONTINUOUS, found, schedule=f"в течение {year} года")
        outside = [] if start <= explicit[0] <= end else explicit
        return result(ONCE, explicit, schedule="однократно")
    return ParsedDeadline(original, False, None, note="Сроки не распознаны: укажите даты вручную.")
