from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = "Наставничество"

    def ready(self) -> None:
        from mentorship import reminders

        reminders.register()  # the reminder kinds about this app's data (accounts.reminders)
        from django.db.models.signals import post_save

        from accounts.models import Organization
        from mentorship.models import Pair, carry_after_save

        # programs and practices keep their organization's municipality (mentorship.models)
        post_save.connect(carry_after_save, sender=Organization, dispatch_uid="mentorship-carry-Organization")
        post_save.connect(carry_after_save, sender=Pair, dispatch_uid="mentorship-carry-Pair")
        from accounts.imports import register_purge
        from accounts.models import Role
        from mentorship.exchange import purge_refused_files

        register_purge(purge_refused_files)
        from accounts.navigation import NavItem, register_cards, register_nav
        from mentorship.home_cards import mentorship_cards

        group = "Наставничество"
        school_and_municipal = frozenset({Role.CURATOR, Role.HEAD, Role.COORDINATOR, Role.METHODOLOGIST, Role.ADMIN})
        register_nav(
            NavItem(
                "Сводка", "mentorship:dashboard", icon="speedometer2", roles=school_and_municipal, order=20, group=group
            ),
            NavItem(
                "Люди",
                "mentorship:person_list",
                icon="person-lines-fill",
                roles=school_and_municipal,
                order=21,
                group=group,
            ),
            NavItem(
                "Банк наставников",
                "mentorship:mentor_list",
                icon="person-badge",
                roles=school_and_municipal,
                order=22,
                group=group,
            ),
            NavItem(
                "Банк наставляемых",
                "mentorship:mentee_list",
                icon="person",
                roles=school_and_municipal,
                order=23,
                group=group,
            ),
            NavItem(
                "Ожидают пару",
                "mentorship:waiting_list",
                icon="hourglass-split",
                roles=school_and_municipal,
                order=24,
                group=group,
            ),
            NavItem(
                "Пары и группы",
                "mentorship:pair_list",
                icon="people",
                roles=school_and_municipal,
                order=25,
                group=group,
            ),
            NavItem(
                "База программ",
                "mentorship:program_bank",
                icon="journal-text",
                roles=school_and_municipal,
                order=26,
                group=group,
            ),
            NavItem(
                "Успешные практики",
                "mentorship:practice_list",
                icon="award",
                roles=school_and_municipal,
                order=27,
                group=group,
            ),
            NavItem(
                "Мероприятия",
                "mentorship:event_list",
                icon="calendar-event",
                roles=school_and_municipal,
                order=28,
                group=group,
            ),
            NavItem(
                "Сообщества наставников",
                "mentorship:community_list",
                icon="chat-dots",
                roles=school_and_municipal,
                order=29,
                group=group,
            ),
            NavItem(
                "Загрузка из Excel",
                "mentorship:import_list",
                icon="file-earmark-spreadsheet",
                roles=frozenset({Role.CURATOR, Role.COORDINATOR, Role.ADMIN}),
                order=30,
                group=group,
            ),
            NavItem(
                "Без согласия на обработку ПД",
                "mentorship:consent_missing",
                icon="shield-exclamation",
                roles=frozenset({Role.CURATOR, Role.HEAD, Role.COORDINATOR, Role.ADMIN}),
                order=31,
                group=group,
            ),
            NavItem(
                "Акты об уничтожении ПД",
                "mentorship:destruction_acts",
                icon="file-earmark-x",
                roles=frozenset({Role.CURATOR, Role.HEAD, Role.COORDINATOR, Role.ADMIN}),
                order=32,
                group=group,
            ),
        )
        register_cards(mentorship_cards, order=20)
        _register_choice_scopes()

        from jobs.registry import Entry, register

        register(
            Entry(
                kind="mentorship.import",
                run="mentorship.tasks.import_job_run",
                label="Загрузка из Excel",
                outcome="файл будет загружен",
                on_retry="mentorship.services.import_job_retry",
                on_failed="mentorship.services.import_job_failed",
            )
        )

        from accounts.navigation import register_organization_section
        from mentorship.org_sections import mentorship_section

        register_organization_section(mentorship_section, order=20)


def _register_choice_scopes() -> None:
    """The rows of this app's models that any form (admin or site) may offer a user."""
    from accounts.scoping import register_choice_scope
    from mentorship import selectors
    from mentorship.models import Pair, Person, Program

    register_choice_scope(
        Person, lambda user, *, edit=False: selectors.people_editable(user) if edit else selectors.people_visible(user)
    )
    register_choice_scope(Pair, lambda user, *, edit=False: selectors.pairs_visible(user))
    register_choice_scope(Program, lambda user, *, edit=False: selectors.programs_visible(user))
