from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Уведомления и напоминания"

    def ready(self) -> None:
        from accounts.backends import register_user_annotation
        from accounts.models import Role
        from accounts.navigation import NavItem, register_nav
        from notifications import checks  # noqa: F401  (registers the reminder kinds' system check)
        from notifications.selectors import UNREAD_ATTR, unread_count_expression

        # the bell on every page: counted in the query that reads the session's user
        register_user_annotation(UNREAD_ATTR, unread_count_expression)
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

        from accounts.events import workflow_event
        from notifications.services import on_workflow_event

        # reports submitted, returned, accepted elsewhere are told here (the sender never imports us)
        workflow_event.connect(on_workflow_event, dispatch_uid="notifications.workflow_event")
