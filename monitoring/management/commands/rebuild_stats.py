from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Пересчитывает сводные показатели организаций по годам, из которых собираются страницы региона "
        "(ночью это делает планировщик; после изменений данных — фоновая задача). Повторный запуск безопасен."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", type=int, action="append", help="только организации муниципалитета (id)")

    def handle(self, *args, municipality=None, **options):
        from monitoring.stats import stats_rebuild

        verbose = options["verbosity"] > 1
        done = stats_rebuild(municipality_ids=municipality, log_progress=self.stdout.write if verbose else None)
        if options["verbosity"]:
            self.stdout.write(f"Сводные показатели пересчитаны: организаций {done}.")
