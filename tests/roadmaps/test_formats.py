"""Roadmaps in the formats people have: .doc, .rtf, .odt, .xls, .ods through LibreOffice, PDF with a
text layer through pdfplumber, a scan refused with a message. Each of them reads to the same
sections and activities as the .docx/.xlsx it was made from (roadmaps/fixtures/formats/build.py)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roadmaps.importers import RoadmapImportError, read_roadmap
from roadmaps.importers.convert import convert, detect_kind, run_soffice
from roadmaps.importers.pdf import join_wrapped, pdf_blocks
from roadmaps.models import DueDate, Roadmap

from .conftest import SAMPLES

FORMATS = Path(SAMPLES).parent / "formats"
WORD_STEMS = sorted(p.stem for p in SAMPLES.glob("*.docx"))
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice ставит `make setup`: без него проверяется только сообщение"
)


def _shape(document) -> list:
    """Sections and activities with number, text, deadline, dates, responsible and result."""
    data = document.to_json()
    out = []
    for section in data["sections"]:
        activities = [
            (
                a["number"],
                " ".join(a["title"].split()),
                " ".join(a["deadline_text"].split()),
                a["due_dates"],
                a["responsible"],
                " ".join(a["result"].split()),
            )
            for a in section["activities"]
        ]
        out.append((section["number"], " ".join(section["title"].split()), activities))
    return out


@pytest.fixture(scope="module")
def docx_shapes():
    return {stem: _shape(read_roadmap(SAMPLES / f"{stem}.docx")) for stem in WORD_STEMS}


def test_every_word_sample_has_a_pdf_and_a_doc():
    for stem in WORD_STEMS:
        assert (FORMATS / f"{stem}.pdf").exists() and (FORMATS / f"{stem}.doc").exists(), stem


@pytest.mark.parametrize("stem", WORD_STEMS)
def test_pdf_reads_like_the_docx(stem, docx_shapes):
    document = read_roadmap(FORMATS / f"{stem}.pdf")
    assert document.file_kind == "pdf"
    assert _shape(document) == docx_shapes[stem]
    assert document.title == read_roadmap(SAMPLES / f"{stem}.docx").title
    assert sum(len(s[2]) for s in docx_shapes[stem]) > 10


@needs_soffice
@pytest.mark.parametrize(
    "name", [f"{stem}.doc" for stem in WORD_STEMS] + [f"{WORD_STEMS[0]}.rtf", f"{WORD_STEMS[0]}.odt"]
)
def test_word_formats_read_like_the_docx(name, docx_shapes):
    document = read_roadmap(FORMATS / name)
    assert document.file_kind == name.rsplit(".", 1)[1]
    assert _shape(document) == docx_shapes[Path(name).stem]


@needs_soffice
@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_spreadsheet_formats_read_like_the_xlsx(suffix):
    stem = sorted(p.stem for p in SAMPLES.glob("*.xlsx"))[0]
    reference = read_roadmap(SAMPLES / f"{stem}.xlsx")
    document = read_roadmap(FORMATS / f"{stem}.{suffix}")
    assert document.file_kind == suffix
    assert document.to_json() == reference.to_json()
    assert document.activity_count == reference.activity_count > 10


@pytest.mark.parametrize(
    "name,kind",
    [
        (f"formats/{WORD_STEMS[0]}.doc", "doc"),
        (f"formats/{WORD_STEMS[0]}.rtf", "rtf"),
        (f"formats/{WORD_STEMS[0]}.odt", "odt"),
        (f"formats/{WORD_STEMS[0]}.xls", "xls"),
        (f"formats/{WORD_STEMS[0]}.ods", "ods"),
        (f"formats/{WORD_STEMS[0]}.pdf", "pdf"),
        (f"samples/{WORD_STEMS[0]}.docx", "docx"),
        (f"samples/{WORD_STEMS[0]}.xlsx", "xlsx"),
    ],
)
def test_kind_is_told_by_content_not_by_name(name, kind):
    data = (SAMPLES.parent / name).read_bytes()
    assert detect_kind(data, name) == kind
    assert detect_kind(data, "renamed.bin") == kind  # the extension is not needed
    assert detect_kind(data, "renamed.docx") == kind  # nor trusted


def test_detect_kind_refuses_unknown_content():
    assert detect_kind(b"hello", "plan.doc") == ""
    assert detect_kind(b"PK\x03\x04broken zip", "plan.docx") == ""


@needs_soffice
def test_rtf_saved_as_doc_and_xlsx_saved_as_xls_are_read(tmp_path, docx_shapes):
    rtf_named_doc = tmp_path / "prikaz.doc"
    rtf_named_doc.write_bytes((FORMATS / f"{WORD_STEMS[0]}.rtf").read_bytes())
    document = read_roadmap(rtf_named_doc)
    assert document.file_kind == "rtf" and _shape(document) == docx_shapes[WORD_STEMS[0]]
    stem = sorted(p.stem for p in SAMPLES.glob("*.xlsx"))[0]
    xlsx_named_xls = tmp_path / "plan.xls"
    xlsx_named_xls.write_bytes((SAMPLES / f"{stem}.xlsx").read_bytes())
    assert read_roadmap(xlsx_named_xls).file_kind == "xlsx"


@needs_soffice
def test_live_conversion_of_a_fresh_doc(tmp_path, docx_shapes):
    """The path a user's file takes: LibreOffice makes a .doc now, the importer converts it back."""
    stem = WORD_STEMS[1]
    source = tmp_path / f"{stem}.docx"
    shutil.copy(SAMPLES / f"{stem}.docx", source)
    made = run_soffice(source, "doc", timeout=120)
    assert made.suffix == ".doc" and made.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    with made.open("rb") as fh:
        document = read_roadmap(fh, "prikaz.doc")
    assert _shape(document) == docx_shapes[stem]


