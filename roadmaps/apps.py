from django.apps import AppConfig


class RoadmapsConfig(AppConfig):
    name = "roadmaps"
    verbose_name = "Дорожные карты"

    def ready(self) -> None:
        from roadmaps import reminders

        reminders.register()  # the reminder kinds about this app's data (accounts.reminders)
        from accounts.imports import register_purge
        from accounts.models import Role
        from roadmaps.upload import purge_converted

        register_purge(purge_converted)
        from accounts.navigation import NavItem, register_cards, register_nav
        from roadmaps.home_cards import roadmap_cards

        editors = frozenset({Role.COORDINATOR, Role.CURATOR})
        register_nav(
            NavItem("Все дорожные карты", "roadmaps:list", icon="map", order=10, group="Дорожные карты"),
            NavItem(
                "Мои задачи", "roadmaps:tasks", icon="check2-square", order=11, group="Дорожные карты", roles=editors
            ),
            NavItem(
                "Требует внимания",
                "roadmaps:attention",
                icon="exclamation-diamond",
                order=12,
                group="Дорожные карты",
                roles=editors,
            ),
            NavItem(
                "Загрузить из Word/Excel",
                "roadmaps:import",
                icon="upload",
                order=13,
                group="Дорожные карты",
                roles=editors,
            ),
        )
        register_cards(roadmap_cards, order=10)
        _register_choice_scopes()

        from accounts.navigation import register_organization_section
        from roadmaps.org_sections import roadmap_section

        register_organization_section(roadmap_section, order=10)


def _register_choice_scopes() -> None:
    """The rows of this app's models that any form (admin or site) may offer a user."""
    from accounts.scoping import register_choice_scope
    from roadmaps import selectors
    from roadmaps.models import Activity, Roadmap

    register_choice_scope(
        Roadmap,
        lambda user, *, edit=False: selectors.roadmaps_editable(user) if edit else selectors.roadmaps_visible(user),
    )
    register_choice_scope(
        Activity, lambda user, *, edit=False: Activity.objects.filter(roadmap__in=selectors.roadmaps_visible(user))
    )
