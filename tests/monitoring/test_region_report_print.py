"""The regional annual report printed through headless LibreOffice, checked like the municipal one
(tests/monitoring/test_report_print.py): A4, every workbook sheet at most two pages wide, each chart on
a page of its own, page numbers from the second page, tables and pictures inside the margins, decimal
commas. The region is the demo's Krasnoyarsk krai with a second municipality added."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from accounts.models import Municipality
from monitoring.reports.annual import build_report
from tests.factories import MunicipalityFactory, OrganizationFactory
from tests.monitoring import factories as f
from tests.monitoring.report_pdf import is_a4, to_pdf, tokens, words
from tests.monitoring.test_report_print import _sections_with_tables, _sheet_of

pytestmark = pytest.mark.slow(seconds=15)


@pytest.fixture(scope="module")
def _region_report(module_demo_db, tmp_path_factory):
    """The demo region seeded and its report built once for the module (both tests only read them)."""
    with module_demo_db.unblock():
        region = Municipality.objects.get(name="город Норильск").region
        taimyr = MunicipalityFactory(region=region, name="Таймырский Долгано-Ненецкий муниципальный район")
        for n in range(1, 4):
            school = OrganizationFactory(municipality=taimyr, short_name=f"Дудинская СШ № {n}")
            for _ in range(n):
                f.pair(school, young=n % 2 == 1)
            f.person(school, mentee=True, young=True)
        files = build_report(region=region, year=dt.date.today().year)
    out = tmp_path_factory.mktemp("region-report")
    xlsx, docx = out / "region.xlsx", out / "region.docx"
    xlsx.write_bytes(files.xlsx)
    docx.write_bytes(files.docx)
    return region, files, xlsx, docx


@pytest.fixture
def region_report(_region_report, db, tmp_path):
    return (*_region_report, tmp_path)


def test_regional_workbook_prints_on_a4_and_its_charts_stay_on_their_page(region_report):
    _region, files, xlsx, _docx, tmp_path = region_report
    wb = load_workbook(xlsx)
    assert "По муниципалитетам" in wb.sheetnames
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth in (1, 2)
        if ws.title != "Диаграммы":
            assert ws.print_title_rows and ws.freeze_panes, ws.title
    with pdfplumber.open(to_pdf(xlsx, tmp_path / "xlsx")) as pdf:
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
            signatures = {tuple(all(t in words(p) for t in tokens(h)) for h in heads) for p in pages}
            assert len(signatures) <= 2, f"{name} prints {len(signatures)} pages wide"
        specs = files.preview["charts"]
        chart_pages = by_sheet["Диаграммы"]
        assert len(specs) >= 4 and len(chart_pages) == len(specs)
        for spec, page in zip(specs, chart_pages, strict=True):
            text = " ".join((page.extract_text() or "").split())
            assert f"Рисунок {spec['number']} —" in text
        units = " ".join(p.extract_text() or "" for p in by_sheet["По муниципалитетам"])
        assert "город Норильск" in units and "Таймырский" in units
        summary = " ".join(p.extract_text() for p in by_sheet["Сводка"])
        assert re.search(r"\b\d+,\d\b", summary) and not re.search(r"\b\d+\.\d\b", summary)


def test_regional_word_report_is_a4_numbered_and_fits_the_page(region_report):
    region, files, _xlsx, docx_path, tmp_path = region_report
    doc = Document(docx_path)
    for sect, tables in _sections_with_tables(doc):
        size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
        w, h = int(size.get(qn("w:w"))), int(size.get(qn("w:h")))
        assert sorted((w, h)) == [11906, 16838], "A4 in twips"
        left, right = int(margins.get(qn("w:left"))), int(margins.get(qn("w:right")))
        for tbl in tables:
            grid = [int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
            assert sum(grid) <= w - left - right + 2
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "образовательных организациях Красноярского края" in text
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["1. Нормативная основа", "2. Сеть образовательных организаций", "3. Участники и охват"]
    with pdfplumber.open(to_pdf(docx_path, tmp_path / "docx")) as pdf:
        assert all(is_a4(p) for p in pdf.pages)
        assert sum(len(p.images) for p in pdf.pages) >= 4
        for number, page in enumerate(pdf.pages, start=1):
            bottom = (page.crop((0, page.height - 60, page.width, page.height)).extract_text() or "").strip()
            assert bottom == ("" if number == 1 else str(number)), f"page {number} shows «{bottom}»"
            left, right = 20 / 25.4 * 72, page.width - 10 / 25.4 * 72
            for obj in page.lines + page.rects + page.images:
                assert obj["x0"] >= left - 3 and obj["x1"] <= right + 3, (number, obj["x0"], obj["x1"])
        printed = " ".join(p.extract_text() or "" for p in pdf.pages)
    assert "Рейтинг муниципалитетов по эффективности" in printed and "Таймырский" in printed
    percents = re.findall(r"\d+[.,]\d+\s?%", printed)
    assert percents and all("," in p for p in percents)
