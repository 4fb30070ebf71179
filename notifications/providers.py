"""What is due to be reminded on a given local date: the registered kinds' providers.

Each kind is registered by the app that owns its data (`accounts.reminders.register_reminder`
in its `AppConfig.ready()`: roadmaps/reminders.py, mentorship/reminders.py,
monitoring/reminders.py), with the lookups it reads checked at registration. This module gives
the providers their context (the municipality, its date and rules, who is told) and finds the
provider of a kind; a kind whose model's table is not migrated yet is skipped with a warning.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection
from django.db.models import F

from accounts import scoping
from accounts.models import Municipality
from accounts.reminders import Planned, Provider, registered_reminders, reminder_kind
from notifications.kinds import EVENT_KINDS, Kind
from notifications.models import ReminderSettings

logger = logging.getLogger(__name__)

__all__ = ["DAILY_KINDS", "Planned", "SweepContext", "get_provider", "registered_kinds"]

T = TypeVar("T")


@dataclass
class SweepContext:
    municipality: Municipality
    today: dt.date
    rules: ReminderSettings
    _curators: dict[int, list] | None = field(default=None, repr=False)
    _coordinators: list | None = field(default=None, repr=False)
    _organization_names: dict[int, str] = field(default_factory=dict, repr=False)
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)

    def shared(self, key: str, build: Callable[[], T]) -> T:
        """A read several kinds share in one sweep (built by the first that asks)."""
        if key not in self._shared:
            self._shared[key] = build()
        return self._shared[key]

    def curators(self, organization_id: int | None) -> tuple:
        """Curators of an organization who may edit it (checked through accounts.scoping)."""
        if organization_id is None:
            return self.coordinators()
        if self._curators is None:
            self._load_staff()
        return tuple((self._curators or {}).get(organization_id, ()))

    def coordinators(self) -> tuple:
        if self._coordinators is None:
            self._load_staff()
        return tuple(self._coordinators or ())

    def organization_names(self) -> dict[int, str]:
        """Short names of the municipality's organizations that have curators (read with the staff,
        no query of their own): the grouped notices name the school with them."""
        if self._curators is None:
            self._load_staff()
        return self._organization_names

    def _load_staff(self) -> None:
        """Curators and coordinators of the municipality in one query (one query a curator made
        the preview and the sweep grow with the number of schools): the role rows that give edit
        rights there (accounts.scoping.municipal_editors), each with its user and its school's
        short name, no organization or scope object built per row."""
        rows = (
            scoping.municipal_editors(self.municipality)
            .select_related("user")
            .annotate(organization_name=F("organization__short_name"))
            .order_by("pk")
        )
        users: dict[int, object] = {}
        by_org: dict[int, list] = defaultdict(list)
        coordinators = []
        for row in rows:
            user = users.setdefault(row.user_id, row.user)  # one user object per id
            if row.organization_id is not None:  # a school's role
                self._organization_names[row.organization_id] = row.organization_name
                by_org[row.organization_id].append(user)
            else:
                coordinators.append(user)
        self._curators, self._coordinators = dict(by_org), coordinators


def registered_kinds() -> list[str]:
    return [entry.kind for entry in registered_reminders()]


def get_provider(kind: str) -> Provider | None:
    """The provider of a registered kind whose table exists (None: the kind is skipped)."""
    entry = reminder_kind(kind)
    if entry is None:
        return None
    table = entry.model._meta.db_table
    if table not in _present_tables:
        if table not in _table_names():
            logger.warning("Напоминания «%s» пропущены: нет таблицы %s (миграции?)", kind, table)
            return None
        _present_tables.add(table)
    return entry.provider


DAILY_KINDS = [k for k in Kind.values if k != Kind.WEEKLY_DIGEST and k not in EVENT_KINDS]


_tables: tuple[float, frozenset[str]] = (0.0, frozenset())
TABLES_TTL_SECONDS = 60
#: the kinds' tables found once: a table does not go away under a running process, so they are not
#: looked for again (the once-a-minute read made every 60 s one page or sweep pay a query more)
_present_tables: set[str] = set()


def _table_names() -> frozenset[str]:
    """The database's tables, read at most once a minute while a kind's table is missing (a sweep of
    60 municipalities asked 240 times)."""
    global _tables
    now = time.monotonic()
    if now - _tables[0] > TABLES_TTL_SECONDS or not _tables[1]:
        _tables = (now, frozenset(connection.introspection.table_names()))
    return _tables[1]
