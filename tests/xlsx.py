"""Build and read .xlsx files for tests: the one writer of the import tests
(tests/mentorship/xlsx.py), the bad-file corpus (tests/badfiles/build.py) and the admin's
exchange tests, and the column headers of the mentors', mentees' and pairs' templates."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl

MENTOR_HEADERS = [
    "Организация",
    "Фамилия",
    "Имя",
    "Отчество",
    "Кто",
    "Должность",
    "Предметы",
    "Стаж, лет",
    "Квалификационная категория",
    "E-mail",
    "Телефон",
    "Компетенции",
    "Награды, победы в конкурсах",
    "Обучение наставников",
    "Дата обучения",
    "Наставляемых не более",
]

MENTEE_HEADERS = [
    "Организация",
    "Фамилия",
    "Имя",
    "Отчество",
    "Кто",
    "Должность",
    "Класс / группа",
    "Предметы",
    "Стаж, лет",
    "Квалификационная категория",
    "Категория наставляемого",
    "Дефициты",
    "Дефициты (свободный текст)",
    "Профессиональные запросы",
    "В банке с",
    "E-mail",
    "Телефон",
]

PAIR_HEADERS = [
    "Организация",
    "Название (для группы)",
    "Форма наставничества",
    "Форматы",
    "Наставники (ФИО через ;)",
    "Наставляемые (ФИО через ;)",
    "Дата начала",
    "Плановая дата окончания",
    "Номер приказа",
    "Дата приказа",
    "Статус",
]


def xlsx(headers: list, rows: list[list], *, title: str = "Данные", extra: Callable | None = None) -> bytes:
    """One sheet `title`: the header row, then `rows` as given (a datetime is an Excel date, as users
    send them; a text date stays text). `extra(workbook)` changes the workbook before it is saved (a
    hidden sheet, a second sheet, formatting): the bad-file corpus builds its faults with it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if extra is not None:
        extra(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_xlsx(content: bytes) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]
