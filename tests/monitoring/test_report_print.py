"""The demo annual report, printed through headless LibreOffice, is a document one can sign:
A4, page numbers, tables within the page, every workbook sheet at most two pages wide, every chart
on one page, Russian number formatting, and a conclusion in every section of the report."""

from __future__ import annotations

import re
from collections import defaultdict

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from accounts.models import Municipality
from monitoring.reports.annual import build_report
from monitoring.reports.charts import build_specs
from monitoring.reports.data import collect
from monitoring.reports.rules import RULES, evaluate
from tests.monitoring.report_pdf import is_a4, to_pdf, tokens, words

pytestmark = [pytest.mark.slow(seconds=15), pytest.mark.usefixtures("mid_year_clock")]  # tests/clock.py
EMU_PER_TWIP = 635


@pytest.fixture(scope="module")
def _demo_report(module_demo_db, tmp_path_factory):
    """The demo seeded and its report built once for the module (both tests only read them)."""
    with module_demo_db.unblock():
        norilsk = Municipality.objects.get(name="город Норильск")
        year = norilsk.today().year  # the demo's targets are for the year where Norilsk is
        files = build_report(municipality=norilsk, year=year)
    out = tmp_path_factory.mktemp("report")
    xlsx, docx = out / "report.xlsx", out / "report.docx"
    xlsx.write_bytes(files.xlsx)
    docx.write_bytes(files.docx)
    return norilsk, year, files, xlsx, docx


@pytest.fixture
def demo_report(_demo_report, db, tmp_path):
    return (*_demo_report, tmp_path)


def _sheet_of(page) -> str:
    """The sheet name printed in the page header (&A) at the top left."""
    top = page.crop((0, 0, page.width, 50)).extract_text() or ""
    return top.strip().splitlines()[0].strip() if top.strip() else ""


def test_workbook_prints_on_a4_at_most_two_pages_wide_and_charts_stay_on_their_page(demo_report):
    _municipality, _year, files, xlsx, _docx, tmp_path = demo_report
    wb = load_workbook(xlsx)
    for ws in wb.worksheets:
        assert ws.max_row > 1, f"sheet {ws.title} is empty"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (1, 2)
        assert ws.page_setup.fitToHeight == 0
        if ws.title != "Диаграммы":
            assert ws.print_title_rows and ws.freeze_panes, ws.title

    pdf_path = to_pdf(xlsx, tmp_path / "xlsx")
    with pdfplumber.open(pdf_path) as pdf:
        assert all(is_a4(p) for p in pdf.pages)
        by_sheet: dict[str, list] = defaultdict(list)
        for page in pdf.pages:
            by_sheet[_sheet_of(page)].append(page)
        assert set(by_sheet) == set(wb.sheetnames), "every sheet prints, and nothing else"
        for name, pages in by_sheet.items():
            if name == "Диаграммы":
                continue
            ws = wb[name]
            header_row = int(str(ws.print_title_rows).split(":")[0].lstrip("$"))
            heads = [str(c.value) for c in ws[header_row] if c.value]
            # a page shows the headers of the columns printed on it: as many signatures as pages wide
            signatures = {tuple(all(t in words(p) for t in tokens(h)) for h in heads) for p in pages}
            assert len(signatures) <= 2, f"{name} prints {len(signatures)} pages wide"
            if ws.page_setup.fitToWidth == 1:
                assert len(signatures) == 1 and all(signatures.pop()), f"{name} must print one page wide"

        # every chart on a page of its own: its caption, title, legend and first/last categories together
        specs = files.preview["charts"]
        assert len(specs) >= 4
        chart_pages = by_sheet["Диаграммы"]
        assert len(chart_pages) == len(specs)
        for spec, page in zip(specs, chart_pages, strict=True):
            text = " ".join((page.extract_text() or "").split())
            assert f"Рисунок {spec['number']} —" in text
            legend = spec["categories"] if spec["kind"] == "pie" else [x["name"] for x in spec["series"]]
            for entry in legend:
                assert entry in text, (spec["title"], entry)
            for category in (spec["categories"][0], spec["categories"][-1]):
                assert category.split()[0] in text
            others = [p for p in chart_pages if p is not page]
            assert not any(f"Рисунок {spec['number']} —" in (o.extract_text() or "") for o in others)
        # Russian decimal comma in the printed cells
        summary = " ".join(p.extract_text() for p in by_sheet["Сводка"])
        assert re.search(r"\b\d+,\d\b", summary) and not re.search(r"\b\d+\.\d\b", summary)


def _sections_with_tables(doc):
    """(section properties, tables in it) in document order."""
    body = doc.element.body
    result, tables = [], []
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            tables.append(child)
        elif child.tag == qn("w:p"):
            sect = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            if sect is not None:
                result.append((sect, tables))
                tables = []
        elif child.tag == qn("w:sectPr"):
            result.append((child, tables))
    return result


