"""Title, period and approving order, read from the lines around the roadmap table as a person does.

The lines are the document's paragraphs before the roadmap table (and the caption rows of the table
itself), in reading order. They fall in three zones:

* the order's own header (ПРИКАЗ, its date and number) and preamble («В соответствии с …»,
  «ПРИКАЗЫВАЮ: 1. Утвердить дорожную карту … на 2023–2025 годы»);
* the approval stamp of the appendix («Приложение к приказу … от … № …», «УТВЕРЖДЕНО приказом … от … №»);
* the roadmap's own heading («Дорожная карта … на период 2022–2024 гг.», a caption, a line of its own).

The period is taken from the heading first and from the preamble only when the heading has none;
years of acts cited in the preamble are never a period. The order is the one the stamp or the
header names, never a decree or letter cited «в соответствии с …».
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from roadmaps.deadlines import MONTH_RE, _month_number, month_end, normalize

YEAR = r"(?:19|20)\d{2}"
TITLE_WORDS = re.compile(r"дорожн\w*\s+карт|план\w*\s+мероприяти|план\s+(?:работы|действий)|\bкарта\b", re.I)
STAMP_START = re.compile(r"^\s*(?:приложени|утвержд[её]н|утверждаю|согласован|к\s+приказу|приказом)", re.I)
NOT_TITLE = re.compile(
    r"^\s*(?:приложени|утвержд|к\s+приказу|приказом|об\s+утверждении|о\s+|в\s+соответствии|во\s+исполнение|"
    r"на\s+основании|с\s+целью|в\s+целях|\d+\.\s*утвердить|утвердить|приказываю)",
    re.I,
)
CITED_WORDS = re.compile(
    r"в\s+соответстви|во\s+исполнени|на\s+основани|согласно|руководству|распоряжени|постановлени|письм|указ\w*\s|"
    r"закон|решени|протокол|министерств|правительств|минпросвещ|губернатор|стратеги|концепци|программ",
    re.I,
)
# the act that approves: an order, or a municipality's resolution or decree
_ACT = r"(?:приказ|постановлени|распоряжени)"
APPROVES = re.compile(rf"приложени\w*.{{0,120}}?к\s+{_ACT}|утвержд\w*.{{0,40}}?{_ACT}|к\s+{_ACT}\w*", re.I | re.S)
# where one stamp of several in a block begins («Согласовано … протокол № 1  Утверждаю … приказ № 60»)
STAMP_WORD = re.compile(r"(?:приложени\w*|утвержд\w*|согласован\w*|принят\w*|рассмотрен\w*|одобрен\w*)(?![а-я])", re.I)


# Order ---------------------------------------------------------------------------------------------
_BLANK = r"_{2,}|\.{3,}|…+"
_DAY = rf"(?:«|\"|“)?\s*(?P<day>\d{{1,2}}|{_BLANK})\s*(?:»|\"|”)?"
_DATE_WORDS = rf"{_DAY}\s*(?P<month>{MONTH_RE}|{_BLANK})\s*(?P<year>{YEAR}|20_+|_+)\s*(?:г\.?|года)?"
_DATE_NUMERIC = rf"(?P<nday>\d{{1,2}})\s*\.\s*(?P<nmonth>\d{{1,2}})\s*\.\s*(?P<nyear>{YEAR}|\d{{2}})\s*(?:г\.?|года)?"
DATE_RE = re.compile(rf"(?:{_DATE_NUMERIC}|{_DATE_WORDS})", re.I)
# «№ 15 а», «N 01/288», «№ 4/12», «№280-____», «№ 123-од»: a single letter after a space belongs to the number
NUMBER_RE = re.compile(
    r"(?:№|(?<![\w])N(?=\s*[\d_])|(?<![\w])No\.?(?=\s*\d))\s*"
    r"(?P<num>[\w_][\w\-/._]*(?:\s?-\s?[\w_]+)?(?:\s[а-яa-z](?:/[а-яa-z])?(?![\w.]))?)",
    re.I,
)


# the first line of an order's own header: «ПРИКАЗ № 12 14.04.2022 с. Валуевка»
ORDER_HEADER = re.compile(r"^\s*(?:приказ|постановление|распоряжение)\s*(?=№|N\s*\d|\d|«|$)", re.I)

# «Постановление от 24.04.2015 г № 377-П»: the first words of the order's own header line
ORDER_HEADER_FROM = re.compile(r"(?:приказ|постановление|распоряжение)(?:\s+от)?", re.I)

SCHOOL_BEFORE = re.compile(
    r"(?:сош|оош|нош|школ\w*|гимнази\w*|лице\w*|мбоу|маоу|мкоу|гбоу|моу|мбдоу|мадоу|детск\w*\s+сад\w*|доу|"
    r"протокол\w*|приложени\w*|пункт\w*|раздел\w*)\s*(?:«[^»]{0,40}»)?\s*$",
    re.I,
)


@dataclass
class OrderFound:
    number: str
    date: dt.date | None
    blank: bool  # the stamp has blanks to be filled in: number and/or date unknown
    text: str


def _date_of(m: re.Match) -> tuple[dt.date | None, bool]:
    if m.group("nday"):
        year = int(m.group("nyear"))
        year = year + 2000 if year < 100 else year
        try:
            return dt.date(year, int(m.group("nmonth")), int(m.group("nday"))), False
        except ValueError:
            return None, False
    day, month, year = m.group("day"), m.group("month"), m.group("year")
    if not day.isdigit() or not year.isdigit() or not month[0].isalpha():
        return None, True
    number = _month_number(month.lower().replace("ё", "е"))
    try:
        return (dt.date(int(year), number, int(day)), False) if number else (None, False)
    except ValueError:
        return None, False


def _clean_number(raw: str) -> tuple[str, bool]:
    raw = re.sub(r"\s*-\s*", "-", raw.strip().rstrip(".,;"))  # «165 - ОД» is «165-ОД»
    if "_" in raw or "…" in raw or re.search(r"\.{3}", raw):
        return "", True
    return raw, False


def _pairs(text: str, *, bare: bool = False) -> list[tuple[int, int, OrderFound]]:
    """Every «от DATE № NUM» / «№ NUM от DATE» / «DATE   № NUM» in the text, with its span.

    bare: also «№ NUM   DATE» without «от» (an order's own header: «ПРИКАЗ № 12» over «14.04.2022»).
    """
    out = []
    dates = list(DATE_RE.finditer(text))
    numbers = list(NUMBER_RE.finditer(text))
    for n in numbers:
        if SCHOOL_BEFORE.search(text[max(0, n.start() - 40) : n.start()]):
            continue  # «МБОУ СОШ № 3», «Гимназия № 5»: the name of a school, not an order number
        number, blank_number = _clean_number(n.group("num"))
        best = None
        for d in dates:
            if d.end() <= n.start() and n.start() - d.end() <= 40:
                gap = text[d.end() : n.start()]
                if not re.search(r"[.;]\s|№", gap):
                    best = d
            elif (
                d.start() >= n.end()
                and d.start() - n.end() <= (8 if not bare else 12)
                and re.match(r"\s*от\s*$" if not bare else r"\s*(?:от\s*)?$", text[n.end() : d.start()])
            ):
                # «№ 181/1 от 13.09.2023», unless the date has its own number after it («от 01.09.2023 № 4/12»)
                follower = next((m for m in numbers if m.start() >= d.end()), None)
                if follower is not None and follower.start() - d.end() <= 12:
                    continue
                best = d
                break
        if best is None:
            continue
        date, blank_date = _date_of(best)
        start = min(best.start(), n.start())
        end = max(best.end(), n.end())
        out.append(
            (start, end, OrderFound(number, None if blank_date else date, blank_number or blank_date, text[start:end]))
        )
    return out


def parse_order(lines: list[str]) -> tuple[str, dt.date | None, str | None]:
    """The approving order: (number, date, warning for the person).

    A stamp «Приложение к приказу … от … № …» or «УТВЕРЖДЕНО приказом … от … №» names it; otherwise
    the order's own header (a short line with its date and number at the top). Acts cited in the
    preamble are skipped. Blanks to be filled in give an unknown number, never an invented one.
    """
    found = find_order(lines)
    if found is None:
        stamp = next((line for line in lines if APPROVES.search(line)), None)
        if stamp:
            return "", None, f"Реквизиты приказа не распознаны («{stamp.strip()}»): укажите номер и дату вручную."
        return "", None, None
    if found.blank:
        warning = (
            f"Реквизиты приказа не распознаны: в них пропуски («{found.text.strip()}»). "
            "Укажите номер и дату приказа вручную."
        )
        return found.number, found.date, warning
    return found.number, found.date, None


def find_order(lines: list[str]) -> OrderFound | None:
    stamps: list[OrderFound] = []
    headers: list[OrderFound] = []
    blocks = _blocks(lines)
    for index, (kind, text) in enumerate(blocks):
        header_line = kind == "text" and index <= 12 and bool(ORDER_HEADER.match(text))
        for start, _end, found in _pairs(text, bare=header_line):
            before = text[max(0, start - 200) : start]
            if kind == "text":
                sentence = re.split(r"[.;:]\s|\n", before)[-1]
            else:
                # the stamp this requisite belongs to: from its own «Утверждаю»/«Согласовано»/«Приложение»
                starts = list(STAMP_WORD.finditer(before))
                sentence = before[starts[-1].start() :] if starts else before
            if kind == "stamp" or APPROVES.search(before[-160:]):
                if not CITED_WORDS.search(sentence) or APPROVES.search(sentence):
                    stamps.append(found)
                    continue
            own_header = header_line or bool(ORDER_HEADER_FROM.fullmatch(sentence.strip())) and index <= 12
            if CITED_WORDS.search(sentence) and not own_header:
                continue
            if kind == "text" and len(text) <= 160 and index <= 12:
                headers.append(found)
    if not stamps and not headers:
        # the header's date and number on lines of their own («06.02.2023» / «№ 15 а»)
        for index in range(min(len(blocks), 12) - 1):
            (kind_a, a), (kind_b, b) = blocks[index], blocks[index + 1]
            if kind_a == kind_b == "text" and len(a) <= 60 and len(b) <= 60 and not CITED_WORDS.search(a + " " + b):
                pairs = _pairs(a + "   " + b, bare=True)
                if pairs:
                    headers.append(pairs[0][2])
                    break
    complete = [f for f in stamps + headers if not f.blank]
    if stamps and not stamps[0].blank:
        return stamps[0]
    if headers and not headers[0].blank:
        return headers[0]
    if stamps:
        # a stamp with blanks and nothing better: the parts that are filled in, flagged
        return complete[0] if complete else stamps[0]
    return headers[0] if headers else None


def _blocks(lines: list[str]) -> list[tuple[str, str]]:
    """Lines grouped: a stamp (from «Приложение»/«УТВЕРЖДЕНО» to the title) is one block."""
    out: list[tuple[str, str]] = []
    stamp: list[str] | None = None
    for line in lines:
        text = " ".join(line.split())
        if not text:
            continue
        if STAMP_START.match(text):
            if stamp is not None:
                out.append(("stamp", " ".join(stamp)))
            stamp = [text]
            continue
        if stamp is not None:
            if TITLE_WORDS.search(text) and not APPROVES.search(text) or len(stamp) >= 8:
                out.append(("stamp", " ".join(stamp)))
                stamp = None
            else:
                stamp.append(text)
                continue
        out.append(("text", text))
    if stamp is not None:
        out.append(("stamp", " ".join(stamp)))
    # the header's date and number sometimes stand on lines of their own: read them together too
    return out


# Period --------------------------------------------------------------------------------------------
_ACADEMIC = r"(?:уч(?:ебн\w*)?\.?\s*(?:г(?:од\w*)?\.?|гг\.?)?|учебн\w*)"
_RANGE_SEP = r"\s*(?:-|/|по|и)\s*"
_P_MONTHS = re.compile(
    rf"(?:с\s+)?(?P<m1>{MONTH_RE})\s+(?P<y1>{YEAR})\s*(?:г\.?|года)?{_RANGE_SEP}(?P<m2>{MONTH_RE})\s+(?P<y2>{YEAR})"
)
_P_DATES = re.compile(
    r"(?:с\s+|период\w*\s+)?(?P<d1>\d{1,2})\.(?P<mo1>\d{1,2})\.(?P<y1>\d{4})\s*(?:г\.?|года)?\s*"
    r"(?:-|по|до)\s*(?P<d2>\d{1,2})\.(?P<mo2>\d{1,2})\.(?P<y2>\d{4})"
)
_P_FROM = re.compile(
    rf"(?<![\w.])с\s+(?P<d1>\d{{1,2}})(?:\.(?P<mo1>\d{{1,2}})\.|\s+(?P<mw1>{MONTH_RE})\s+)(?P<y1>\d{{4}})"
)
# «с 1 сентября 2023 года по 31 мая 2024 года»
_P_WORD_DATES = re.compile(
    rf"(?P<d1>\d{{1,2}})\s+(?P<m1>{MONTH_RE})\s+(?P<y1>{YEAR})\s*(?:г\.?|года)?\s*(?:-|по|до)\s*"
    rf"(?P<d2>\d{{1,2}})\s+(?P<m2>{MONTH_RE})\s+(?P<y2>{YEAR})"
)
# «на 2023, 2024, 2025 годы», «на 2023 и 2024 годы»
_P_YEAR_LIST = re.compile(rf"(?<![\d.])(?P<years>{YEAR}(?:\s*(?:,|и)\s*{YEAR})+)\s*(?:гг\.?|годы|годах|годов)")


def _since(m: re.Match) -> dt.date | None:
    month = int(m.group("mo1")) if m.group("mo1") else _month_number(m.group("mw1"))
    try:
        return dt.date(int(m.group("y1")), month or 0, int(m.group("d1")))
    except ValueError:
        return None


_P_YEARS = re.compile(
    rf"(?<![\d.])(?P<y1>{YEAR})\s*(?:г\.?|гг\.?|год\w*)?{_RANGE_SEP}(?P<y2>{YEAR}|\d{{2}})(?![\d.])\s*(?P<tail>[^,;()]{{0,30}})"
)
_PAIR = rf"{YEAR}\s*[-–/]\s*{YEAR}"
_P_CHAIN = re.compile(rf"(?<![\d.]){_PAIR}(?:\s*(?:,|и|;)\s*{_PAIR})+(?![\d.])\s*(?P<tail>[^,;()]{{0,30}})")
# «на 2023/24 – 2025/26 учебные годы», «с 2023/2024 по 2025/2026 учебный год»: a range of school years
_P_SCHOOL_RANGE = re.compile(
    rf"(?<![\d.])(?P<y1>{YEAR})\s*/\s*(?P<y2>{YEAR}|\d{{2}})(?![\d.])\s*(?:уч\w*\.?\s*(?:г\w*\.?)?\s*)?"
    rf"(?:-|по|до)\s*(?P<y3>{YEAR})\s*/\s*(?P<y4>{YEAR}|\d{{2}})(?![\d.])"
)
_P_FROM_TO_YEARS = re.compile(rf"(?<![\w])с\s+(?P<y1>{YEAR})\s*(?:г\.?|года?)?\s+по\s+(?P<y2>{YEAR})")
_P_YEAR = re.compile(
    rf"(?<![\d.])(?P<y1>{YEAR})(?![\d.])\s*(?P<tail>(?:-?\s*(?:й|м|го))?\s*(?:г\.|год\w*|уч\w*\.?)[^,;()]{{0,20}})"
)
_ACADEMIC_TAIL = re.compile(rf"^\s*(?:гг?\.?\s*|годы\s*|года\s*)?{_ACADEMIC}")


def period_in(text: str) -> tuple[dt.date, dt.date] | None:
    """The first period written in this text, or None.

    «на период 2022– 2024 гг.» → 01.01.2022–31.12.2024; «на 2023/2024 учебный год» →
    01.09.2023–31.08.2024; «(сентябрь 2022 г. - май 2024 г.)» → 01.09.2022–31.05.2024.
    """
    text = normalize(text)
    candidates: list[tuple[int, tuple[dt.date, dt.date]]] = []
    for m in _P_MONTHS.finditer(text):
        first, last = _month_number(m.group("m1")), _month_number(m.group("m2"))
        y1, y2 = int(m.group("y1")), int(m.group("y2"))
        if first and last and (y1, first) <= (y2, last):
            candidates.append((m.start(), (dt.date(y1, first, 1), month_end(y2, last))))
    for m in _P_WORD_DATES.finditer(text):
        first, last = _month_number(m.group("m1")), _month_number(m.group("m2"))
        try:
            start = dt.date(int(m.group("y1")), first or 0, int(m.group("d1")))
            end = dt.date(int(m.group("y2")), last or 0, int(m.group("d2")))
        except ValueError:
            continue
        if start <= end:
            candidates.append((m.start(), (start, end)))
    for m in _P_YEAR_LIST.finditer(text):
        years = [int(y) for y in re.findall(YEAR, m.group("years"))]
        if years == sorted(years) and 0 < years[-1] - years[0] <= 15:
            candidates.append((m.start(), (dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31))))
    for m in _P_DATES.finditer(text):
        try:
            start = dt.date(int(m.group("y1")), int(m.group("mo1")), int(m.group("d1")))
            end = dt.date(int(m.group("y2")), int(m.group("mo2")), int(m.group("d2")))
        except ValueError:
            continue
        if start <= end:
            candidates.append((m.start(), (start, end)))
    for m in _P_CHAIN.finditer(text):
        years = [int(y) for y in re.findall(YEAR, m.group(0))]
        # pairs of one year each, the next starting where the last ended, are school years whatever follows
        school_years = all(b - a == 1 for a, b in zip(years[::2], years[1::2], strict=True)) and all(
            years[i] == years[i + 1] for i in range(1, len(years) - 1, 2)
        )
        academic = _ACADEMIC_TAIL.match(m.group("tail")) or school_years
        if academic and years == sorted(years) and 0 < years[-1] - years[0] <= 15:
            candidates.append((m.start(), (dt.date(years[0], 9, 1), dt.date(years[-1], 8, 31))))
    for m in _P_SCHOOL_RANGE.finditer(text):
        y1, y3 = int(m.group("y1")), int(m.group("y3"))
        y4 = int(m.group("y4")) if len(m.group("y4")) == 4 else (y3 // 100) * 100 + int(m.group("y4"))
        if 0 < y4 - y1 <= 15:
            candidates.append((m.start(), (dt.date(y1, 9, 1), dt.date(y4, 8, 31))))
    taken = [c[0] for c in candidates]
    for m in _P_YEARS.finditer(text):
        if any(abs(m.start() - t) < 25 for t in taken):
            continue
        y1, raw2 = int(m.group("y1")), m.group("y2")
        if len(raw2) == 2 and re.match(rf"\s*{MONTH_RE}", text[m.end("y2") :]):
            continue  # «2023 года по 31 мая»: a day, not the end of a range of years
        y2 = int(raw2) if len(raw2) == 4 else (y1 // 100) * 100 + int(raw2)
        if not 0 <= y2 - y1 <= 15:
            continue
        # one school year: «2023/2024», or two years running with a singular «год» («на 2024-2025 год»)
        one_school_year = y2 == y1 + 1 and (
            "/" in m.group(0)[: m.start("y2") - m.start()] or re.match(r"^\s*год[у]?\b", m.group("tail"))
        )
        if _ACADEMIC_TAIL.match(m.group("tail")) or one_school_year:
            if y2 == y1:
                continue
            candidates.append((m.start(), (dt.date(y1, 9, 1), dt.date(y2, 8, 31))))
        else:
            candidates.append((m.start(), (dt.date(y1, 1, 1), dt.date(y2, 12, 31))))
    for m in _P_FROM_TO_YEARS.finditer(text):
        y1, y2 = int(m.group("y1")), int(m.group("y2"))
        if 0 <= y2 - y1 <= 15:
            candidates.append((m.start(), (dt.date(y1, 1, 1), dt.date(y2, 12, 31))))
    since = _P_FROM.search(text)
    if not candidates:
        for m in _P_YEAR.finditer(text):
            if since and since.start() <= m.start() < since.end():
                continue  # the year of «с 01 сентября 2023 г.»: a start date, read below
            y1 = int(m.group("y1"))
            if re.match(rf"\s*(?:-?\s*(?:й|м|го))?\s*{_ACADEMIC}", m.group("tail")) and "уч" in m.group("tail"):
                candidates.append((m.start(), (dt.date(y1, 9, 1), dt.date(y1 + 1, 8, 31))))
            else:
                candidates.append((m.start(), (dt.date(y1, 1, 1), dt.date(y1, 12, 31))))
            break
    if not candidates:
        if since:
            start_date = _since(since)
            if start_date is None:
                return None
            start = start_date
            end = dt.date(start.year + 1, 8, 31) if start.month >= 9 else dt.date(start.year, 12, 31)
            return start, end
        return None
    candidates.sort(key=lambda c: c[0])
    start, end = candidates[0][1]
    # «на 2023-2024 учебный год (с 01.09.2023)»: a start date written beside the years refines the start
    own = _since(since) if since else None
    if own is not None and start < own <= end:
        start = own
    return start, end


OPERATIVE = re.compile(r"приказываю|постановля\w*|распоряжаюсь|решил\w*", re.I)
ROADMAP_MENTION = re.compile(r"дорожн\w*\s+карт\w*|план\w*\s+(?:мероприяти|внедрени|реализаци)\w*", re.I)
# the order's own words about the model it brings in: «Внедрить целевую модель наставничества … в 2022 году»
MODEL_MENTION = re.compile(
    r"(?:внедр\w*|реализ\w*|введ\w*)\s+(?:\S+\s+){0,3}?(?:целев\w*\s+модел\w*|систем\w*)\s+наставничеств\w*", re.I
)


def _in_cited_title(text: str, position: int) -> bool:
    """Inside the quoted title of an act cited by its date or number («от 25.02.2019 № 83-р «Об утверждении
    плана мероприятий … до 2035 года»»)."""
    opened, closed = text.rfind("«", 0, position), text.rfind("»", 0, position)
    if opened <= closed:
        return False
    return bool(
        DATE_RE.search(text[max(0, opened - 60) : opened]) or NUMBER_RE.search(text[max(0, opened - 40) : opened])
    )


def _roadmap_mentions(text: str, pattern: re.Pattern[str] = ROADMAP_MENTION) -> list[str]:
    """Pieces of a preamble sentence that speak of the roadmap itself (from its mention to the sentence end).

    Mentions in the operative part («ПРИКАЗЫВАЮ: 1. Утвердить план …») come first; titles of cited acts
    are skipped."""
    out = []
    operative = OPERATIVE.search(text)
    matches = list(pattern.finditer(text))
    if operative:
        matches.sort(key=lambda m: m.start() < operative.start())
    for m in matches:
        if _in_cited_title(text, m.start()):
            continue
        rest = text[m.start() :]
        end = re.search(r"[.;](?:\s|$)(?!\s*(?:г\.|гг\.))|\(приложени", rest, re.I)
        piece = rest[: end.start()] if end else rest
        # a cited act inside the piece («…, утвержденной постановлением … от … №») is not the roadmap
        piece = re.split(r",?\s*(?:утвержденн\w*|в\s+соответстви\w*|согласно)\s", piece, maxsplit=1, flags=re.I)[0]
        out.append(piece)
    return out


def find_period(heading: list[str], preamble: list[str]) -> tuple[dt.date, dt.date, str] | None:
    from roadmaps.importers.document import PERIOD_FROM_HEADING, PERIOD_FROM_PREAMBLE

    for line in heading:
        if APPROVES.search(line) and not TITLE_WORDS.search(line):
            continue
        found = period_in(_without_order_refs(line))
        if found:
            return found[0], found[1], PERIOD_FROM_HEADING
    # a title of its own just above the roadmap's heading («Программа наставничества на 2021-2022 учебный год»)
    for line in reversed(preamble[-2:]):
        if _title_like(line):
            found = period_in(_without_order_refs(line))
            if found:
                return found[0], found[1], PERIOD_FROM_HEADING
    joined = " ".join(" ".join(line.split()) for line in preamble)
    for pattern in (ROADMAP_MENTION, MODEL_MENTION):
        for piece in _roadmap_mentions(joined, pattern):
            if pattern is MODEL_MENTION and not _after_operative(joined, piece):
                continue
            found = period_in(_without_order_refs(piece))
            if found:
                return found[0], found[1], PERIOD_FROM_PREAMBLE
    return None


def _after_operative(text: str, piece: str) -> bool:
    operative = OPERATIVE.search(text)
    return operative is not None and text.find(piece) > operative.start()


def _title_like(line: str) -> bool:
    """A heading line of its own: names the programme/model/plan, is not a sentence, a stamp or a requisite."""
    line = " ".join(line.split())
    return bool(
        len(line) <= 250
        and re.search(r"наставнич|дорожн\w*\s+карт|план\w*\s+мероприяти", line, re.I)
        and not STAMP_START.match(line)
        and not NOT_TITLE.match(line)
        and not re.match(r"^\s*(?:\d+\.|[-–•])", line)
        and not _is_sentence(line)
        and not APPROVES.search(line)
        and not re.search(r"в\s+соответстви|во\s+исполнени|на\s+основани|согласно|руководству|\bот\s+\d", line, re.I)
        and not line.endswith((";", ":"))
    )


def _without_order_refs(text: str) -> str:
    """Dates and numbers of acts («от 12.09.2022 № 280») removed, so they are not read as a period."""
    for start, end, _found in sorted(_pairs(text), key=lambda p: -p[0]):
        text = text[:start] + " " + text[end:]
    text = re.sub(r"\bот\s+" + DATE_RE.pattern, " ", text, flags=re.I)
    return NUMBER_RE.sub(" ", text)


# Title ---------------------------------------------------------------------------------------------
def split_heading(lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(preamble and header, stamp lines, heading lines) of the lines before the roadmap table.

    The heading starts at the last line that names a roadmap/plan and is not part of a sentence of
    the preamble or a stamp; a stamp right above it belongs to the appendix.
    """
    cleaned = [" ".join(line.split()) for line in lines]
    cleaned = [line for line in cleaned if line]
    start = None
    for index in range(len(cleaned) - 1, -1, -1):
        line = cleaned[index]
        if TITLE_WORDS.search(line) and not NOT_TITLE.match(line) and not _is_sentence(line):
            start = index
            # a heading broken over several lines: «ДОРОЖНАЯ КАРТА» / «(план мероприятий)» / «по …»
            while start > 0 and _heading_continues(cleaned[start - 1], cleaned[start]):
                start -= 1
            break
    if start is None:
        # no named heading: the lines after the last stamp
        last_stamp = max((i for i, line in enumerate(cleaned) if STAMP_START.match(line)), default=None)
        if last_stamp is None:
            return cleaned, [], []
        stamp_end = last_stamp + 1
        while stamp_end < len(cleaned) and (
            APPROVES.search(cleaned[stamp_end]) or DATE_RE.search(cleaned[stamp_end]) or len(cleaned[stamp_end]) < 60
        ):
            stamp_end += 1
        return cleaned[:last_stamp], cleaned[last_stamp:stamp_end], cleaned[stamp_end:]
    stamp_start = start
    while stamp_start > 0 and _stamp_line(cleaned[stamp_start - 1]):
        stamp_start -= 1
    while stamp_start < start and not STAMP_START.match(cleaned[stamp_start]):
        stamp_start += 1
    return cleaned[:stamp_start], cleaned[stamp_start:start], cleaned[start:]


def _is_sentence(line: str) -> bool:
    return bool(re.search(r"\b(?:утвердить|приказываю|возложить|обеспечить|контроль)\b", line, re.I)) or len(line) > 600


def _stamp_line(line: str) -> bool:
    return bool(
        STAMP_START.match(line)
        or APPROVES.search(line)
        or (DATE_RE.search(line) and len(line) < 80)
        or NUMBER_RE.search(line)
        and len(line) < 80
        or (len(line) < 70 and not line.endswith("."))
    )


def _heading_continues(previous: str, line: str) -> bool:
    return bool(
        re.fullmatch(r"[А-ЯЁ\s\-()]+", previous)
        and len(previous) < 60
        and not STAMP_START.match(previous)
        and not re.search(r"приказ|утвержд", previous, re.I)
        and previous.strip().upper() not in ("ПРИКАЗ", "ПРИКАЗЫВАЮ:", "ПРИКАЗЫВАЮ")
    )


TITLE_STOP = re.compile(r"^\s*(?:срок\w*\s+реализации|цел[ьи]\b|задач\w*\s*:|период\s+реализации|исполнител)", re.I)


def pick_title(heading: list[str], fallback: str) -> str:
    lines: list[str] = []
    for line in heading:
        if APPROVES.search(line) and not TITLE_WORDS.search(line):
            continue
        if lines and TITLE_STOP.match(line):
            break
        lines.append(line)
        if len(lines) >= 6:
            break
    title = " ".join(" ".join(lines).split())
    return title or fallback
