"""The same report as /health/, for container health checks: exit 1 if the asked part is not ok."""

import json

from django.core.management.base import BaseCommand, CommandError

from jobs.selectors import health

PARTS = ("database", "broker", "worker", "beat")


class Command(BaseCommand):
    help = "Состояние базы данных, брокера, обработчика и планировщика (как /health/)."

    def add_arguments(self, parser):
        parser.add_argument("--component", choices=PARTS, action="append", help="что обязано быть в порядке")

    def handle(self, *args, component=None, **options):
        body, _ok = health()
        self.stdout.write(json.dumps(body, ensure_ascii=False))
        bad = [part for part in component or () if not body.get(part, {}).get("ok")]
        if bad:
            raise CommandError("Не в порядке: " + ", ".join(bad))
