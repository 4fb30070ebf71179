"""Reminder kinds, registered by the app that owns the data (like menu items, `register_nav`).

An app registers each kind it can be reminded of in `AppConfig.ready()`:

    register_reminder("pair_inactive", model=Pair, fields=("organization__municipality", "status",
                      "started_on", "meetings__held_on"), provider=pair_inactive)

`fields` are the lookups the provider reads, from `model`; each is checked when the kind is
registered, so a renamed field stops the start-up (`ImproperlyConfigured`) instead of the kind
going quiet. `notifications` reads the registry (the sweep, the preview) and owns what happens
next: keys, opt-outs, delivery. The ground knows no domain: this module imports no app.

A provider is `provider(ctx) -> Iterable[Planned]`; it only reads. `ctx` is a `SweepContext`: the
municipality, its local date, its reminder rules, who is told (curators of an organization, the
municipality's coordinators) and `ctx.shared(key, build)` for a read several kinds share.
The cadence rules (`daily_then_weekly`, `first_then_weekly` and their date lists) live here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db.models import DateField, F, Func, IntegerField, Model, Q, Value
from django.db.models.functions import Mod
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

if TYPE_CHECKING:
    from accounts.models import Municipality

T = TypeVar("T")


@dataclass(frozen=True)
class Planned:
    """One reminder about one object, before it is split into one key per recipient."""

    object_type: str
    object_id: int
    kind: str
    recipients: tuple  # users
    title: str
    message: str
    path: str = ""
    organization_id: int | None = None
    due_date: dt.date | None = None


class ReminderRules(Protocol):
    """The municipality's settings a provider reads (notifications.ReminderSettings)."""

    @property
    def days_before_list(self) -> list[int]: ...

    escalation_days: int


class SweepContext(Protocol):
    """What a provider is given (notifications.providers.SweepContext implements it)."""

    municipality: Municipality
    today: dt.date

    @property
    def rules(self) -> ReminderRules: ...

    def curators(self, organization_id: int | None) -> tuple: ...

    def coordinators(self) -> tuple: ...

    def shared(self, key: str, build: Callable[[], T]) -> T: ...


Provider = Callable[[SweepContext], Iterable[Planned]]


@dataclass(frozen=True)
class ReminderKind:
    kind: str
    model: type[Model]
    fields: tuple[str, ...]
    provider: Provider

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label


_registry: dict[str, ReminderKind] = {}


def check_lookup(model: type[Model], lookup: str) -> None:
    """Raise ImproperlyConfigured unless `lookup` ("pair__organization__municipality") names
    fields from `model` on (forward or reverse relations)."""
    current: Any = model
    parts = lookup.split("__")
    for index, name in enumerate(parts):
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(
                f"Reminder lookup «{lookup}» of {model._meta.label}: {current._meta.label} has no field «{name}»."
            ) from None
        if index < len(parts) - 1:
            if not field.is_relation or field.related_model is None:
                raise ImproperlyConfigured(
                    f"Reminder lookup «{lookup}» of {model._meta.label}: «{name}» is not a relation."
                )
            current = field.related_model


def register_reminder(kind: str, *, model: type[Model], fields: Iterable[str], provider: Provider) -> None:
    """Register a reminder kind (call from `AppConfig.ready()`); its lookups are checked now."""
    fields = tuple(fields)
    for lookup in fields:
        check_lookup(model, lookup)
    entry = ReminderKind(kind=str(kind), model=model, fields=fields, provider=provider)
    existing = _registry.get(entry.kind)
    if existing is not None and existing.provider is not provider:
        raise ImproperlyConfigured(
            f"Reminder kind «{kind}» is registered twice ({existing.model._meta.label}, {model._meta.label})."
        )
    _registry[entry.kind] = entry


def reminder_kind(kind: str) -> ReminderKind | None:
    return _registry.get(str(kind))


def registered_reminders() -> list[ReminderKind]:
    return list(_registry.values())


def check_registered_reminders() -> list[str]:
    """Every registered kind's lookups again (the system check runs this after all apps are ready)."""
    problems = []
    for entry in _registry.values():
        for lookup in entry.fields:
            try:
                check_lookup(entry.model, lookup)
            except ImproperlyConfigured as exc:
                problems.append(f"{entry.kind}: {exc}")
    return problems


# Cadence: overdue reminders every day for the first days, then once a week --------------------
OVERDUE_DAILY_DAYS = 3
REPEAT_EVERY_DAYS = 7


