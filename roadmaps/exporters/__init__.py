"""A roadmap written back in the municipal layout (.xlsx and .docx) that our importer reads again.

Columns follow the usual order of municipal roadmaps: № п/п, Мероприятие, Форма представления
результата, Сроки, Ответственные, then Участники and Показатель реализации only when some
activity has them. Section rows are one merged cell, as in the documents we receive.
"""

from __future__ import annotations

import io

from roadmaps.models import Roadmap

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _layout(roadmap: Roadmap) -> tuple[list[tuple[str, str]], list[tuple[object, list]]]:
    activities = list(roadmap.activities.select_related("section").order_by("order"))
    columns = [
        ("number", "№ п/п"),
        ("title", "Мероприятие"),
        ("result", "Форма представления результата"),
        ("deadline_text", "Сроки"),
        ("responsible_text", "Ответственные"),
    ]
    if any(a.participants_text for a in activities):
        columns.append(("participants_text", "Участники"))
    if any(a.indicator_text for a in activities):
        columns.append(("indicator_text", "Показатель реализации"))
    groups: list[tuple[object, list]] = []
    for activity in activities:
        if not groups or groups[-1][0] != activity.section:
            groups.append((activity.section, []))
        groups[-1][1].append(activity)
    return columns, groups


def _stamp(roadmap: Roadmap) -> list[str]:
    if not (roadmap.order_number and roadmap.order_date):
        return []
    return ["УТВЕРЖДЕНО", f"приказом от {roadmap.order_date:%d.%m.%Y} № {roadmap.order_number}"]


def _section_text(section) -> str:
    if section is None:
        return ""
    return f"{section.number} {section.title}".strip()


def _safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in Excel.
    return "'" + value if value[:1] in ("=", "+", "@") else value


def export_xlsx(roadmap: Roadmap) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    columns, groups = _layout(roadmap)
    wb = Workbook()
    ws = wb.active
    ws.title = "Дорожная карта"
    width = len(columns)
    for line in _stamp(roadmap):
        ws.append([line])
    ws.append([roadmap.title])
    title_row = ws.max_row
    ws.merge_cells(start_row=title_row, start_column=1, end_row=title_row, end_column=width)
    ws.cell(title_row, 1).font = Font(bold=True)
    ws.cell(title_row, 1).alignment = Alignment(wrap_text=True)
    ws.append([])
    ws.append([label for _, label in columns])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    for section, activities in groups:
        text = _section_text(section)
        if text:
            ws.append([_safe(text)])
            row = ws.max_row
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            ws.cell(row, 1).font = Font(bold=True)
            ws.cell(row, 1).alignment = Alignment(wrap_text=True)
        for activity in activities:
            ws.append([_safe(getattr(activity, attr) or "") for attr, _ in columns])
            for cell in ws[ws.max_row]:
                cell.alignment = wrap
    for letter, size in zip("ABCDEFG", (9, 60, 35, 20, 35, 25, 25), strict=False):
        ws.column_dimensions[letter].width = size
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_docx(roadmap: Roadmap) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    columns, groups = _layout(roadmap)
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for line in _stamp(roadmap):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(roadmap.title).bold = True
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, (_, label) in zip(table.rows[0].cells, columns, strict=True):
        cell.text = label
    for sec, activities in groups:
        text = _section_text(sec)
        if text:
            row = table.add_row()
            merged = row.cells[0].merge(row.cells[-1])
            merged.text = text
        for activity in activities:
            cells = table.add_row().cells
            for cell, (attr, _) in zip(cells, columns, strict=True):
                lines = (getattr(activity, attr) or "").split("\n")
                cell.text = lines[0]
                for extra in lines[1:]:
                    cell.add_paragraph(extra)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


STATE_FILLS = {"done": "D1E7DD", "in_progress": "FFF3CD", "overdue": "F8D7DA", "not_due": "F8F9FA"}


def _percent(value: int | None) -> str:
    return "—" if value is None else f"{value} %"


def export_matrix_xlsx(roadmap: Roadmap, matrix, stats: dict) -> bytes:
    """The execution matrix as shown (organizations filtered and sorted), one sheet of states and a
    sheet naming the activities. `matrix` is roadmaps.selectors.Matrix, `stats` its OrgStats."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Матрица исполнения"
    ws.append([_safe(roadmap.title)])
    ws.cell(1, 1).font = Font(bold=True)
    ws.append([f"На {matrix.today:%d.%m.%Y} (по местному времени)"])
    ws.append([])
    head = ["Организация", "Отчётность", "Вовремя", "Просрочено", "Дорожная карта ОО"]
    head += [a.number or str(i) for i, a in enumerate(matrix.activities, start=1)]
    ws.append(head)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in matrix.rows:
        item = stats.get(row.organization.pk)
        values = [
            _safe(row.organization.short_name),
            _percent(row.rate.reporting),
            _percent(row.rate.timely),
            item.overdue if item else 0,
            "есть" if row.copy_status else "нет",
        ]
        values += [
            (cell.label + (f" ({cell.done} из {cell.total})" if cell.total > 1 else "")) if cell.state else "—"
            for cell in row.cells
        ]
        ws.append(values)
        for offset, cell in enumerate(row.cells):
            if cell.state in STATE_FILLS:
                ws.cell(ws.max_row, 6 + offset).fill = PatternFill("solid", fgColor=STATE_FILLS[cell.state])
    ws.append(
        ["Итого", _percent(matrix.total.reporting), _percent(matrix.total.timely), "", ""]
        + [_percent(rate.reporting) for rate in matrix.activity_rates]
    )
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = ws.cell(header_row + 1, 2)
    ws.column_dimensions["A"].width = 40
    for index in range(2, len(head) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 14
    legend = wb.create_sheet("Мероприятия")
    legend.append(["№", "Мероприятие", "Отчётность", "Вовремя", "Выполнено из наступивших сроков"])
    for cell in legend[1]:
        cell.font = Font(bold=True)
    for activity, rate in zip(matrix.activities, matrix.activity_rates, strict=True):
        legend.append(
            [
                _safe(activity.number),
                _safe(" ".join(activity.title.split())),
                _percent(rate.reporting),
                _percent(rate.timely),
                f"{rate.done} из {rate.expected}",
            ]
        )
    legend.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
