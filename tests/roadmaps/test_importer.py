"""The importer: the three samples (.docx and .xlsx), other layouts, the CLI and the export round trip."""

import io
import json

import docx
import openpyxl
import pytest
from django.core.management import call_command

from roadmaps import exporters
from roadmaps.importers import RoadmapImportError, parse_indicators, read_roadmap, split_parties
from roadmaps.models import Activity, DueDate, ExecutionRecord, Roadmap, Section
from tests.roadmaps.conftest import SAMPLE_NAMES, expected_structure, sample_json

FORMATS = ["docx", "xlsx"]


@pytest.mark.parametrize("stem", SAMPLE_NAMES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_samples_read_exactly_as_their_json(samples_dir, stem, fmt):
    document = read_roadmap(str(samples_dir / f"{stem}.{fmt}"))
    data = sample_json(stem)
    got = [(s.number, s.title, [a.number for a in s.activities]) for s in document.sections]
    assert got == expected_structure(stem)
    assert document.title == data["title"]
    assert document.columns == data["columns"]
    # every cell kept as printed, lines included
    rows = [r["cells"] for r in data["rows"] if r["kind"] == "activity"]
    activities = [a for s in document.sections for a in s.activities]
    assert len(activities) == len(rows)
    for cells, activity in zip(rows, activities, strict=True):
        for value in (activity.title, activity.deadline_text, activity.responsible_text, activity.result):
            assert value in cells


@pytest.mark.parametrize("stem", SAMPLE_NAMES)
def test_cli_json_shape(samples_dir, world, stem, capsys):
    call_command(
        "import_roadmap",
        str(samples_dir / f"{stem}.docx"),
        municipality=world.home.municipality.name,
        dry_run=True,
        json=True,
    )
    out = capsys.readouterr().out
    data = json.loads(out)  # nothing but JSON on stdout
    assert {"title", "order", "columns", "sections", "period"} <= set(data)
    assert data["period"] is None or set(data["period"]) == {"start", "end"}
    assert isinstance(data["title"], str) and isinstance(data["columns"], list)
    assert data["order"] is None or (set(data["order"]) == {"number", "date"})
    expected = expected_structure(stem)
    assert [(s["number"], s["title"], [a["number"] for a in s["activities"]]) for s in data["sections"]] == expected
    keys = {
        "number",
        "text",
        "schedule",
        "flagged",
        "title",
        "deadline_text",
        "deadline_parsed",
        "recurrence",
        "due_dates",
        "responsible",
        "participants",
        "result",
        "indicators",
    }
    for section in data["sections"]:
        assert set(section) == {"number", "title", "activities"}
        for activity in section["activities"]:
            assert set(activity) == keys
            assert isinstance(activity["deadline_parsed"], bool)
            assert activity["recurrence"] in (
                None,
                "once",
                "annual",
                "half_yearly",
                "quarterly",
                "monthly",
                "continuous",
                "as_needed",
                "relative",
            )
            assert all(len(d) == 10 and d[4] == "-" for d in activity["due_dates"])
            assert all(isinstance(p, str) for p in activity["responsible"])
            assert all(set(i) == {"year", "value"} for i in activity["indicators"])
    assert Roadmap.objects.count() == 0, "--dry-run writes nothing"


def test_cli_imports_and_reports(samples_dir, world, capsys):
    call_command(
        "import_roadmap", str(samples_dir / "003_9600eaf07fc5e7ca.xlsx"), municipality=world.home.municipality.name
    )
    roadmap = Roadmap.objects.get()
    assert roadmap.sections.count() == 6 and roadmap.activities.count() == 28
    assert roadmap.source_file.name.endswith(".xlsx")
    assert "мероприятий 28" in capsys.readouterr().out


def test_cli_unknown_municipality(samples_dir, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="не найден"):
        call_command("import_roadmap", str(samples_dir / "000_567cfd1ce6be8eda.docx"), municipality="Атлантида")


@pytest.mark.parametrize("stem", SAMPLE_NAMES)
def test_import_writes_counts_schedule_and_records(import_sample, world, stem):
    roadmap = import_sample(f"{stem}.xlsx", world.home.municipality)
    expected = expected_structure(stem)
    assert roadmap.sections.count() == len(expected)
    assert list(roadmap.activities.order_by("order").values_list("number", flat=True)) == [
        n for _, _, numbers in expected for n in numbers
    ]
    assert DueDate.objects.filter(activity__roadmap=roadmap).exists()
    # municipal roadmap: records only for the municipal level; schools' share waits for their copies
    assert not ExecutionRecord.objects.filter(activity__roadmap=roadmap, organization__isnull=False).exists()
    municipal_dues = DueDate.objects.filter(activity__roadmap=roadmap, activity__for_municipality=True)
    records = ExecutionRecord.objects.filter(activity__roadmap=roadmap, organization__isnull=True)
    assert sorted(records.values_list("due_id", flat=True)) == sorted(municipal_dues.values_list("pk", flat=True))
    assert DueDate.objects.filter(activity__roadmap=roadmap, date__lt=roadmap.period_start).count() == 0
    assert DueDate.objects.filter(activity__roadmap=roadmap, date__gt=roadmap.period_end).count() == 0


def test_unparsed_deadline_is_kept_and_flagged(import_sample, world):
    roadmap = import_sample("003_9600eaf07fc5e7ca.docx", world.home.municipality)
    activity = roadmap.activities.get(number="6.2.")
    assert activity.deadline_parsed is False and activity.needs_attention
    relative = roadmap.activities.get(number="4.3.")
    assert relative.recurrence == "relative" and relative.needs_attention
    assert relative.deadline_text == "в течение двух недель с даты определения модели"


def test_responsible_roles_recognised(import_sample, world):
    roadmap = import_sample("000_567cfd1ce6be8eda.docx", world.home.municipality)
    a11 = roadmap.activities.get(number="1.1")
    assert a11.for_schools and not a11.for_municipality and a11.responsible_roles == ["head"]
    a21 = roadmap.activities.get(number="2.1")
    assert a21.for_municipality and not a21.for_schools


# Documents like the samples, not these files --------------------------------------------------
def _xlsx(rows, merged_rows=()) -> io.BytesIO:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for index in merged_rows:
        ws.merge_cells(start_row=index, start_column=1, end_row=index, end_column=len(rows[-1]))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_xlsx_other_column_order_roman_sections_and_indicators():
    rows = [
        ["Приложение 1"],
        ["к приказу от 12.09.2025 № 415-од"],
        [],
        ["Дорожная карта реализации целевой модели наставничества на 2026-2028 гг."],
        [],
        [],
        [],
        [
            "Срок реализации",
            "Наименование мероприятий",
            "№ п/п",
            "Ответственный исполнитель",
            "Участники",
            "Показатель реализации",
            "Результат / вид документа",
        ],
        ["1", "2", "3", "4", "5", "6", "7"],
        ["I. Организационное обеспечение"],
        [
            "сентябрь ежегодно",
            "Мониторинг\nсайтов ОО",
            "1.1.",
            "Муниципальный координатор",
            "ОО",
            "2026 г. – 60; 2027 г. – 60; 2028 г. – 60",
            "Справка",
        ],
        ["ежеквартально", "Персонифицированный учёт", "1.2", "Кураторы в ОО", "", "", "Таблица"],
        ["II. Методическое сопровождение"],
        ["до 15 июня ежегодно", "Семинар", "2.1", "МБУ «Методический центр», руководители ОО", "", "", "Программа"],
    ]
    document = read_roadmap(_xlsx(rows, merged_rows=(10, 13)), "plan.xlsx")
    assert [(s.number, s.title) for s in document.sections] == [
        ("I.", "Организационное обеспечение"),
        ("II.", "Методическое сопровождение"),
    ]
    first = document.sections[0].activities[0]
    assert first.number == "1.1." and first.title == "Мониторинг\nсайтов ОО"
    assert first.deadline_text == "сентябрь ежегодно" and first.participants_text == "ОО"
    assert (document.order_number, str(document.order_date)) == ("415-од", "2025-09-12")
    assert (str(document.period_start), str(document.period_end)) == ("2026-01-01", "2028-12-31")
    data = document.to_json()
    assert data["order"] == {"number": "415-од", "date": "2025-09-12"}
    assert data["sections"][0]["activities"][0]["indicators"] == [
        {"year": 2026, "value": 60},
        {"year": 2027, "value": 60},
        {"year": 2028, "value": 60},
    ]
    assert data["sections"][0]["activities"][0]["due_dates"] == ["2026-09-30", "2027-09-30", "2028-09-30"]


def test_docx_section_number_in_own_cell_and_header_not_first():
    document = docx.Document()
    document.add_paragraph("Дорожная карта ОО на 2026/2027 учебный год")
    table = document.add_table(rows=0, cols=4)
    for values in (
        ["", "", "", ""],
        ["№", "Содержание деятельности", "Сроки", "Исполнители"],
        ["1", "Подготовка условий", "", ""],
        ["1.1", "Приказ о наставничестве\nи положение", "Сентябрь 2026", "Руководитель ОО"],
    ):
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    out.seek(0)
    parsed = read_roadmap(out, "map.docx")
    assert [(s.number, s.title) for s in parsed.sections] == [("1", "Подготовка условий")]
    assert parsed.sections[0].activities[0].title == "Приказ о наставничестве\nи положение"
    assert (str(parsed.period_start), str(parsed.period_end)) == ("2026-09-01", "2027-08-31")


def test_unreadable_files_give_russian_errors():
    with pytest.raises(RoadmapImportError, match="заголовков"):
        read_roadmap(_xlsx([["просто"], ["таблица", "без", "заголовков"]]), "x.xlsx")
    with pytest.raises(RoadmapImportError, match="Excel"):
        read_roadmap(io.BytesIO(b"not a zip"), "x.xlsx")
    with pytest.raises(RoadmapImportError, match="не читается как PDF"):
        read_roadmap(io.BytesIO(b"x"), "x.pdf")
    with pytest.raises(RoadmapImportError, match="Поддерживаются документы Word"):
        read_roadmap(io.BytesIO(b"x"), "x.txt")


def test_import_is_all_or_nothing(world, samples_dir, monkeypatch):
    from roadmaps import services

    document = read_roadmap(str(samples_dir / "000_567cfd1ce6be8eda.docx"))
    calls = {"n": 0}
    original = services._apply_indicators

    def fail_late(activity):
        calls["n"] += 1
        if calls["n"] == 20:
            raise RuntimeError("disk full")
        original(activity)

    monkeypatch.setattr(services, "_apply_indicators", fail_late)
    with pytest.raises(RuntimeError):
        services.roadmap_import(document=document, user=world.home.coordinator, municipality=world.home.municipality)
    assert (Roadmap.objects.count(), Section.objects.count(), Activity.objects.count()) == (0, 0, 0)


def test_split_parties_and_indicators():
    assert split_parties("Управление, МБУ «Методический центр, филиал», руководители ОО,") == [
        "Управление",
        "МБУ «Методический центр, филиал»",
        "руководители ОО",
    ]
    assert [(y, int(v)) for y, v in parse_indicators("2026 г. – 60; 2027 г. – 60; 2028 г. – 1")] == [
        (2026, 60),
        (2027, 60),
        (2028, 1),
    ]


# Export → import round trip ----------------------------------------------------------------------
@pytest.mark.parametrize("stem", SAMPLE_NAMES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_export_import_round_trip(import_sample, world, stem, fmt):
    roadmap = import_sample(f"{stem}.docx", world.home.municipality)
    roadmap.order_number, roadmap.order_date = "280-од", roadmap.period_start
    roadmap.save()
    content = exporters.export_xlsx(roadmap) if fmt == "xlsx" else exporters.export_docx(roadmap)
    again = read_roadmap(io.BytesIO(content), f"export.{fmt}")
    original = read_roadmap(str(_sample_path(stem)))
    strip = lambda data: [  # noqa: E731
        (
            s["number"],
            s["title"],
            [
                (a["number"], a["title"], a["deadline_text"], a["due_dates"], a["responsible"], a["result"])
                for a in s["activities"]
            ],
        )
        for s in data["sections"]
    ]
    assert strip(again.to_json()) == strip(original.to_json())
    assert again.title == roadmap.title
    assert again.order_number == "280-од" and again.order_date == roadmap.period_start


def _sample_path(stem):
    from tests.roadmaps.conftest import SAMPLES

    return SAMPLES / f"{stem}.docx"
