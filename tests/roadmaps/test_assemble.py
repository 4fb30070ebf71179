"""assemble(blocks): the one place where any reader's paragraphs and tables become a RoadmapDocument."""

import datetime as dt

import pytest

from roadmaps.importers import COLUMN_ROLES, RawRow, RoadmapImportError, assemble, read_roadmap
from roadmaps.importers.document import PERIOD_FROM_HEADING, PERIOD_FROM_PREAMBLE, PERIOD_FROM_USER

HEADER = ["№ п/п", "Наименование мероприятия", "Срок исполнения", "Ответственные исполнители"]


def table(*rows):
    return [RawRow.of(list(r), f"строка {i}") for i, r in enumerate(rows, start=1)]


def test_split_table_joined_repeated_header_skipped_unrelated_table_ignored():
    blocks = [
        "ПРИКАЗ",
        "06.02.2023 № 15 а",
        "В соответствии с распоряжением Правительства РФ от 21.05.2025 № 1264-р",
        "ПРИКАЗЫВАЮ: 1. Утвердить дорожную карту (приложение).",
        "Приложение к приказу от 06.02.2023 № 15 а",
        "Дорожная карта внедрения целевой модели наставничества",
        "на 2023/2024 учебный год",
        table(
            HEADER,
            ["1", "2", "3", "4"],
            ["1.", "Организационный раздел", None, None],
            ["1.1", "Приказ", "сентябрь", "Директор"],
        ),
        "",
        table(HEADER, ["1.2", "Положение", "до 15 октября", "Заместитель"]),
        table(["1.3", "Мониторинг", "май", "Куратор"]),
        "Список образовательных организаций",
        table(["№", "Наименование ОО", "Адрес", "Телефон"], ["1", "СОШ № 1", "ул. Ленина", "123"]),
    ]
    document = assemble(blocks, file_kind="pdf")
    assert [(s.number, s.title, [a.number for a in s.activities]) for s in document.sections] == [
        ("1.", "Организационный раздел", ["1.1", "1.2", "1.3"])
    ]
    assert document.title == "Дорожная карта внедрения целевой модели наставничества на 2023/2024 учебный год"
    assert (document.order_number, document.order_date) == ("15 а", dt.date(2023, 2, 6))
    assert (document.period_start, document.period_end) == (dt.date(2023, 9, 1), dt.date(2024, 8, 31))
    assert document.period_source == PERIOD_FROM_HEADING and not document.needs_period
    assert document.column_roles == {"number": 0, "title": 1, "deadline": 2, "responsible": 3}
    assert document.file_kind == "pdf"
    dues = [document.deadline(a.deadline_text).dates for a in document.activities]
    assert dues == [[dt.date(2023, 9, 30)], [dt.date(2023, 10, 15)], [dt.date(2024, 5, 31)]]


def test_period_from_preamble_when_heading_has_none_and_never_from_cited_acts():
    blocks = [
        "В соответствии с государственной программой на 2018-2025 годы",
        "ПРИКАЗЫВАЮ: 1. Утвердить дорожную карту по внедрению целевой модели наставничества на 2024-2026 годы.",
        "Дорожная карта",
        table(HEADER, ["1", "Семинар", "ежегодно", "Управление"]),
    ]
    document = assemble(blocks, file_kind="docx")
    assert (document.period_start, document.period_end, document.period_source) == (
        dt.date(2024, 1, 1),
        dt.date(2026, 12, 31),
        PERIOD_FROM_PREAMBLE,
    )


def test_no_period_is_not_guessed_from_cells():
    blocks = ["Дорожная карта", table(HEADER, ["1", "Семинар", "Декабрь 2025", "Управление"])]
    document = assemble(blocks, file_kind="docx")
    assert document.needs_period and document.period_source == ""
    parsed = document.deadline("Декабрь 2025")
    assert parsed.dates == [] and parsed.flagged
    assert document.to_json()["period"] is None
    document.set_period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert document.period_source == PERIOD_FROM_USER and document.deadline("Декабрь 2025").dates == [
        dt.date(2025, 12, 31)
    ]


def test_no_roadmap_table():
    with pytest.raises(RoadmapImportError, match="заголовков"):
        assemble(["Текст", table(["a", "b"], ["c", "d"])], file_kind="pdf")
    with pytest.raises(RoadmapImportError, match="нет таблицы"):
        assemble(["Только текст"], file_kind="pdf")


def test_read_roadmap_overrides(samples_dir):
    path = str(samples_dir / "000_567cfd1ce6be8eda.docx")
    document = read_roadmap(
        path,
        period=(dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        order_number="280-од",
        order_date=dt.date(2022, 12, 1),
        column_map={"number": 0, "title": 1, "result": 2, "deadline": 3, "responsible": 4},
    )
    assert (document.period_start, document.period_end, document.period_source) == (
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
        PERIOD_FROM_USER,
    )
    assert (document.order_number, document.order_date) == ("280-од", dt.date(2022, 12, 1))
    assert document.column_roles["deadline"] == 3
    # a different mapping: the responsible column read as deadlines gives no dates, flagged
    swapped = read_roadmap(path, column_map={"number": 0, "title": 1, "deadline": 4, "responsible": 3})
    assert swapped.column_roles == {"number": 0, "title": 1, "deadline": 4, "responsible": 3}
    first = swapped.sections[0].activities[0]
    assert first.deadline_text == "Руководители образовательных учреждений" and first.responsible_text == "Декабрь 2022"
    assert set(COLUMN_ROLES) >= {"number", "title", "deadline", "responsible", "participants", "result", "indicator"}


def test_the_rest_of_a_table_without_its_last_column_is_not_lost():
    """A page of another layout drops the «Примечание» column: the roadmap goes on («3.» after «2.»),
    its rows padded; a narrower list that starts at «1.» stays a list of its own."""
    header = RawRow.of(["№", "Мероприятие", "Срок", "Ответственный", "Примечание"], "т1, с1")
    first = [
        header,
        RawRow.of(["1.", "Формирование пар", "сентябрь", "Куратор", ""], "т1, с2"),
        RawRow.of(["2.", "Семинар", "октябрь", "Методист", ""], "т1, с3"),
    ]
    rest = [
        RawRow.of(["3.", "Конкурс", "март", "Методист"], "т2, с1"),
        RawRow.of(["4.", "Итоги", "май", "Куратор"], "т2, с2"),
    ]
    title = "Дорожная карта на 2024-2025 учебный год"
    document = assemble([title, first, "", rest], file_kind="docx")
    assert [a.number for a in document.activities] == ["1.", "2.", "3.", "4."]
    assert document.activities[3].deadline_text == "май"
    schools = [RawRow.of(["1.", "МБОУ СОШ № 1", "Иванова", "директор"], "т2, с1")]
    assert [a.number for a in assemble([title, first, "", schools], file_kind="docx").activities] == ["1.", "2."]
