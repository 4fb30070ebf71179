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
from django.db.models import Expression

from accounts.models import User
from accounts.scoping import with_scope_rows

#: attribute name → a factory of the expression (over the user's row) that fills it
_header_annotations: dict[str, Callable[[], Expression]] = {}


def register_user_annotation(name: str, expression: Callable[[], Expression]) -> None:
    """Read `expression()` with the session's user on every request, as the attribute `name`
    (apps register the figures the base template shows on every page, in AppConfig.ready)."""
    _header_annotations[name] = expression


def session_users():
    """The queryset the session's user is read from."""
    users = with_scope_rows(User._default_manager.all())
    if _header_annotations:
        users = users.annotate(**{name: factory() for name, factory in _header_annotations.items()})
    return users


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        try:
            user = session_users().get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
