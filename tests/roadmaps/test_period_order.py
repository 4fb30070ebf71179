"""Period and approving order as a person reads them: every form of the issue, and properties."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmaps.deadlines import MONTH_NAMES, parse_deadline
from roadmaps.importers.meta import find_period, parse_order, period_in

D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("на период 2022– 2024 гг.", D(2022, 1, 1), D(2024, 12, 31)),
        ("(2026 - 2028 гг.)", D(2026, 1, 1), D(2028, 12, 31)),
        ("в 2023-2024 годах", D(2023, 1, 1), D(2024, 12, 31)),
        ("на 2023/2024 учебный год", D(2023, 9, 1), D(2024, 8, 31)),
        ("в 2023 -2024 учебном году", D(2023, 9, 1), D(2024, 8, 31)),
        ("2023-2024 уч. г.", D(2023, 9, 1), D(2024, 8, 31)),
        ("на 2022-2023 уч. год", D(2022, 9, 1), D(2023, 8, 31)),
        ("на 2020 – 2024 учебный год", D(2020, 9, 1), D(2024, 8, 31)),
        ("(сентябрь 2022 г. - май 2024 г.)", D(2022, 9, 1), D(2024, 5, 31)),
        ("с 01.09.2023 г.", D(2023, 9, 1), D(2024, 8, 31)),
        ("с 01.09.2023 по 31.05.2024", D(2023, 9, 1), D(2024, 5, 31)),
        ("на 2021 год.", D(2021, 1, 1), D(2021, 12, 31)),
        ("на 2024-25 учебный год", D(2024, 9, 1), D(2025, 8, 31)),
        ("с 2023 по 2025 год", D(2023, 1, 1), D(2025, 12, 31)),
        # school years named one by one
        ("на 2023 – 2024 и 2024 – 2025 учебные годы", D(2023, 9, 1), D(2025, 8, 31)),
        ("на 2023-2024, 2024-2025 уч. годы", D(2023, 9, 1), D(2025, 8, 31)),
        ("в 2022-2023 и 2023-2024 годах", D(2022, 9, 1), D(2024, 8, 31)),
        ("на 2015 — 2018 годы", D(2015, 1, 1), D(2018, 12, 31)),
        # one school year without the word «учебный»: a slash, or a singular «год» over two years running
        ("на 2023/2024 год", D(2023, 9, 1), D(2024, 8, 31)),
        ("на 2024-2025 год", D(2024, 9, 1), D(2025, 8, 31)),
        ("в 2023-2024 году", D(2023, 9, 1), D(2024, 8, 31)),
        ("на 2023-2024 годы", D(2023, 1, 1), D(2024, 12, 31)),
        ("на 2023, 2024, 2025 годы", D(2023, 1, 1), D(2025, 12, 31)),
        ("с 1 сентября 2023 года по 31 мая 2024 года", D(2023, 9, 1), D(2024, 5, 31)),
        ("с 01 сентября 2023 г.", D(2023, 9, 1), D(2024, 8, 31)),
        ("на 2023-2024 учебный год (с 15 сентября 2023 года)", D(2023, 9, 15), D(2024, 8, 31)),
    ],
)
def test_period_forms(text, start, end):
    assert period_in("Дорожная карта по внедрению целевой модели наставничества " + text) == (start, end)


def test_heading_wins_over_preamble_and_cited_acts_are_no_period():
    preamble = [
        "В соответствии с государственной программой «Развитие образования» на 2018-2025 годы, Стратегией до 2030 года",
        "1. Утвердить дорожную карту по внедрению целевой модели наставничества на 2024-2026 годы (приложение).",
    ]
    assert find_period(["Дорожная карта на 2025 год"], preamble)[:2] == (D(2025, 1, 1), D(2025, 12, 31))
    assert find_period(["Дорожная карта"], preamble) == (D(2024, 1, 1), D(2026, 12, 31), "преамбула приказа")
    assert find_period(["Дорожная карта"], preamble[:1]) is None
    # the date of the order in a stamp is not a period
    assert find_period(["Приложение к приказу от 12.09.2022 № 280", "Дорожная карта"], []) is None


@pytest.mark.parametrize(
    ("lines", "number", "date"),
    [
        (["ПРИКАЗ", "06.02.2023 № 15 а", "г. Сосновка"], "15 а", D(2023, 2, 6)),
        (["ПРИКАЗ", "06.02.2023", "№ 15 а"], "15 а", D(2023, 2, 6)),
        (["Приложение к приказу", "от 6 февраля 2023 г. № 45-од"], "45-од", D(2023, 2, 6)),
        (["УТВЕРЖДЕНО приказом", "от « 28 » августа 2023 г. N 01/288"], "01/288", D(2023, 8, 28)),
        (["Приложение 1 к приказу № 181/1 от 13.09.2021г."], "181/1", D(2021, 9, 13)),
        (["УТВЕРЖДЕНО", "приказом директора МБОУ СОШ № 3", "от 01.09.2023 № 4/12"], "4/12", D(2023, 9, 1)),
        (
            [
                "ПРИКАЗ",
                "12.01.2026 № 7",
                "В соответствии с распоряжением Правительства РФ от 21.05.2025 № 1264-р ПРИКАЗЫВАЮ:",
            ],
            "7",
            D(2026, 1, 12),
        ),
        (["ПРИКАЗ № 12", "14.04.2022", "с. Валуевка"], "12", D(2022, 4, 14)),
        (["ПРИКАЗ", "31. 03. 22 г.        № 14-а"], "14-а", D(2022, 3, 31)),
        (["Постановление от 24.04.2015 г № 377-П"], "377-П", D(2015, 4, 24)),
        (["ПОСТАНОВЛЕНИЕ", "14 ноября 2014 № 601"], "601", D(2014, 11, 14)),
        (["Приложение 2 к приказу № 97 о/д от 28.08.2023"], "97 о/д", D(2023, 8, 28)),
        (["Приложение к приказу от 01.09.2023 г. №  165 - ОД"], "165-ОД", D(2023, 9, 1)),
        (["Приложение к постановлению администрации", "от 30 декабря 2020 года N 1802"], "1802", D(2020, 12, 30)),
        (["Приложение № 1 к распоряжению администрации", "от 15.03.2024 № 123-р"], "123-р", D(2024, 3, 15)),
        (
            ["Согласовано … « 23» августа 2021 г. протокол №1  Утверждаю «23 » августа 2021 г. приказ № 60"],
            "60",
            D(2021, 8, 23),
        ),
        (
            [
                "СОГЛАСОВАНО Педагогическим советом (протокол от 15.02.2024г. № 7)",
                "УТВЕРЖДЕНО приказом директора",
                "от 16.02.2024г. № 41-од",
            ],
            "41-од",
            D(2024, 2, 16),
        ),
    ],
)
def test_order_forms(lines, number, date):
    assert parse_order(lines)[:2] == (number, date)


def test_blanks_and_cited_acts_never_make_an_order():
    number, date, warning = parse_order(["УТВЕРЖДЕНО приказом", "от «___» ______ 2022 № 280-____"])
    assert (number, date) == ("", None) and "не распознаны" in warning
    number, date, _ = parse_order(
        ["В соответствии с распоряжением Правительства РФ от 21.05.2025 № 1264-р", "ПРИКАЗЫВАЮ:"]
    )
    assert (number, date) == ("", None)


FORMS = [
    ("на период {a}– {b} гг.", "calendar"),
    ("({a} - {b} гг.)", "calendar"),
    ("в {a}-{b} годах", "calendar"),
    ("на {a}/{a1} учебный год", "academic1"),
    ("в {a} -{a1} учебном году", "academic1"),
    ("{a}-{a1} уч. г.", "academic1"),
    ("на {a} – {b} учебный год", "academic"),
    ("на {a} год", "year"),
]


@settings(max_examples=200, deadline=None)
@given(
    form=st.sampled_from(FORMS),
    first=st.integers(min_value=2015, max_value=2040),
    length=st.integers(min_value=1, max_value=5),
    order_year=st.integers(min_value=2010, max_value=2040),
    prefix=st.sampled_from(["Дорожная карта", "ПЛАН МЕРОПРИЯТИЙ (дорожная карта) в МБОУ «СОШ № 12»", "План"]),
)
def test_period_property(form, first, length, order_year, prefix):
    template, kind = form
    last = first + length
    text = template.format(a=first, b=last, a1=first + 1)
    heading = [f"Приложение к приказу от 01.02.{order_year} № 12", f"{prefix} {text}"]
    start, end, source = find_period(heading, [])
    assert source == "заголовок дорожной карты"
    expected = {
        "calendar": (D(first, 1, 1), D(last, 12, 31)),
        "academic1": (D(first, 9, 1), D(first + 1, 8, 31)),
        "academic": (D(first, 9, 1), D(last, 8, 31)),
        "year": (D(first, 1, 1), D(first, 12, 31)),
    }[kind]
    assert (start, end) == expected


PERIODS = st.sampled_from(["calendar", "academic"]).flatmap(
    lambda kind: st.tuples(st.just(kind), st.integers(min_value=2018, max_value=2035), st.integers(1, 4))
)


def _period(kind, first, years):
    if kind == "calendar":
        return D(first, 1, 1), D(first + years - 1, 12, 31)
    return D(first, 9, 1), D(first + years, 8, 31)


@settings(max_examples=200, deadline=None)
@given(period=PERIODS, month=st.integers(1, 12), day=st.integers(1, 28), form=st.integers(0, 3))
def test_every_year_deadlines_give_one_date_in_every_year(period, month, day, form):
    start, end = _period(*period)
    genitive = [
        "",
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ]
    text = [
        f"до {day} {genitive[month]} ежегодно",
        f"{MONTH_NAMES[month]} ежегодно",
        f"ежегодно, до {day} {genitive[month]}",
        f"до {day} {genitive[month]} отчетного года",
    ][form]
    parsed = parse_deadline(text, start, end)
    assert parsed.parsed and not parsed.flagged and parsed.text == text
    want_day = None if form == 1 else day
    expected = []
    for year in range(start.year, end.year + 1):
        date = (
            D(year, month, want_day)
            if want_day
            else (D(year, month % 12 + 1, 1) - dt.timedelta(days=1) if month < 12 else D(year, 12, 31))
        )
        if start <= date <= end:
            expected.append(date)
    assert parsed.dates == expected
    assert parsed.schedule.startswith("ежегодно")


@settings(max_examples=200, deadline=None)
@given(
    period=PERIODS,
    text=st.sampled_from(
        [
            "постоянно",
            "в течение года",
            "в течение периода реализации",
            "ежегодно",
            "ежеквартально",
            "раз в четверть",
            "ежемесячно",
            "2 раза в год",
            "в конце учебного года",
            "до начала учебного года",
            "в трехмесячный срок",
            "в течение двух недель с даты издания приказа",
            "III квартал",
            "I полугодие",
        ]
    ),
    order=st.one_of(st.none(), st.dates(min_value=D(2017, 1, 1), max_value=D(2040, 12, 31))),
    checkpoints=st.sampled_from(["year", "half", "quarter"]),
)
def test_generated_schedules_stay_in_period_and_after_the_order(period, text, order, checkpoints):
    start, end = _period(*period)
    parsed = parse_deadline(text, start, end, order_date=order, checkpoints=checkpoints)
    assert parsed.text == text
    assert all(start <= d <= end for d in parsed.dates)
    assert parsed.dates == sorted(set(parsed.dates))
    if order is not None and start < order <= end:
        assert all(d >= order for d in parsed.dates)
    if text in ("постоянно", "в течение года", "ежегодно"):
        # one checkpoint (at least) in every year of the period, not one date at its end
        assert {d.year for d in parsed.dates} >= {
            w
            for w in range(start.year + (1 if start.month == 9 else 0), end.year + 1)
            # the year's checkpoint is its last day: 31 August in an academic period, 31 December otherwise
            if order is None or (D(w, 8, 31) if start.month == 9 else D(w, 12, 31)) >= order or w == end.year
        } - {start.year if start.month == 9 else -1}
    if parsed.flagged:
        assert parsed.dates == [] or "вне периода" in parsed.flagged
    if text.startswith(("в трехмесячный", "в течение двух недель")) and order is None:
        assert parsed.flagged and parsed.dates == []


def test_continuous_checkpoints_setting():
    start, end = D(2026, 1, 1), D(2027, 12, 31)
    year = parse_deadline("постоянно", start, end).dates
    half = parse_deadline("постоянно", start, end, checkpoints="half").dates
    quarter = parse_deadline("постоянно", start, end, checkpoints="quarter").dates
    assert year == [D(2026, 12, 31), D(2027, 12, 31)]
    assert half == [D(2026, 6, 30), D(2026, 12, 31), D(2027, 6, 30), D(2027, 12, 31)]
    assert len(quarter) == 8 and quarter[0] == D(2026, 3, 31)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("По окончании четверти", ["2021-10", "2021-12", "2022-03", "2022-05"]),
        ("в конце каждого полугодия", ["2021-12", "2022-05"]),
        ("Сентябрь 2021, далее - постоянно", ["2021-09", "2022-08"]),
        ("до 15.09.2021, далее ежегодно", ["2021-09"]),
        ("ноябрь 2021 г. – май 2022 г.", ["2022-05"]),
        ("Ежегодно (декабрь)", ["2021-12"]),
    ],
)
def test_more_wordings_in_an_academic_year(text, months):
    parsed = parse_deadline(text, D(2021, 9, 1), D(2022, 8, 31))
    assert [d.strftime("%Y-%m") for d in parsed.dates] == months and not parsed.flagged