@needs_soffice
def test_two_conversions_at_once_do_not_collide(docx_shapes):
    """Each call has its own LibreOffice profile: two processes converting at the same moment both succeed."""
    from concurrent.futures import ThreadPoolExecutor

    data = (FORMATS / f"{WORD_STEMS[0]}.doc").read_bytes()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: convert(data, "doc"), range(2)))
    assert all(r.startswith(b"PK\x03\x04") for r in results)


def test_missing_libreoffice_says_what_to_install(settings, tmp_path):
    settings.SOFFICE_BINARY = str(tmp_path / "no-such-soffice")
    with pytest.raises(RoadmapImportError) as caught:
        read_roadmap(FORMATS / f"{WORD_STEMS[0]}.doc")
    message = str(caught.value)
    assert "LibreOffice" in message and "libreoffice-writer-nogui" in message and "make setup" in message


def test_conversion_timeout_kills_soffice_and_cleans_up(settings, tmp_path, monkeypatch):
    """A LibreOffice that hangs: the user gets a Russian message within the limit, the process group
    is gone and no temporary folder is left behind."""
    fake = tmp_path / "soffice"
    pidfile = tmp_path / "child.pid"
    fake.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pidfile}\nwait\n")
    fake.chmod(0o755)
    settings.SOFFICE_BINARY = str(fake)
    settings.ROADMAP_CONVERT_TIMEOUT = 1
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    with pytest.raises(RoadmapImportError) as caught:
        read_roadmap(FORMATS / f"{WORD_STEMS[0]}.doc")
    assert "не уложилось в 1 с" in str(caught.value)
    assert list(temp_root.iterdir()) == []
    stat = Path(f"/proc/{int(pidfile.read_text())}/stat")
    # SIGKILL is delivered asynchronously: the child may run for a moment before it dies. Dead means
    # gone, or a zombie (or dying) process waiting for init to collect it; 5 s is far beyond any delivery.
    deadline = time.monotonic() + 5
    while stat.exists() and _proc_state(stat) not in {"Z", "X"} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not stat.exists() or _proc_state(stat) in {"Z", "X"}


def _proc_state(stat: Path) -> str:
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return "X"


