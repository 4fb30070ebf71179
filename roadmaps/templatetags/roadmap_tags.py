from django import template

from roadmaps.models import ExecutionState

register = template.Library()

_CLASSES = {
    # Bootstrap's table-* classes: a plain background class loses to the table's own cell colour.
    ExecutionState.DONE: ("table-success", "success", "check-circle"),
    ExecutionState.IN_PROGRESS: ("table-warning", "warning", "hourglass-split"),
    ExecutionState.OVERDUE: ("table-danger", "danger", "exclamation-triangle"),
    ExecutionState.NOT_DUE: ("table-light", "secondary", "clock"),
}


@register.filter
def state_class(state: str) -> str:
    return _CLASSES.get(state, ("", "light", ""))[0]


@register.filter
def state_badge(state: str) -> str:
    return _CLASSES.get(state, ("", "light", ""))[1]


@register.filter
def state_icon(state: str) -> str:
    return _CLASSES.get(state, ("", "light", "dash"))[2]


@register.filter
def state_label(state: str) -> str:
    return ExecutionState(state).label if state in ExecutionState.values else "—"


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def add_class(field, css: str):
    """A bound form field rendered with extra CSS classes (and marked invalid when it has errors)."""
    classes = css + (" is-invalid" if field.errors else "")
    return field.as_widget(attrs={"class": classes})


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
