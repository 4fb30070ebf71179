import datetime as dt
import json
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import CommandError
from django.db import transaction

from accounts.commands import SafeCommand
from accounts.models import Municipality, Organization
from roadmaps import services
from roadmaps.deadlines import CHECKPOINTS
from roadmaps.importers import RoadmapImportError
from roadmaps.upload import read_safely


class _DryRun(Exception):
    pass


class Command(SafeCommand):
    help = "Загружает дорожную карту из .docx или .xlsx (--dry-run: только показать, что распознано)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--municipality", required=True, help="название или краткое название муниципалитета")
        parser.add_argument("--organization", help="краткое наименование организации (для дорожной карты ОО)")
        parser.add_argument("--template", action="store_true", help="типовая дорожная карта")
        parser.add_argument("--dry-run", action="store_true", help="ничего не записывать")
        parser.add_argument("--json", action="store_true", help="вывести распознанную структуру в JSON и ничего больше")
        parser.add_argument("--period", help="период дорожной карты, если в документе его нет: ДД.ММ.ГГГГ-ДД.ММ.ГГГГ")
        parser.add_argument(
            "--checkpoints",
            choices=sorted(CHECKPOINTS),
            default=None,
            help="контрольные точки постоянных мероприятий: year, half, quarter (по умолчанию — как задано у муниципалитета)",
        )

    def handle(
        self,
        *args,
        path,
        municipality,
        organization=None,
        template=False,
        dry_run=False,
        json=False,
        period=None,
        checkpoints=None,
        **options,
    ):
        as_json = json
        period_dates = _period(period) if period else None
        try:
            muni = Municipality.objects.get(name__iexact=municipality)
        except Municipality.DoesNotExist:
            muni = Municipality.objects.filter(short_name__iexact=municipality).first()
        if muni is None:
            raise CommandError(f"Муниципалитет «{municipality}» не найден.")
        org = None
        if organization:
            org = Organization.objects.filter(municipality=muni, short_name__iexact=organization).first()
            if org is None:
                raise CommandError(f"Организация «{organization}» не найдена в муниципалитете «{muni}».")
        try:
            with open(path, "rb") as fh:
                content = fh.read()
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            raise CommandError(f"Файл не найден или не читается: {path}") from None
        checkpoints = checkpoints or muni.roadmap_checkpoints
        try:
            document = read_safely(content, path.rsplit("/", 1)[-1], period=period_dates, checkpoints=checkpoints)
        except RoadmapImportError as exc:
            raise CommandError(str(exc)) from None
        created = None
        if document.needs_period and not dry_run:
            raise CommandError(
                "Период дорожной карты не найден в документе: укажите его, например --period 01.09.2025-31.08.2026."
            )
        try:
            if document.needs_period:
                raise _DryRun  # nothing to try writing without a period
            with transaction.atomic():
                with open(path, "rb") as fh:
                    created = services.roadmap_import(
                        document=document,
                        user=None,
                        municipality=muni,
                        organization=org,
                        source_file=None if dry_run else File(fh),
                        source_name=path.rsplit("/", 1)[-1],
                        is_template=template,
                    )
                if dry_run:
                    raise _DryRun
        except _DryRun:
            created = None
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        if as_json:
            self.stdout.write(_dumps(document.to_json()))
            return
        for warning in document.warnings:
            self.stderr.write(f"Внимание: {warning}")
        summary = f"разделов {len(document.sections)}, мероприятий {document.activity_count}"
        if created is None and document.needs_period:
            self.stdout.write(f"Проверка без записи: {summary}. Период не найден.")
        elif created is None:
            self.stdout.write(
                f"Проверка без записи: {summary}. Период {document.period_start:%d.%m.%Y}–{document.period_end:%d.%m.%Y}."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Загружено (id {created.pk}): {summary}."))


def _period(text: str) -> tuple[dt.date, dt.date]:
    parts = re.findall(r"\d{1,2}\.\d{1,2}\.\d{4}", text)
    try:
        start, end = (dt.datetime.strptime(p, "%d.%m.%Y").date() for p in parts)
    except ValueError:
        raise CommandError("Период укажите так: --period 01.09.2025-31.08.2026.") from None
    if end < start:
        raise CommandError("Окончание периода раньше его начала.")
    return start, end


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
