import json

from django.core.management.base import BaseCommand, CommandError

from bench.scale import SCALE_PASSWORD, ScaleConfig, generate


class Command(BaseCommand):
    help = (
        "Заполняет пустую базу региональными нагрузочными данными (по умолчанию — масштаб Красноярского края: "
        "60 муниципалитетов, 2000 организаций, 40 000 человек, 15 000 пар, 100 000 встреч, ~80 000 отметок "
        "исполнения дорожных карт). --scale уменьшает всё сразу, отдельные параметры задают точные размеры."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="множитель размеров (1.0 — весь регион)")
        for name in (
            "municipalities",
            "organizations",
            "people",
            "pairs",
            "meetings",
            "school-roadmaps",
            "school-activities",
            "due-dates-per-activity",
            "responses",
            "seed",
        ):
            parser.add_argument(f"--{name}", type=int, default=None)
        parser.add_argument("--json", action="store_true", help="последней строкой вывести итог в JSON")

    def handle(self, *args, scale: float, **options):
        if scale <= 0:
            raise CommandError("--scale: нужно положительное число, например 0.1.")
        overrides = {
            k.replace("-", "_"): options.get(k.replace("-", "_"))
            for k in (
                "municipalities",
                "organizations",
                "people",
                "pairs",
                "meetings",
                "school_roadmaps",
                "school_activities",
                "due_dates_per_activity",
                "responses",
                "seed",
            )
        }
        config = ScaleConfig.scaled(scale, **overrides)
        try:
            report = generate(config, log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Готово за {report.seconds:.1f} с."))
        logins = ", ".join(f"{role} — {name}" for role, name in report.bench_users.items())
        self.stdout.write(f"Входы для замеров (пароль у всех «{SCALE_PASSWORD}»): {logins}")
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"seconds": round(report.seconds, 1), "counts": report.counts, "bench_users": report.bench_users},
                    ensure_ascii=False,
                )
            )
