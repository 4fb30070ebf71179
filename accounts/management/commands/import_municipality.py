from pathlib import Path

from django.core.management.base import CommandError

from accounts.backup import BackupError, import_municipality
from accounts.commands import SafeCommand


class Command(SafeCommand):
    help = "Загружает архив муниципалитета (из export_municipality) в базу, где его ещё нет."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="путь к архиву .zip")

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"Файл {path} не найден.")
        try:
            loaded = import_municipality(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Загружено записей: {sum(loaded.values())}.")
