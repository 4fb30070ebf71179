"""The plain structure a roadmap document is read into (nothing here touches the database)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from roadmaps.deadlines import CHECKPOINT_YEAR, ParsedDeadline, parse_deadline
from roadmaps.importers.table import ParsedSection

# Where the period was read (RoadmapDocument.period_source); "" when it was not found.
PERIOD_FROM_HEADING = "заголовок дорожной карты"
PERIOD_FROM_PREAMBLE = "преамбула приказа"
PERIOD_FROM_USER = "указан пользователем"


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
    period_source: str = ""
    # role (see table.COLUMN_ROLES) → index of the column of the roadmap table it was read from
    column_roles: dict[str, int] = field(default_factory=dict)
    # how often continuous work is checked: "year", "half" or "quarter" (deadlines.CHECKPOINTS)
    checkpoints: str = CHECKPOINT_YEAR

    @property
    def needs_period(self) -> bool:
        return self.period_start is None or self.period_end is None

    def set_period(self, start: dt.date, end: dt.date, source: str = PERIOD_FROM_USER) -> None:
        if end < start:
            start, end = end, start
        self.period_start, self.period_end, self.period_source = start, end, source

    def deadline(self, text: str) -> ParsedDeadline:
        return parse_deadline(
            text, self.period_start, self.period_end, order_date=self.order_date, checkpoints=self.checkpoints
        )

    @property
    def activity_count(self) -> int:
        return sum(len(s.activities) for s in self.sections)

    @property
    def activities(self):
        return [a for s in self.sections for a in s.activities]

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
                        "text": activity.title,
                        "deadline_text": activity.deadline_text,
                        "deadline_parsed": parsed.parsed,
                        "recurrence": parsed.recurrence,
                        "due_dates": [d.isoformat() for d in parsed.dates],
                        "schedule": parsed.schedule,
                        # the heading of a group («4.1.» over «4.1.1.») has no deadline of its own to flag
                        "flagged": "" if activity.heading and not activity.deadline_text else parsed.flagged,
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
        if self.order_number or self.order_date:
            order = {
                "number": self.order_number,
                "date": self.order_date.isoformat() if self.order_date else None,
            }
        period = None
        if not self.needs_period and self.period_start and self.period_end:
            period = {"start": self.period_start.isoformat(), "end": self.period_end.isoformat()}
        return {
            "title": self.title,
            "order": order,
            "period": period,
            "period_source": self.period_source,
            "needs_period": self.needs_period,
            "columns": list(self.columns),
            "column_roles": dict(self.column_roles),
            "sections": sections,
        }


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
