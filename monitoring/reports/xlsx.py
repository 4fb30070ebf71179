"""The report's workbook: every sheet prints clean on A4.

Page setup on every sheet: A4, landscape where the table is wide, fit to one page wide (any number of
pages tall), the header row repeated on each page, panes frozen under it, the sheet name in the page
header and «Страница N из M» in the footer. Number formats carry the Russian locale tag [$-419], so
LibreOffice shows a decimal comma whatever the machine's locale (Excel takes the separators from
Windows, Russian there). Charts live on their own sheet, one per page between manual page breaks,
so none crosses a page edge; their data sits beside them outside the print area.
A sheet with nothing to show is left out.
"""

from __future__ import annotations

import io
import math

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from monitoring.reports import fmt
from monitoring.reports.charts import ChartSpec
from monitoring.reports.data import KIND_LABELS, ORG_COLUMNS, AnnualData, org_values, safe
from monitoring.reports.rules import Finding, rules_table
from monitoring.reports.signer import BLANK, Signer

INT = "[$-419]#,##0"
DEC1 = "[$-419]#,##0.0"
DEC2 = "[$-419]#,##0.00"
FORMATS = {"int": INT, "pct": DEC1, "dec": DEC2}
KIND_SHORT = {
    "school": "ОО",
    "kindergarten": "ДОО",
    "additional": "ДО",
    "college": "СПО",
    "other": "Иная",
}

