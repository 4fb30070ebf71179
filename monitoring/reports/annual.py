"""The annual analytical report: .xlsx with native Excel charts and a .docx narrative.

The workbook is written in openpyxl's write-only mode (charts are supported there), so its memory
does not grow with the sheet; the figures themselves are aggregated in SQL (reports/data.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from accounts.models import Municipality
from monitoring.models import Metric
from monitoring.reports.data import ORG_COLUMNS, SUMMARY_LABELS, AnnualData, append, collect, org_row

Progress = Callable[[int, str], None]

SHEETS = [
    "Сводка",
    "По организациям",
    "Дорожная карта",
    "Показатели",
    "Анкетирование",
    "Практики",
    "Мониторинг",
    "Эффективность",
]


def build_files(
    *, municipality: Municipality, year: int, organization_kind: str | None = None, progress: Progress | None = None
) -> tuple[bytes, bytes]:
    progress = progress or (lambda p, s: None)
    progress(10, "Сбор данных")
    data = collect(municipality, year, organization_kind=organization_kind)
    progress(50, "Формирование Excel")
    xlsx = build_xlsx(data)
    progress(80, "Формирование Word")
    docx = build_docx(data)
    progress(95, "Сохранение файлов")
    return xlsx, docx


# Excel -----------------------------------------------------------------------------------------------
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")


def _head(ws, values: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def _title(ws, text: str) -> list[WriteOnlyCell]:
    cell = WriteOnlyCell(ws, value=text)
    cell.font = Font(bold=True, size=13)
    return [cell]


def _widths(ws, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def build_xlsx(data: AnnualData) -> bytes:
    wb = Workbook(write_only=True)
    m = data.municipality

    # Summary: header rows 1–3, table from row 4 (label, value)
    ws = wb.create_sheet("Сводка")
    _widths(ws, [55, 14])
    append(ws, _title(ws, f"Аналитический отчёт о реализации целевой модели наставничества: {m.name}, {data.year} год"))
    append(ws, [f"Период: {data.start:%d.%m.%Y} – {data.end:%d.%m.%Y}"])
    append(ws, _head(ws, ["Показатель", "Значение"]))
    for key, label in SUMMARY_LABELS:
        append(ws, [label, data.totals.get(key)])
    first_form_row = 4 + len(SUMMARY_LABELS) + 1
    append(ws, [])
    append(ws, _head(ws, ["Форма наставничества", "Пар и групп"]))
    for name, n in data.pairs_by_form:
        append(ws, [name, n])
    if data.pairs_by_form:
        pie = PieChart()
        pie.title = "Пары и группы по формам наставничества"
        last = first_form_row + len(data.pairs_by_form)
        pie.add_data(Reference(ws, min_col=2, min_row=first_form_row, max_row=last), titles_from_data=True)
        pie.set_categories(Reference(ws, min_col=1, min_row=first_form_row + 1, max_row=last))
        pie.height, pie.width = 9, 16
        ws.add_chart(pie, "D3")

    # Per organization
    ws = wb.create_sheet("По организациям")
    _widths(ws, [36, 28] + [13] * (len(ORG_COLUMNS) - 2))
    append(ws, _head(ws, ORG_COLUMNS))
    for org in data.organizations:
        append(ws, org_row(org, data.figures[org.pk], data.reporting.get(org.pk)))
    n = len(data.organizations)
    append(
        ws,
        ["Итого", ""]
        + [data.totals[k] for k in ("mentors", "mentees", "pairs", "programs", "young_total", "young_covered")]
        + [
            data.totals["young_share"],
            data.totals["meetings"],
            data.totals["roadmap_due"],
            data.totals["roadmap_on_time"],
            data.totals["roadmap_overdue"],
            data.totals["reports_submitted"],
            data.totals["reports_on_time"],
        ],
    )
    if n:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Наставники и наставляемые по организациям"
        chart.add_data(Reference(ws, min_col=3, max_col=4, min_row=1, max_row=n + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
        chart.height, chart.width = max(8, 0.6 * n + 3), 18
        ws.add_chart(chart, f"A{n + 4}")

    # Roadmap execution per activity
    ws = wb.create_sheet("Дорожная карта")
    _widths(ws, [10, 70, 30, 12, 12, 14, 12])
    append(
        ws, _head(ws, ["№", "Мероприятие", "Сроки", "Сроков исполнения", "Выполнено", "Выполнено в срок", "Просрочено"])
    )
    for r in data.roadmap_rows:
        append(ws, [r["number"], r["title"], r["deadline"], r["total"], r["done"], r["on_time"], r["overdue"]])
    if data.roadmap_rows:
        k = len(data.roadmap_rows)
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
        chart.title = "Исполнение мероприятий дорожной карты"
        chart.add_data(Reference(ws, min_col=6, max_col=7, min_row=1, max_row=k + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=k + 1))
        chart.height, chart.width = 9, 22
        ws.add_chart(chart, f"B{k + 4}")

    # Indicators target vs actual
    ws = wb.create_sheet("Показатели")
    _widths(ws, [70, 8, 14, 14, 12])
    append(ws, _head(ws, ["Мероприятие (показатель)", "Год", "План", "Факт", "Достигнут"]))
    for r in data.indicator_rows:
        append(
            ws,
            [
                r["activity"],
                r["year"],
                r["target"],
                r["actual"],
                "—" if r["reached"] is None else ("да" if r["reached"] else "нет"),
            ],
        )

    # Questionnaires
    ws = wb.create_sheet("Анкетирование")
    _widths(ws, [45, 14, 14, 14])
    append(ws, _head(ws, ["Направление оценки", "Входная (сентябрь)", "Итоговая (май)", "Динамика"]))
    for r in data.dynamics:
        append(ws, [r.dimension, r.entry, r.final, r.delta])
    if data.dynamics:
        k = len(data.dynamics)
        chart = BarChart()
        chart.type = "col"
        chart.title = "Самооценка участников: вход и итог (1–10)"
        chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=k + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=k + 1))
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 10
        chart.height, chart.width = 8, 18
        ws.add_chart(chart, "F2")
    append(ws, [])
    append(ws, _head(ws, ["Качество программ: средний балл по организации (1–10)", "Балл"]))
    for r in data.quality:
        append(ws, [r["organization"], r["average"]])

    # Best practices
    ws = wb.create_sheet("Практики")
    _widths(ws, [60, 30, 40, 30])
    append(ws, _head(ws, ["Практика", "Организация", "Авторы", "Форма наставничества"]))
    for p in data.practices:
        append(ws, [p["title"], p["organization"], p["authors"], p["form"]])

    # Monitoring campaigns
    ws = wb.create_sheet("Мониторинг")
    _widths(ws, [60, 14, 12, 12, 12, 14, 14])
    append(ws, _head(ws, ["Кампания", "Срок", "Ожидалось", "Сдано", "В срок", "Сдано, %", "В срок, %"]))
    for c in data.campaigns:
        append(
            ws,
            [
                c.title,
                c.deadline.strftime("%d.%m.%Y"),
                c.expected,
                c.submitted,
                c.on_time,
                round(100 * c.submitted / c.expected) if c.expected else None,
                round(100 * c.on_time / c.expected) if c.expected else None,
            ],
        )
    if data.campaigns:
        k = len(data.campaigns)
        chart = BarChart()
        chart.type = "col"
        chart.title = "Сдача отчётов по кампаниям, %"
        chart.add_data(Reference(ws, min_col=6, max_col=7, min_row=1, max_row=k + 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=k + 1))
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
        ws.add_chart(chart, f"A{k + 4}")

    # Effectiveness
    ws = wb.create_sheet("Эффективность")
    labels = dict(Metric.choices)
    _widths(ws, [8, 36] + [18] * (len(data.criteria) + 1))
    append(
        ws,
        _head(
            ws,
            ["Место", "Организация"]
            + [f"{labels[c.metric]} (вес {c.weight:g})" for c in data.criteria]
            + ["Итоговый балл"],
        ),
    )
    for r in data.ranking:
        append(
            ws, [r.place, r.organization.short_name] + [r.contributions[c.metric] for c in data.criteria] + [r.score]
        )

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# Word ------------------------------------------------------------------------------------------------
def _table(doc, head: list[str], rows: list[list]) -> None:
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "—" if value is None else str(value)


def build_docx(data: AnnualData) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    t = data.totals
    title = doc.add_heading(
        f"Аналитический отчёт о реализации целевой модели наставничества за {data.year} год", level=0
    )
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(
        f"{data.municipality.authority_name or data.municipality.name}. "
        f"Период: {data.start:%d.%m.%Y} – {data.end:%d.%m.%Y}."
    )

    doc.add_heading("1. Общие сведения", level=1)
    doc.add_paragraph(
        f"В {data.year} году в реализации целевой модели наставничества участвовали {t['organizations']} "
        f"образовательных организаций муниципалитета, из них действующие наставнические пары и группы есть в "
        f"{t['organizations_with_pairs']}. В банке наставников {t['mentors']} чел., наставляемых — {t['mentees']} чел.; "
        f"действует {t['pairs']} пар и групп, разработано {t['programs']} персонализированных программ. "
        f"Молодыми специалистами охвачено {t['young_covered']} из {t['young_total']} "
        f"({'—' if t['young_share'] is None else str(t['young_share']) + ' %'})."
    )
    _table(doc, ["Показатель", "Значение"], [[label, t.get(key)] for key, label in SUMMARY_LABELS])
    if data.pairs_by_form:
        doc.add_paragraph("Пары и группы по формам наставничества:")
        _table(doc, ["Форма наставничества", "Пар и групп"], [[a, b] for a, b in data.pairs_by_form])

    doc.add_heading("2. Показатели по образовательным организациям", level=1)
    short = [0, 2, 3, 4, 5, 8, 12, 13]
    _table(
        doc,
        [ORG_COLUMNS[i] for i in short],
        [
            [row[i] for i in short]
            for row in (org_row(o, data.figures[o.pk], data.reporting.get(o.pk)) for o in data.organizations)
        ],
    )

    doc.add_heading("3. Исполнение дорожной карты", level=1)
    doc.add_paragraph(
        f"Со сроком в отчётном году в дорожных картах ОО — {t['roadmap_due']} мероприятий (сроков исполнения), "
        f"в срок выполнено {t['roadmap_on_time']}, просрочено {t['roadmap_overdue']}."
    )
    _table(
        doc,
        ["№", "Мероприятие", "Выполнено в срок", "Просрочено"],
        [[r["number"], r["title"][:200], r["on_time"], r["overdue"]] for r in data.roadmap_rows],
    )
    if data.indicator_rows:
        doc.add_heading("Целевые показатели: план и факт", level=2)
        _table(
            doc,
            ["Показатель", "Год", "План", "Факт"],
            [
                [r["activity"], r["year"], f"{r['target']:g}", None if r["actual"] is None else f"{r['actual']:g}"]
                for r in data.indicator_rows
            ],
        )

    doc.add_heading("4. Результаты анкетирования", level=1)
    if data.dynamics:
        doc.add_paragraph(
            "Сравнение входной (сентябрь) и итоговой (май) самооценки участников, средний балл по шкале 1–10:"
        )
        _table(
            doc,
            ["Направление оценки", "Вход", "Итог", "Динамика"],
            [[r.dimension, r.entry, r.final, r.delta] for r in data.dynamics],
        )
    else:
        doc.add_paragraph("Входная и итоговая оценка в отчётном году не проводились.")
    if data.quality:
        doc.add_paragraph("Качество реализации программ (средний балл по анкетам, 1–10):")
        _table(doc, ["Организация", "Балл"], [[r["organization"], r["average"]] for r in data.quality])

    doc.add_heading("5. Мониторинг и отчётность", level=1)
    doc.add_paragraph(
        f"Ожидалось {t['reports_expected']} отчётов ОО, сдано {t['reports_submitted']} "
        f"({'—' if t['reporting_rate'] is None else str(t['reporting_rate']) + ' %'}), в срок — {t['reports_on_time']}."
    )
    _table(
        doc,
        ["Кампания", "Срок", "Ожидалось", "Сдано", "В срок"],
        [[c.title, c.deadline.strftime("%d.%m.%Y"), c.expected, c.submitted, c.on_time] for c in data.campaigns],
    )

    doc.add_heading("6. Эффективность", level=1)
    if data.ranking:
        _table(
            doc, ["Место", "Организация", "Балл"], [[r.place, r.organization.short_name, r.score] for r in data.ranking]
        )
    else:
        doc.add_paragraph("Критерии эффективности не заданы.")

    doc.add_heading("7. Лучшие практики наставничества", level=1)
    if data.practices:
        _table(
            doc,
            ["Практика", "Организация", "Авторы"],
            [[p["title"], p["organization"], p["authors"]] for p in data.practices],
        )
    else:
        doc.add_paragraph("Практики в реестр не внесены.")

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
