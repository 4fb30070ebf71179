"""System checks: the registered reminder kinds and the kinds this app knows agree.

`manage.py check` (and every test run, every start) fails if an app registered a kind the log
cannot store, or a lookup of a registered kind no longer names a field (a renamed field is an
error, not a kind that quietly stops sending). A daily kind nobody registered is a warning: its
app is not installed.
"""

from __future__ import annotations

from django.core import checks

from accounts.reminders import check_registered_reminders, registered_reminders
from notifications.kinds import EVENT_KINDS, Kind

#: kinds sent by other paths than the registry (events, the participants' questionnaire notices)
NOT_SWEPT = {*EVENT_KINDS, Kind.QUESTIONNAIRE_OPEN, Kind.QUESTIONNAIRE_REMINDER}


@checks.register()
def reminder_kinds_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    messages: list[checks.CheckMessage] = []
    registered = {entry.kind for entry in registered_reminders()}
    for kind in sorted(registered - set(Kind.values)):
        messages.append(
            checks.Error(
                f"Reminder kind «{kind}» is registered but notifications.kinds.Kind has no such value.",
                hint="Add it to Kind (and a migration for the choices).",
                id="notifications.E001",
            )
        )
    for problem in check_registered_reminders():
        messages.append(checks.Error(problem, id="notifications.E002"))
    for kind in sorted(set(Kind.values) - registered - {str(k) for k in NOT_SWEPT}):
        messages.append(
            checks.Warning(
                f"Reminder kind «{kind}» has no provider: no installed app registered it.",
                id="notifications.W001",
            )
        )
    return messages
