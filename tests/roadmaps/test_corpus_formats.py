"""Every Word order of the corpus (roadmaps/fixtures/public, corpus, samples) read again from the .doc
and the PDFs LibreOffice makes of it — as it is, and printed as from Word (landscape, header row
repeated on every page, page numbers, hyphenated words, rows broken across pages) — gives what its
.docx gives: every activity with its number and text, the period, the order, and the due months of
at least 95% of the deadline cells, none wrong (tests/roadmaps/corpus_formats.py; its `main` prints
the same counts for the whole corpus).

The files are made from the .docx at test time (kept by content hash for the run), so an order
added to the corpus is checked in every format without a build step.
"""

from __future__ import annotations

import shutil

import pytest

from roadmaps.importers.pdf import _glue, _glue_page_break, _hyphenated, _is_running, _Line, _Page, _running_lines
from roadmaps.importers.table import RawRow

from . import corpus_formats

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice ставит `make setup`")
CASES = [(corpus_formats.source_id(p), p, v) for p in corpus_formats.sources() for v in corpus_formats.VARIANTS]


def test_the_corpus_is_all_there():
    ids = [corpus_formats.source_id(p) for p in corpus_formats.sources()]
    assert len(ids) >= 30
    assert {i.split("/")[0] for i in ids} == set(corpus_formats.FOLDERS)


@needs_soffice
@pytest.mark.slow(seconds=2)  # the first of each variant makes the whole corpus's files (10-20 s)
@pytest.mark.parametrize("name,path,variant", CASES, ids=[f"{v}:{n}" for n, _p, v in CASES])
def test_reads_like_the_docx(name, path, variant):
    result = corpus_formats.compare_file(path, variant)
    notes = "\n".join([result.error, *result.notes])
    assert not result.error, notes
    assert (result.matched, result.extra) == (result.activities, 0), notes
    assert result.period and result.order, notes
    assert result.cells_wrong == 0, notes
    assert result.cells_right >= 0.95 * result.cells, notes


# RTF and OpenDocument go through LibreOffice to .docx like a .doc: measured over the whole corpus
# (`python -m tests.roadmaps.corpus_formats rtf odt`: 35/35 each), tested on one order of each folder
SOME = corpus_formats.some()


@needs_soffice
@pytest.mark.slow(seconds=3)
@pytest.mark.parametrize("variant", ["rtf", "odt"])
@pytest.mark.parametrize("path", SOME, ids=[corpus_formats.source_id(p) for p in SOME])
def test_rtf_and_odt_read_like_the_docx(path, variant):
    result = corpus_formats.compare_file(path, variant)
    assert result.same, "\n".join([result.error, *result.notes])


def test_word_layout_is_landscape_with_a_repeated_header_and_page_numbers():
    import io

    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    path = corpus_formats.FIXTURES / "public" / "p01_school_stamp_no_period_column_numbers.docx"
    document = docx.Document(io.BytesIO(corpus_formats.word_layout(path.read_bytes())))
    assert all(s.orientation == WD_ORIENT.LANDSCAPE and s.page_width > s.page_height for s in document.sections)
    roadmap = max(document.tables, key=lambda t: len(t.rows))
    assert roadmap.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert "PAGE" in document.sections[0].header._element.xml
    text = " ".join(c.text for r in roadmap.rows for c in r.cells)
    assert corpus_formats.SOFT_HYPHEN in text
    assert corpus_formats.hyphenate("наставничества").split(corpus_formats.SOFT_HYPHEN)[-1] == "ничества"


@pytest.mark.parametrize(
    "head,tail,broken",
    [
        ("Наимено", "вание", True),  # no word by itself
        ("мето", "дологии", True),  # the dictionary knows «методологии»
        ("Нормативно", "правовое", False),  # two words: a compound keeps its hyphen
        ("научно", "методический", False),
    ],
)
def test_a_hyphen_at_the_line_end_is_dropped_only_inside_a_word(head, tail, broken):
    assert _hyphenated(head, tail, set()) is broken
    assert _glue(f"{head}-", tail) == (f"{head}{tail}" if broken else f"{head}-{tail}")


def test_hyphenation_evidence_from_the_document_wins():
    assert _hyphenated("кое", "что", {"кое-что"}) is False
    assert _hyphenated("Взаимо", "посещение", {"взаимопосещение"}) is True


def test_soft_hyphens_bullets_and_wrapped_numbers():
    assert _glue("настав\u00ad", "ничества") == "наставничества"
    assert _glue("-", "планируемые результаты") == "- планируемые результаты"
    assert _glue("1.1.", "2.") == "1.1.2."
    assert _glue("Приказ", "2.") == "Приказ 2."


def _page(number, lines, height=600.0):
    return _Page(number, 800.0, height, [_Line(top, top + 10, 100, 200, text) for top, text in lines], [])


