"""django-import-export widgets shared by every Excel exchange.

They look rows up by natural keys (names as users type them, not ids), cache the lookups so a
10,000-row file does not run a query per row, and explain failures in Russian so the preview can
name the row and the field.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from import_export import widgets


def _norm(value) -> str:
    return " ".join(str(value).replace("\u00a0", " ").split()).casefold().replace("ё", "е")


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
            raise ValueError(f"{self.label} «{value}» не найден(а) или недоступен(на) вам.")
        return obj

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
        raise ValueError(f"{self.label}: значение «{value}» не из списка. Допустимо: {allowed}.")

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


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
        text = str(value).strip()
        for fmt in self.formats:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(f"{self.label}: «{value}» — не дата; пишите как 31.08.2025.")

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d.%m.%Y") if value else ""


class StrippedCharWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        return " ".join(str(value).split()) if value else ""
