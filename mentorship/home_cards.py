from django.urls import reverse

from accounts.navigation import Card
from accounts.scoping import Scope


def mentorship_cards(user, scope: Scope) -> list[Card]:
    if not scope.is_authenticated or not (scope.is_admin or scope.roles):
        return []
    if scope.region_wide:
        return []  # the region's figures come from its aggregates (monitoring.home_cards.region_cards)
    from mentorship.selectors import dashboard_totals

    total = dashboard_totals(user)
    return [
        Card("Наставников", total.mentors, reverse("mentorship:mentor_list"), icon="person-badge"),
        Card(
            "Действующих пар и групп",
            total.active_pairs,
            reverse("mentorship:pair_list") + "?status=active",
            icon="people",
        ),
        Card(
            "Ожидают пару",
            total.waiting,
            reverse("mentorship:waiting_list"),
            icon="hourglass-split",
            tone="warning" if total.waiting else "primary",
            hint="наставляемые без пары",
        ),
        Card("Встреч за 30 дней", total.meetings_30, reverse("mentorship:pair_list"), icon="calendar-check"),
    ]
