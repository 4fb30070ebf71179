import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from accounts.plurals import count_noun
from mentorship.models import DestructionReason
from mentorship.privacy import people_anonymize, people_past_retention, retention_days


class Command(BaseCommand):
    help = (
        "Обезличивает персональные данные участников, выбывших из программы раньше срока хранения "
        "(PERSONAL_DATA_RETENTION_DAYS), и составляет акты об уничтожении (по одному на организацию)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="считать сегодняшней эту дату (ГГГГ-ММ-ДД)")
        parser.add_argument("--dry-run", action="store_true", help="только показать, кого это коснётся")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"Дата «{options['date']}» не в формате ГГГГ-ММ-ДД.") from None
        people = list(people_past_retention(today=today).select_related("organization"))
        if options["dry_run"]:
            self.stdout.write(f"Срок хранения {count_noun(retention_days(), 'день')}; к обезличиванию: {len(people)}.")
            for person in people:
                self.stdout.write(f"  № {person.pk} {person.organization.short_name}, выбыл {person.left_on:%d.%m.%Y}")
            return
        acts = people_anonymize(people=people, reason=DestructionReason.RETENTION_EXPIRED)
        self.stdout.write(json.dumps({"anonymized": len(people), "acts": [a.number for a in acts]}, ensure_ascii=False))
