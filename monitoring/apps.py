from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Мониторинг"

    def ready(self) -> None:
        from accounts.models import Role
        from accounts.navigation import NavItem, register_cards, register_nav
        from monitoring.home_cards import monitoring_cards

        runners = frozenset({Role.METHODOLOGIST, Role.COORDINATOR})
        municipal = frozenset({Role.METHODOLOGIST, Role.COORDINATOR})
        group = "Мониторинг"
        register_nav(
            NavItem("Кампании и отчёты ОО", "monitoring:campaign_list", icon="clipboard-data", order=40, group=group),
            NavItem("Дашборд", "monitoring:dashboard", icon="bar-chart-line", order=41, group=group, roles=municipal),
            NavItem("Эффективность", "monitoring:ranking", icon="trophy", order=42, group=group, roles=runners),
            NavItem(
                "Годовой аналитический отчёт",
                "monitoring:report_list",
                icon="file-earmark-bar-graph",
                order=43,
                group=group,
                roles=runners,
            ),
            NavItem("Проверка сайтов ОО", "monitoring:websites", icon="globe", order=44, group=group, roles=runners),
        )
        register_cards(monitoring_cards, order=40)
