"""Personal data under 152-ФЗ: anonymization on consent withdrawal or after the retention period,
and the destruction act (акт об уничтожении персональных данных) that proves it.

Anonymization keeps the person's row, pairs, meetings and history (so counts and reports stay
right) and blanks every field that identifies the person — in the row and in its history too, or
the history would keep what was destroyed. The act carries an extract of the event log.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import local_today
from mentorship.models import Consent, DestructionAct, DestructionReason, Person

ANONYMIZED_LAST_NAME = "Обезличен"
# what identifies a person in our data; position, category, subjects and experience stay for reports
PERSON_FIELDS = {
    "middle_name": "",
    "email": "",
    "phone": "",
    "awards": "",
    "requests": "",
    "deficits_note": "",
    "grade": "",
    "training": "",
}
DATA_CATEGORIES = (
    "фамилия, имя, отчество; адрес электронной почты; номер телефона; класс (группа); награды; "
    "профессиональные запросы и результаты диагностики (свободный текст); сведения об обучении; "
    "ФИО законного представителя и скан согласия"
)


def retention_days() -> int:
    return int(getattr(settings, "PERSONAL_DATA_RETENTION_DAYS", 365))


def people_past_retention(*, today: dt.date | None = None) -> QuerySet[Person]:
    """People who left the program longer ago than the retention period and are not yet anonymized."""
    today = today or local_today()  # every municipality's people: the site's date
    cutoff = today - dt.timedelta(days=retention_days())
    return Person.objects.filter(is_active=False, left_on__lt=cutoff, anonymized_at__isnull=True)


def people_without_valid_consent(queryset: QuerySet[Person]) -> QuerySet[Person]:
    valid = Consent.objects.filter(person=OuterRef("pk"), withdrawn_on__isnull=True)
    return queryset.filter(anonymized_at__isnull=True).exclude(Exists(valid))


def _anonymize(person: Person, now: dt.datetime) -> None:
    from mentorship.participants import participant_account_close

    participant_account_close(person=person)  # the participant's own account closes with the data
    person.last_name = ANONYMIZED_LAST_NAME
    person.first_name = f"№ {person.pk}"
    for field, blank in PERSON_FIELDS.items():
        setattr(person, field, blank)
    person.anonymized_at = now
    person.is_active = False
    person.save()  # writes the history row that records the anonymization and who did it
    scrub = {"last_name": ANONYMIZED_LAST_NAME, "first_name": f"№ {person.pk}", **PERSON_FIELDS}
    Person.history.filter(id=person.pk).update(**scrub)
    for consent in person.consents.all():
        if consent.scan:
            consent.scan.delete(save=False)
        Consent.objects.filter(pk=consent.pk).update(representative_name="", scan="")
    Consent.history.filter(person_id=person.pk).update(representative_name="", scan="")


def _log_extract(people: list[Person], since: dt.datetime) -> list[dict]:
    """The events that prove the destruction: consent changes and the anonymization itself."""
    ids = [p.pk for p in people]
    rows = []
    for record in Consent.history.filter(person_id__in=ids).select_related("history_user").order_by("history_date"):
        if record.withdrawn_on:
            rows.append(
                {
                    "when": record.history_date.isoformat(),
                    "user": _user(record.history_user),
                    "subject": record.person_id,
                    "event": f"Согласие отозвано {record.withdrawn_on:%d.%m.%Y}",
                }
            )
    for record in (
        Person.history.filter(id__in=ids, history_date__gte=since, anonymized_at__isnull=False)
        .select_related("history_user")
        .order_by("history_date")
    ):
        rows.append(
            {
                "when": record.history_date.isoformat(),
                "user": _user(record.history_user),
                "subject": record.id,
                "event": "Персональные данные обезличены",
            }
        )
    rows.sort(key=lambda row: row["when"])
    return rows


def _user(user) -> str:
    return (user.get_full_name() or user.username) if user else "система (автоматически)"


def _next_number(now: dt.datetime) -> str:
    prefix = f"{now:%Y}-"
    last = (
        DestructionAct.objects.filter(number__startswith=prefix)
        .order_by("-pk")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


@transaction.atomic
def people_anonymize(*, people: Iterable[Person], reason: str, user=None) -> list[DestructionAct]:
    """Anonymize people and write one destruction act per organization."""
    now = timezone.now()
    by_org: dict[int, list[Person]] = defaultdict(list)
    for person in (
        Person.objects.select_for_update()
        .filter(pk__in=[p.pk for p in people], anonymized_at__isnull=True)
        .select_related("organization")
    ):
        by_org[person.organization_id].append(person)
    acts = []
    for people_of_org in by_org.values():
        for person in people_of_org:
            _anonymize(person, now)
        act = DestructionAct.objects.create(
            number=_next_number(now),
            organization=people_of_org[0].organization,
            reason=reason,
            data_categories=DATA_CATEGORIES,
            log_extract=_log_extract(people_of_org, now),
            created_by=user if user is not None and user.is_authenticated else None,
        )
        act.people.set(people_of_org)
        act.document.save(f"akt-{act.number}.docx", ContentFile(destruction_act_docx(act)), save=True)
        acts.append(act)
    return acts


def anonymize_on_withdrawal(*, person: Person, user=None) -> DestructionAct | None:
    """After a withdrawal: anonymize unless another valid consent is still on file."""
    if person.anonymized_at or person.consents.filter(withdrawn_on__isnull=True).exists():
        return None
    acts = people_anonymize(people=[person], reason=DestructionReason.CONSENT_WITHDRAWN, user=user)
    return acts[0] if acts else None


def destruction_act_docx(act: DestructionAct) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    organization = act.organization
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(f"АКТ № {act.number}\nоб уничтожении персональных данных").bold = True
    created = timezone.localtime(act.created_at)
    document.add_paragraph(f"Дата: {created:%d.%m.%Y}. Оператор: {organization.full_name}.")
    document.add_paragraph(f"Основание: {act.get_reason_display()}.")
    document.add_paragraph(
        "Способ уничтожения: обезличивание записей в информационной системе «Наставник» "
        "(включая историю изменений) и удаление файлов сканов согласий; агрегированные "
        "показатели сохранены без возможности определить субъекта."
    )
    document.add_paragraph(f"Уничтоженные категории персональных данных: {act.data_categories}.")
    people = list(act.people.all().order_by("pk"))
    document.add_paragraph(f"Количество субъектов персональных данных: {len(people)}.")
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Идентификатор субъекта", "Категория", "Дата выбытия"), strict=True):
        cell.text = text
    for person in people:
        row = table.add_row().cells
        row[0].text = f"№ {person.pk}"
        row[1].text = (
            person.get_kind_display()
            + (" (наставник)" if person.is_mentor else "")
            + (" (наставляемый)" if person.is_mentee else "")
        )
        row[2].text = f"{person.left_on:%d.%m.%Y}" if person.left_on else "—"
    document.add_paragraph()
    document.add_paragraph("Выписка из журнала регистрации событий информационной системы:").runs[0].bold = True
    log = document.add_table(rows=1, cols=4)
    log.style = "Table Grid"
    for cell, text in zip(log.rows[0].cells, ("Дата и время", "Пользователь", "Субъект", "Событие"), strict=True):
        cell.text = text
    for row in act.log_extract:
        cells = log.add_row().cells
        when = timezone.localtime(dt.datetime.fromisoformat(row["when"]))
        cells[0].text = f"{when:%d.%m.%Y %H:%M:%S}"
        cells[1].text = row["user"]
        cells[2].text = f"№ {row['subject']}"
        cells[3].text = row["event"]
    document.add_paragraph()
    executor = _user(act.created_by)
    document.add_paragraph(f"Уничтожение выполнил: {executor}  ____________ (подпись)")
    document.add_paragraph(f"Руководитель: {organization.head_name or '____________'}  ____________ (подпись)")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def retention_schedule_sync():
    """A nightly beat schedule for the retention sweep (created with the reminder schedules)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE
    )
    task, _ = PeriodicTask.objects.update_or_create(
        name="Персональные данные: обезличивание по истечении срока хранения",
        defaults={
            "task": "mentorship.anonymize_expired",
            "crontab": crontab,
            "interval": None,
            "enabled": True,
            "description": "Создано командой setup_periodic_tasks.",
        },
    )
    return task
