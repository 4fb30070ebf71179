"""Change history (django-simple-history) as rows a page can show, for any audited model."""

from __future__ import annotations

import datetime as dt


def history_rows(obj, limit: int = 30) -> list[dict]:
    """The object's change history with field-level differences, newest first (one query)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                field_obj = record.instance_type._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field_obj.verbose_name,
                        "old": _display(field_obj, change.old),
                        "new": _display(field_obj, change.new),
                    }
                )
        rows.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "type": {"+": "Создание", "~": "Изменение", "-": "Удаление"}[record.history_type],
                "changes": changes,
            }
        )
    return rows


def _display(field_obj, value) -> str:
    """A stored value as a person reads it: labels of choices, дд.мм.гггг, да/нет, the related
    object's name instead of its id, and lists and dicts in words (never «None», «{}» or ids)."""
    if value in (None, "", {}, []):
        return "—"
    if getattr(field_obj, "choices", None) and not isinstance(value, list | dict):
        return str(dict(field_obj.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_display(None, item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_display(None, item) for item in value)
    if field_obj is not None and field_obj.is_relation and field_obj.related_model is not None:
        related = field_obj.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else "удалённая запись"
    return str(value)


def share_history_with_proxies() -> None:
    """Proxy models (mentors and mentees are proxies of a person) inherit the audited model's
    `history` manager but not the `_meta` attribute that django-simple-history's admin pages read
    (its history page answered 500 for them). Copy it to every proxy of an audited model."""
    from django.apps import apps

    for model in apps.get_models():
        if not model._meta.proxy:
            continue
        concrete = model._meta.concrete_model
        attribute = getattr(concrete._meta, "simple_history_manager_attribute", None)
        if attribute and not hasattr(model._meta, "simple_history_manager_attribute"):
            model._meta.simple_history_manager_attribute = attribute
