"""Demo: run today's sweep in every demo municipality so curators open the app to real notifications.

Idempotent: the sweep claims (object, kind, date, recipient) keys, so a second seed sends nothing.
"""

from __future__ import annotations

from notifications import services


def seed(ctx) -> None:
    for municipality in ctx.municipalities.values():
        result = services.sweep_run(municipality=municipality)
        ctx.log.append(
            f"Напоминания ({municipality.short_name or municipality.name}, {result.date:%d.%m.%Y}): "
            f"отправлено {result.total}, уже были отправлены ранее или не нужны — остальное."
        )
    services.schedules_sync_all()
