from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Мониторинг"

    def ready(self) -> None:
        from monitoring import reminders

        reminders.register()  # the reminder kinds about this app's data (accounts.reminders)
        from accounts.models import MUNICIPAL_ROLES
        from accounts.navigation import NavItem, register_cards, register_nav
        from accounts.scoping import MONITOR, REGION_MONITOR, roles_with
        from monitoring.home_cards import monitoring_cards, region_cards

        runners = roles_with(MONITOR)
        municipal = MUNICIPAL_ROLES
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
            NavItem(
                "Регион: муниципалитеты",
                "monitoring:region_list",
                icon="map",
                order=39,
                group=group,
                roles=roles_with(REGION_MONITOR),
            ),
        )
        register_cards(monitoring_cards, order=40)
        register_cards(region_cards, order=20)  # a regional user's in place of the mentorship cards

        from jobs.registry import Entry, register

        register(
            Entry(
                kind="monitoring.annual_report",
                run="monitoring.services.build_job_run",
                label="Аналитический отчёт",
                outcome="отчёт будет построен",
                queue="reports",
                on_retry="monitoring.services.build_job_retry",
                on_failed="monitoring.services.build_job_failed",
            )
        )
        register(
            Entry(
                kind="monitoring.website_check",
                run="monitoring.webcheck.run_checks",
                label="Проверка сайтов",
                outcome="сайты будут проверены",
                on_failed="monitoring.services.website_check_job_failed",
            )
        )

        register(
            Entry(
                kind="monitoring.stats_refresh",
                run="monitoring.stats.stats_refresh",
                label="Пересчёт сводных показателей",
                outcome="показатели будут пересчитаны",
            )
        )
        from monitoring import stats

        stats.connect()  # the region pages' aggregates follow every write (monitoring/stats.py)
        from mentorship.selectors import register_stored_municipality_rows

        register_stored_municipality_rows(stats.municipality_rows)  # «Ожидают пару» of a regional user

        from accounts.navigation import register_organization_section
        from monitoring.org_sections import monitoring_section

        register_organization_section(monitoring_section, order=30)
