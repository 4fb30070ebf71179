from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    """Mentors and mentees taking part themselves: their own page, meeting feedback and
    questionnaires (namespace «participant», under /me/), and the curator's side of it
    (invitations, response rates and reminders; namespace «participants»)."""

    name = "participants"
    verbose_name = "Участники: личная страница"

    def ready(self) -> None:
        from accounts.demo import register_demo_logins_reader
        from accounts.models import Role
        from participants.demo import demo_logins

        register_demo_logins_reader(demo_logins)
        from accounts.navigation import NavItem, register_nav
        from monitoring.signals import campaign_opened
        from participants.services import announce_on_open

        campaign_opened.connect(announce_on_open, dispatch_uid="participants.announce_on_open")

        only = frozenset({Role.PARTICIPANT})
        register_nav(
            NavItem("Моя страница", "participant:home", icon="house", roles=only, order=1),
            NavItem("Мои данные", "participant:my_data", icon="shield-lock", roles=only, order=2),
        )