def daily_then_weekly(days_late: int, *, daily_days: int = OVERDUE_DAILY_DAYS) -> bool:
    """Days 1..daily_days every day, then every REPEAT_EVERY_DAYS days counted from the last daily one."""
    if days_late < 1:
        return False
    if days_late <= daily_days:
        return True
    return (days_late - daily_days) % REPEAT_EVERY_DAYS == 0


def first_then_weekly(days: int, *, first: int) -> bool:
    """On day `first`, then every REPEAT_EVERY_DAYS days after it."""
    return days >= first and (days - first) % REPEAT_EVERY_DAYS == 0


# The same rules as dates, so that providers ask the database only for what is due today instead of
# reading every open record and testing it in Python (a region has tens of thousands). The horizon
# is ten years: nothing in a roadmap, a pair or the bank waits longer than that.
HORIZON_DAYS = 3660


def daily_then_weekly_dates(today: dt.date, *, daily_days: int = OVERDUE_DAILY_DAYS) -> list[dt.date]:
    """The due dates whose lateness `daily_then_weekly` accepts on `today`."""
    return [today - dt.timedelta(days=n) for n in range(1, HORIZON_DAYS) if daily_then_weekly(n, daily_days=daily_days)]


def first_then_weekly_dates(today: dt.date, *, first: int, last: int = HORIZON_DAYS) -> list[dt.date]:
    """The start dates whose age `first_then_weekly` accepts on `today` (ages up to `last` days)."""
    return [today - dt.timedelta(days=n) for n in range(first, last + 1, REPEAT_EVERY_DAYS)]


# The same rules in SQL: the providers choose what is due today in the database, for every
# candidate at once, instead of reading candidates and testing each one in Python.
class DaysSince(Func):
    """Whole days from a date column to `today` (today − date; negative for a date still ahead)."""

    output_field = IntegerField()
    arg_joiner = " - "
    template = "(%(expressions)s)"  # PostgreSQL: date − date is an integer of days

    def __init__(self, expression: str | Any, today: dt.date):
        expression = F(expression) if isinstance(expression, str) else expression
        super().__init__(Value(today, output_field=DateField()), expression)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            arg_joiner=") - JULIANDAY(",
            template="CAST(JULIANDAY(%(expressions)s) AS INTEGER)",
            **extra_context,
        )


def first_then_weekly_sql(days: Any, *, first: int, last: int | None = None) -> Q:
    """`first_then_weekly(days, first=first)` as a condition on the expression `days` (up to `last`)."""
    condition = Q(GreaterThanOrEqual(days, first)) & Q(Exact(Mod(days - Value(first), Value(REPEAT_EVERY_DAYS)), 0))
    if last is not None:
        condition &= Q(LessThanOrEqual(days, last))
    return condition


def daily_then_weekly_sql(days: Any, *, daily_days: int = OVERDUE_DAILY_DAYS) -> Q:
    """`daily_then_weekly(days)` as a condition on the expression `days`."""
    return Q(GreaterThanOrEqual(days, 1)) & (
        Q(LessThanOrEqual(days, daily_days)) | first_then_weekly_sql(days, first=daily_days)
    )


# Wording shared by the providers ---------------------------------------------------------------
def path_to(name: str, *args) -> str:
    """The link of a reminder ("" when the page is not installed). A sweep links thousands of
    objects to a handful of pages: a page's link to one id is reversed once and reused."""
    if len(args) == 1 and isinstance(args[0], int):
        pattern = _link_pattern(name, get_urlconf(), get_script_prefix())
        if pattern is not None:
            head, tail = pattern
            return f"{head}{args[0]}{tail}" if head else ""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


_ANY_ID = 1_987_654_321  # stands for the id in a page's link while it is reversed once


@lru_cache(maxsize=256)
def _link_pattern(name: str, urlconf: str | None, prefix: str) -> tuple[str, str] | None:
    """(before the id, after it) of the page `name`'s link; ("", "") when the page is not
    installed; None when the link cannot be split around the id (reversed each time then)."""
    try:
        url = reverse(name, args=[_ANY_ID], urlconf=urlconf)
    except NoReverseMatch:
        return "", ""
    head, found, tail = url.partition(str(_ANY_ID))
    return (head, tail) if found and str(_ANY_ID) not in tail and head else None


@receiver(setting_changed)
def _urls_changed(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":  # Django clears its own caches of links then (tests)
        _link_pattern.cache_clear()


def days_text(n: int) -> str:
    """«1 день», «3 дня», «11 дней» (accounts.plurals: gettext's plural forms)."""
    return _days_text(abs(n), get_language())


@lru_cache(maxsize=2048)
def _days_text(n: int, language: str | None) -> str:
    from accounts.plurals import count_noun

    return count_noun(n, "день")


def short_text(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
