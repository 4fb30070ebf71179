"""Russian typography for documents: numbers, percentages, dates. Plural forms are
accounts.plurals' (`count` here is its count_forms with the document's numbers).

Written by hand on purpose: Babel's Russian locale groups thousands with a no-break space, while an
official document wants a thin one, and the rest is three lines each.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import formats, translation

from accounts.plurals import count_forms

THIN = "\u202f"  # narrow no-break space: thousands, and before «%»
NBSP = "\u00a0"
DASH = "—"


def num(value: int | float | Decimal | None, decimals: int = 1) -> str:
    """1234567 → «1 234 567», 66.666 → «66,7», 4.0 → «4»; at most `decimals` places; None → «—»."""
    if value is None:
        return DASH
    text = f"{float(value):,.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "-0."):
        text = "0"
    return text.replace(",", THIN).replace(".", ",").replace("-", "−")


def pct(value: float | None) -> str:
    """A share 0–100 with one decimal at most: 66.67 → «66,7 %», 100.0 → «100 %»."""
    if value is None:
        return DASH
    return f"{num(round(float(value), 1), 1)}{THIN}%"


def score(value: float | None) -> str:
    """A mean on a 1–10 scale or a weighted score: at most two decimals, trailing zeros dropped."""
    if value is None:
        return DASH
    return num(round(float(value), 2), 2)


def signed(value: float | None) -> str:
    if value is None:
        return DASH
    text = score(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "0")


def date_long(value: dt.date) -> str:
    """«30 ноября 2026 г.» (the genitive month comes from Django's Russian locale)."""
    with translation.override("ru"):
        return f"{formats.date_format(value, 'j E Y')} г."


def date_short(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else DASH


def count(n: int, one: str, few: str, many: str) -> str:
    """«1 234 наставника»: accounts.plurals.count_forms with the document's number style."""
    return count_forms(n, one, few, many, number=num)


_INITIAL = re.compile(r"\b([А-ЯЁ])\. (?=[А-ЯЁ])")


def nobreak(text: str) -> str:
    """No line break inside «№ 3» and «Е. В. Ткачёва»: a no-break space after «№» and after an
    initial («МБОУ «СШ № 3»» broke as «СШ №» / «3»» at a line's end)."""
    return _INITIAL.sub("\\1.\u00a0", text.replace("№ ", f"№{NBSP}"))


def names(items: list[str], limit: int = 0) -> str:
    """«А, Б и В»; with a limit the rest is counted: «А, Б и ещё 3»."""
    items = [i for i in items if i]
    if limit and len(items) > limit:
        rest = len(items) - limit
        return ", ".join(items[:limit]) + f" и ещё {rest}"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " и " + items[-1]


def points(value: float | None) -> str:
    """«5 баллов», «4,5 балла», «1 балл» (a fraction takes the genitive singular)."""
    if value is None:
        return DASH
    v = round(float(value), 2)
    if v != int(v):
        return f"{score(v)} балла"
    return count(int(v), "балл", "балла", "баллов")
