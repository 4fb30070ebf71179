"""Data for regional and federal monitoring: one row per organization with its indicators.

Streams organizations municipality by municipality into a write-only workbook, so a whole region
costs memory proportional to one municipality's aggregates.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accounts.models import Municipality
from monitoring import selectors
from monitoring.reports.data import KIND_LABELS, append

COLUMNS = [
    "Регион",
    "Муниципалитет",
    "Организация",
    "Полное наименование",
    "ИНН",
    "Тип",
    "Наставников",
    "Наставляемых",
    "Наставляемых в парах",
    "Пар и групп",
    "Программ",
    "Молодых специалистов",
    "Из них в парах",
    "Охват, %",
    "Встреч за период",
    "Мероприятий ДК со сроком",
    "Выполнено в срок",
    "Просрочено",
    "Отчётов ожидалось",
    "Отчётов сдано",
    "Сдано в срок",
    "Раздел сайта о наставничестве",
]


def build_regional_xlsx(
    municipalities: list[Municipality], start: dt.date, end: dt.date, organization_kind: str | None = None
) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Мониторинг ЦМН")
    head = []
    for title in COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        head.append(cell)
    ws.append(head)
    for municipality in municipalities:
        orgs = municipality.organizations.filter(is_active=True).order_by("short_name")
        if organization_kind:
            orgs = orgs.filter(kind=organization_kind)
        orgs = list(orgs)
        ids = [o.pk for o in orgs]
        figures = selectors.organization_figures(ids, start, end)
        reporting = selectors.reporting_by_organization(ids, start, end)
        for org in orgs:
            f = figures[org.pk]
            rep = reporting.get(org.pk, {})
            append(
                ws,
                [
                    municipality.region.name,
                    municipality.name,
                    org.short_name,
                    org.full_name,
                    org.inn,
                    KIND_LABELS.get(org.kind, org.kind),
                    f.mentors,
                    f.mentees,
                    f.mentees_matched,
                    f.pairs,
                    f.programs,
                    f.young_total,
                    f.young_covered,
                    f.young_share,
                    f.meetings,
                    f.roadmap_due,
                    f.roadmap_on_time,
                    f.roadmap_overdue,
                    rep.get("expected", 0),
                    rep.get("submitted", 0),
                    rep.get("on_time", 0),
                    org.mentoring_page_url,
                ],
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
