"""`{{ field|filter_field }}`: a list filter's field in the markup crispy-forms' bootstrap5 pack writes.

Every list page renders its filter form; crispy renders each field through a dozen nested
templates (field.html and its includes), about 1 ms a field and 5 ms a page. The plain fields of a
filter form (text, date and number inputs, single selects) have no errors, help text or special
layout, and their markup is small: the label, the widget with crispy's classes, the wrapper. Any
other field (a checkbox, a multiple choice, a field with errors or help text) is still rendered by
crispy itself, so the page looks and behaves the same.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.widgets import Input
from django.utils.html import format_html

register = template.Library()

_INPUT_TYPES = frozenset({"text", "search", "date", "number", "email", "tel", "url"})


def _bootstrap_class(widget) -> str | None:
    if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        return "form-select"
    if isinstance(widget, Input) and getattr(widget, "input_type", None) in _INPUT_TYPES:
        return "form-control"
    return None


@register.filter
def filter_field(field):
    widget = field.field.widget
    css = _bootstrap_class(widget)
    if css is None or field.errors or field.help_text or field.field.required or widget.is_hidden:
        return as_crispy_field(field)
    # the classes crispy gives the widget: its own, the widget's class name, the pack's class
    name = widget.__class__.__name__.lower()
    own = widget.attrs.get("class", "")
    classes = own if name in own else f"{own} {name}".strip()
    if css not in classes.split():
        classes += f" {css}"
    widget.attrs["class"] = classes
    label = (
        format_html('<label for="{}" class="form-label">{}</label>', field.id_for_label, field.label)
        if field.label
        else ""
    )
    return format_html('<div id="div_{}" class="mb-3">{}{}</div>', field.auto_id, label, field.as_widget())
