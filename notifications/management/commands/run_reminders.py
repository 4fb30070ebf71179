import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from accounts.models import Municipality
from notifications import services


class Command(BaseCommand):
    help = (
        "Рассылает напоминания синхронно, как если бы сегодня было --date (по местному времени каждого "
        'муниципалитета). Последняя строка вывода — JSON {"total": N, "by_kind": {...}}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="дата ГГГГ-ММ-ДД (по умолчанию — местная «сегодня» муниципалитета)")
        parser.add_argument("--municipality", help="название (или краткое название) муниципалитета")

    def handle(self, *args, date=None, municipality=None, **options):
        day = None
        if date:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError("--date: ожидается ГГГГ-ММ-ДД, например 2026-11-23.") from None
        qs = Municipality.objects.order_by("pk")
        if municipality:
            qs = qs.filter(Q(name__iexact=municipality) | Q(short_name__iexact=municipality))
            if not qs.exists():
                raise CommandError(f"Муниципалитет «{municipality}» не найден.")
        total = 0
        by_kind: dict[str, int] = {}
        for item in qs:
            today = day or services.local_today(item)
            result = services.sweep_run(municipality=item, today=today, kinds=services.kinds_for_date(item, today))
            self.stdout.write(
                f"{item.name}, {today:%d.%m.%Y}: поставлено {result.claimed}, отправлено {result.total}, "
                f"отказ получателя {result.skipped}, ошибок {result.failed}, повторить позже {result.transient}"
            )
            total += result.total
            for kind, count in result.sent.items():
                by_kind[kind] = by_kind.get(kind, 0) + count
        self.stdout.write(json.dumps({"total": total, "by_kind": dict(sorted(by_kind.items()))}, ensure_ascii=False))
