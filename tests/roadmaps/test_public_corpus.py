"""Orders laid out and worded as published ones (roadmaps/fixtures/public, see its build.py for the
source of each): what a careful person reads from each, written by hand — the period, the approving
order, the number of activities and the due months of every deadline cell — and what the importer
reads, from the .docx and from the .doc and .pdf LibreOffice makes of it.

`measure()` gives the counts reported in the commits (documents with the right period, order and
activity count; share of deadline cells with the right due months or rightly flagged).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmaps.importers import read_roadmap

PUBLIC = Path(__file__).resolve().parents[2] / "roadmaps" / "fixtures" / "public"
FLAG = "!"  # a person must look: no period, or a date outside it


def months(first: str, last: str, step: int = 1) -> str:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        m += step
        while m > 12:
            y, m = y + 1, m - 12
    return " ".join(out)


def quarters(first_year: int, last_year: int) -> str:
    return " ".join(f"{y}-{m:02d}" for y in range(first_year, last_year + 1) for m in (3, 6, 9, 12))


# name → (period, order, activities, {deadline cell: due months | FLAG | "" (no date by itself)}).
# order: the (number, ISO date) a person could take (several when either will do); None when unknown.
EXPECTED: dict[str, tuple] = {
    "p01_school_stamp_no_period_column_numbers": (
        None,
        None,
        5,
        {
            "Сентябрь 2020 г.": FLAG,
            "До 01.10.2020": FLAG,
            "Октябрь 2020 г.": FLAG,
            "В течение учебного года": FLAG,
            "Май 2021 г.": FLAG,
        },
    ),
    "p02_kindergarten_months_period_stage_column": (
        ("2022-09-01", "2024-05-31"),
        [("21/1", "2022-09-01")],
        6,
        {
            "Сентябрь 2022": "2022-09",
            "Сентябрь - октябрь 2022": "2022-10",
            "Октябрь 2022, октябрь 2023": "2022-10 2023-10",
            "Ежегодно, сентябрь": "2022-09 2023-09",
            "В течение всего периода": "2023-08 2024-05",
            "Май 2023, май 2024": "2023-05 2024-05",
        },
    ),
    "p03_school_appendix_no_period_stages": (
        None,
        [("15", "2022-02-18")],
        4,
        {"Февраль 2022": FLAG, "Ежегодно": FLAG, "Март 2022": FLAG, "Май": FLAG},
    ),
    "p04_kindergarten_heading_above_stamps_esign": (
        ("2022-09-01", "2023-08-31"),
        [("42", "2022-04-01"), ("42-ОД", "2022-04-01")],
        4,
        {
            "Сентябрь 2022": "2022-09",
            "Октябрь 2022": "2022-10",
            "В течение учебного года": "2023-08",
            "Май 2023": "2023-05",
        },
    ),
    "p05_school_order_two_digit_year_letter_number": (
        ("2022-01-01", "2022-12-31"),
        [("14-а", "2022-03-31")],
        5,
        {
            "до 31 марта": "2022-03",
            "апрель": "2022-04",
            "сентябрь-октябрь": "2022-10",
            "ежеквартально": "2022-03 2022-06 2022-09 2022-12",
            "декабрь": "2022-12",
        },
    ),
    "p06_kindergarten_number_before_date_period_in_preamble": (
        ("2022-01-01", "2022-12-31"),
        [("12", "2022-04-14")],
        5,
        {
            "Апрель - май 2022": "2022-05",
            "Сентябрь": "2022-09",
            "Октябрь – ноябрь": "2022-11",
            "Постоянно": "2022-12",
            "Декабрь": "2022-12",
        },
    ),
    "p07_ddt_order_month_typo_protocol_in_preamble": (
        ("2023-01-01", "2023-12-31"),
        [("160-А", "2022-12-08")],
        5,
        {
            "январь": "2023-01",
            "до 1 февраля": "2023-02",
            "1 раз в квартал": "2023-03 2023-06 2023-09 2023-12",
            "ноябрь": "2023-11",
            "до 25 декабря": "2023-12",
        },
    ),
    "p08_district_landscape_split_repeated_header": (
        ("2022-01-01", "2024-12-31"),
        [("78", "2022-04-14")],
        8,
        {
            "апрель-май 2022": "2022-05",
            "до 1 сентября 2022 г.": "2022-09",
            "ежегодно до 25 мая": "2022-05 2023-05 2024-05",
            "сентябрь-октябрь 2022": "2022-10",
            "ежегодно, ноябрь": "2022-11 2023-11 2024-11",
            "постоянно": "2022-12 2023-12 2024-12",
            "декабрь 2022, декабрь 2023, декабрь 2024": "2022-12 2023-12 2024-12",
            "до 20 декабря 2024 г.": "2024-12",
        },
    ),
    "p09_school_stamp_date_then_order_number": (
        ("2021-09-01", "2022-08-31"),
        [("60", "2021-08-23")],
        5,
        {
            "Сентябрь 2021 г.": "2021-09",
            "до 1 октября": "2021-10",
            "В течение года": "2022-08",
            "Декабрь": "2021-12",
            "Апрель-май": "2022-05",
        },
    ),
    "p10_school_two_stamps_order_number_then_date": (
        ("2022-09-01", "2023-08-31"),
        [("575", "2022-11-01")],
        6,
        {
            "ноябрь 2022": "2022-11",
            "ноябрь": "2022-11",
            "по итогам I полугодия": "2022-12",
            "в течение учебного года": "2023-08",
            "апрель-май": "2023-05",
            "до 25 мая 2023 г.": "2023-05",
        },
    ),
    "p11_college_stamps_two_row_header_roman_sections": (
        ("2023-01-01", "2025-12-31"),
        [("474", "2023-03-01")],
        5,
        {
            "март 2023 г.": "2023-03",
            "сентябрь ежегодно": "2023-09 2024-09 2025-09",
            "ежемесячно": months("2023-03", "2025-12"),
            "до 25 июня ежегодно": "2023-06 2024-06 2025-06",
            "IV квартал 2025 г.": "2025-12",
        },
    ),
    "p12_college_three_stamps": (
        ("2020-09-01", "2021-08-31"),
        [("199-од", "2020-04-20")],
        5,
        {
            "сентябрь 2020 г.": "2020-09",
            "октябрь - ноябрь 2020 г.": "2020-11",
            "в течение учебного года": "2021-08",
            "январь 2021 г.": "2021-01",
            "до 30.06.2021": "2021-06",
        },
    ),
    "p13_college_blank_requisites": (
        ("2021-09-01", "2022-08-31"),
        None,
        5,
        {
            "сентябрь 2021": "2021-09",
            "октябрь": "2021-10",
            "октябрь - ноябрь": "2021-11",
            "в течение учебного года": "2022-08",
            "июнь 2022": "2022-06",
        },
    ),
    "p14_school_protocols_no_order_number": (
        ("2023-09-01", "2024-08-31"),
        [None, ("", "2023-08-30")],  # the director's «Утверждаю … «30» августа 2023 г.»: no order number
        5,
        {
            "сентябрь": "2023-09",
            "сентябрь - октябрь": "2023-10",
            "в течение года": "2024-08",
            "январь": "2024-01",
            "май 2024 г.": "2024-05",
        },
    ),
    "p15_school_uch_g_roman_sections_in_cells": (
        ("2023-09-01", "2024-08-31"),
        [("54", "2023-09-04")],
        5,
        {
            "сентябрь 2023": "2023-09",
            "до 30 сентября": "2023-09",
            "1 раз в четверть": "2023-10 2023-12 2024-03 2024-05",
            "декабрь, апрель": "2023-12 2024-04",
            "в конце учебного года": "2024-05",
        },
    ),
    "p16_school_three_years_familiarization_sheet": (
        ("2024-01-01", "2026-12-31"),
        [("41-од", "2024-02-16")],
        6,
        {
            "ежегодно, сентябрь": "2024-09 2025-09 2026-09",
            "ежегодно до 15 сентября": "2024-09 2025-09 2026-09",
            "ежеквартально": quarters(2024, 2026),
            "ноябрь 2024, ноябрь 2025": "2024-11 2025-11",
            "до 25 декабря ежегодно": "2024-12 2025-12 2026-12",
            "декабрь 2026": "2026-12",
        },
    ),
    "p17_district_resolution_period_in_approval_sentence": (
        ("2021-01-01", "2024-12-31"),
        [("507", "2020-10-19")],
        4,
        {
            "I квартал 2021 г.": "2021-03",
            "ежегодно, сентябрь - октябрь": "2021-10 2022-10 2023-10 2024-10",
            "ежегодно до 20 декабря": "2021-12 2022-12 2023-12 2024-12",
            "март 2022 г., март 2024 г.": "2022-03 2024-03",
        },
    ),
    "p18_district_resolution_superseded_act": (
        ("2015-01-01", "2019-12-31"),
        [("601", "2014-11-14")],
        4,
        {
            "2015 год": "2015-12",
            "ежегодно, февраль": "2015-02 2016-02 2017-02 2018-02 2019-02",
            "ежегодно до 1 декабря": "2015-12 2016-12 2017-12 2018-12 2019-12",
            "декабрь 2019 года": "2019-12",
        },
    ),
    "p19_district_new_wording_two_stamps": (
        ("2021-01-01", "2023-12-31"),
        [("1802", "2020-12-30")],
        4,
        {
            "I квартал 2021 года": "2021-03",
            "ежегодно, октябрь": "2021-10 2022-10 2023-10",
            "до 25 декабря отчетного года": "2021-12 2022-12 2023-12",
            "декабрь 2023 года": "2023-12",
        },
    ),
    "p20_school_programme_start_end_columns_groups": (
        ("2021-09-01", "2023-08-31"),
        [("78-Д", "2021-09-03")],
        6,  # 1.1, 1.2, 2.1 (the heading of a group, no deadline of its own), 2.1.1, 2.1.2, 2.2
        {
            "сентябрь 2021": "2021-09",
            "октябрь 2021": "2021-10",
            "ноябрь 2021": "2021-11",
            "в течение учебного года (по плану МО)": "2022-08 2023-08",
            "май 2022, май 2023": "2022-05 2023-05",
        },
    ),
    "p21_resolution_g_without_dot_em_dash_years": (
        ("2015-01-01", "2018-12-31"),
        [("377-П", "2015-04-24")],
        4,
        {
            "ежегодно, до 25 декабря отчетного года": "2015-12 2016-12 2017-12 2018-12",
            "II квартал 2015 года": "2015-06",
            "ежегодно, октябрь – ноябрь": "2015-11 2016-11 2017-11 2018-11",
            "декабрь 2018 года": "2018-12",
        },
    ),
}


def _period(document) -> tuple[str, str] | None:
    if document.needs_period:
        return None
    return document.period_start.isoformat(), document.period_end.isoformat()


def _order(document) -> tuple[str, str | None] | None:
    if not document.order_number and not document.order_date:
        return None
    return document.order_number, document.order_date.isoformat() if document.order_date else None


def _due(document, text: str) -> str:
    parsed = document.deadline(text)
    if parsed.flagged:
        return FLAG
    return " ".join(d.strftime("%Y-%m") for d in parsed.dates)


def _cells(name: str, document) -> list[tuple[str, str, str]]:
    """(deadline cell, what a person reads, what the importer read) for every activity."""
    want = EXPECTED[name][3]
    return [
        (a.deadline_text, want.get(a.deadline_text, "?"), _due(document, a.deadline_text))
        for a in document.activities
        if not a.heading  # the heading of a group of sub-numbered items has no deadline cell of its own
    ]


def measure(suffix: str = "docx") -> dict:
    """Counts over the whole corpus, for the commit messages and the report."""
    out = {"documents": 0, "period": 0, "order": 0, "structure": 0, "cells": 0, "cells_right": 0, "wrong": []}
    for name, (period, order, count, _dues) in EXPECTED.items():
        path = PUBLIC / (f"{name}.docx" if suffix == "docx" else f"formats/{name}.{suffix}")
        out["documents"] += 1
        try:
            document = read_roadmap(str(path))
        except Exception as error:  # noqa: BLE001 - a measure counts a failure as all wrong
            out["wrong"].append((name, "read", str(error)))
            out["cells"] += len(EXPECTED[name][3])
            continue
        out["period"] += _period(document) == period
        out["order"] += _order(document) in (order or [None])
        out["structure"] += document.activity_count == count
        for cell, want, got in _cells(name, document):
            out["cells"] += 1
            out["cells_right"] += want == got
            if want != got:
                out["wrong"].append((name, cell, f"{want} ≠ {got}"))
    return out


NAMES = sorted(EXPECTED)


def test_every_built_document_is_expected():
    assert sorted(p.stem for p in PUBLIC.glob("*.docx")) == NAMES
    assert len(NAMES) >= 15


@pytest.fixture(scope="module")
def documents():
    return {name: read_roadmap(str(PUBLIC / f"{name}.docx")) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_period(documents, name):
    document = documents[name]
    assert _period(document) == EXPECTED[name][0]
    if EXPECTED[name][0] is None:
        assert any(w.startswith("Период дорожной карты не найден") for w in document.warnings)


@pytest.mark.parametrize("name", NAMES)
def test_order(documents, name):
    assert _order(documents[name]) in (EXPECTED[name][1] or [None])


@pytest.mark.parametrize("name", NAMES)
def test_activity_count(documents, name):
    assert documents[name].activity_count == EXPECTED[name][2]


@pytest.mark.parametrize("name", NAMES)
def test_due_months(documents, name):
    document = documents[name]
    assert [(cell, got) for cell, _want, got in _cells(name, document)] == [
        (cell, want) for cell, want, _got in _cells(name, document)
    ]
    if not document.needs_period:
        for activity in document.activities:
            dates = document.deadline(activity.deadline_text).dates
            assert all(document.period_start <= d <= document.period_end for d in dates)


@pytest.mark.parametrize("suffix", ["doc", "pdf"])
def test_doc_and_pdf_read_like_the_docx(documents, suffix):
    """The .doc and the .pdf LibreOffice makes of each order read as the .docx does."""
    for name in NAMES:
        other = read_roadmap(str(PUBLIC / "formats" / f"{name}.{suffix}"))
        document = documents[name]
        assert (_period(other), _order(other), other.activity_count) == (
            _period(document),
            _order(document),
            document.activity_count,
        ), name
        assert [a.deadline_text for a in other.activities] == [a.deadline_text for a in document.activities], name


def _word_order(stamp_in_box: list[str] | None = None, header_line: str | None = None) -> bytes:
    """A small order whose stamp stands in a text box (Word writes it twice: a drawing and its VML
    fallback) or in the first page's header, as published orders often have it."""
    import io

    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    if header_line:
        header = document.sections[0].header
        header.is_linked_to_previous = False
        header.paragraphs[0].text = header_line
    if stamp_in_box:
        ns = (
            'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
        )
        paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in stamp_in_box)
        content = f"<w:txbxContent>{paragraphs}</w:txbxContent>"
        run = parse_xml(
            f'<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
            f"<a:graphicData><wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp></a:graphicData></a:graphic>"
            f"</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{content}"
            "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        )
        document.add_paragraph("")._p.append(run)
    document.add_paragraph("Дорожная карта внедрения целевой модели наставничества на 2023-2024 учебный год")
    table = document.add_table(rows=0, cols=3)
    for values in (["Мероприятие", "Срок", "Ответственный"], ["Формирование пар", "сентябрь", "Куратор"]):
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_stamp_in_a_text_box_is_read_once():
    import io

    from roadmaps.importers.docx import docx_blocks

    data = _word_order(stamp_in_box=["УТВЕРЖДЕНО", "приказом управления образования", "от 12.09.2023 № 312"])
    lines = [b for b in docx_blocks(io.BytesIO(data)) if isinstance(b, str) and b]
    assert lines.count("от 12.09.2023 № 312") == 1
    document = read_roadmap(io.BytesIO(data), "order.docx")
    assert _order(document) == ("312", "2023-09-12") and _period(document) == ("2023-09-01", "2024-08-31")


def test_stamp_in_the_first_page_header():
    import io

    document = read_roadmap(io.BytesIO(_word_order(header_line="Приложение к приказу от 01.09.2023 № 4/12")), "o.docx")
    assert _order(document) == ("4/12", "2023-09-01")
