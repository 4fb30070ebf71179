"""The report as a Word document laid out as an official one.

A4 portrait, a landscape section for each wide table; margins from the municipality's report
settings (20/10/20/20 mm by default); Times New Roman 14 with 1.15 line spacing in the text, 12 in
tables; numbered headings; a title block; page numbers as a PAGE field in the footer (none on the title
page); tables with column widths fitted to their content and to the page, the header row repeated on
every page and rows never split; figures rendered with matplotlib at 200 dpi with numbered captions.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor

from accounts.plurals import noun_of
from monitoring.reports import fmt
from monitoring.reports.charts import ChartSpec, render_png
from monitoring.reports.data import AnnualData
from monitoring.reports.fmt import nobreak
from monitoring.reports.rules import Finding, rules_table
from monitoring.reports.signer import BLANK, Signer

FONT = "Times New Roman"
# «… проведён в соответствии с:» — each act in the instrumental, as the sentence governs it
NORMATIVE = [
    "распоряжением Министерства просвещения Российской Федерации от 25 декабря 2019 г. № Р-145 «Об утверждении "
    "методологии (целевой модели) наставничества обучающихся для организаций, осуществляющих образовательную "
    "деятельность по общеобразовательным, дополнительным общеобразовательным и программам среднего "
    "профессионального образования, в том числе с применением лучших практик обмена опытом между обучающимися»",
    "письмом Министерства просвещения Российской Федерации от 23 января 2020 г. № МР-42/02 «О направлении "
    "целевой модели наставничества и методических рекомендаций»",
    "письмом Министерства просвещения Российской Федерации и Профессионального союза работников народного "
    "образования и науки Российской Федерации от 21 декабря 2021 г. № АЗ-1128/08 «О направлении методических "
    "рекомендаций» (методические рекомендации по разработке и внедрению системы (целевой модели) наставничества "
    "педагогических работников в образовательных организациях)",
]
# the cell's side paddings (0,19 cm each in "Table Grid") and a little air, in EMU
CELL_PAD_EMU = int(Cm(0.45))
_FONT_FILES = {
    False: ["Times New Roman.ttf", "times.ttf", "LiberationSerif-Regular.ttf"],
    True: ["Times New Roman Bold.ttf", "timesbd.ttf", "LiberationSerif-Bold.ttf"],
}
_FONT_DIRS = [
    "/usr/share/fonts/truetype/msttcorefonts",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/liberation2",
]


@lru_cache(maxsize=2)
def _font(bold: bool):
    """Times New Roman, or Liberation Serif (the same advance widths), to measure text; None if neither."""
    from PIL import ImageFont

    for folder in _FONT_DIRS:
        for name in _FONT_FILES[bold]:
            path = Path(folder) / name
            if path.exists():
                return ImageFont.truetype(str(path), 120)
    return None


def text_emu(text: str, *, bold: bool = False, size: float = 12) -> int:
    """The printed width of `text` in Times New Roman `size` pt, in EMU."""
    font = _font(bold)
    if font is None:  # no font file to measure with: a generous average glyph width
        return int(len(text) * Pt(size) * (0.62 if bold else 0.56))
    return int(font.getlength(text) / 120 * Pt(size))


def _set_font(style_or_run, size: float, bold: bool | None = None) -> None:
    font = style_or_run.font
    font.name = FONT
    font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def _field(paragraph, instruction: str) -> None:
    """A field (PAGE) that Word and LibreOffice fill in when the page is laid out."""
    run = paragraph.add_run()
    begin, instr, sep, text, end = (
        OxmlElement(t) for t in ("w:fldChar", "w:instrText", "w:fldChar", "w:t", "w:fldChar")
    )
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    sep.set(qn("w:fldCharType"), "separate")
    text.text = "1"
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(sep)
    run._r.append(text)
    run._r.append(end)


class Writer:
    def __init__(self, *, margins_mm: tuple[int, int, int, int] = (20, 10, 20, 20)):
        self.doc = Document()
        self.margins = margins_mm
        self.h1 = self.h2 = 0
        self.tables = 0
        self.figures = 0
        self._styles()
        section = self.doc.sections[0]
        self._page(section, landscape=False)
        section.different_first_page_header_footer = True  # no number on the title page
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(footer, "PAGE")
        for run in footer.runs:
            _set_font(run, 12)

    # layout ---------------------------------------------------------------------------------------
    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        _set_font(normal, 14)
        pf = normal.paragraph_format
        pf.line_spacing = 1.15
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        for name, size in (("Heading 1", 14), ("Heading 2", 14), ("Title", 16)):
            st = styles[name]
            _set_font(st, size, bold=True)
            st.font.italic = False
            st.paragraph_format.space_before = Pt(12)
            st.paragraph_format.space_after = Pt(6)
            st.paragraph_format.keep_with_next = True
            st.paragraph_format.first_line_indent = Cm(0)
            st.paragraph_format.line_spacing = 1.15
        table_text = styles.add_style("Текст таблицы", 1)
        table_text.base_style = normal
        _set_font(table_text, 12)
        table_text.paragraph_format.line_spacing = 1.0
        table_text.paragraph_format.first_line_indent = Cm(0)
        caption = styles.add_style("Подпись", 1)
        caption.base_style = normal
        _set_font(caption, 12)
        caption.paragraph_format.space_before = Pt(6)
        caption.paragraph_format.space_after = Pt(6)
        # python-docx looks a style up by scanning every style of the document on each assignment
        # (5 ms): a report sets the table style on thousands of cells, so the ids are set directly
        self._table_text_id = table_text.style_id
        self._caption_id = caption.style_id

    def _page(self, section, *, landscape: bool) -> None:
        left, right, top, bottom = self.margins
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        section.left_margin, section.right_margin = Mm(left), Mm(right)
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.header_distance = section.footer_distance = Mm(10)

    @property
    def section(self):
        return self.doc.sections[-1]

    @property
    def text_width(self) -> int:
        s = self.section
        return int(s.page_width - s.left_margin - s.right_margin)

    def orientation(self, landscape: bool) -> None:
        if (self.section.orientation == WD_ORIENT.LANDSCAPE) == landscape:
            return
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False
        self._page(section, landscape=landscape)

    # content ----------------------------------------------------------------------------------------
    def heading(self, text: str, level: int = 1) -> None:
        if level == 1:
            self.h1 += 1
            self.h2 = 0
            number = f"{self.h1}."
        else:
            self.h2 += 1
            number = f"{self.h1}.{self.h2}."
        p = self.doc.add_heading(f"{number} {text}", level=level)
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if level > 1 else WD_ALIGN_PARAGRAPH.CENTER

    def para(self, text: str, *, indent: bool = True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, bold: bool = False, size=None):
        p = self.doc.add_paragraph()
        p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Cm(1.25)
        run = p.add_run(nobreak(text))
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        return p

    def caption(self, text: str, *, above: bool, align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
        p = self.doc.add_paragraph(nobreak(text))
        p._p.style = self._caption_id
        p.alignment = align
        p.paragraph_format.keep_with_next = above

    def table(
        self,
        title: str,
        head: list[str],
        rows: list[list],
        *,
        numeric: set[int] | None = None,
    ):
        """A numbered table fitted to the page: widths from the content (the longest word of a column
        is never broken), the header row repeated on each page, no row split across pages."""
        numeric = numeric or set()
        self.tables += 1
        self.caption(f"Таблица {self.tables} — {title}", above=True)
        texts = [[fmt.DASH if v is None else nobreak(str(v)) for v in row] for row in rows]
        widths = fit_widths(head, texts, self.text_width)
        table = self.doc.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)
        tbl_w = tbl_pr.find(qn("w:tblW"))
        if tbl_w is None:
            tbl_w = OxmlElement("w:tblW")
            tbl_pr.append(tbl_w)
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(sum(widths) // 635))
        for col, width in zip(table.columns, widths, strict=True):
            col.width = Emu(width)
        self._row(table.rows[0], head, widths, header=True, numeric=set())
        for values in texts:
            self._row(table.add_row(), values, widths, header=False, numeric=numeric)
        after = self.doc.add_paragraph()
        after.paragraph_format.space_after = Pt(6)
        return table

    def _row(self, row, values: list[str], widths: list[int], *, header: bool, numeric: set[int]) -> None:
        tr_pr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        tr_pr.append(cant)
        if header:
            repeat = OxmlElement("w:tblHeader")
            tr_pr.append(repeat)
        for index, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=True)):
            cell.width = Emu(width)
            p = cell.paragraphs[0]
            p._p.style = self._table_text_id
            run = p.add_run(value)
            if header:
                run.bold = True
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif index in numeric:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT

    def figure(self, spec: ChartSpec) -> None:
        width_cm = min(16.5, self.text_width / 360000 - 0.5)
        png, _height = render_png(spec, width_cm=width_cm)
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Cm(0)
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
        self.figures += 1
        note = f" ({spec.note})" if spec.note else ""
        self.caption(f"Рисунок {spec.number} — {spec.title}{note}", above=False, align=WD_ALIGN_PARAGRAPH.CENTER)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def signature(self, position: str, line: str) -> None:
        """Position (left, may take several lines) and «____________ / И. О. Фамилия» on the
        position's last line; one row that never splits across pages and stays on the page of the
        text above it (keep_with_next on the paragraphs before it: `keep_with_previous`)."""
        table = self.doc.add_table(rows=1, cols=2)
        table.autofit = False
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        table._tbl.tblPr.append(layout)
        row = table.rows[0]
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        widths = [int(self.text_width * 0.55), int(self.text_width * 0.45)]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Emu(width)  # the grid: LibreOffice sizes the cells by it
        for cell, text, width, align in zip(
            row.cells,
            [position, nobreak(line)],
            widths,
            [WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT],
            strict=True,
        ):
            cell.width = Emu(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            p = cell.paragraphs[0]
            p.alignment = align
            p.paragraph_format.first_line_indent = Cm(0)
            lines = text.split("\n")
            run = p.add_run(lines[0])
            for extra in lines[1:]:
                run.add_break()
                run = p.add_run(extra)

    def keep_with_previous(self, count: int) -> None:
        """The last `count` paragraphs stay on the page of what follows them (a signature with the
        end of the text above it)."""
        for p in self.doc.paragraphs[-count:]:
            p.paragraph_format.keep_with_next = True

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def fit_widths(head: list[str], rows: list[list[str]], total: int) -> list[int]:
    """Column widths (EMU) that add up to `total` (the text width of the page).

    Every column gets at least its longest word (so no word is broken letter by letter); the rest of
    the width is poured into the columns whose text still wraps, in proportion to how much more each
    wants, never past its full length; what is left over widens all columns evenly."""
    n = len(head)
    words = re.compile(r"[^ \n]+")  # no-break spaces keep «№ 1» and organization names whole
    minimum, full = [0] * n, [0] * n
    cap = 22 * text_emu("о")  # a single very long "word" (a URL) may break
    for c in range(n):
        word = max(
            [text_emu(w, bold=True) for w in words.findall(head[c])]
            + [text_emu(w) for r in rows for w in words.findall(r[c])],
            default=text_emu("00"),
        )
        text = max([text_emu(r[c]) for r in rows] + [text_emu(head[c], bold=True) // 2], default=0)
        minimum[c] = min(word, cap) + CELL_PAD_EMU
        full[c] = max(minimum[c], text + CELL_PAD_EMU)
    if sum(minimum) >= total:
        widths = [m * total // sum(minimum) for m in minimum]
    else:
        widths = minimum[:]
        for _ in range(n):  # water-filling: at most n rounds, each fills at least one column
            left = total - sum(widths)
            hungry = [c for c in range(n) if full[c] > widths[c]]
            if left <= 0 or not hungry:
                break
            need = sum(full[c] - widths[c] for c in hungry)
            for c in hungry:
                widths[c] += min(full[c] - widths[c], left * (full[c] - widths[c]) // need)
        left = total - sum(widths)
        if left > 0:
            widths = [w + left * w // sum(widths) for w in widths]
    # integer division leaves a few EMU: give them to the widest column, never exceed the page
    widths[widths.index(max(widths))] += total - sum(widths)
    return widths


def build_docx(
    data: AnnualData,
    findings: list[Finding],
    specs: list[ChartSpec],
    settings,
    overrides: dict | None,
    signer: Signer | None = None,
) -> bytes:
    if signer is None:
        from monitoring.reports.signer import municipal_signer, regional_signer

        signer = regional_signer(data.place, None) if data.place.regional else municipal_signer(data.place, settings)
    m = data.place
    margins = (
        (settings.margin_left, settings.margin_right, settings.margin_top, settings.margin_bottom)
        if settings is not None
        else (20, 10, 20, 20)
    )
    w = Writer(margins_mm=margins)
    t = data.totals
    by_key = {s.key: s for s in specs}

    # Title block --------------------------------------------------------------------------------------
    w.para(m.authority.upper(), indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    recipient = settings.recipient if settings is not None else ""
    if recipient:
        w.para("")
        p = w.para(recipient, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.left_indent = Cm(9)
    for _ in range(6):
        w.para("", indent=False)
    w.para("АНАЛИТИЧЕСКИЙ ОТЧЁТ", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=16)
    w.para(
        "по результатам мониторинга реализации целевой модели наставничества в образовательных организациях "
        f"{m.genitive} за {data.period.label}",
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        bold=True,
    )
    w.para("", indent=False)
    w.para(
        f"Отчётный период: с {fmt.date_long(data.start)} по {fmt.date_long(data.end)}",
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    w.para(f"Дата составления: {fmt.date_long(data.today)}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    if data.organization_kind:
        from monitoring.reports.data import KIND_LABELS

        w.para(
            f"Тип организаций: {KIND_LABELS.get(data.organization_kind, data.organization_kind)}",
            indent=False,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
    w.page_break()

    # 1. Normative basis ------------------------------------------------------------------------------
    w.heading("Нормативная основа")
    w.para(f"Мониторинг реализации целевой модели наставничества в {m.prepositional} проведён в соответствии с:")
    acts = list(NORMATIVE)
    missing_roadmap = False
    if m.regional:
        acts.append(
            "муниципальными дорожными картами реализации целевой модели наставничества (на отчётный "
            f"период зарегистрированы в {fmt.num(data.municipal_roadmaps)} из "
            f"{fmt.count(len(data.rows), 'муниципалитета', 'муниципалитетов', 'муниципалитетов')} {m.genitive})"
        )
    elif data.roadmaps:
        for r in data.roadmaps:
            order = (
                f"утверждённой приказом от {fmt.date_long(r['order_date'])}"
                + (f" № {r['order_number']}" if r["order_number"] else "")
                if r["order_date"]
                else (
                    f"утверждённой приказом № {r['order_number']}"
                    if r["order_number"]
                    else "(реквизиты приказа об утверждении не указаны)"
                )
            )
            acts.append(
                f"муниципальной дорожной картой «{r['title']}» на период с {fmt.date_short(r['period_start'])} "
                f"по {fmt.date_short(r['period_end'])}, {order}"
            )
    else:
        missing_roadmap = True
    for index, text in enumerate(acts, start=1):
        w.para(f"{index}) {text}{'.' if index == len(acts) else ';'}")
    if missing_roadmap:
        w.para("Муниципальная дорожная карта на отчётный период в системе не зарегистрирована.")

    # 2. Network ------------------------------------------------------------------------------------------
    w.heading("Сеть образовательных организаций")
    with_pairs = data.organizations_with_pairs
    w.para(
        f"В реализации целевой модели наставничества в {m.prepositional} в {data.period.label.replace('год', 'году')} "
        f"участвовали {fmt.count(data.organization_count, 'образовательная организация', 'образовательные организации', 'образовательных организаций')}"
        + (
            f" {fmt.count(len(data.rows), 'муниципалитета', 'муниципалитетов', 'муниципалитетов')}"
            if m.regional
            else ""
        )
        + f"; действующие наставнические пары и группы есть в {fmt.num(with_pairs)} из них "
        f"({fmt.pct(100 * with_pairs / data.organization_count if data.organization_count else None)})."
    )
    if data.network:
        w.table(
            "Образовательные организации по типам",
            ["Тип организации", "Организаций", "С действующими парами и группами", "Доля, %"],
            [
                [k["kind"], fmt.num(k["total"]), fmt.num(k["active"]), fmt.pct(100 * k["active"] / k["total"])]
                for k in data.network
            ],
            numeric={1, 2, 3},
        )

    # 3. Participants and coverage ---------------------------------------------------------------------
    w.heading("Участники и охват")
    w.para(
        f"В банке наставников — {fmt.count(t.mentors, 'наставник', 'наставника', 'наставников')}, наставляемых — "
        f"{fmt.num(t.mentees)}, из них закреплены за наставником {fmt.num(t.mentees_matched)} "
        f"({fmt.pct(t.matched_share)}). Действуют {fmt.count(t.pairs, 'пара или группа', 'пары и группы', 'пар и групп')}, "
        f"разработано {fmt.count(t.programs, 'персонализированная программа', 'персонализированные программы', 'персонализированных программ')}. "
        f"Наставничеством охвачено {fmt.num(t.young_covered)} из {fmt.num(t.young_total)} "
        f"{noun_of(t.young_total, 'молодой специалист')} "
        f"({fmt.pct(t.young_share)}). Проведено {fmt.count(t.meetings, 'встреча', 'встречи', 'встреч')} наставников и наставляемых."
    )
    if data.pairs_by_form:
        w.table(
            "Наставнические пары и группы по формам наставничества",
            ["Форма наставничества", "Пар и групп", "Доля, %"],
            [
                [name or "Форма не указана", fmt.num(k), fmt.pct(100 * k / t.pairs if t.pairs else None)]
                for name, k in data.pairs_by_form
            ],
            numeric={1, 2},
        )
    if "forms" in by_key:
        w.figure(by_key["forms"])
    if data.indicator_rows:
        w.para("Целевые показатели муниципальной дорожной карты на отчётный период и их фактические значения:")
        w.table(
            "Целевые показатели дорожной карты: план и факт",
            ["№", "Мероприятие (показатель)", "Год", "План", "Факт", "Достигнут"],
            [
                [
                    i["number"],
                    i["activity"] + (f" ({i['indicator']})" if i["indicator"] else ""),
                    str(i["year"]),
                    fmt.num(i["target"]),
                    fmt.num(i["actual"]),
                    fmt.DASH if i["reached"] is None else ("да" if i["reached"] else "нет"),
                ]
                for i in data.indicator_rows
            ],
            numeric={2, 3, 4},
        )
    for key in ("people", "young"):
        if key in by_key:
            w.figure(by_key[key])
    w.orientation(landscape=True)
    w.table(
        f"Участники наставничества {m.by_units}",
        [
            m.unit,
            *(["Организаций"] if m.regional else []),
            "Наставников",
            "Наставляемых",
            "Из них закреплены",
            "Пар и групп",
            "Программ",
            "Молодых специалистов",
            "Из них в парах",
            "Охват, %",
            "Встреч",
        ],
        [
            [
                r.name,
                *([fmt.num(r.organizations)] if m.regional else []),
                fmt.num(r.mentors),
                fmt.num(r.mentees),
                fmt.num(r.mentees_matched),
                fmt.num(r.pairs),
                fmt.num(r.programs),
                fmt.num(r.young_total),
                fmt.num(r.young_covered),
                fmt.pct(r.young_share),
                fmt.num(r.meetings),
            ]
            for r in [*data.rows, t]
        ],
        numeric=set(range(1, 11 if m.regional else 10)),
    )

    # 4. Roadmap ----------------------------------------------------------------------------------------------
    w.orientation(landscape=False)
    w.heading("Исполнение дорожной карты")
    w.para(
        f"Наступило {fmt.count(t.roadmap_due, 'срок', 'срока', 'сроков')} исполнения мероприятий дорожных карт "
        f"образовательных организаций; выполнено в срок {fmt.num(t.roadmap_on_time)} ({fmt.pct(t.roadmap_share)}), "
        f"с опозданием — {fmt.num(t.roadmap_late)}, просрочено — {fmt.num(t.roadmap_overdue)}."
    )
    if "roadmap" in by_key:
        w.figure(by_key["roadmap"])
    w.orientation(landscape=True)
    if data.activities:
        w.para(
            "В таблице: «ОО» — число организаций, у которых наступил срок мероприятия; «Сроков» — наступивших "
            "сроков исполнения (у ежеквартальных мероприятий их несколько); «Отстают» — "
            + ("муниципалитеты, где есть организации с просрочкой." if m.regional else "организации с просрочкой."),
            size=12,
        )
        w.table(
            "Исполнение мероприятий дорожной карты",
            ["№", "Мероприятие", "Сроки", "ОО", "Сроков", "В срок", "С опозд.", "Просроч.", "Отстают"],
            [
                [
                    a.number,
                    a.title,
                    a.deadline or fmt.DASH,
                    fmt.num(a.organizations),
                    fmt.num(a.total),
                    fmt.num(a.on_time),
                    fmt.num(a.late),
                    fmt.num(a.overdue),
                    ", ".join(n.replace(" ", "\u00a0") for n in a.behind) or fmt.DASH,
                ]
                for a in data.activities
            ],
            numeric={3, 4, 5, 6, 7},
        )
    roadmap_rows = [r for r in data.rows if r.roadmap_due]
    if roadmap_rows:
        w.table(
            f"Исполнение дорожных карт {m.by_units}",
            [m.unit, "Сроков наступило", "Выполнено в срок", "С опозданием", "Просрочено", "В срок, %"],
            [
                [
                    r.name,
                    fmt.num(r.roadmap_due),
                    fmt.num(r.roadmap_on_time),
                    fmt.num(r.roadmap_late),
                    fmt.num(r.roadmap_overdue),
                    fmt.pct(r.roadmap_share),
                ]
                for r in [*roadmap_rows, t]
            ],
            numeric={1, 2, 3, 4, 5},
        )

    # 5. Monitoring -----------------------------------------------------------------------------------------
    w.orientation(landscape=False)
    w.heading("Мониторинговые кампании")
    if data.campaigns:
        w.para(
            f"Проведено {fmt.count(data.campaign_count, 'кампания', 'кампании', 'кампаний')} мониторинга. Ожидалось "
            f"{fmt.count(t.reports_expected, 'отчёт', 'отчёта', 'отчётов')} образовательных организаций, сдано "
            f"{fmt.num(t.reports_submitted)} "
            f"({fmt.pct(t.reporting_rate)}), в срок — {fmt.num(t.reports_on_time)} ({fmt.pct(t.on_time_rate)})."
        )
        w.table(
            "Сдача отчётов по кампаниям мониторинга",
            ["Кампании" if m.regional else "Кампания", "Срок сдачи", "Ожидалось", "Сдано", "В срок", "В срок, %"],
            [
                [
                    c.title + (" (срок сдачи не наступил: учтены сданные)" if getattr(c, "pending", False) else ""),
                    fmt.date_short(c.deadline),
                    fmt.num(c.expected),
                    fmt.num(c.submitted),
                    fmt.num(c.on_time),
                    fmt.pct(100 * c.on_time / c.expected if c.expected else None),
                ]
                for c in data.campaigns
            ],
            numeric={2, 3, 4, 5},
        )
        if "campaigns" in by_key:
            w.figure(by_key["campaigns"])
    else:
        w.para("Мониторинговые кампании со сроком сдачи в отчётном периоде не проводились.")

    # 6. Questionnaires -------------------------------------------------------------------------------------
    w.heading("Динамика по результатам анкетирования")
    dynamics = data.dynamics
    if dynamics:
        w.para(
            "Входная (сентябрь) и итоговая (май) самооценка участников по направлениям роста, средний балл по шкале 1–10:"
        )
        w.table(
            "Входная и итоговая оценка по направлениям роста",
            ["Направление оценки", "Входная", "Итоговая", "Динамика"],
            [[d.dimension, fmt.score(d.entry), fmt.score(d.final), fmt.signed(d.delta)] for d in dynamics],
            numeric={1, 2, 3},
        )
        if "dynamics" in by_key:
            w.figure(by_key["dynamics"])
    else:
        w.para("Входная и итоговая оценка участников в отчётном периоде не проводились.")
    quality = [r for r in data.rows if r.quality is not None]
    if quality:
        w.table(
            "Качество реализации программ по оценке участников (средний балл 1–10)",
            [m.unit, "Средний балл", "Ответов"],
            [[r.name, fmt.score(r.quality), fmt.num(r.quality_n)] for r in quality],
            numeric={1, 2},
        )

    # 7. Effectiveness -------------------------------------------------------------------------------------
    w.heading("Рейтинг эффективности")
    if data.ranking:
        total_weight = sum(float(c.weight) for c in data.criteria) or 1
        w.para(
            "Итоговый балл муниципалитета (0–100) — взвешенное среднее долей по критериям, по которым у "
            "муниципалитета есть данные; вклад критерия равен доле муниципалитета по нему, умноженной на вес "
            "критерия и делённой на сумму весов этих критериев. Критерий без данных в балл не входит; "
            "муниципалитет без данных по всем критериям в рейтинг не включается."
            if m.regional
            else "Итоговый балл организации (0–100) — взвешенная сумма долей по критериям; вклад критерия равен "
            "доле организации по нему, умноженной на вес критерия и делённой на сумму весов. Отсутствие данных "
            "по критерию засчитывается как 0."
        )
        w.table(
            "Критерии эффективности и их веса",
            ["Критерий", "Вес", "Доля веса, %"],
            [[c.label, fmt.num(c.weight, 2), fmt.pct(100 * float(c.weight) / total_weight)] for c in data.criteria],
            numeric={1, 2},
        )
        w.table(
            f"Рейтинг {'муниципалитетов' if m.regional else 'образовательных организаций'} по эффективности",
            ["Место", m.unit, "Итоговый балл"],
            [[str(r.place), r.name, fmt.score(r.score)] for r in data.ranking],
            numeric={0, 2},
        )
        if "ranking" in by_key:
            w.figure(by_key["ranking"])
    else:
        w.para(
            "Ни у одного муниципалитета нет данных по критериям рейтинга."
            if m.regional
            else "Критерии эффективности для муниципалитета не заданы."
        )

    # 8. Practices -------------------------------------------------------------------------------------------
    w.heading("Лучшие практики наставничества")
    if data.practices:
        with_practices = sum(1 for o in data.organizations if o.practices)
        w.para(
            f"В реестр успешных практик внесено {fmt.count(data.practices_total, 'практика', 'практики', 'практик')} "
            f"из {fmt.num(with_practices)} {noun_of(with_practices, 'организация')}"
            + (
                f"; в таблице — первые {fmt.num(len(data.practices))}, остальные — в отчётах муниципалитетов."
                if data.practices_total > len(data.practices)
                else "."
            )
        )
        w.table(
            "Успешные практики наставничества",
            ["Практика", "Организация", "Авторы", "Форма наставничества"],
            [[p["title"], p["organization"], p["authors"], p["form"] or fmt.DASH] for p in data.practices],
        )
    else:
        w.para("Практики в реестр успешных практик в отчётном периоде не внесены.")

    # 9–10. Conclusions and recommendations ------------------------------------------------------------------
    w.heading("Выводы")
    if findings:
        for index, f in enumerate(findings, start=1):
            w.para(f"{index}) {f.conclusion} (правило № {f.rule.number})")
    else:
        w.para("Ни одно из правил не выявило отклонений от пороговых значений.")
    w.heading("Рекомендации")
    if findings:
        for index, f in enumerate(findings, start=1):
            w.para(f"{index}) {f.recommendation} (правило № {f.rule.number})")
    else:
        w.para("Продолжить реализацию целевой модели наставничества в соответствии с дорожной картой.")
    w.para(
        "Выводы и рекомендации сформированы по правилам, перечисленным в приложении; пороговые значения правил "
        + ("действуют по умолчанию." if m.regional else "установлены муниципалитетом."),
        size=12,
    )

    # Signature -------------------------------------------------------------------------------------------------
    w.para("")
    w.para("")
    w.keep_with_previous(3)  # the note on the rules and the two blank lines stay with the signature
    w.signature(signer.position, signer.signature_line)
    w.para("")
    w.para(f"Исполнитель: {signer.executor or BLANK * 3}", indent=False, size=10)

    # Appendix: the rules ----------------------------------------------------------------------------------------
    w.orientation(landscape=False)
    w.page_break()
    p = w.para("Приложение", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    p.runs[0].bold = True
    w.para("Правила формирования выводов и рекомендаций", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    w.table(
        "Правила и действующие пороговые значения",
        ["№", "Правило", "Что проверяется"],
        rules_table(overrides),
        numeric={0},
    )
    return w.save()
