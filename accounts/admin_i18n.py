"""Admin screens in words.

Django's admin writes the alt text of its yes/no icons as Python values («True», «False»,
«None»), which a screen reader reads out in English. The same icons with Russian words."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import format_html

_WORDS = {True: ("yes", "да"), False: ("no", "нет"), None: ("unknown", "неизвестно")}


def boolean_icon(field_val):
    icon, word = _WORDS[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), word)


def _history_helper_class():
    from simple_history.template_utils import HistoricalRecordContextHelper

    from accounts.history import _display

    class HumanHistoryHelper(HistoricalRecordContextHelper):
        """django-simple-history's admin change list shows stored values («None», codes of
        choices, ISO dates, ids); these are the values as the site's own history shows them."""

        def prepare_delta_change_value(self, change, value):
            field = self.model._meta.get_field(change.field)
            if field.many_to_many:
                return super().prepare_delta_change_value(change, value)
            return _display(field, value.pk if hasattr(value, "pk") else value)

    return HumanHistoryHelper


def _titles_in_case() -> None:
    """Django's admin puts the verbose_name into «Добавить %s», «Изменить %s», «Выберите %s для
    изменения» as it is (nominative: «Добавить организация»). The same titles with the accusative
    (accounts.morphology.accusative); the «Добавить …» button is templates/admin/change_list_object_tools.html."""
    from django.contrib.admin import ModelAdmin
    from django.utils.text import capfirst

    from accounts.morphology import accusative

    changeform_view, changelist_view = ModelAdmin.changeform_view, ModelAdmin.changelist_view

    def changeform(self, request, object_id=None, form_url="", extra_context=None):
        name = accusative(str(self.opts.verbose_name))
        if object_id is None:
            title = f"Добавить {name}"
        elif self.has_change_permission(request):
            title = f"Изменить {name}"
        else:
            title = f"Просмотр: {self.opts.verbose_name}"
        return changeform_view(self, request, object_id, form_url, {"title": capfirst(title), **(extra_context or {})})

    def changelist(self, request, extra_context=None):
        name = accusative(str(self.opts.verbose_name))
        what = "изменения" if self.has_change_permission(request) else "просмотра"
        return changelist_view(self, request, {"title": f"Выберите {name} для {what}", **(extra_context or {})})

    ModelAdmin.changeform_view = changeform  # type: ignore[method-assign]
    ModelAdmin.changelist_view = changelist  # type: ignore[method-assign]


def _delete_action_in_case() -> None:
    """The action «Удалить выбранные %(verbose_name_plural)s» read «Удалить выбранные банк
    наставников»: the selected objects in the accusative plural, from the singular name («Удалить
    выбранных наставников», «Удалить выбранные организации»). The confirmation pages are
    templates/admin/delete_confirmation.html and delete_selected_confirmation.html."""
    from django.contrib.admin import ModelAdmin
    from django.db.models.fields import BLANK_CHOICE_DASH

    from accounts.morphology import object_name

    get_action_choices = ModelAdmin.get_action_choices

    def action_choices(self, request, default_choices=BLANK_CHOICE_DASH):
        choices = get_action_choices(self, request, default_choices)
        name = object_name(str(self.opts.verbose_name), "accusative", plural=True, selected=True)
        return [(key, f"Удалить {name}") if key == "delete_selected" else (key, label) for key, label in choices]

    ModelAdmin.get_action_choices = action_choices  # type: ignore[method-assign]


def _export_field_labels() -> None:
    """django-import-export labels the export form's check boxes with the attribute's name in
    English («Short Name (Краткое наименование)»): the column's Russian name alone."""
    from import_export.forms import SelectableFieldsExportForm

    def label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        if field is not None and field.column_name and field.column_name != field_name:
            return str(field.column_name)
        model = getattr(resource._meta, "model", None)
        try:
            return str(model._meta.get_field(field_name).verbose_name).capitalize()
        except Exception:  # a computed field without a model field: its own name
            return field_name.replace("_", " ")

    SelectableFieldsExportForm._get_field_label = label  # type: ignore[method-assign]


def _json_in_words() -> None:
    """Django's admin shows a JSON field as JSON: «[]» or «{}» in the form of a new object, «["head"]»
    or «{"a": 1}» on a read-only page. Empty values are an empty box and a dash; others are words
    («ключ: значение» a line, lists joined by commas); an empty box is saved as the field's default."""
    import json

    from django import forms
    from django.contrib.admin import ModelAdmin, helpers
    from django.contrib.admin.templatetags import admin_list
    from django.db import models

    class JSONFormField(forms.JSONField):
        empty_value: object = None

        def prepare_value(self, value):
            if value in ([], {}, None, "[]", "{}", "null"):
                return ""
            return super().prepare_value(value)

        def to_python(self, value):
            if value in self.empty_values:
                return self.empty_value() if callable(self.empty_value) else self.empty_value
            return super().to_python(value)

        def has_changed(self, initial, data):
            if data in self.empty_values and initial in ([], {}, None):
                return False
            return super().has_changed(initial, data)

    formfield_for_dbfield = ModelAdmin.formfield_for_dbfield

    def formfield(self, db_field, request, **kwargs):
        field = formfield_for_dbfield(self, db_field, request, **kwargs)
        if isinstance(db_field, models.JSONField) and type(field) is forms.JSONField:
            field.__class__ = JSONFormField
            field.empty_value = db_field.default if db_field.has_default() else None  # type: ignore[attr-defined]
        return field

    def words(value) -> str:
        if isinstance(value, dict):
            return "\n".join(f"{key}: {words(item)}" for key, item in value.items())
        if isinstance(value, list | tuple):
            return ", ".join(words(item) for item in value)
        if isinstance(value, bool):
            return "да" if value else "нет"
        return "" if value is None else str(value)

    display_for_field = helpers.display_for_field

    def display(value, field, empty_value_display, *args, **kwargs):
        if isinstance(field, models.JSONField):
            if isinstance(value, str):
                try:
                    value = json.loads(value)
                except ValueError:
                    return value or empty_value_display
            return words(value) or empty_value_display
        return display_for_field(value, field, empty_value_display, *args, **kwargs)

    ModelAdmin.formfield_for_dbfield = formfield  # type: ignore[method-assign]
    helpers.display_for_field = display  # type: ignore[assignment]
    admin_list.display_for_field = display  # type: ignore[attr-defined]


def install() -> None:
    from django.contrib.admin.templatetags import admin_list
    from simple_history.admin import SimpleHistoryAdmin

    _titles_in_case()
    _delete_action_in_case()
    _export_field_labels()
    _json_in_words()

    admin_list._boolean_icon = boolean_icon
    helper = _history_helper_class()
    SimpleHistoryAdmin.get_historical_record_context_helper = lambda self, request, record: helper(self.model, record)