def test_conversion_failure_is_a_russian_message(settings, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    settings.SOFFICE_BINARY = str(fake)
    with pytest.raises(RoadmapImportError) as caught:
        read_roadmap(FORMATS / f"{WORD_STEMS[0]}.odt")
    assert "LibreOffice не смог открыть файл как OpenDocument (.odt)" in str(caught.value)


@needs_soffice
def test_damaged_doc_is_refused_with_a_message(tmp_path):
    broken = tmp_path / "prikaz.doc"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00WordDocument" * 10 + os.urandom(2000))
    with pytest.raises(RoadmapImportError):
        read_roadmap(broken)


def test_scanned_pdf_is_refused_not_half_read():
    with pytest.raises(RoadmapImportError) as caught:
        read_roadmap(FORMATS / "scan.pdf")
    assert str(caught.value).startswith("PDF без текстового слоя (скан)")


def test_broken_pdf_is_a_message(tmp_path):
    broken = tmp_path / "plan.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + os.urandom(500))
    with pytest.raises(RoadmapImportError) as caught:
        read_roadmap(broken)
    assert "PDF" in str(caught.value)


@needs_soffice
def test_pdf_text_without_table_is_refused(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Приказ № 5 от 01.09.2023. Утвердить дорожную карту на 2023-2024 учебный год.")
    source = tmp_path / "letter.docx"
    document.save(source)
    pdf = run_soffice(source, "pdf", timeout=120)
    with pytest.raises(RoadmapImportError) as caught:
        read_roadmap(pdf)
    assert "не найдено ни одной таблицы" in str(caught.value)


def test_pdf_blocks_keep_reading_order_and_join_page_breaks():
    blocks = pdf_blocks((FORMATS / f"{WORD_STEMS[0]}.pdf").read_bytes())
    first_table = next(i for i, b in enumerate(blocks) if isinstance(b, list))
    paragraphs = [b for b in blocks[:first_table] if isinstance(b, str)]
    assert paragraphs[0] == "УТВЕРЖДЕНО"  # a short stamp line stays a paragraph of its own
    assert any(p.startswith("Муниципальная дорожная карта") and p.endswith("2024 гг.") for p in paragraphs)
    tables = [b for b in blocks if isinstance(b, list)]
    assert len(tables) > 1  # one table per page: joining them is the assembler's job
    numbers = [row.cells[0] for table in tables for row in table]
    assert len([n for n in numbers if n.startswith("№")]) == len(tables)  # the header repeated on each page


def test_join_wrapped_keeps_real_breaks():
    assert join_wrapped("Руководители\nобразовательных\nучреждений") == "Руководители образовательных учреждений"
    assert join_wrapped("Нормативно–\nправовое") == "Нормативно–правовое"
    assert join_wrapped("На уровне ОО:\n- приказ;\n- положение") == "На уровне ОО:\n- приказ;\n- положение"
    assert join_wrapped(None) == ""


@needs_soffice
def test_upload_page_reads_a_doc_and_confirms(client_for, world):
    client = client_for(world.home.coordinator)
    name = f"{WORD_STEMS[0]}.doc"
    response = client.post(
        reverse("roadmaps:import"),
        {
            "file": SimpleUploadedFile(name, (FORMATS / name).read_bytes()),
            "municipality": world.home.municipality.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["document"].file_kind == "doc"
    assert "Word 97–2003 (.doc)" in response.content.decode()
    token = response.context["staged"].token
    response = client.post(reverse("roadmaps:import_confirm"), {"token": token})
    roadmap = Roadmap.objects.get()
    assert response.status_code == 302 and response.url == reverse("roadmaps:detail", args=[roadmap.pk])
    assert roadmap.activities.count() == read_roadmap(SAMPLES / f"{WORD_STEMS[0]}.docx").activity_count
    assert DueDate.objects.filter(activity__roadmap=roadmap).exists()
    assert roadmap.source_file.name.endswith(".doc")


def test_upload_page_refuses_a_scan_with_the_message(client_for, world):
    client = client_for(world.home.coordinator)
    response = client.post(
        reverse("roadmaps:import"),
        {
            "file": SimpleUploadedFile("prikaz.pdf", (FORMATS / "scan.pdf").read_bytes()),
            "municipality": world.home.municipality.pk,
        },
    )
    assert response.status_code == 200
    assert "PDF без текстового слоя (скан)" in response.content.decode()
    assert not Roadmap.objects.exists()


def test_upload_refuses_content_that_is_not_its_extension(client_for, world):
    client = client_for(world.home.coordinator)
    response = client.post(
        reverse("roadmaps:import"),
        {
            "file": SimpleUploadedFile("prikaz.doc", b"MZ\x90\x00 not a document"),
            "municipality": world.home.municipality.pk,
        },
    )
    assert response.status_code == 200
    assert "повреждён или не является файлом .doc" in response.content.decode()
    assert not Roadmap.objects.exists()


def test_cell_lines_join_cut_words_only_on_evidence():
    from roadmaps.importers.pdf import _join, _Line

    def lines(*texts, edge=100.0, space_after=False):
        # each line's last letter at `edge` (the column filled), 6 pt a letter
        return [
            _Line(i * 12, i * 12 + 10, edge - 6 * len(t), edge, t, space_after=space_after) for i, t in enumerate(texts)
        ]

    words = {"муниципальные", "координаторы"}
    assert _join(lines("Муниципаль", "ные координаторы"), right=100, words=words) == "Муниципальные координаторы"
    assert _join(lines("образовател", "ьных учреждений"), right=100, words=set()) == "образовательных учреждений"
    # a whole word that happens to fill the column stays a word
    assert _join(lines("Мониторинг", "сайтов ОУ"), right=100, words=set()) == "Мониторинг сайтов ОУ"
    # a space glyph after the line, or room left for another letter: the line ended at a space
    assert _join(lines("Муниципаль", "ные", space_after=True), right=100, words=words) == "Муниципаль ные"
    assert _join(lines("Муниципаль", "ные"), right=120, words=words) == "Муниципаль ные"


def test_paragraph_lines_join_when_the_next_word_did_not_fit():
    from roadmaps.importers.pdf import _Line, _paragraphs

    title = [
        _Line(100, 112, 60, 540, "(план мероприятий) по реализации целевой модели наставничества (2025"),
        _Line(114, 126, 60, 130, "- 2027 гг.)"),
    ]
    assert _paragraphs(title, 60, 560) == [(100, title[0].text + " - 2027 гг.)")]
    stamp = [_Line(40, 52, 450, 560, "УТВЕРЖДЕНО"), _Line(54, 66, 380, 560, "приказом начальника Управления")]
    assert [text for _top, text in _paragraphs(stamp, 60, 560)] == ["УТВЕРЖДЕНО", "приказом начальника Управления"]
    items = [_Line(0, 12, 60, 560, "Приказываю:"), _Line(14, 26, 60, 300, "1. Утвердить дорожную карту.")]
    assert [text for _top, text in _paragraphs(items, 60, 560)] == ["Приказываю:", "1. Утвердить дорожную карту."]


CORPUS = Path(SAMPLES).parent / "corpus"
CORPUS_BUILT = sorted(
    (p.stem, suffix)
    for p in (CORPUS.glob("*.docx") if CORPUS.is_dir() else [])
    for suffix in ("pdf", "doc")
    if (FORMATS / "corpus" / f"{p.stem}.{suffix}").exists()
)


def test_every_corpus_order_has_a_pdf_and_a_doc():
    """build.py makes them; a corpus .docx without its .pdf/.doc means the build was not rerun."""
    stems = sorted(p.stem for p in CORPUS.glob("*.docx")) if CORPUS.is_dir() else []
    assert sorted({stem for stem, _suffix in CORPUS_BUILT}) == stems


def _reading(document) -> tuple:
    """What a coordinator takes from the order: title, order, period, numbers, deadlines, due dates."""
    data = document.to_json()
    return (
        " ".join(data["title"].split()),
        data["order"],
        data.get("period"),
        [
            (s["number"], [(a["number"], "".join(a["deadline_text"].split()), a["due_dates"]) for a in s["activities"]])
            for s in data["sections"]
        ],
    )


@pytest.mark.parametrize("stem,suffix", CORPUS_BUILT)
def test_corpus_pdf_and_doc_read_like_the_docx(stem, suffix):
    if suffix == "doc" and shutil.which("soffice") is None:
        pytest.skip("LibreOffice ставит `make setup`")
    expected = _reading(read_roadmap(CORPUS / f"{stem}.docx"))
    assert _reading(read_roadmap(FORMATS / "corpus" / f"{stem}.{suffix}")) == expected


def test_pdf_merged_cells_give_every_position_their_text():
    """A stage cell merged down three rows and a deadline merged down two: each row reads them, as
    Word gives them; a header word cut by a narrow column («Мероприя | тия») still names it."""
    from roadmaps.importers.pdf import _Line, _table_rows

    def box(x0, top, x1, bottom):
        return (x0, top, x1, bottom)

    def line(text, x0, top):
        return _Line(top, top + 10, x0, x0 + 40, text)

    grid = [
        [
            (box(0, 0, 50, 20), [line("№", 2, 2)]),
            (box(50, 0, 100, 20), [line("Этап", 52, 2)]),
            (box(100, 0, 150, 20), [line("Мероприя", 102, 2), line("тия", 102, 12)]),
            (box(150, 0, 200, 20), [line("Сроки", 152, 2)]),
        ],
        [
            (box(0, 20, 50, 40), [line("1.", 2, 22)]),
            (box(50, 20, 100, 80), [line("Подготовка", 52, 22)]),
            (box(100, 20, 150, 40), [line("Приказ", 102, 22)]),
            (box(150, 20, 200, 60), [line("март", 152, 22)]),
        ],
        [(None, []), (None, []), (box(100, 40, 150, 60), [line("Положение", 102, 42)]), (None, [])],
        [
            (None, []),
            (None, []),
            (box(100, 60, 150, 80), [line("Анкеты", 102, 62)]),
            (box(150, 60, 200, 80), [line("апрель", 152, 62)]),
        ],
    ]
    rows = _table_rows(grid, 1, 1, set())
    assert [r.cells for r in rows[1:]] == [
        ["1.", "Подготовка", "Приказ", "март"],
        ["", "Подготовка", "Положение", "март"],
        ["", "Подготовка", "Анкеты", "апрель"],
    ]
    from roadmaps.importers.table import classify_header

    assert classify_header(rows[0].cells[2]) == "title"
    assert classify_header("Наименов ание этапа") == "title"
    assert classify_header("Ответстве нные") == "responsible"
