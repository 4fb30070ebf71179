"""Reading a roadmap document (.docx order with a table, or an .xlsx sheet) into a plain structure.

`read_roadmap(file, filename)` returns a `RoadmapDocument`; nothing is written to the database
here. `roadmaps.services.roadmap_import` writes it in one transaction, and `to_json` gives the
shape printed by `manage.py import_roadmap --json` and shown on the preview page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import BinaryIO

from roadmaps.deadlines import MONTH_RE, ParsedDeadline, _month_number, explicit_span, parse_deadline
from roadmaps.importers.table import ParsedSection, RoadmapImportError

__all__ = ["RoadmapDocument", "RoadmapImportError", "read_roadmap", "parse_indicators", "split_parties"]

TITLE_WORDS = re.compile(r"дорожн\w*\s+карт|план\w*\s+мероприяти|карта", re.IGNORECASE)


@dataclass
class RoadmapDocument:
    title: str
    order_number: str
    order_date: dt.date | None
    columns: list[str]
    sections: list[ParsedSection]
    warnings: list[str] = field(default_factory=list)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    file_kind: str = ""

    def set_period(self, start: dt.date, end: dt.date) -> None:
        self.period_start, self.period_end = start, end

    def deadline(self, text: str) -> ParsedDeadline:
        return parse_deadline(text, self.period_start, self.period_end)

    @property
    def activity_count(self) -> int:
        return sum(len(s.activities) for s in self.sections)

    def to_json(self) -> dict:
        sections = []
        for section in self.sections:
            activities = []
            for activity in section.activities:
                parsed = self.deadline(activity.deadline_text)
                activities.append(
                    {
                        "number": activity.number,
                        "title": activity.title,
                        "deadline_text": activity.deadline_text,
                        "deadline_parsed": parsed.parsed,
                        "recurrence": parsed.recurrence,
                        "due_dates": [d.isoformat() for d in parsed.dates],
                        "responsible": split_parties(activity.responsible_text),
                        "participants": split_parties(activity.participants_text),
                        "result": activity.result,
                        "indicators": [
                            {"year": year, "value": _json_number(value)}
                            for year, value in parse_indicators(activity.indicator_text)
                        ],
                    }
                )
            sections.append({"number": section.number, "title": section.title, "activities": activities})
        order = None
        if self.order_number and self.order_date:
            order = {"number": self.order_number, "date": self.order_date.isoformat()}
        return {"title": self.title, "order": order, "columns": list(self.columns), "sections": sections}


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# Cell helpers -------------------------------------------------------------------------------------
def split_parties(text: str) -> list[str]:
    """ "Управление, МБУ «Методический центр», руководители ОО" → three parties.

    Commas inside quotes or brackets do not split ("МБОУ «СШ № 1, корпус 2»").
    """
    parts: list[str] = []
    depth = 0
    buf: list[str] = []
    for ch in text or "":
        if ch in "«(\u201c[":
            depth += 1
        elif ch in "»)\u201d]" and depth:
            depth -= 1
        if ch in ",;\n" and depth == 0:
            parts.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    parts.append("".join(buf))
    out = []
    for part in parts:
        part = " ".join(part.split()).strip(" .,;:-–—·•")
        if part:
            out.append(part)
    return out


_INDICATOR = re.compile(r"((?:19|20)\d{2})\s*(?:г\.?|год[ауы]?)?\s*(?:[-–—:=]|\s)\s*(\d+(?:[.,]\d+)?)\s*(%?)")


def parse_indicators(text: str) -> list[tuple[int, Decimal]]:
    """ "2026 г. – 60; 2027 г. – 60" → [(2026, 60), (2027, 60)]."""
    out: dict[int, Decimal] = {}
    for m in _INDICATOR.finditer(text or ""):
        try:
            out.setdefault(int(m.group(1)), Decimal(m.group(2).replace(",", ".")))
        except InvalidOperation:
            continue
    return sorted(out.items())


# Title, order and period ------------------------------------------------------------------------
_ORDER_PATTERNS = [
    re.compile(
        rf"от\s*«?\s*(\d{{1,2}})\s*»?\s*({MONTH_RE})\s*((?:19|20)\d{{2}})\s*(?:г\.?|года)?\s*№\s*([\w\-/.]+)", re.I
    ),
    re.compile(r"от\s*(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})\s*(?:г\.?)?\s*№\s*([\w\-/.]+)", re.I),
    re.compile(r"№\s*([\w\-/.]+)\s*от\s*(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})", re.I),
]


def parse_order(lines: list[str]) -> tuple[str, dt.date | None, str | None]:
    """Order number and date from the approval stamp ("от 12.09.2022 № 280-123").

    Returns (number, date, warning). A stamp with blanks ("от «___» ____2022 № 280-____") gives
    no order and a warning, so that nobody mistakes a placeholder for a real order.
    """
    text = " ".join(lines)
    for index, pattern in enumerate(_ORDER_PATTERNS):
        m = pattern.search(text)
        if not m:
            continue
        try:
            if index == 0:
                month = _month_number(m.group(2).lower().replace("ё", "е"))
                date = dt.date(int(m.group(3)), month or 0, int(m.group(1)))
                number = m.group(4)
            elif index == 1:
                date = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                number = m.group(4)
            else:
                date = dt.date(int(m.group(4)), int(m.group(3)), int(m.group(2)))
                number = m.group(1)
        except ValueError:
            continue
        if "_" in number:
            break
        return number.rstrip("."), date, None
    stamp = next((line for line in lines if re.search(r"\bот\b.*№|№.*\bот\b", line, re.I)), None)
    if stamp:
        return "", None, f"Реквизиты приказа не распознаны («{stamp.strip()}»): укажите номер и дату вручную."
    return "", None, None


def period_from_title(title: str) -> tuple[dt.date, dt.date] | None:
    text = title.replace("–", "-").replace("—", "-")
    m = re.search(r"((?:19|20)\d{2})\s*[-/]\s*((?:19|20)\d{2})\s*(?:гг?\.?\s*)?(?:уч|учебн)", text, re.I)
    if m:
        return dt.date(int(m.group(1)), 9, 1), dt.date(int(m.group(2)), 8, 31)
    m = re.search(r"((?:19|20)\d{2})\s*[-/]\s*((?:19|20)\d{2})", text)
    if m and int(m.group(2)) >= int(m.group(1)):
        return dt.date(int(m.group(1)), 1, 1), dt.date(int(m.group(2)), 12, 31)
    m = re.search(r"((?:19|20)\d{2})\s*(?:год|г\.)", text)
    if m:
        return dt.date(int(m.group(1)), 1, 1), dt.date(int(m.group(1)), 12, 31)
    return None


def settle_period(document: RoadmapDocument) -> None:
    """The period named in the title, widened to cover the dates written in the deadline cells.

    A typical roadmap "на 2022-2023 уч. год" still lists "Март 2022" for preparatory work: a
    period that cut those off would drop real deadlines.
    """
    texts = [a.deadline_text for s in document.sections for a in s.activities]
    titled = period_from_title(document.title)
    span = explicit_span(texts)
    if titled is None and span is None:
        year = dt.date.today().year
        document.set_period(dt.date(year, 1, 1), dt.date(year, 12, 31))
        document.warnings.append("Период дорожной карты не найден ни в названии, ни в сроках: взят текущий год.")
        return
    if titled is None:
        start, end = dt.date(span[0].year, 1, 1), dt.date(span[1].year, 12, 31)
        document.warnings.append(
            f"Период не указан в названии: взят по срокам мероприятий ({start:%d.%m.%Y}–{end:%d.%m.%Y})."
        )
        document.set_period(start, end)
        return
    start, end = titled
    if span is not None and (span[0] < start or span[1] > end):
        new_start = min(start, span[0].replace(day=1))
        new_end = max(end, span[1])
        document.warnings.append(
            f"В сроках есть даты вне периода из названия: период расширен до {new_start:%d.%m.%Y}–{new_end:%d.%m.%Y}."
        )
        start, end = new_start, new_end
    document.set_period(start, end)


def pick_title(lines: list[str], fallback: str) -> str:
    for line in lines:
        if TITLE_WORDS.search(line) and len(line) > 20 and not re.match(r"^\s*(утвержд|приложени)", line, re.I):
            return " ".join(line.split())
    return fallback


def read_roadmap(file: BinaryIO | str, filename: str | None = None) -> RoadmapDocument:
    """Read a .docx or .xlsx roadmap; raises RoadmapImportError with a Russian message."""
    name = filename or (file if isinstance(file, str) else getattr(file, "name", "")) or ""
    suffix = PurePath(str(name)).suffix.lower()
    if suffix == ".docx":
        from roadmaps.importers.docx import read_docx

        document = read_docx(file)
    elif suffix in (".xlsx", ".xlsm"):
        from roadmaps.importers.xlsx import read_xlsx

        document = read_xlsx(file)
    else:
        raise RoadmapImportError(
            "Поддерживаются файлы Word (.docx) и Excel (.xlsx). Файлы .doc и .xls сохраните в новом формате."
        )
    settle_period(document)
    for section in document.sections:
        for activity in section.activities:
            parsed = document.deadline(activity.deadline_text)
            if not parsed.parsed:
                document.warnings.append(
                    f"{activity.where}, мероприятие {activity.number or '(без номера)'}: сроки «{activity.deadline_text}» "
                    "не распознаны — мероприятие попадёт в список «Требует внимания»."
                )
            elif parsed.note and "вне периода" in parsed.note:
                document.warnings.append(f"{activity.where}, мероприятие {activity.number}: {parsed.note}")
    return document
