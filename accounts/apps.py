from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Организации и пользователи"

    def ready(self) -> None:
        from accounts import admin_i18n

        admin_i18n.install()
        from config import compat

        compat.install()

        from accounts.history import share_history_with_proxies

        share_history_with_proxies()

        from accounts.home_cards import organization_cards
        from accounts.models import Role
        from accounts.navigation import NavItem, register_cards, register_nav

        register_nav(
            NavItem("Главная", "home", icon="house", order=0),
            NavItem(
                "Организации",
                "organization_list",
                icon="building",
                order=90,
                roles=frozenset({Role.COORDINATOR, Role.METHODOLOGIST, Role.ADMIN}),
            ),
        )
        register_cards(organization_cards, order=0)
