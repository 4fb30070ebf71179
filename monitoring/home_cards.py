from django.urls import reverse

from accounts.navigation import Card
from accounts.scoping import Scope


def monitoring_cards(user, scope: Scope) -> list[Card]:
    if not scope.is_authenticated or not (scope.roles or scope.is_admin):
        return []
    from monitoring.selectors import assignments_to_review, my_assignments

    cards = []
    if scope.edit_organization_ids:
        owed = my_assignments(user).count()
        cards.append(
            Card(
                "Отчётов и анкет к сдаче",
                owed,
                reverse("monitoring:campaign_list"),
                icon="clipboard-check",
                tone="warning" if owed else "success",
            )
        )
    if scope.runs_monitoring:
        waiting = assignments_to_review(user).count()
        cards.append(
            Card(
                "Отчётов ОО ждут проверки",
                waiting,
                reverse("monitoring:campaign_list") + "#review",
                icon="inbox",
                tone="warning" if waiting else "success",
            )
        )
    return cards