#: one typeface on every sheet, as in the Word report (LibreOffice prints it with the metric-compatible
#: Liberation Serif); openpyxl's default is Calibri for data and an unnamed font for bold headers
FONT = "Times New Roman"
_PLAIN = Font(name=FONT, size=11)
_BOLD = Font(name=FONT, size=11, bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top", indent=1)  # text never touches a number on its left
_NUMBER = Alignment(vertical="top")  # a number in a row of wrapped text stays on the row's first line
_HEAD_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")

# A4 landscape printable width in Excel width units at 100 % (≈ 0.19 cm per unit, margins 2 + 1 cm)
CHART_COLUMNS, CHART_COLUMN_WIDTH = 12, 11.5
CHART_WIDTH_CM, CHART_HEIGHT_CM = 24.0, 13.5
CHART_BLOCK_ROWS = 30
WIDE_CHARS = 190  # wider than this (Excel width units), a sheet prints two pages wide  # caption + chart (13.5 cm ≈ 26 rows of 15 pt) + air; one block per page


class Sheet:
    """A table on a sheet: header row, data rows with formats, fitted widths, page setup."""

    def __init__(self, wb: Workbook, title: str, *, landscape: bool = False):
        self.ws = wb.create_sheet(title)
        self.landscape = landscape
        self.widths: dict[int, float] = {}
        self.wrap: dict[int, float] = {}  # column → max width for wrapped text
        self.header_row = 0

    def _fit(self, col: int, value, *, header: bool = False) -> None:
        if value is None:
            return
        text = value if isinstance(value, str) else fmt.num(value, 2)
        if header:
            # headers wrap: the longest word decides
            need = max((len(w) for w in text.split()), default=4) * 1.2 + 3  # bold, never broken
            if len(text) <= 20:
                # a short header that fits on one line keeps air on both sides (Times New Roman bold
                # filled «Сроков наступило» edge to edge, touching the next column's header)
                need = max(need, len(text) * 0.85 + 3)
        else:
            need = len(text) + 2
        limit = self.wrap.get(col, 60)
        self.widths[col] = min(max(self.widths.get(col, 6), need), limit)

    def title(self, text: str, *, span: int = 6, size: int = 13) -> None:
        row = self.ws.max_row + 1 if self.ws.max_row > 1 or self.ws["A1"].value else 1
        cell = self.ws.cell(row=row, column=1, value=safe(text))
        cell.font = Font(name=FONT, bold=True, size=size)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if span > 1:
            self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
        self._title_rows = getattr(self, "_title_rows", []) + [(row, text, span, size)]

    def line(self, text: str) -> None:
        """A line of plain text under the title («Период: …»)."""
        self.ws.append([safe(text)])
        self.ws.cell(row=self.ws.max_row, column=1).font = _PLAIN

    def blank(self) -> None:
        self.ws.append([])

    def signature(self, signer: Signer, *, span: int = 2, chars: int = 70) -> None:
        """The report's signature under the summary, as in the Word file: the position (wrapped over
        `span` merged columns), «____________ / И. О. Фамилия» on the right, the executor."""

        for text, align in (
            (signer.position.replace("\n", ", "), "left"),
            (fmt.nobreak(signer.signature_line), "right"),
            (f"Исполнитель: {signer.executor or BLANK * 3}", "left"),
        ):
            self.ws.append([safe(text)])
            row = self.ws.max_row
            cell = self.ws.cell(row=row, column=1)
            cell.font = _PLAIN
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=align)
            if span > 1:
                self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)
            self.ws.row_dimensions[row].height = 15.75 * max(1, math.ceil(len(text) / chars))

    def head(self, values: list[str], *, repeat: bool = True) -> None:
        self.ws.append([safe(v) for v in values])
        row = self.ws.max_row
        for col, value in enumerate(values, start=1):
            cell = self.ws.cell(row=row, column=col)
            cell.font, cell.fill, cell.alignment, cell.border = _BOLD, _HEAD_FILL, _HEAD_ALIGN, _BORDER
            self._fit(col, value, header=True)
        if repeat and not self.header_row:
            self.header_row = row

    def row(self, values: list, kinds: list[str] | None = None, *, bold: bool = False) -> None:
        self.ws.append([safe(v) for v in values])
        r = self.ws.max_row
        for col, value in enumerate(values, start=1):
            cell = self.ws.cell(row=r, column=col)
            cell.border = _BORDER
            kind = kinds[col - 1] if kinds and col - 1 < len(kinds) else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = FORMATS.get(kind or "", DEC2 if isinstance(value, float) else INT)
                cell.alignment = _NUMBER
            else:
                cell.alignment = _WRAP
            cell.font = _BOLD if bold else _PLAIN
            self._fit(col, value)

    def finish(self, *, freeze_col: int = 1) -> None:
        ws = self.ws
        for col, width in self.widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        # wrapped text: estimate row heights so that nothing is cut in either office suite
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
            lines = 1
            for cell in row:
                if isinstance(cell.value, str) and cell.coordinate not in ws.merged_cells:
                    width = self.widths.get(cell.column, 8.43)
                    lines = max(lines, _lines(cell.value, width))
            if lines > 1:
                ws.row_dimensions[row[0].row].height = 15 * lines
        total = sum(self.widths.values()) or 60
        for row, text, span, size in getattr(self, "_title_rows", []):
            span_width = sum(self.widths.get(c, 8.43) for c in range(1, span + 1))
            # a width unit holds one character of 11 pt; a bold title of `size` pt takes more
            per_line = span_width * 0.85 * 11 / size / 1.1
            ws.row_dimensions[row].height = 1.5 * size * _lines(text, per_line)
        # a very wide table prints two pages wide at a readable scale, its first column repeated
        wide = total > WIDE_CHARS
        setup(ws, landscape=self.landscape or total > 95, pages_wide=2 if wide else 1)
        if wide:
            ws.print_title_cols = "A:A"
        if self.header_row:
            ws.print_title_rows = f"{self.header_row}:{self.header_row}"
            ws.freeze_panes = ws.cell(row=self.header_row + 1, column=freeze_col + 1 if freeze_col else 1)


