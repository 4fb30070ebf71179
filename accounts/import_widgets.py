"""django-import-export widgets shared by every Excel exchange.

They look rows up by natural keys (names as users type them, not ids), cache the lookups so a
10,000-row file does not run a query per row, and explain failures in Russian so the preview can
name the row and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from import_export import widgets

from accounts.names import clean_text, normalize_name


def _norm(value) -> str:
    """Lookup key of a name typed in a cell (the same normalization as a person's name key)."""
    return normalize_name(value)


def _shown(value, limit: int = 80) -> str:
    """A cell's value as a message quotes it: dates as дд.мм.гггг, fractions with a comma, long
    text cut (a 1,000-character cell would bury the message)."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    text = clean_text(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """Foreign key by one or more text fields (e.g. organization by short or full name).

    `queryset_factory(row, **kwargs)` may narrow the candidates, e.g. to the importing user's
    scope: a name outside the scope reads as "not found", never as a different school's record.
    """

    def __init__(self, model, fields: tuple[str, ...], label: str, queryset: QuerySet | None = None):
        super().__init__(model, field=fields[0])
        self.fields = fields
        self.label = label
        self._queryset = queryset
        self._cache: dict[str, object] | None = None

    def set_queryset(self, queryset: QuerySet) -> None:
        self._queryset = queryset
        self._cache = None

    def _index(self) -> dict[str, object]:
        if self._cache is None:
            qs = self._queryset if self._queryset is not None else self.model.objects.all()
            index: dict[str, object] = {}
            for obj in qs:
                for name in self.fields:
                    key = _norm(getattr(obj, name) or "")
                    if key:
                        index.setdefault(key, obj)
            self._cache = index
        return self._cache

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        obj = self._index().get(_norm(value))
        if obj is None:
            raise ValueError(
                f"{self.label} «{_shown(value)}» не найден(а) или недоступен(на) вам. {self.allowed_text()}"
            )
        return obj

    def allowed_text(self, limit: int = 30) -> str:
        names = sorted({str(getattr(obj, self.fields[0])) for obj in self._index().values()})
        if not names:
            return "Вам не доступно ни одного значения."
        shown = "; ".join(f"«{n}»" for n in names[:limit])
        more = f" и ещё {len(names) - limit} (см. лист «Справочники» шаблона)" if len(names) > limit else ""
        return f"Допустимо: {shown}{more}."

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return getattr(value, self.fields[0])


class ChoiceLabelWidget(widgets.Widget):
    """A choice column written and read by its Russian label (the value is accepted too)."""

    def __init__(self, choices, label: str):
        super().__init__()
        self.label = label
        self.by_label = {_norm(text): value for value, text in choices}
        self.by_value = {_norm(value): value for value, _ in choices}
        self.labels = dict(choices)

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        key = _norm(value)
        if key in self.by_label:
            return self.by_label[key]
        if key in self.by_value:
            return self.by_value[key]
        allowed = "; ".join(self.labels.values())
        raise ValueError(f"{self.label}: значение «{_shown(value)}» не из списка. Допустимо: {allowed}.")

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


# a month in words, as the genitive or its abbreviation («1 сентября 2025 г.», «01 сент. 2025»)
_MONTH_STEMS = (
    ("янв", 1), ("фев", 2), ("мар", 3), ("апр", 4), ("июн", 6),
    ("июл", 7), ("авг", 8), ("сен", 9), ("окт", 10), ("ноя", 11), ("дек", 12),
)  # fmt: skip
_DATE_WORDS = re.compile(r"^(\d{1,2})\s+([а-яё]+)\.?\s+(\d{4})(?:\s*(?:г\.?|года?))?$")
# a date Excel wrote as text with a midnight time after it («01.09.2025 0:00:00»)
_DATE_MIDNIGHT = re.compile(r"^(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2})[ T]0{1,2}:00(?::00)?$")


def parse_date_text(text: str) -> dt.date | None:
    """A date typed in words or with a midnight time; None if the text is not one (or an impossible
    date such as «31 февраля 2025»)."""
    text = text.strip().lower()
    midnight = _DATE_MIDNIGHT.match(text)
    if midnight:
        day = midnight.group(1)
        try:
            return dt.datetime.strptime(day, "%d.%m.%Y" if "." in day else "%Y-%m-%d").date()
        except ValueError:
            return None
    match = _DATE_WORDS.match(text)
    if not match:
        return None
    word = match.group(2)
    month = 5 if word in ("май", "мая") else next((n for stem, n in _MONTH_STEMS if word.startswith(stem)), 0)
    if not month:
        return None
    try:
        return dt.date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None


class RussianDateWidget(widgets.Widget):
    """Dates as users write them (дд.мм.гггг) or as Excel stores them (datetime → date).

    Returning a `date` (not a datetime) lets skip_unchanged see an unchanged row as unchanged.
    """

    formats = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d")

    def __init__(self, label: str):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(f"{self.label}: «{_shown(value)}» — не дата; пишите как 31.08.2025.")
        text = clean_text(value)
        for fmt in self.formats:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        parsed = parse_date_text(text)
        if parsed is not None:
            return parsed
        raise ValueError(f"{self.label}: «{_shown(value)}» — не дата; пишите как 31.08.2025.")

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d.%m.%Y") if value else ""


def _decimal(value, label: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, dt.date | dt.datetime | dt.time):
        raise ValueError(f"{label}: «{_shown(value)}» — не число.")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = clean_text(value).replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{label}: «{_shown(value)}» — не число.") from None
    if not number.is_finite():
        raise ValueError(f"{label}: «{_shown(value)}» — не число.")
    return number


class IntegerStrictWidget(widgets.Widget):
    """A whole number: «10,7» is refused with a message, never stored as 10."""

    def __init__(self, label: str, minimum: int | None = 0, maximum: int | None = None):
        super().__init__()
        self.label, self.minimum, self.maximum = label, minimum, maximum

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        number = _decimal(value, self.label)
        if number != number.to_integral_value():
            raise ValueError(f"{self.label}: «{_shown(value)}» — нужно целое число.")
        result = int(number)
        if self.minimum is not None and result < self.minimum:
            raise ValueError(f"{self.label}: {result} — меньше допустимого ({self.minimum}).")
        if self.maximum is not None and result > self.maximum:
            raise ValueError(f"{self.label}: {result} — больше допустимого ({self.maximum}).")
        return result

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class StrippedCharWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):
            return value.strftime("%d.%m.%Y %H:%M")
        if isinstance(value, dt.date):
            return value.strftime("%d.%m.%Y")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = super().clean(value, row, **kwargs)
        return clean_text(value) if value else ""
