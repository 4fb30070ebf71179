from django.urls import reverse

from accounts.models import Role
from accounts.navigation import Card
from accounts.scoping import Scope


def roadmap_cards(user, scope: Scope) -> list[Card]:
    if not scope.is_authenticated or not scope.roles and not scope.is_admin:
        return []
    from roadmaps.selectors import counts_for_cards

    execution = scope.has_role(Role.COORDINATOR, Role.CURATOR)
    counts = counts_for_cards(user, execution=execution)
    cards = [Card("Дорожных карт", counts["roadmaps"], reverse("roadmaps:list"), icon="map")]
    if execution:
        cards.append(
            Card(
                "Просрочено мероприятий",
                counts["overdue"],
                reverse("roadmaps:tasks") + "?state=overdue",
                icon="exclamation-triangle",
                tone="danger" if counts["overdue"] else "success",
                hint="по срокам в местном времени",
            )
        )
        cards.append(
            Card(
                "Сроки требуют внимания",
                counts["attention"],
                reverse("roadmaps:attention"),
                icon="exclamation-diamond",
                tone="warning" if counts["attention"] else "success",
            )
        )
    return cards
