import importlib
import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from accounts.demo import DemoContext, demo_logins

# Each app contributes its own demo data in its demo.py, in this order (later ones build on earlier).
SEEDERS = [
    "accounts.demo",
    "roadmaps.demo",
    "mentorship.demo",
    "monitoring.demo",
    "notifications.demo",
    "participants.demo",
]


class Command(BaseCommand):
    help = "Заполняет базу демонстрационными данными (повторный запуск ничего не меняет)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="вывести демо-пользователей в JSON и ничего больше")
        parser.add_argument("--logins", action="store_true", help="только напечатать демо-входы (данные не заполнять)")

    def handle(self, *args, **options):
        if options["logins"]:
            self._print_logins()
            return
        if options["json"] and settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
            # the demo's letters (reminders, invitations) would print before the JSON: keep them in memory
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                return self._handle(*args, **options)
        return self._handle(*args, **options)

    def _handle(self, *args, **options):
        ctx = DemoContext()
        from accounts.events import organizations_changed, seeding

        with seeding():  # whoever keeps aggregates (monitoring.stats) waits for the end, not per write
            for module_name in SEEDERS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                module.seed(ctx)
        organizations_changed.send(sender=Command, organization_ids=None)  # None: every organization, now
        if options["json"]:
            self.stdout.write(json.dumps(demo_logins(), ensure_ascii=False))
            return
        self.stdout.write(self.style.SUCCESS("Демо-данные готовы."))
        for line in ctx.log:
            self.stdout.write(f"  {line}")
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write("Демо-входы (логин / пароль — роль, организация):")
        for row in demo_logins():
            where = row["organization"] or row["municipality"] or row.get("region") or "вся система"
            self.stdout.write(f"  {row['username']:<15} / {row['password']} — {row['role']}, {where}")