def test_page_numbers_and_running_lines_are_page_furniture():
    pages = [
        _page(1, [(20, "1"), (40, "УТВЕРЖДАЮ"), (300, "Дорожная карта на 2023 год"), (580, "Приказ № 5 — стр. 1")]),
        _page(2, [(20, "- 2 -"), (580, "Приказ № 5 — стр. 2")]),
        _page(3, [(20, "Страница 3 из 3"), (580, "Приказ № 5 — стр. 3")]),
    ]
    running = _running_lines(pages)
    kept = [ln.text for page in pages for ln in page.lines if not _is_running(ln, page, running)]
    assert kept == ["УТВЕРЖДАЮ", "Дорожная карта на 2023 год"]


def _row(*cells):
    return RawRow(cells=list(cells), distinct=list(cells), merged_across=False, where="")


def test_a_row_cut_by_the_page_is_glued_back():
    header = _row("№", "Мероприятие", "Срок")
    blocks = [[header, _row("1.3.", "Разработка актов:\n- планируемы", "Октябрь 2020 г.")]]
    page = [_row("№", "Мероприятие", "Срок"), _row("", "е результаты", ""), _row("1.4.", "Отчёт", "Май")]
    _glue_page_break(blocks, page, set())
    assert blocks[0][-1].cells == ["1.3.", "Разработка актов:\n- планируемые результаты", "Октябрь 2020 г."]
    assert [r.cells[0] for r in page] == ["№", "1.4."]


def test_the_next_row_under_a_stage_merged_across_the_page_break_keeps_the_stage():
    header = _row("№", "Этап", "Мероприятие", "Срок")
    blocks = [[header, _row("2.", "Формирование банка", "Сбор информации", "Октябрь 2022")]]
    page = [_row("№", "Этап", "Мероприятие", "Срок"), _row("", "", "Формирование пар", "Ежегодно, сентябрь")]
    _glue_page_break(blocks, page, set())
    assert blocks[0][-1].cells == ["2.", "Формирование банка", "Сбор информации", "Октябрь 2022"]
    assert page[1].cells == ["2.", "Формирование банка", "Формирование пар", "Ежегодно, сентябрь"]


@needs_soffice
@pytest.mark.slow(seconds=25)
def test_tables_without_ruling_are_read_from_the_alignment():
    """The same orders with no line drawn in their tables (read by the text's alignment): over the
    corpus, as the issue asks of a PDF (at least 95% of the deadline cells right, at most 1% wrong),
    where the reader before found almost nothing (2% right). Held over the corpus, not per order: a
    table without lines is read by guesses that a new order may yet defeat."""
    results = [corpus_formats.compare_file(path, "pdf-plain") for path in corpus_formats.sources()]
    counts = corpus_formats.totals(results)
    assert counts["right_share"] >= 0.95 and counts["wrong_share"] <= 0.01, counts
    assert counts["period"] == counts["order"] == counts["documents"], counts
    assert counts["matched"] >= 0.97 * counts["activities"], counts


def _words(*rows):
    """Lines of words as pdfplumber gives them: (x0, text) per word, 6 points a letter."""
    out = []
    for top, words in enumerate(rows):
        out.append(
            [{"x0": x, "x1": x + 6 * len(t), "top": 10.0 * top, "bottom": 10.0 * top + 8, "text": t} for x, t in words]
        )
    return out


def test_columns_start_where_many_lines_start():
    from roadmaps.importers.pdf import _column_edges

    lines = _words(
        [(60, "№"), (100, "Мероприятие"), (300, "Срок")],
        [(66, "1."), (100, "Приказ"), (142, "о"), (300, "май")],
        [(100, "внедрении"), (300, "2024")],
        [(66, "2."), (100, "Семинар"), (300, "июнь")],
    )
    # the «№» at 60 and the numbers at 66 are one column; «о» after «Приказ» is no column
    assert _column_edges(lines) == [60, 100, 300, 324]


def test_upload_page_without_libreoffice_says_what_to_install(client_for, world, settings, tmp_path):
    """A .doc uploaded where LibreOffice is missing: the preview page says in Russian what to install
    (or to save the file as .docx), nothing is written, no traceback."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from roadmaps.models import Roadmap

    settings.SOFFICE_BINARY = str(tmp_path / "no-such-soffice")
    doc = corpus_formats.FIXTURES / "public" / "formats" / "p09_school_stamp_date_then_order_number.doc"
    response = client_for(world.home.coordinator).post(
        reverse("roadmaps:import"),
        {"file": SimpleUploadedFile("prikaz.doc", doc.read_bytes()), "municipality": world.home.municipality.pk},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "нужен LibreOffice" in page and "libreoffice-writer-nogui" in page and "сохраните файл как .docx" in page
    assert "Traceback" not in page and not Roadmap.objects.exists()
