"""Rows of the mentors', mentees' and pairs' templates the way users send them (dates as Excel dates,
i.e. datetimes on reading), in the column order of tests/xlsx.py's headers; write them with
tests.xlsx.xlsx."""

import datetime as dt

from tests.xlsx import MENTEE_HEADERS, MENTOR_HEADERS, PAIR_HEADERS


def mentor_row(org, n, **over):
    row = {
        "Организация": org,
        "Фамилия": f"Наставникова{n}",
        "Имя": "Анна",
        "Отчество": "Петровна",
        "Кто": "Педагог",
        "Должность": "Учитель математики",
        "Предметы": "Математика; Информатика",
        "Стаж, лет": 10 + n % 20,
        "Квалификационная категория": "Высшая",
        "E-mail": f"m{n}@example.ru",
        "Телефон": "+7 900 000-00-00",
        "Компетенции": "Методика преподавания предмета; Подготовка к ГИА (ОГЭ, ЕГЭ)",
        "Награды, победы в конкурсах": "",
        "Обучение наставников": "КПК, 36 ч",
        "Дата обучения": dt.datetime(2024, 3, 15),
        "Наставляемых не более": 3,
    }
    row.update(over)
    return [row[h] for h in MENTOR_HEADERS]


def mentee_row(org, n, **over):
    row = {
        "Организация": org,
        "Фамилия": f"Наставляемый{n}",
        "Имя": "Илья",
        "Отчество": "Олегович",
        "Кто": "Педагог",
        "Должность": "Учитель",
        "Класс / группа": "",
        "Предметы": "Математика",
        "Стаж, лет": 1,
        "Квалификационная категория": "Без категории",
        "Категория наставляемого": "Молодой специалист (стаж до 3 лет)",
        "Дефициты": "Планирование урока по ФГОС",
        "Дефициты (свободный текст)": "",
        "Профессиональные запросы": "",
        "В банке с": dt.datetime(2025, 9, 1),
        "E-mail": "",
        "Телефон": "",
    }
    row.update(over)
    return [row[h] for h in MENTEE_HEADERS]


def pair_row(org, mentors, mentees, **over):
    row = {
        "Организация": org,
        "Название (для группы)": "",
        "Форма наставничества": "Педагог – молодой специалист",
        "Форматы": "",
        "Наставники (ФИО через ;)": mentors,
        "Наставляемые (ФИО через ;)": mentees,
        "Дата начала": dt.datetime(2025, 9, 1),
        "Плановая дата окончания": dt.datetime(2026, 5, 31),
        "Номер приказа": "",
        "Дата приказа": None,
        "Статус": "Формируется",
    }
    row.update(over)
    return [row[h] for h in PAIR_HEADERS]
