from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.backup import export_municipality
from accounts.models import Municipality
from accounts.plurals import count_noun


class Command(BaseCommand):
    help = "Выгружает все данные одного муниципалитета (с файлами и историей изменений) в архив .zip."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="название муниципалитета")
        parser.add_argument("--out", required=True, help="путь к архиву .zip")

    def handle(self, *args, **options):
        try:
            municipality = Municipality.objects.get(name=options["municipality"])
        except Municipality.DoesNotExist:
            raise CommandError(f"Муниципалитет «{options['municipality']}» не найден.") from None
        out = Path(options["out"])
        counts = export_municipality(municipality, out)
        self.stdout.write(f"Архив {out}: {count_noun(sum(counts.values()), 'запись')}, моделей: {len(counts)}.")
