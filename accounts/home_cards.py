from django.urls import reverse

from accounts.models import MUNICIPAL_ROLES
from accounts.navigation import Card
from accounts.scoping import Scope


def organization_cards(user, scope: Scope) -> list[Card]:
    if not (scope.is_admin or scope.roles & MUNICIPAL_ROLES):
        return []
    from accounts.selectors import organization_counts_by_kind, users_in_scope

    return [
        Card(
            "Организаций",
            sum(organization_counts_by_kind(user).values()),
            reverse("organization_list"),
            icon="building",
        ),
        Card("Пользователей с ролями", users_in_scope(user).count(), icon="people"),
    ]
