"""The corpus of bad files: every class of fault for every import path, each with the message it
must produce (a fragment of it) and, where the fault has them, the Excel row and the column.

    python -m tests.badfiles.build OUT_DIR      # writes the files and OUT_DIR/manifest.json

The test (tests/test_badfiles.py) builds the same cases in memory. Names in the files are those of
the `world` fixture (tests/conftest.py): municipality «город Норильск», school «Норильск СШ № 1»,
the other side «город Нижневартовск»; `seed_people` in the test adds the people the pair files name.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.styles import PatternFill

from tests.xlsx import MENTEE_HEADERS, MENTOR_HEADERS, PAIR_HEADERS, xlsx

HOME_MUNI = "город Норильск"
FOREIGN_MUNI = "город Нижневартовск"
SCHOOL = "Норильск СШ № 1"
FOREIGN_SCHOOL = "Нижневартовск СШ № 1"
MAX_BYTES = 10 * 1024 * 1024  # settings.IMPORT_MAX_BYTES default
MAX_ROWS = 10_000  # settings.IMPORT_MAX_ROWS default

ORG_HEADERS = [
    "Муниципалитет",
    "Краткое наименование",
    "Полное наименование",
    "Тип",
    "ИНН",
    "Адрес",
    "Сайт",
]
USER_HEADERS = [
    "Логин",
    "Фамилия",
    "Имя",
    "Отчество",
    "E-mail",
    "Должность",
    "Телефон",
    "Роль",
    "Муниципалитет",
    "Организация",
]

# the people seed_people() creates: a mentor with room for one mentee, a free mentee, a busy one
MENTOR = "Наставникова Анна Петровна"
MENTEE = "Ученикова Ольга Ивановна"
BUSY_MENTEE = "Занятова Вера Павловна"


def mentor(n: int = 1, **over) -> list:
    row = {
        "Организация": SCHOOL,
        "Фамилия": f"Петрова{n}",
        "Имя": "Анна",
        "Отчество": "Викторовна",
        "Кто": "Педагог",
        "Должность": "Учитель математики",
        "Предметы": "Математика",
        "Стаж, лет": 12,
        "Квалификационная категория": "Высшая",
        "E-mail": f"p{n}@example.ru",
        "Телефон": "+7 900 000-00-00",
        "Компетенции": "",
        "Награды, победы в конкурсах": "",
        "Обучение наставников": "",
        "Дата обучения": "15.03.2024",
        "Наставляемых не более": 3,
    }
    row.update(over)
    return [row[h] for h in MENTOR_HEADERS]


def mentee(n: int = 1, **over) -> list:
    row = {
        "Организация": SCHOOL,
        "Фамилия": f"Смирнов{n}",
        "Имя": "Илья",
        "Отчество": "Олегович",
        "Кто": "Педагог",
        "Должность": "Учитель",
        "Класс / группа": "",
        "Предметы": "Математика",
        "Стаж, лет": 1,
        "Квалификационная категория": "Без категории",
        "Категория наставляемого": "Молодой специалист (стаж до 3 лет)",
        "Дефициты": "",
        "Дефициты (свободный текст)": "",
        "Профессиональные запросы": "",
        "В банке с": "01.09.2025",
        "E-mail": "",
        "Телефон": "",
    }
    row.update(over)
    return [row[h] for h in MENTEE_HEADERS]


def pair(**over) -> list:
    row = {
        "Организация": SCHOOL,
        "Название (для группы)": "",
        "Форма наставничества": "Педагог – молодой специалист",
        "Форматы": "",
        "Наставники (ФИО через ;)": MENTOR,
        "Наставляемые (ФИО через ;)": MENTEE,
        "Дата начала": "01.09.2025",
        "Плановая дата окончания": "31.05.2026",
        "Номер приказа": "",
        "Дата приказа": "",
        "Статус": "Формируется",
    }
    row.update(over)
    return [row[h] for h in PAIR_HEADERS]


def organization(n: int = 1, **over) -> list:
    row = {
        "Муниципалитет": HOME_MUNI,
        "Краткое наименование": f"МБОУ «СШ № {40 + n}»",
        "Полное наименование": f"Средняя школа № {40 + n}",
        "Тип": "Общеобразовательная организация",
        "ИНН": "",
        "Адрес": "ул. Мира, 1",
        "Сайт": "",
    }
    row.update(over)
    return [row[h] for h in ORG_HEADERS]


def user(n: int = 1, **over) -> list:
    row = {
        "Логин": f"new_user_{n}",
        "Фамилия": "Новикова",
        "Имя": "Ирина",
        "Отчество": "",
        "E-mail": f"u{n}@example.ru",
        "Должность": "Методист",
        "Телефон": "",
        "Роль": "Методист",
        "Муниципалитет": HOME_MUNI,
        "Организация": "",
    }
    row.update(over)
    return [row[h] for h in USER_HEADERS]


def lookalike(text: str) -> str:
    """The same word with its first Cyrillic letter that has a Latin twin written in Latin."""
    twins = dict(zip("АВСЕНКМОРТХаеосрух", "ABCEHKMOPTXaeocpyx", strict=True))
    for index, char in enumerate(text):
        if char in twins:
            return text[:index] + twins[char] + text[index + 1 :]
    return text


# Builders -----------------------------------------------------------------------------------------
def _rezip(content: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = change(item.filename, src.read(item.filename))
            if data is not None:
                dst.writestr(item.filename, data)
    return out.getvalue()


def broken_xml(content: bytes, part: str) -> bytes:
    return _rezip(content, lambda name, data: data[: len(data) // 2] if name == part else data)


def without_part(content: bytes, part: str) -> bytes:
    return _rezip(content, lambda name, data: None if name == part else data)


def truncated(content: bytes) -> bytes:
    return content[: len(content) // 2]


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "просто архив")
    return out.getvalue()


def docx_bytes(rows: list[list[str]] | None = None, *, after: list[list[str]] | None = None, text_only=False) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(
        "Дорожная карта (план мероприятий) по внедрению целевой модели наставничества на 2025-2026 годы"
    )
    if not text_only:
        rows = rows if rows is not None else ROADMAP_ROWS
        table = document.add_table(rows=0, cols=len(rows[0]))
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=False):
                cell.text = value
        if after:
            document.add_paragraph("")
            signatures = document.add_table(rows=0, cols=len(after[0]))
            for values in after:
                cells = signatures.add_row().cells
                for cell, value in zip(cells, values, strict=False):
                    cell.text = value
    else:
        document.add_paragraph("Таблицы нет, только текст приказа.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


ROADMAP_HEADER = ["№ п/п", "Наименование мероприятия", "Сроки", "Ответственные", "Результат"]
ROADMAP_ROWS = [
    ROADMAP_HEADER,
    ["1.", "Нормативно-правовое обеспечение", "", "", ""],
    ["1.1", "Издание приказа о внедрении целевой модели", "сентябрь 2025", "Управление образования", "Приказ"],
    ["1.2", "Назначение кураторов в ОО", "до 30.09.2025", "Руководители ОО", "Приказ"],
]


def roadmap_xlsx(rows: list[list], *, extra: Callable | None = None) -> bytes:
    return xlsx(ROADMAP_HEADER, rows, title="Дорожная карта", extra=extra)


def big_file() -> bytes:
    # a valid-looking start, then filler: refused by size before anything reads it
    return b"PK\x03\x04" + b"\0" * (MAX_BYTES + 1024)


def hide_first_add_visible(headers, rows):
    def extra(workbook):
        old = workbook.active
        old.sheet_state = "hidden"
        visible = workbook.create_sheet("Пустой")
        workbook.active = workbook.index(visible)

    return xlsx(headers, rows, title="Старый", extra=extra)


def two_fitting_sheets(headers, rows):
    def extra(workbook):
        second = workbook.create_sheet("Копия")
        second.append(headers)
        for row in rows:
            second.append(row)

    return xlsx(headers, rows, extra=extra)


def formatted_tail(headers, rows, count=50_000):
    def extra(workbook):
        fill = PatternFill("solid", fgColor="FFFF00")
        sheet = workbook.active
        for r in range(len(rows) + 2, len(rows) + 2 + count):
            sheet.cell(row=r, column=1).fill = fill

    return xlsx(headers, rows, extra=extra)


def headerless_column(headers, rows):
    def extra(workbook):
        workbook.active.cell(row=3, column=len(headers) + 2, value="заметка")

    return xlsx(headers, rows, extra=extra)


# Cases ----------------------------------------------------------------------------------------------
@dataclass
class Case:
    id: str
    path: str  # admin:<model> | job:<kind> | roadmap | cmd:import_roadmap | cmd:import_municipality
    filename: str
    make: Callable[[], bytes]
    expect: str  # a fragment of the message the user must see
    row: int | None = None  # Excel row
    column: str | None = None
    extra: dict = field(default_factory=dict)


def _file_classes(prefix: str, path: str, headers: list, good_row: list, max_rows: int) -> list[Case]:
    """Foreign, broken and structurally wrong files: the same for every spreadsheet path."""
    good = lambda: xlsx(headers, [good_row])  # noqa: E731
    return [
        Case(
            f"{prefix}-xls",
            path,
            "data.xls",
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "старого формата",
        ),
        Case(
            f"{prefix}-xls-renamed",
            path,
            "data.xlsx",
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "старого формата",
        ),
        Case(
            f"{prefix}-password",
            path,
            "data.xlsx",
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "EncryptedPackage".encode("utf-16-le"),
            "паролем",
        ),
        Case(f"{prefix}-csv", path, "data.xlsx", lambda: ";".join(headers).encode("utf-8") + b"\n1;2;3\n", "CSV"),
        Case(f"{prefix}-exe", path, "data.xlsx", lambda: b"MZ\x90\x00" + b"\0" * 500, "программа"),
        Case(f"{prefix}-zip", path, "data.xlsx", plain_zip, "ZIP-архив"),
        Case(f"{prefix}-docx", path, "data.xlsx", lambda: docx_bytes(), "документ Word"),
        Case(f"{prefix}-pdf", path, "data.xlsx", lambda: b"%PDF-1.4\n%scan\n" + b"\0" * 300, "PDF"),
        Case(f"{prefix}-png", path, "data.xlsx", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 300, "изображение"),
        Case(f"{prefix}-empty", path, "data.xlsx", lambda: b"", "пуст"),
        Case(f"{prefix}-truncated", path, "data.xlsx", lambda: truncated(good()), "повреждён"),
        Case(
            f"{prefix}-broken-xml",
            path,
            "data.xlsx",
            lambda: broken_xml(good(), "xl/worksheets/sheet1.xml"),
            "повреждён",
        ),
        Case(
            f"{prefix}-no-workbook-part",
            path,
            "data.xlsx",
            lambda: without_part(good(), "xl/workbook.xml"),
            "ZIP-архив",
        ),
        Case(f"{prefix}-too-big", path, "data.xlsx", big_file, "допустимо не больше 10 МБ"),
        Case(f"{prefix}-headers-only", path, "data.xlsx", lambda: xlsx(headers, []), "строк с данными нет"),
        Case(f"{prefix}-blank-sheet", path, "data.xlsx", lambda: xlsx([], []), "пуст"),
        Case(
            f"{prefix}-hidden-only",
            path,
            "data.xlsx",
            lambda: hide_first_add_visible(headers, [good_row]),
            "пуст",
        ),
        Case(
            f"{prefix}-two-sheets",
            path,
            "data.xlsx",
            lambda: two_fitting_sheets(headers, [good_row]),
            "несколько листов",
        ),
        Case(
            f"{prefix}-too-many-rows",
            path,
            "data.xlsx",
            lambda: xlsx(headers, [good_row] * (max_rows + 1)),
            "допустимо не больше",
        ),
        Case(
            f"{prefix}-renamed-column",
            path,
            "data.xlsx",
            lambda: xlsx([h if h != headers[-1] else headers[-1] + " (новое)" for h in headers], [good_row]),
            "не из шаблона",
            row=1,
        ),
        Case(
            f"{prefix}-missing-column",
            path,
            "data.xlsx",
            lambda: xlsx(headers[1:], [good_row[1:]]),
            f"«{headers[0]}»",
            row=1,
        ),
        Case(
            f"{prefix}-duplicate-header",
            path,
            "data.xlsx",
            lambda: xlsx([*headers, headers[1]], [[*good_row, good_row[1]]]),
            "повторяется",
            row=1,
        ),
        Case(
            f"{prefix}-headerless-data",
            path,
            "data.xlsx",
            lambda: headerless_column(headers, [good_row, good_row]),
            "нет заголовка",
            row=3,
        ),
    ]


def _person_cases(kind: str, path: str, max_rows: int) -> list[Case]:
    make_row = mentor if kind == "mentors" else mentee
    headers = MENTOR_HEADERS if kind == "mentors" else MENTEE_HEADERS
    p = f"{path.replace(':', '-')}"
    cases = _file_classes(p, path, headers, make_row(1), max_rows)
    other_headers, other_row, other_of = (
        (MENTEE_HEADERS, mentee(1), "наставляемых") if kind == "mentors" else (MENTOR_HEADERS, mentor(1), "наставников")
    )
    into = "наставников" if kind == "mentors" else "наставляемых"
    rows = lambda bad: [make_row(1), make_row(2), bad]  # noqa: E731 - the fault is on Excel row 4
    cases += [
        Case(
            f"{p}-wrong-template",
            path,
            "data.xlsx",
            lambda: xlsx(other_headers, [other_row]),
            f"шаблон {other_of}, а загружается в {into}",
        ),
        Case(f"{p}-pairs-template", path, "data.xlsx", lambda: xlsx(PAIR_HEADERS, [pair()]), "шаблон пар"),
        Case(
            f"{p}-fraction-years",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(3, **{"Стаж, лет": 10.7}))),
            "целое число",
            4,
            "Стаж, лет",
        ),
        Case(
            f"{p}-text-years",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(3, **{"Стаж, лет": "много"}))),
            "не число",
            4,
            "Стаж, лет",
        ),
        Case(
            f"{p}-negative-years",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(3, **{"Стаж, лет": -2}))),
            "меньше допустимого",
            4,
            "Стаж, лет",
        ),
        Case(
            f"{p}-unknown-org",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(3, **{"Организация": "Школа № 999"}))),
            "Допустимо",
            4,
            "Организация",
        ),
        Case(
            f"{p}-foreign-org",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(3, **{"Организация": FOREIGN_SCHOOL}))),
            "не найден",
            4,
            "Организация",
        ),
        Case(
            f"{p}-unknown-category",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(3, **{"Квалификационная категория": "Супервысшая"}))),
            "Допустимо",
            4,
            "Квалификационная категория",
        ),
        Case(
            f"{p}-unknown-kind",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(3, **{"Кто": "Инопланетянин"}))),
            "не из списка",
            4,
            "Кто",
        ),
        Case(
            f"{p}-unknown-subject",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(3, **{"Предметы": "Алхимия"}))),
            "нет в справочнике",
            4,
            "Предметы",
        ),
        Case(
            f"{p}-too-long-position",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(3, **{"Должность": "Д" * 300}))),
            "не более 200",
            4,
            "Должность",
        ),
        Case(
            f"{p}-too-long-name",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(3, **{"Фамилия": "Ф" * 150}))),
            "не более",
            4,
            "Фамилия",
        ),
        Case(
            f"{p}-bad-email",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(3, **{"E-mail": "не почта"}))),
            "адрес электронной почты",
            4,
            "E-mail",
        ),
        Case(
            f"{p}-no-first-name",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(3, **{"Имя": ""}))),
            "Обязательное поле",
            4,
            "Имя",
        ),
        Case(
            f"{p}-duplicate", path, "data.xlsx", lambda: xlsx(headers, rows(make_row(1))), "строки 4 и 2", 4, "Фамилия"
        ),
        Case(
            f"{p}-duplicate-first-row",
            path,
            "data.xlsx",
            lambda: xlsx(headers, rows(make_row(1))),
            "строки 2 и 4",
            2,
            "Фамилия",
        ),
        Case(
            f"{p}-duplicate-lookalike",
            path,
            "data.xlsx",
            # the surname of row 2 with a Latin look-alike letter and a zero-width space: the same person
            lambda: xlsx(headers, rows(make_row(1, **{"Фамилия": lookalike(make_row(1)[1]) + "\u200b"}))),
            "строки 4 и 2",
            4,
            "Фамилия",
        ),
        Case(
            f"{p}-duplicate-yo-nbsp",
            path,
            "data.xlsx",
            lambda: xlsx(
                headers, [make_row(1, **{"Имя": "Алёна"}), make_row(2), make_row(1, **{"Имя": "Алена\u00a0"})]
            ),
            "строки 4 и 2",
            4,
            "Фамилия",
        ),
    ]
    if kind == "mentors":
        cases += [
            Case(
                f"{p}-bad-date",
                path,
                "data.xlsx",
                lambda: xlsx(headers, rows(make_row(3, **{"Дата обучения": "31.02.2024"}))),
                "не дата",
                4,
                "Дата обучения",
            ),
            Case(
                f"{p}-number-date",
                path,
                "data.xlsx",
                lambda: xlsx(headers, rows(make_row(3, **{"Дата обучения": 45000.5}))),
                "не дата",
                4,
                "Дата обучения",
            ),
            Case(
                f"{p}-fraction-capacity",
                path,
                "data.xlsx",
                lambda: xlsx(headers, rows(make_row(3, **{"Наставляемых не более": 2.5}))),
                "целое число",
                4,
                "Наставляемых не более",
            ),
            Case(
                f"{p}-unknown-competency",
                path,
                "data.xlsx",
                lambda: xlsx(headers, rows(make_row(3, **{"Компетенции": "Вышивание крестиком"}))),
                "нет в справочнике",
                4,
                "Компетенции",
            ),
        ]
    else:
        cases += [
            Case(
                f"{p}-bad-date",
                path,
                "data.xlsx",
                lambda: xlsx(headers, rows(make_row(3, **{"В банке с": "32.13.2025"}))),
                "не дата",
                4,
                "В банке с",
            ),
            Case(
                f"{p}-unknown-mentee-category",
                path,
                "data.xlsx",
                lambda: xlsx(headers, rows(make_row(3, **{"Категория наставляемого": "Отличник"}))),
                "Допустимо",
                4,
                "Категория наставляемого",
            ),
            Case(
                f"{p}-unknown-deficit",
                path,
                "data.xlsx",
                lambda: xlsx(headers, rows(make_row(3, **{"Дефициты": "Лень"}))),
                "нет в справочнике",
                4,
                "Дефициты",
            ),
        ]
    return cases


def _pair_cases(path: str, max_rows: int) -> list[Case]:
    p = path.replace(":", "-")
    cases = _file_classes(p, path, PAIR_HEADERS, pair(), max_rows)
    rows = lambda bad: [pair(), bad]  # noqa: E731 - the fault is on Excel row 3
    cases += [
        Case(
            f"{p}-wrong-template",
            path,
            "data.xlsx",
            lambda: xlsx(MENTOR_HEADERS, [mentor(1)]),
            "шаблон наставников, а загружается в пары",
        ),
        Case(
            f"{p}-unknown-mentee",
            path,
            "data.xlsx",
            lambda: xlsx(PAIR_HEADERS, [pair(**{"Наставляемые (ФИО через ;)": "Неизвестная Мария"})]),
            "не найден",
            2,
            "Наставляемые (ФИО через ;)",
        ),
        Case(
            f"{p}-busy-mentee",
            path,
            "data.xlsx",
            lambda: xlsx(PAIR_HEADERS, [pair(**{"Наставляемые (ФИО через ;)": BUSY_MENTEE})]),
            "Уже в действующей",
            2,
            "Наставляемые (ФИО через ;)",
        ),
        Case(
            f"{p}-duplicate",
            path,
            "data.xlsx",
            lambda: xlsx(PAIR_HEADERS, rows(pair())),
            "строки 3 и 2",
            3,
            "Наставляемые (ФИО через ;)",
        ),
        Case(
            f"{p}-end-before-start",
            path,
            "data.xlsx",
            lambda: xlsx(PAIR_HEADERS, [pair(**{"Плановая дата окончания": "01.01.2025"})]),
            "Раньше даты начала",
            2,
            "Плановая дата окончания",
        ),
        Case(
            f"{p}-bad-date",
            path,
            "data.xlsx",
            lambda: xlsx(PAIR_HEADERS, [pair(**{"Дата начала": "в сентябре"})]),
            "не дата",
            2,
            "Дата начала",
        ),
        Case(
            f"{p}-unknown-form",
            path,
            "data.xlsx",
            lambda: xlsx(PAIR_HEADERS, [pair(**{"Форма наставничества": "Дистанционная телепатия"})]),
            "Допустимо",
            2,
            "Форма наставничества",
        ),
        Case(
            f"{p}-unknown-status",
            path,
            "data.xlsx",
            lambda: xlsx(PAIR_HEADERS, [pair(**{"Статус": "Завершена досрочно навсегда"})]),
            "не из списка",
            2,
            "Статус",
        ),
        Case(
            f"{p}-active-without-order",
            path,
            "data.xlsx",
            lambda: xlsx(PAIR_HEADERS, [pair(**{"Статус": "Действует"})]),
            "приказа",
            2,
            "Статус",
        ),
        Case(
            f"{p}-too-long-order",
            path,
            "data.xlsx",
            lambda: xlsx(PAIR_HEADERS, [pair(**{"Номер приказа": "№" * 120})]),
            "не более",
            2,
            "Номер приказа",
        ),
        Case(
            f"{p}-capacity",
            path,
            "data.xlsx",
            lambda: xlsx(PAIR_HEADERS, [pair(**{"Наставляемые (ФИО через ;)": f"{MENTEE}; Свободнова Юлия Петровна"})]),
            "допустимых",
            2,
            "Наставники (ФИО через ;)",
        ),
    ]
    return cases


def _organization_cases(max_rows: int) -> list[Case]:
    path, p = "admin:organization", "admin-organization"
    cases = _file_classes(p, path, ORG_HEADERS, organization(1), max_rows)
    rows = lambda bad: [organization(1), organization(2), bad]  # noqa: E731
    cases += [
        Case(
            f"{p}-wrong-template",
            path,
            "data.xlsx",
            lambda: xlsx(USER_HEADERS, [user(1)]),
            "шаблон пользователей, а загружается в организации",
        ),
        Case(
            f"{p}-bad-type",
            path,
            "data.xlsx",
            lambda: xlsx(ORG_HEADERS, rows(organization(3, **{"Тип": "Школа-интернат"}))),
            "Допустимо",
            4,
            "Тип",
        ),
        Case(
            f"{p}-foreign-municipality",
            path,
            "data.xlsx",
            lambda: xlsx(ORG_HEADERS, rows(organization(3, **{"Муниципалитет": FOREIGN_MUNI}))),
            "не найден",
            4,
            "Муниципалитет",
        ),
        Case(
            f"{p}-bad-url",
            path,
            "data.xlsx",
            lambda: xlsx(ORG_HEADERS, rows(organization(3, **{"Сайт": "не сайт"}))),
            "URL",
            4,
            "Сайт",
        ),
        Case(
            f"{p}-too-long-inn",
            path,
            "data.xlsx",
            lambda: xlsx(ORG_HEADERS, rows(organization(3, **{"ИНН": "1" * 40}))),
            "не более",
            4,
            "ИНН",
        ),
        Case(
            f"{p}-duplicate",
            path,
            "data.xlsx",
            lambda: xlsx(ORG_HEADERS, rows(organization(1))),
            "строки 4 и 2",
            4,
            "Краткое наименование",
        ),
        Case(
            f"{p}-no-full-name",
            path,
            "data.xlsx",
            lambda: xlsx(ORG_HEADERS, rows(organization(3, **{"Полное наименование": ""}))),
            "не может быть пустым",
            4,
            "Полное наименование",
        ),
    ]
    return cases


def _user_cases(max_rows: int) -> list[Case]:
    path, p = "admin:user", "admin-user"
    cases = _file_classes(p, path, USER_HEADERS, user(1), max_rows)
    rows = lambda bad: [user(1), user(2), bad]  # noqa: E731
    cases += [
        Case(
            f"{p}-wrong-template",
            path,
            "data.xlsx",
            lambda: xlsx(ORG_HEADERS, [organization(1)]),
            "шаблон организаций, а загружается в пользователей",
        ),
        Case(
            f"{p}-bad-role",
            path,
            "data.xlsx",
            lambda: xlsx(USER_HEADERS, rows(user(3, **{"Роль": "Царь"}))),
            "Допустимо",
            4,
            "Роль",
        ),
        Case(
            f"{p}-role-without-municipality",
            path,
            "data.xlsx",
            lambda: xlsx(USER_HEADERS, rows(user(3, **{"Муниципалитет": ""}))),
            "укажите муниципалитет",
            4,
            "Муниципалитет",
        ),
        Case(
            f"{p}-duplicate-login",
            path,
            "data.xlsx",
            lambda: xlsx(USER_HEADERS, rows(user(1))),
            "строки 4 и 2",
            4,
            "Логин",
        ),
        Case(
            f"{p}-bad-email",
            path,
            "data.xlsx",
            lambda: xlsx(USER_HEADERS, rows(user(3, **{"E-mail": "почта"}))),
            "адрес электронной почты",
            4,
            "E-mail",
        ),
        Case(
            f"{p}-too-long-login",
            path,
            "data.xlsx",
            lambda: xlsx(USER_HEADERS, rows(user(3, **{"Логин": "л" * 200}))),
            "не более",
            4,
            "Логин",
        ),
    ]
    return cases


def _roadmap_cases(path: str, max_rows: int) -> list[Case]:
    p = path.replace(":", "-")
    good_docx = lambda: docx_bytes()  # noqa: E731
    long_number = "1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1"  # 35 characters
    signatures = [["Начальник управления образования администрации города", "", "Подпись ____________ И.И. Иванов"]]
    cases = [
        Case(f"{p}-old-doc", path, "roadmap.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".doc"),
        Case(f"{p}-exe", path, "roadmap.docx", lambda: b"MZ\x90\x00" + b"\0" * 500, ".docx"),
        Case(f"{p}-zip-renamed", path, "roadmap.docx", plain_zip, "не читается"),
        Case(f"{p}-truncated", path, "roadmap.docx", lambda: truncated(good_docx()), "не читается"),
        Case(
            f"{p}-broken-xml-docx",
            path,
            "roadmap.docx",
            lambda: broken_xml(good_docx(), "word/document.xml"),
            "не читается",
        ),
        Case(
            f"{p}-broken-xml-xlsx",
            path,
            "roadmap.xlsx",
            lambda: broken_xml(roadmap_xlsx(ROADMAP_ROWS[1:]), "xl/worksheets/sheet1.xml"),
            "не читается",
        ),
        Case(f"{p}-no-table", path, "roadmap.docx", lambda: docx_bytes(text_only=True), "нет таблицы"),
        Case(f"{p}-no-header", path, "roadmap.docx", lambda: docx_bytes(ROADMAP_ROWS[1:]), "строка заголовков"),
        Case(
            f"{p}-long-number",
            path,
            "roadmap.docx",
            lambda: docx_bytes([*ROADMAP_ROWS, [long_number, "Мероприятие", "май 2026", "ОО", ""]]),
            "длиннее 30 символов",
        ),
        Case(
            f"{p}-too-many-rows",
            path,
            "roadmap.xlsx",
            lambda: roadmap_xlsx(
                [ROADMAP_ROWS[1]] + [[f"1.{i}", f"Мероприятие {i}", "май 2026", "ОО", ""] for i in range(max_rows + 5)]
            ),
            "допустимо не больше",
        ),
        Case(f"{p}-hidden-sheet", path, "roadmap.xlsx", lambda: _hidden_roadmap(), "заголовков"),
    ]
    if path == "roadmap":
        # a signature table under the roadmap: read or refused with a message, never a 500
        cases.append(
            Case(
                f"{p}-signature-table",
                path,
                "roadmap.docx",
                lambda: docx_bytes(after=signatures),
                "",
                extra={"may_succeed": True},
            )
        )
    return cases


def _hidden_roadmap() -> bytes:
    def extra(workbook):
        workbook.active.sheet_state = "hidden"
        workbook.create_sheet("Пусто").append(["тут ничего нет"])
        workbook.active = 1

    return roadmap_xlsx(ROADMAP_ROWS[1:], extra=extra)


def _archive(change: Callable[[dict, dict], None]) -> bytes:
    """A municipality archive (accounts.backup format 1) with a fault made by `change`."""
    manifest = {"format": 1, "municipality": "город Архивный", "counts": {"accounts.Municipality": 1}, "files": []}
    parts = {
        "data/000_accounts.Region.json": json.dumps(
            [{"model": "accounts.region", "pk": 900, "fields": {"name": "Архивный край"}}]
        ),
        "data/001_accounts.Municipality.json": json.dumps(
            [
                {
                    "model": "accounts.municipality",
                    "pk": 900,
                    "fields": {"region": 900, "name": "город Архивный", "short_name": "Архивный"},
                }
            ]
        ),
    }
    change(manifest, parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if manifest is not None:
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def _municipality_cases() -> list[Case]:
    path, p = "cmd:import_municipality", "cmd-import-municipality"

    def no_manifest(manifest, parts):
        manifest.clear()
        manifest["__drop__"] = True

    def missing_part(manifest, parts):
        manifest["counts"]["accounts.Organization"] = 3  # the organizations part is missing

    def missing_file(manifest, parts):
        manifest["files"] = ["mentorship/imports/2025/01/bank.xlsx"]

    def bad_json(manifest, parts):
        parts["data/001_accounts.Municipality.json"] = "[{broken"

    def unknown_model(manifest, parts):
        parts["data/002_nope.Thing.json"] = json.dumps([{"model": "nope.thing", "pk": 1, "fields": {}}])

    def bad_format(manifest, parts):
        manifest["format"] = 99

    def bad_reference(manifest, parts):
        parts["data/001_accounts.Municipality.json"] = json.dumps(
            [{"model": "accounts.municipality", "pk": 900, "fields": {"region": 12345, "name": "город Архивный"}}]
        )

    def make(change):
        def build():
            content = _archive(change)
            if change is no_manifest:
                content = without_part(content, "manifest.json")
            return content

        return build

    return [
        Case(f"{p}-not-zip", path, "archive.zip", lambda: b"not a zip at all", "не .zip"),
        Case(f"{p}-truncated", path, "archive.zip", lambda: truncated(_archive(lambda m, p: None)), "повреждён"),
        Case(f"{p}-no-manifest", path, "archive.zip", make(no_manifest), "manifest.json"),
        Case(f"{p}-missing-part", path, "archive.zip", make(missing_part), "Архив неполный"),
        Case(f"{p}-missing-file", path, "archive.zip", make(missing_file), "не хватает файлов"),
        Case(f"{p}-bad-json", path, "archive.zip", make(bad_json), "повреждена"),
        Case(f"{p}-unknown-model", path, "archive.zip", make(unknown_model), "повреждена"),
        Case(f"{p}-bad-format", path, "archive.zip", make(bad_format), "Неизвестный формат"),
        Case(f"{p}-bad-reference", path, "archive.zip", make(bad_reference), "противоречив"),
    ]


def all_cases(max_rows: int = MAX_ROWS) -> list[Case]:
    """`max_rows` is the import row limit (settings.IMPORT_MAX_ROWS) the files are built against."""
    cases: list[Case] = []
    for path in ("admin:mentor", "job:mentors"):
        cases += _person_cases("mentors", path, max_rows)
    for path in ("admin:mentee", "job:mentees"):
        cases += _person_cases("mentees", path, max_rows)
    for path in ("admin:pair", "job:pairs"):
        cases += _pair_cases(path, max_rows)
    cases += _organization_cases(max_rows)
    cases += _user_cases(max_rows)
    cases += _roadmap_cases("roadmap", max_rows)
    cases += _roadmap_cases("cmd:import_roadmap", max_rows)
    cases += _municipality_cases()
    return cases


def main(out: str, *, max_rows: int = MAX_ROWS) -> None:
    """Every case as a file under `out`, and manifest.json; `max_rows` as in `all_cases`."""
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    manifest = []
    for case in all_cases(max_rows=max_rows):
        name = f"{case.id}{Path(case.filename).suffix}"
        (target / name).write_bytes(case.make())
        manifest.append(
            {"file": name, "path": case.path, "expect": case.expect, "row": case.row, "column": case.column}
        )
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(manifest)} files in {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "var/badfiles")
    _ = dt  # dates are written as text on purpose: that is how users type them