def test_word_report_is_a4_numbered_and_its_tables_fit_the_page(demo_report):
    municipality, year, files, _xlsx, docx_path, tmp_path = demo_report
    doc = Document(docx_path)
    # page geometry, from the XML: A4, the official margins, tables no wider than the text
    sections = _sections_with_tables(doc)
    assert any(s.find(qn("w:pgSz")).get(qn("w:orient")) == "landscape" for s, _t in sections)
    for sect, tables in sections:
        size = sect.find(qn("w:pgSz"))
        margins = sect.find(qn("w:pgMar"))
        w, h = int(size.get(qn("w:w"))), int(size.get(qn("w:h")))
        assert sorted((w, h)) == [11906, 16838], "A4 in twips"
        left, right = int(margins.get(qn("w:left"))), int(margins.get(qn("w:right")))
        assert (left, right, int(margins.get(qn("w:top"))), int(margins.get(qn("w:bottom")))) == (1134, 567, 1134, 1134)
        for tbl in tables:
            grid = [int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
            assert sum(grid) <= w - left - right + 2
            rows = tbl.findall(qn("w:tr"))
            if len(grid) > 3:  # data tables: header repeated, rows kept whole
                assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
                assert all(r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for r in rows)
    footer_xml = doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml
    assert len(doc.inline_shapes) >= 4
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "образовательных организациях города Норильска" in text
    assert re.search(r"Дата составления: \d{1,2} [а-я]+ \d{4} г\.", text)
    for number in range(1, 5):
        assert f"Рисунок {number} —" in text
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["1. Нормативная основа", "2. Сеть образовательных организаций", "3. Участники и охват"]
    assert any(h.endswith("Выводы") for h in headings) and any(h.endswith("Рекомендации") for h in headings)
    # the normative basis names the demo's municipal roadmap of the current period and its order,
    # and the target indicators of the year are there with plan and fact (roadmaps/demo.py)
    assert "не зарегистрирована" not in text
    basis = re.search(r"муниципальной дорожной картой «[^»]*Норильска на период (\d{4})[–-]\s?(\d{4})[^»]*»", text)
    assert basis and int(basis[1]) <= year <= int(basis[2]), text[:3000]
    assert re.search(r"утверждённой приказом от \d{1,2}\s[а-я]+\s\d{4}\sг\.\s№\s280-мо", text)
    targets = next(t for t in doc.tables if t.rows[0].cells[0].text == "№" and "План" in t.rows[0].cells[3].text)
    plan_fact = {(r.cells[0].text, r.cells[2].text): (r.cells[3].text, r.cells[4].text) for r in targets.rows[1:]}
    assert plan_fact[("1.1", str(year))] == ("13", "12") and plan_fact[("2.4", str(year))] == ("4", "3")
    body_font = doc.styles["Normal"].font
    assert body_font.name == "Times New Roman" and body_font.size.pt == 14

    pdf_path = to_pdf(docx_path, tmp_path / "docx")
    with pdfplumber.open(pdf_path) as pdf:
        assert all(is_a4(p) for p in pdf.pages)
        assert sum(len(p.images) for p in pdf.pages) >= 4
        for number, page in enumerate(pdf.pages, start=1):
            bottom = (page.crop((0, page.height - 60, page.width, page.height)).extract_text() or "").strip()
            if number == 1:
                assert bottom == "", "no number on the title page"
            else:
                assert bottom == str(number), f"page {number} shows «{bottom}»"
            # tables and pictures stay inside the margins (left 20 mm, right 10 mm)
            left, right = 20 / 25.4 * 72, page.width - 10 / 25.4 * 72
            for obj in page.lines + page.rects + page.images:
                assert obj["x0"] >= left - 3 and obj["x1"] <= right + 3, (number, obj["x0"], obj["x1"])
        printed = " ".join(p.extract_text() or "" for p in pdf.pages)
    percents = re.findall(r"\d+[.,]\d+\s?%", printed)
    assert percents and all("," in p for p in percents), "percentages with a decimal comma"

    # the demo has something to conclude in every section the rules cover
    data = collect(municipality, year)
    findings = evaluate(data)
    # (every school of the demo city has an active pair since the demo «looks alive», so the network
    # rule has nothing to say there; tests/monitoring/test_report_rules.py proves it on a school without)
    assert all(row.pairs >= 1 for row in data.rows)
    assert {f.rule.section for f in findings} == {r.section for r in RULES} - {"Сеть организаций"}
    assert len(build_specs(data)) >= 4
    not_reached = next(f for f in findings if f.rule.title == "Целевые показатели дорожной карты не достигнуты")
    assert re.search(r"№\s2\.4\s.*план\s4,\sфакт\s3", not_reached.conclusion), not_reached.conclusion
