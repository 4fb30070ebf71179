"""The authentication backend: Django's ModelBackend, with the session's user read in one query.

Every request reads the signed-in user (AuthenticationMiddleware → `get_user`). Here that query
also brings the rows the user's Scope is built from (accounts.scoping.with_scope_rows) and the
figures other apps register for the header (the notification bell's count), so a page pays one
query for what used to take three or four. Nothing is kept between requests: every request reads
them afresh, so a change of roles or a new notification shows on the next page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Expression, QuerySet

from accounts.models import User
from accounts.scoping import with_scope_rows

#: attribute name → a factory of the expression (over the user's row) that fills it
_header_annotations: dict[str, Callable[[], Expression]] = {}
_session_users: QuerySet[User] | None = None


def register_user_annotation(name: str, expression: Callable[[], Expression]) -> None:
    """Read `expression()` with the session's user on every request, as the attribute `name`
    (apps register the figures the base template shows on every page, in AppConfig.ready)."""
    global _session_users
    _header_annotations[name] = expression
    _session_users = None


def session_users() -> QuerySet[User]:
    """The queryset the session's user is read from. Built once per process: resolving its
    subqueries took 2 ms of every request, filtering a clone of it costs nothing of the kind."""
    global _session_users
    if _session_users is None:
        users = with_scope_rows(User._default_manager.all())
        if _header_annotations:
            users = users.annotate(**{name: factory() for name, factory in _header_annotations.items()})
        _session_users = users
    return _session_users


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        try:
            user = session_users().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
