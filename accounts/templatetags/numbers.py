"""`{{ n|num }}`: a number as the Russian interface writes it, without Django's per-value locale work.

Every number a template prints goes through `django.utils.formats.localize` (and `intcomma` through
`number_format` with grouping): a handful of format look-ups per value. A table of a region's
municipalities prints 1,700 of them, and that was a third of the page's time. The interface has one
language (LANGUAGE_CODE "ru"), so the format is known: groups of three digits separated by a no-break
space (what `intcomma` writes for ru), a decimal comma; an empty value is «—».
"""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()

THOUSANDS = "\xa0"  # django/conf/locale/ru/formats.py THOUSAND_SEPARATOR
DECIMAL = ","  # DECIMAL_SEPARATOR


@register.filter(is_safe=True)
def num(value, empty: str = "—") -> str:
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", THOUSANDS)
    if isinstance(value, float | Decimal):
        whole, _, fraction = str(value).partition(".")
        grouped = f"{int(whole):,}".replace(",", THOUSANDS) if whole.lstrip("-").isdigit() else whole
        if whole.startswith("-") and not grouped.startswith("-"):
            grouped = "-" + grouped  # -0.5
        return f"{grouped}{DECIMAL}{fraction}" if fraction else grouped
    return str(value)
