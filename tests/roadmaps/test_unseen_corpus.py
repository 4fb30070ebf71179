"""The second round of orders (roadmaps/fixtures/unseen, see its build.py for the source of each):
layouts the first corpus does not have. What a careful person reads from each — the period, the
approving order, every section and activity with its number and the start of its text, and the due
months of every deadline — is written here by hand; the importer must read the same.

`measure()` gives the counts reported in the commits: deadline cells right / wrong / flagged (a
person must look) / missed (the activity was not found), over this corpus.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roadmaps.importers import read_roadmap
from tests.roadmaps.test_public_corpus import FLAG, _due, _order, _period, months, quarters

UNSEEN = Path(__file__).resolve().parents[2] / "roadmaps" / "fixtures" / "unseen"
NONE = ""  # a deadline read rightly as giving no date by itself («по мере необходимости»)

# name → (period, [orders a person could take] or None, [(section number, section title start,
#          [(activity number, activity text start, due months | FLAG | NONE | None for no deadline)])])
EXPECTED: dict[str, tuple] = {
    "u01_region_roman_merged_sections_flat_numbering": (
        ("2023-01-01", "2024-12-31"),
        [("01/288", "2023-02-06")],
        [
            (
                "I",
                "Организационно-координационные",
                [
                    ("1", "Разработка и утверждение Дорожной карты", "2023-02"),
                    ("2", "Информационное сопровождение", "2023-12 2024-12"),
                    ("3", "Представление в Министерство", FLAG),
                ],
            ),
            (
                "II",
                "Методическое сопровождение",
                [
                    ("4", "Проведение региональных семинаров", quarters(2023, 2024)),
                    ("5", "Региональный конкурс", "2023-12 2024-12"),
                ],
            ),
            (
                "III",
                "Мониторинг реализации",
                [
                    ("6", "Мониторинг реализации целевой модели", "2023-03 2024-03"),
                    ("7", "Подведение итогов", "2024-12"),
                ],
            ),
        ],
    ),
    "u02_school_data_column_responsible_first": (
        ("2021-09-01", "2022-08-31"),
        [("60", "2021-08-23")],
        [
            (
                "",
                "",
                [
                    ("1", "Формирование наставнических пар", "2021-09"),
                    ("2", "Составление индивидуальных планов", "2021-10"),
                    ("3", "Встречи куратора", "2021-11 2022-02 2022-05 2022-08"),
                    ("4", "Открытые уроки", "2022-05"),
                    ("5", "Взаимопосещение уроков", "2021-11"),
                    ("6", "Итоговая конференция", "2022-08"),
                ],
            )
        ],
    ),
    "u03_kindergarten_order_header_nested_groups": (
        ("2023-01-01", "2025-12-31"),
        [("27-ОД", "2023-02-15")],
        [
            (
                "1",
                "Нормативное обеспечение",
                [
                    ("1.1", "Разработка положения", "2023-03"),
                    ("1.2", "Приказ о закреплении", "2023-04 2024-04 2025-04"),
                ],
            ),
            (
                "2",
                "Работа с наставниками",
                [
                    ("2.1", "Анкетирование наставников", months("2023-06", "2025-12", 6)),
                    ("2.2", "Консультации для наставников", NONE),
                ],
            ),
            (
                "3",
                "Методическое сопровождение",
                [
                    ("3.1", "Семинары для наставников", None),
                    ("3.1.1", "Семинар «Роль наставника", "2023-10"),
                    ("3.1.2", "Семинар «Наставничество: итоги года»", "2024-05"),
                    ("3.2", "Открытые просмотры", "2023-12 2024-12 2025-12"),
                    ("3.3", "Итоговый отчет", "2025-12"),
                ],
            ),
        ],
    ),
    "u04_school_numbered_paragraphs_no_table": (
        ("2021-01-01", "2024-12-31"),
        [("181/1", "2021-09-13")],
        [
            (
                "1",
                "Подготовка условий",
                [
                    ("1.1", "Изучение и систематизация материалов", "2021-09"),
                    ("1.2", "Издание приказа о внедрении", "2021-10"),
                ],
            ),
            (
                "2",
                "Формирование базы",
                [
                    ("2.1", "Анкетирование педагогов и обучающихся", "2021-09 2022-09 2023-09 2024-09"),
                    ("2.2", "Формирование наставнических пар", "2021-10 2022-10 2023-10 2024-10"),
                ],
            ),
            (
                "3",
                "Организация работы",
                [
                    ("3.1", "Встречи наставников и наставляемых", months("2021-09", "2024-12")),
                    ("3.2", "Промежуточный мониторинг", "2022-05 2023-05 2024-05"),
                    ("3.3", "Итоговая конференция", "2024-05"),
                ],
            ),
        ],
    ),
    "u05_district_sections_as_paragraphs_between_tables": (
        ("2024-01-01", "2026-12-31"),
        [("15", "2024-01-12")],
        [
            (
                "1",
                "Нормативное обеспечение",
                [
                    ("1.1", "Утверждение муниципальной", "2024-03"),
                    ("1.2", "Утверждение программ", "2024-09 2025-09 2026-09"),
                ],
            ),
            (
                "2",
                "Кадровое обеспечение",
                [
                    ("2.1", "Обучение кураторов", "2025-12"),
                    ("2.2", "Совещания кураторов", quarters(2024, 2026)),
                ],
            ),
            (
                "3",
                "Мониторинг",
                [
                    ("3.1", "Отчет образовательных организаций", months("2024-04", "2026-10", 3)),
                    ("3.2", "Анализ реализации", "2024-12 2025-12 2026-12"),
                ],
            ),
        ],
    ),
    "u06_xlsx_order_text_above_header_row_28": (
        ("2025-01-01", "2025-12-31"),
        [("4-а", "2025-01-10")],
        [
            (
                "",
                "",
                [
                    ("1", "Приказ о закреплении", "2025-01"),
                    ("2", "Разработка программ", "2025-03"),
                    ("3", "Отчет наставников", months("2025-02", "2025-12")),
                    ("4", "Сопровождение наставнических пар", "2025-12"),
                    ("5", "Заседания проектной группы", quarters(2025, 2025)),
                    ("6", "Итоговый отчет", "2025-12"),
                ],
            )
        ],
    ),
    "u07_municipal_deadline_inside_activity_text": (
        ("2024-09-01", "2025-08-31"),
        [("301", "2024-08-28")],
        [
            (
                "1",
                "Нормативное правовое регулирование",
                [
                    ("1.1", "Утверждение положений о наставничестве", "2024-10"),
                    ("1.2", "Назначение кураторов", "2024-09"),
                ],
            ),
            (
                "2",
                "Организационно-методическое сопровождение",
                [
                    ("2.1", "Муниципальный семинар для кураторов", "2024-10"),
                    ("2.2", "Мониторинг реализации программ", "2024-09 2024-12 2025-03 2025-06"),
                    ("2.3", "Подведение итогов", "2025-05"),
                ],
            ),
        ],
    ),
    "u08_college_landscape_split_no_repeat_subnumbers": (
        ("2023-09-01", "2026-08-31"),
        [("14 а", "2023-09-01"), ("14а", "2023-09-01"), ("14-а", "2023-09-01")],
        [
            (
                "1",
                "Подготовительный этап",
                [
                    ("1.1", "Нормативная база", None),
                    ("1.1.1", "Положение о наставничестве", "2023-09"),
                    ("1.1.2", "Приказ о назначении куратора", "2023-09"),
                    ("1.2", "Формирование базы наставников", "2023-10 2024-10 2025-10"),
                ],
            ),
            (
                "2",
                "Основной этап",
                [
                    ("2.1", "Реализация программ наставничества", "2024-08 2025-08 2026-08"),
                    ("2.2", "Промежуточная аттестация", "2023-12 2024-12 2025-12"),
                ],
            ),
            (
                "3",
                "Заключительный этап",
                [
                    ("3.1", "Конкурс «Лучший наставник колледжа»", "2026-04"),
                    ("3.2", "Итоговый отчет", "2026-08"),
                ],
            ),
        ],
    ),
    "u09_school_mentor_plan_kogda_column": (
        ("2025-09-01", "2026-08-31"),
        [None, ("", "2025-09-01")],
        [
            (
                "",
                "",
                [
                    ("1", "Знакомство с локальными актами", "2025-09"),
                    ("2", "Составление рабочей программы", "2025-12"),
                    ("3", "Посещение уроков", "2026-08"),
                    ("4", "Подготовка к аттестации", "2026-02"),
                    ("5", "Анализ результатов работы", "2025-12 2026-05"),
                    ("6", "Самоанализ молодого специалиста", "2026-05"),
                ],
            )
        ],
    ),
    "u10_region_order_two_row_header_three_years": (
        ("2023-01-01", "2025-12-31"),
        [("17", "2023-01-14")],
        [
            (
                "I",
                "Организационные мероприятия",
                [
                    ("1", "Создание регионального центра", "2023-03"),
                    ("2", "Сбор информации о реализации", "2024-02 2025-02"),
                    ("3", "Проведение мероприятий в рамках Года", "2023-12 2024-12 2025-12"),
                ],
            ),
            (
                "II",
                "Методическое сопровождение",
                [
                    ("4", "Обновление методических рекомендаций", "2023-12 2024-12 2025-12"),
                    ("5", "Региональный форум наставников", "2023-12 2024-12 2025-12"),
                ],
            ),
        ],
    ),
    "u11_school_auto_numbered_column_multilevel": (
        ("2022-01-01", "2022-12-31"),
        [("7", "2022-01-12")],
        [
            (
                "1",
                "Подготовительный этап",
                [
                    ("1.1", "Назначение куратора", "2022-01"),
                    ("1.2", "Разработка положения", "2022-03"),
                ],
            ),
            (
                "2",
                "Реализация программ",
                [
                    ("2.1", "Мониторинг программ", "2022-03 2022-06 2022-09 2022-12"),
                    ("2.2", "Сопровождение наставнических пар", "2022-12"),
                    ("2.3", "Отчет о реализации", "2022-12"),
                ],
            ),
        ],
    ),
    "u12_kindergarten_list_number_paragraphs_stages": (
        ("2022-09-01", "2023-08-31"),
        [("115", "2022-08-31")],
        [
            (
                "",
                "Организационный этап",
                [
                    ("1", "Изучение нормативных документов", "2022-09"),
                    ("2", "Формирование пар", "2022-09"),
                ],
            ),
            (
                "",
                "Практический этап",
                [
                    ("3", "Консультации для молодых педагогов", months("2022-09", "2023-08")),
                    ("4", "Открытые показы", "2023-05"),
                    ("5", "Мастер-классы наставников", "2022-09 2022-12 2023-03 2023-06"),
                ],
            ),
            (
                "",
                "Итоговый этап",
                [
                    ("6", "Анкетирование участников", "2023-05"),
                    ("7", "Отчет о реализации программы", "2023-08"),
                ],
            ),
        ],
    ),
}
NAMES = sorted(EXPECTED)


def _path(name: str) -> Path:
    return next(UNSEEN.glob(f"{name}.*x"))


def norm_number(number: str) -> str:
    """«Раздел 1.», «1.1.», «I.» → «1», «1.1», «I»: how a person compares numbers."""
    text = re.sub(r"^\s*(?:раздел|этап|блок)\s+", "", number or "", flags=re.I)
    return text.strip().strip(".").strip().upper()


def _starts(text: str, start: str) -> bool:
    """Whether `text` starts as a person reads it; spaces aside (a PDF may cut a word at a narrow
    column's edge, «Наставничеств о»: the words are all there)."""
    return re.sub(r"\s", "", text).startswith(re.sub(r"\s", "", start))


def _structure(document, name: str) -> list[tuple[str, bool, list[tuple[str, bool]]]]:
    """Numbers of the sections and activities read, and whether each text starts as a person reads it."""
    expected = EXPECTED[name][2]
    out = []
    for i, section in enumerate(document.sections):
        want = expected[i] if i < len(expected) else ("", "", [])
        activities = [
            (
                norm_number(a.number),
                j < len(want[2]) and _starts(a.title, want[2][j][1]),
            )
            for j, a in enumerate(section.activities)
        ]
        out.append((norm_number(section.number), _starts(section.title, want[1]), activities))
    return out


def _expected_structure(name: str) -> list[tuple[str, bool, list[tuple[str, bool]]]]:
    return [(n, True, [(a[0], True) for a in acts]) for n, _t, acts in EXPECTED[name][2]]


def _cells(name: str, document) -> list[tuple[str, str, str]]:
    """(activity number, what a person reads, what the importer read) for every deadline;
    «missed» when the importer did not find the activity."""
    found = {norm_number(a.number): a for a in document.activities if a.number}
    out = []
    for _n, _t, activities in EXPECTED[name][2]:
        for number, _text, want in activities:
            if want is None:
                continue
            activity = found.get(number)
            got = "missed" if activity is None else _due(document, activity.deadline_text)
            out.append((number, want, got))
    return out


def _source(name: str, suffix: str) -> Path | None:
    """The document itself, or the .doc/.pdf LibreOffice made of its .docx (None for a sheet)."""
    if suffix == "docx":
        return _path(name)
    path = UNSEEN / "formats" / f"{name}.{suffix}"
    return path if path.exists() else None


def measure(suffix: str = "docx") -> dict:
    """Counts over the corpus read from its documents ("docx": the .docx and the sheet), or from the
    .doc or .pdf made of each .docx."""
    out = {"documents": 0, "period": 0, "order": 0, "structure": 0, "cells": 0}
    out |= {"right": 0, "wrong": 0, "flagged": 0, "missed": 0, "errors": []}
    for name in NAMES:
        period, orders, _sections = EXPECTED[name]
        path = _source(name, suffix)
        if path is None:
            continue
        out["documents"] += 1
        try:
            document = read_roadmap(str(path))
        except Exception as error:  # noqa: BLE001 - a measure counts a failure as all missed
            cells = sum(1 for _n, _t, acts in EXPECTED[name][2] for a in acts if a[2] is not None)
            out["cells"] += cells
            out["missed"] += cells
            out["errors"].append((name, "read", str(error)))
            continue
        out["period"] += _period(document) == period
        out["order"] += _order(document) in (orders or [None])
        out["structure"] += _structure(document, name) == _expected_structure(name)
        for number, want, got in _cells(name, document):
            out["cells"] += 1
            if got == want:
                out["right"] += 1
            elif got == "missed":
                out["missed"] += 1
                out["errors"].append((name, number, "missed"))
            elif got == FLAG:
                out["flagged"] += 1
                out["errors"].append((name, number, f"flagged, a person reads {want}"))
            else:
                out["wrong"] += 1
                out["errors"].append((name, number, f"{want} ≠ {got}"))
    return out


@pytest.fixture(scope="module")
def documents():
    return {name: read_roadmap(str(_path(name))) for name in NAMES}


def test_every_built_document_is_expected():
    assert sorted(p.stem for p in UNSEEN.glob("*.*x")) == NAMES
    assert len(NAMES) >= 8


@pytest.mark.parametrize("name", NAMES)
def test_period(documents, name):
    assert _period(documents[name]) == EXPECTED[name][0]


@pytest.mark.parametrize("name", NAMES)
def test_order(documents, name):
    assert _order(documents[name]) in (EXPECTED[name][1] or [None])


@pytest.mark.parametrize("name", NAMES)
def test_sections_and_activities(documents, name):
    document = documents[name]
    assert _structure(document, name) == _expected_structure(name)


@pytest.mark.parametrize("name", NAMES)
def test_due_months(documents, name):
    document = documents[name]
    cells = _cells(name, document)
    assert [(n, got) for n, _want, got in cells] == [(n, want) for n, want, _got in cells]
    for activity in document.activities:
        dates = document.deadline(activity.deadline_text).dates
        assert all(document.period_start <= d <= document.period_end for d in dates)


def test_measure_counts_every_deadline():
    counts = measure()
    assert counts["cells"] == counts["right"] + counts["wrong"] + counts["flagged"] + counts["missed"]
    assert counts["right"] >= 0.95 * counts["cells"] and counts["wrong"] <= 0.01 * counts["cells"], counts


def test_every_docx_has_its_doc_and_pdf():
    docx_names = sorted(p.stem for p in UNSEEN.glob("*.docx"))
    for suffix in ("doc", "pdf"):
        assert sorted(p.stem for p in (UNSEEN / "formats").glob(f"*.{suffix}")) == docx_names


@pytest.mark.parametrize("suffix", ["doc", "pdf"])
def test_doc_and_pdf_read_as_a_person_reads_the_docx(suffix):
    """The .doc and the .pdf LibreOffice makes of each .docx: the same period, order, sections,
    activities and due months as a person reads from the .docx."""
    counts = measure(suffix)
    assert counts["errors"] == [] and counts["documents"] == counts["period"] == counts["order"], counts
    assert counts["structure"] == counts["documents"], counts
