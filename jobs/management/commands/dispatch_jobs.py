"""Send background jobs that are waiting for the broker and reap dead leases (the beat task
`jobs.tick` does the same every JOBS_DISPATCH_INTERVAL seconds)."""

import time

from django.core.management.base import BaseCommand

from jobs.services import jobs_tick


class Command(BaseCommand):
    help = "Передать обработчику задачи, ждущие брокера, и вернуть в очередь задачи остановившихся обработчиков."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, help="повторять каждые N секунд (0 — один раз)")

    def handle(self, *args, loop: float = 0, **options):
        while True:
            counts = jobs_tick()
            self.stdout.write(
                f"Передано: {counts['sent']}, возвращено в очередь: {counts['retried'] + counts['resent']}, "
                f"завершено с ошибкой: {counts['failed']}."
            )
            if not loop:
                return
            time.sleep(loop)
