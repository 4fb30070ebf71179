"""Build the annual analytical report from the command line (cron, operators).

Runs the same task as the web page, in-process, and copies both files into --out.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from accounts.models import Municipality
from monitoring.models import AnnualReportBuild, BuildStatus
from monitoring.tasks import build_annual_report


class Command(BaseCommand):
    help = "Формирует годовой аналитический отчёт (.xlsx и .docx) для муниципалитета и кладёт файлы в каталог."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="Название или краткое название муниципалитета")
        parser.add_argument("--year", type=int, help="Календарный год (или год окончания учебного года)")
        parser.add_argument(
            "--academic-year",
            nargs="?",
            const="",
            default=None,
            help="Учебный год (1 сентября – 31 августа): «2025/2026», или без значения — учебный год, "
            "который заканчивается в году --year",
        )
        parser.add_argument("--out", required=True, help="Каталог для файлов")

    def handle(self, *args, municipality: str, year: int | None, out: str, academic_year: str | None, **options):
        academic = academic_year is not None
        if academic_year:
            match = re.fullmatch(r"\s*(\d{4})\s*[/\-–]\s*(\d{4})\s*", academic_year)
            if not match or int(match[2]) != int(match[1]) + 1:
                raise CommandError(f"Учебный год «{academic_year}» укажите как 2025/2026.")
            year = int(match[2])
        if year is None:
            raise CommandError("Укажите --year или --academic-year 2025/2026.")
        found = list(Municipality.objects.filter(Q(name__iexact=municipality) | Q(short_name__iexact=municipality)))
        if len(found) != 1:
            found = list(Municipality.objects.filter(name__icontains=municipality))
        if len(found) != 1:
            raise CommandError(f"Муниципалитет «{municipality}» не найден или найден не один ({len(found)}).")
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        build = AnnualReportBuild.objects.create(
            municipality=found[0],
            year=year,
            parameters={"year": year, "academic": academic, "municipality": found[0].name, "source": "cli"},
        )
        started = time.monotonic()
        # in-process: the operator's shell waits for the files whatever the broker says
        build_annual_report.apply(args=[build.pk], throw=True)
        build.refresh_from_db()
        if build.status != BuildStatus.DONE:
            raise CommandError(f"Отчёт не сформирован: {build.error}")
        paths = []
        for field in (build.xlsx, build.docx):
            target = out_dir / Path(field.name).name
            with field.open("rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            paths.append(target)
        self.stdout.write(f"Готово за {time.monotonic() - started:.2f} с:")
        for p in paths:
            self.stdout.write(f"  {p}")
