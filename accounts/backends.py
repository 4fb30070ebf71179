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
from django.db import router
from django.db.models import Expression, QuerySet

from accounts.models import User
from accounts.scoping import with_scope_rows

#: attribute name → a factory of the expression (over the user's row) that fills it
_header_annotations: dict[str, Callable[[], Expression]] = {}
_session_users: QuerySet[User] | None = None
#: (database alias) → the SQL of `session_users()` for one user and its parameters but the user's id
_compiled: dict[str, tuple[str, list]] = {}


def register_user_annotation(name: str, expression: Callable[[], Expression]) -> None:
    """Read `expression()` with the session's user on every request, as the attribute `name`
    (apps register the figures the base template shows on every page, in AppConfig.ready)."""
    global _session_users
    _header_annotations[name] = expression
    _session_users = None
    _compiled.clear()


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


def read_session_user(user_id) -> User | None:
    """`session_users().filter(pk=user_id)`, with its SQL compiled once per process and database:
    compiling the three subqueries was another 0.6 ms of every request. The JSON columns arrive
    as text (accounts.scoping.scope_for reads both); model fields get their usual converters."""
    using = router.db_for_read(User)
    compiled = _compiled.get(using)
    if compiled is None:
        sql, params = session_users().filter(pk=0).order_by().query.get_compiler(using).as_sql()
        if not params or params[-1] != 0:  # the id is the query's last parameter (WHERE "id" = %s)
            raise RuntimeError("unexpected SQL for the session's user")
        compiled = _compiled[using] = (sql, list(params[:-1]))
    sql, params = compiled
    return next(iter(User._default_manager.db_manager(using).raw(sql, [*params, user_id])), None)


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user = read_session_user(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
