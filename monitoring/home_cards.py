from django.urls import reverse
from django.utils import timezone

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


def region_cards(user, scope: Scope) -> list[Card]:
    """A regional user's home figures: its regions' stored aggregates summed (monitoring.stats, one
    query whatever the size of the region), in place of the mentorship cards' live counts."""
    if not scope.is_authenticated or not scope.region_wide:
        return []
    from accounts.scoping import user_today
    from monitoring import indicators, stats

    year = user_today(user).year
    total, freshness = stats.totals(sorted(scope.view_municipality_ids), year)
    hint = (
        f"на {timezone.localtime(freshness.refreshed_at):%d.%m.%Y %H:%M}"
        if freshness.refreshed_at
        else "по данным на сейчас"
    )
    regions = sorted(scope.region_monitor_ids)
    region_url = (
        reverse("monitoring:region_detail", args=[regions[0]])
        if len(regions) == 1
        else reverse("monitoring:region_list")
    )
    waiting = indicators.mentees_unmatched(total)
    return [
        Card("Наставников", total.mentors, reverse("mentorship:mentor_list"), icon="person-badge", hint=hint),
        Card(
            "Действующих пар и групп",
            total.pairs,
            reverse("mentorship:pair_list") + "?status=active",
            icon="people",
            hint=hint,
        ),
        Card(
            "Ожидают пару",
            waiting,
            reverse("mentorship:waiting_list"),
            icon="hourglass-split",
            tone="warning" if waiting else "primary",
            hint="наставляемые без пары, " + hint,
        ),
        Card(f"Встреч в {year} году", total.meetings, region_url, icon="calendar-check", hint=hint),
    ]