def _lines(text: str, width: float) -> int:
    per_line = max(4.0, width * 1.05 - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def setup(ws, *, landscape: bool, pages_wide: int = 1) -> None:
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left, ws.page_margins.right = 2 / 2.54, 1 / 2.54
    ws.page_margins.top = ws.page_margins.bottom = 1.8 / 2.54
    ws.page_margins.header = ws.page_margins.footer = 0.7 / 2.54
    ws.print_options.horizontalCentered = False
    ws.oddHeader.left.text = "&A"
    ws.oddHeader.left.size = 9
    ws.oddHeader.left.font = FONT
    ws.oddFooter.right.text = "Страница &P из &N"
    ws.oddFooter.right.size = 9
    ws.oddFooter.right.font = FONT


def build_xlsx(
    data: AnnualData,
    findings: list[Finding],
    specs: list[ChartSpec],
    overrides: dict | None,
    signer: Signer | None = None,
) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    t = data.totals
    m = data.place

    s = Sheet(wb, "Сводка")
    s.wrap = {1: 62, 2: 16}
    s.title(
        f"Аналитический отчёт по результатам мониторинга реализации целевой модели наставничества "
        f"{m.genitive} за {data.period.label}",
        span=2,
    )
    s.line(f"Период: {fmt.date_short(data.start)} – {fmt.date_short(data.end)}")
    s.blank()
    s.head(["Показатель", "Значение"])
    summary = [
        *([("Муниципалитетов", len(data.rows), "int")] if m.regional else []),
        ("Образовательных организаций", data.organization_count, "int"),
        ("из них с действующими парами и группами", data.organizations_with_pairs, "int"),
        ("Наставников", t.mentors, "int"),
        ("Наставляемых", t.mentees, "int"),
        ("Наставляемых, закреплённых за наставником", t.mentees_matched, "int"),
        ("Действующих пар и групп", t.pairs, "int"),
        ("Персонализированных программ", t.programs, "int"),
        ("Молодых специалистов", t.young_total, "int"),
        ("Молодых специалистов в парах", t.young_covered, "int"),
        ("Охват молодых специалистов, %", t.young_share, "pct"),
        ("Встреч наставников и наставляемых", t.meetings, "int"),
        ("Сроков мероприятий дорожных карт ОО наступило", t.roadmap_due, "int"),
        ("Выполнено в срок", t.roadmap_on_time, "int"),
        ("Выполнено с опозданием", t.roadmap_late, "int"),
        ("Просрочено", t.roadmap_overdue, "int"),
        ("Исполнение дорожных карт в срок, %", t.roadmap_share, "pct"),
        ("Ожидалось отчётов ОО", t.reports_expected, "int"),
        ("Сдано отчётов", t.reports_submitted, "int"),
        ("Доля сданных отчётов, %", t.reporting_rate, "pct"),
        ("Доля отчётов, сданных в срок, %", t.on_time_rate, "pct"),
        ("Практик в реестре успешных практик", t.practices, "int"),
    ]
    for label, value, kind in summary:
        s.row([label, value], ["", kind])
    if data.network:
        s.blank()
        s.head(["Тип организации", "Организаций", "С действующими парами"], repeat=False)
        for k in data.network:
            s.row([k["kind"], k["total"], k["active"]], ["", "int", "int"])
    if data.pairs_by_form:
        s.blank()
        s.head(["Форма наставничества", "Пар и групп"], repeat=False)
        for name, n in data.pairs_by_form:
            s.row([name or "Форма не указана", n], ["", "int"])
    if signer is not None:
        s.blank()
        s.signature(signer)
    s.finish(freeze_col=0)

    s = Sheet(wb, m.rows_sheet, landscape=True)
    s.wrap = {1: 32}
    heads = [m.unit, "Организаций" if m.regional else "Тип"] + [h for h, _a, _k in ORG_COLUMNS]
    kinds = ["", "int" if m.regional else ""] + [k for _h, _a, k in ORG_COLUMNS]
    s.head(heads)
    for r in data.rows:
        s.row([r.name, r.organizations if m.regional else KIND_SHORT.get(r.kind, r.kind)] + org_values(r), kinds)
    s.row(["Итого", t.organizations if m.regional else ""] + org_values(t), kinds, bold=True)
    s.finish()

    if data.activities:
        s = Sheet(wb, "Дорожная карта", landscape=True)
        s.wrap = {1: 7, 2: 48, 3: 20, 9: 40}  # one page wide in landscape
        s.head(
            [
                "№",
                "Мероприятие",
                "Сроки",
                "Организаций",
                "Сроков наступило",
                "Выполнено в срок",
                "С опозданием",
                "Просрочено",
                "Отстают муниципалитеты" if m.regional else "Отстают организации",
            ]
        )
        for a in data.activities:
            s.row(
                [
                    a.number,
                    a.title,
                    a.deadline,
                    a.organizations,
                    a.total,
                    a.on_time,
                    a.late,
                    a.overdue,
                    ", ".join(a.behind) or "—",
                ],
                ["", "", "", "int", "int", "int", "int", "int", ""],
            )
        s.finish()

    if data.indicator_rows:
        s = Sheet(wb, "Показатели", landscape=True)
        s.wrap = {1: 8, 2: 60, 3: 40}
        s.head(["№", "Мероприятие", "Показатель", "Год", "План", "Факт", "Достигнут"])
        for i in data.indicator_rows:
            reached = "—" if i["reached"] is None else ("да" if i["reached"] else "нет")
            s.row(
                [i["number"], i["activity"], i["indicator"] or "—", i["year"], i["target"], i["actual"], reached],
                ["", "", "", "", "dec", "dec", ""],
            )
        s.finish()

    dynamics = data.dynamics
    quality = [r for r in data.rows if r.quality is not None]
    if dynamics or quality:
        s = Sheet(wb, "Анкетирование")
        s.wrap = {1: 45}
        if dynamics:
            s.head(["Направление оценки", "Входная (сентябрь)", "Итоговая (май)", "Динамика"])
            for d in dynamics:
                s.row([d.dimension, d.entry, d.final, d.delta], ["", "dec", "dec", "dec"])
        if quality:
            if dynamics:
                s.blank()
            s.head([f"Качество реализации программ: {m.unit.lower()}", "Средний балл (1–10)"], repeat=not dynamics)
            for r in quality:
                s.row([r.name, r.quality], ["", "dec"])
        s.finish()

    if data.practices:
        s = Sheet(wb, "Практики", landscape=True)
        s.wrap = {1: 60, 2: 30, 3: 40, 4: 30}
        s.head(["Практика", "Организация", "Авторы", "Форма наставничества"])
        for p in data.practices:
            s.row([p["title"], p["organization"], p["authors"], p["form"] or "—"])
        s.finish()

    if data.campaigns:
        s = Sheet(wb, "Мониторинг", landscape=True)
        s.wrap = {1: 60}
        s.head(
            ["Кампании" if m.regional else "Кампания", "Срок", "Ожидалось", "Сдано", "В срок", "Сдано, %", "В срок, %"]
        )
        for c in data.campaigns:
            s.row(
                [
                    c.title + (" (срок сдачи не наступил: учтены сданные)" if getattr(c, "pending", False) else ""),
                    fmt.date_short(c.deadline),
                    c.expected,
                    c.submitted,
                    c.on_time,
                    round(100 * c.submitted / c.expected, 1) if c.expected else None,
                    round(100 * c.on_time / c.expected, 1) if c.expected else None,
                ],
                ["", "", "int", "int", "int", "pct", "pct"],
            )
        s.finish()

    if data.ranking:
        s = Sheet(wb, "Эффективность", landscape=len(data.criteria) > 3)
        s.wrap = {2: 32}
        s.head(
            ["Место", m.unit] + [f"{c.label} (вес {fmt.num(c.weight, 2)})" for c in data.criteria] + ["Итоговый балл"]
        )
        kinds = ["int", ""] + ["dec"] * len(data.criteria) + ["dec"]
        for r in data.ranking:
            s.row(
                [r.place, r.name] + [r.contributions.get(c.metric) for c in data.criteria] + [r.score],
                kinds,
            )
        s.finish(freeze_col=2)

    s = Sheet(wb, "Выводы", landscape=True)
    s.wrap = {1: 9, 2: 22, 3: 80, 4: 60}
    s.head(["Правило", "Раздел", "Вывод", "Рекомендация"])
    for f in findings:
        s.row([f"№ {f.rule.number}", f.rule.section, f.conclusion, f.recommendation])
    if not findings:
        s.row(["—", "—", "Ни одно правило не выявило отклонений от пороговых значений.", "—"])
    s.finish(freeze_col=0)

    s = Sheet(wb, "Правила", landscape=True)
    s.wrap = {1: 9, 2: 40, 3: 100}
    s.head(
        ["№", "Правило", f"Что проверяется (пороги, действующие для {'региона' if m.regional else 'муниципалитета'})"]
    )
    for number, title, description in rules_table(overrides):
        s.row([number, title, description])
    s.finish(freeze_col=0)

    if specs:
        _charts_sheet(wb, specs)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _charts_sheet(wb: Workbook, specs: list[ChartSpec]) -> None:
    ws = wb.create_sheet("Диаграммы")
    for col in range(1, CHART_COLUMNS + 1):
        ws.column_dimensions[get_column_letter(col)].width = CHART_COLUMN_WIDTH
    data_col = CHART_COLUMNS + 3  # the data blocks start right of the print area
    for index, spec in enumerate(specs):
        top = 1 + index * CHART_BLOCK_ROWS
        caption = ws.cell(row=top, column=1, value=spec.caption + (f" ({spec.note})" if spec.note else ""))
        caption.font = _BOLD
        # chart data: categories in the first column, one column per series
        ws.cell(row=1, column=data_col, value=spec.caption).font = _BOLD
        ws.cell(row=2, column=data_col, value="Категория").font = _BOLD
        for j, (name, values) in enumerate(spec.series, start=1):
            ws.cell(row=2, column=data_col + j, value=name).font = _BOLD
            for i, value in enumerate(values, start=3):
                cell = ws.cell(row=i, column=data_col + j, value=value)
                cell.number_format = DEC1 if isinstance(value, float) else INT
                cell.font = _PLAIN
        for i, category in enumerate(spec.categories, start=3):
            ws.cell(row=i, column=data_col, value=safe(category)).font = _PLAIN
        ws.column_dimensions[get_column_letter(data_col)].width = 40
        last = 2 + len(spec.categories)
        cats = Reference(ws, min_col=data_col, min_row=3, max_row=last)
        values = Reference(ws, min_col=data_col + 1, max_col=data_col + len(spec.series), min_row=2, max_row=last)
        if spec.kind == "pie":
            chart = PieChart()
        else:
            chart = BarChart()
            chart.type = "col" if spec.kind == "bar" else "bar"
            if spec.kind == "stacked":
                chart.grouping, chart.overlap = "stacked", 100
            if spec.value_max:
                chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, spec.value_max
            if spec.kind in ("barh", "stacked"):
                chart.x_axis.scaling.orientation = "maxMin"  # the first organization on top, as in the table
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            chart.y_axis.numFmt = "0"
        # the caption above the chart names it («Рисунок N — …»): no second title inside the frame
        if spec.kind == "pie" and chart.legend is not None:
            chart.legend.position = "b"  # long form names fit under the pie, not cut at its right
        chart.add_data(values, titles_from_data=True)
        chart.set_categories(cats)
        chart.width, chart.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
        ws.add_chart(chart, f"A{top + 1}")
        if index:
            ws.row_breaks.append(Break(id=top - 1))
        data_col += len(spec.series) + 2
    setup(ws, landscape=True)
    ws.print_area = f"A1:{get_column_letter(CHART_COLUMNS)}{len(specs) * CHART_BLOCK_ROWS}"


__all__ = ["build_xlsx", "KIND_LABELS"]
