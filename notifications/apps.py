from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Уведомления и напоминания"

    def ready(self) -> None:
        from accounts.models import Role
        from accounts.navigation import NavItem, register_nav

        register_nav(
            NavItem("Уведомления", "notifications:list", icon="bell", order=900, group="Уведомления"),
            NavItem(
                "Настройки уведомлений", "notifications:preferences", icon="sliders", order=910, group="Уведомления"
            ),
            NavItem(
                "Журнал рассылок",
                "notifications:sent_log",
                icon="envelope-check",
                order=920,
                group="Уведомления",
                roles=frozenset({Role.COORDINATOR}),
            ),
        )
