from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from roadmaps.models import ExecutionState

register = template.Library()
_STATE_LABELS = {value: str(label) for value, label in ExecutionState.choices}

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


_NO_CELL = '<td class="text-center " title="Нет в дорожной карте ОО"><span class="text-muted">·</span></td>'


@register.simple_tag
def matrix_cells(row) -> str:
    """The cells of one matrix row, written in Python: a page of 50 organizations × 30 activities is
    1,500 cells, and the same markup through template tags (a `{% url %}`, four filters and the
    number formatting per cell) took two thirds of the page's time."""
    # one reverse() for the row, the record id put in by hand (the URL is …/records/<id>/…)
    sentinel = 2_147_483_647
    url = reverse("roadmaps:record", args=[sentinel])
    head, tail = url.split(str(sentinel), 1)
    head, tail = escape(head), escape(tail)
    name = escape(row.organization.short_name)
    out = []
    for cell in row.cells:
        state = cell.state
        if not state:
            out.append(_NO_CELL)
            continue
        css, _badge, icon = _CLASSES.get(state, ("", "light", "dash"))
        label = escape(_STATE_LABELS.get(state, state))
        several = cell.total > 1
        out.append(
            f'<td class="text-center {css}" title="{label}"><a class="d-block text-reset text-decoration-none" '
            f'href="{head}{int(cell.record_id)}{tail}" data-testid="matrix-cell" aria-label="{name}: {label}'
            + (f", выполнено {cell.done} из {cell.total}" if several else "")
            + f'"><i class="bi bi-{icon}" aria-hidden="true"></i>'
            + (f" {cell.done}/{cell.total}" if several else "")
            + "</a></td>"
        )
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped or an int


@register.simple_tag
def school_roadmap_links(children) -> str:
    """The schools' roadmaps of a municipal one as links (a regional centre has 240 of them: one
    reverse() for all instead of a `{% url %}` and a lookup chain per link)."""
    sentinel = 2_147_483_647
    head, tail = reverse("roadmaps:detail", args=[sentinel]).split(str(sentinel), 1)
    head, tail = escape(head), escape(tail)
    return mark_safe(  # noqa: S308 — the names are escaped, the ids are ints
        "".join(
            f'<a class="me-3" href="{head}{int(child.pk)}{tail}">{escape(child.organization.short_name)}</a>'
            for child in children
        )
    )
