"""Data for regional and federal monitoring: one row per organization with the annual report's figures.

The rows are the annual report's own (reports/data.collect_rows: the same OrgRow, the same columns
ORG_COLUMNS, the same indicator definitions), so a region sums municipalities and gets the report's
totals. Written municipality by municipality into a write-only workbook: memory stays proportional to
one municipality's aggregates. The sheet prints on A4 landscape, two pages wide at most, the header
and the organization column repeated.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from accounts.models import Municipality, local_today
from monitoring.reports.data import KIND_LABELS, ORG_COLUMNS, Period, collect_rows, org_values, safe
from monitoring.reports.xlsx import FORMATS, setup

LEADING = ["Регион", "Муниципалитет", "Организация", "Полное наименование", "ИНН", "Тип"]
COLUMNS = LEADING + [h for h, _a, _k in ORG_COLUMNS] + ["Раздел сайта о наставничестве"]
WIDTHS = [18, 22, 30, 40, 13, 22] + [11] * len(ORG_COLUMNS) + [30]


def _period(start: dt.date, end: dt.date) -> Period:
    academic = (start.month, start.day, end.month, end.day) == (9, 1, 8, 31)
    return Period(end.year, academic)


def build_regional_xlsx(
    municipalities: list[Municipality], start: dt.date, end: dt.date, organization_kind: str | None = None
) -> bytes:
    period = _period(start, end)
    today = local_today()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Мониторинг ЦМН")
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    setup(ws, landscape=True, pages_wide=2)
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "C:C"
    ws.freeze_panes = "D2"
    head = []
    for title in COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCE6F1")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        head.append(cell)
    ws.append(head)
    kinds = [k for _h, _a, k in ORG_COLUMNS]
    for municipality in municipalities:
        orgs = municipality.organizations.filter(is_active=True).order_by("short_name")
        if organization_kind:
            orgs = orgs.filter(kind=organization_kind)
        orgs = list(orgs)
        by_id = {o.pk: o for o in orgs}
        for row in collect_rows(orgs, period, today, municipality.name):
            org = by_id[row.organization_id]
            cells = [
                safe(v)
                for v in (
                    municipality.region.name,
                    municipality.name,
                    org.short_name,
                    org.full_name,
                    org.inn,
                    KIND_LABELS.get(org.kind, org.kind),
                )
            ]
            for value, kind in zip(org_values(row), kinds, strict=True):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = FORMATS[kind]
                cells.append(cell)
            cells.append(safe(org.mentoring_page_url))
            ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
