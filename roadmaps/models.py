"""Roadmaps (дорожные карты): sections, activities, their schedule of due dates and execution.

A municipal roadmap belongs to a municipality; a school roadmap to one organization (and, for
scoping, to its municipality as well). Execution of a school-level activity is tracked on the
school roadmaps derived from the municipal one, so the coordinator's matrix reads one set of
records and curators never fill the same thing twice.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Municipality, Organization, Role
from accounts.models import local_today as accounts_local_today
from accounts.uploads import ROADMAP_SOURCES, UploadValidator, validate_document


class RoadmapLevel(models.TextChoices):
    MUNICIPAL = "municipal", "Муниципальная"
    SCHOOL = "school", "Образовательной организации"


class RoadmapStatus(models.TextChoices):
    DRAFT = "draft", "Проект"
    APPROVED = "approved", "Утверждена"
    ARCHIVED = "archived", "В архиве"


class Recurrence(models.TextChoices):
    ONCE = "once", "Однократно"
    ANNUAL = "annual", "Ежегодно"
    HALF_YEARLY = "half_yearly", "Раз в полугодие"
    QUARTERLY = "quarterly", "Ежеквартально"
    MONTHLY = "monthly", "Ежемесячно"
    CONTINUOUS = "continuous", "Постоянно"
    AS_NEEDED = "as_needed", "По мере необходимости"
    RELATIVE = "relative", "Относительно события"


def source_upload_to(instance: Roadmap, filename: str) -> str:
    return f"roadmaps/sources/{timezone.now():%Y/%m}/{PurePath(filename).name}"


def evidence_upload_to(instance: ExecutionRecord, filename: str) -> str:
    return f"roadmaps/evidence/{timezone.now():%Y/%m}/{PurePath(filename).name}"


class RoadmapQuerySet(models.QuerySet):
    def municipal(self):
        return self.filter(level=RoadmapLevel.MUNICIPAL)

    def school(self):
        return self.filter(level=RoadmapLevel.SCHOOL)


class Roadmap(models.Model):
    level = models.CharField("уровень", max_length=20, choices=RoadmapLevel.choices, default=RoadmapLevel.MUNICIPAL)
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.PROTECT, related_name="roadmaps"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="roadmaps",
        null=True,
        blank=True,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="создана на основе",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name="новая редакция карты",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newer_versions",
        help_text="Загружена как новая редакция этой дорожной карты (прежняя уходит в архив).",
    )
    is_template = models.BooleanField(
        "типовая дорожная карта",
        default=False,
        help_text="Образец, из которого образовательные организации создают свои дорожные карты.",
    )
    title = models.TextField("название")
    period_start = models.DateField("начало периода")
    period_end = models.DateField("окончание периода")
    order_number = models.CharField("номер приказа", max_length=100, blank=True)
    order_date = models.DateField("дата приказа", null=True, blank=True)
    status = models.CharField("статус", max_length=20, choices=RoadmapStatus.choices, default=RoadmapStatus.DRAFT)
    source_file = models.FileField(
        "исходный файл",
        upload_to=source_upload_to,
        blank=True,
        max_length=300,
        validators=[UploadValidator(ROADMAP_SOURCES)],
    )
    columns = models.JSONField("заголовки столбцов исходной таблицы", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="создал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        verbose_name = "дорожная карта"
        verbose_name_plural = "дорожные карты"
        ordering = ["-period_start", "level", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=RoadmapLevel.MUNICIPAL, organization__isnull=True)
                | Q(level=RoadmapLevel.SCHOOL, organization__isnull=False),
                name="roadmap_owner_matches_level",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="roadmap_period_order"),
        ]
        indexes = [models.Index(fields=["municipality", "level", "status"])]

    def __str__(self) -> str:
        return self.short_title

    @property
    def short_title(self) -> str:
        return self.shorten(self.title)

    @staticmethod
    def shorten(title: str) -> str:
        """The title on one line, at most 90 characters (choice lists, headings)."""
        text = " ".join(title.split())
        return text if len(text) <= 90 else text[:87].rstrip() + "…"

    @property
    def owner(self) -> Municipality | Organization:
        return self.organization if self.level == RoadmapLevel.SCHOOL else self.municipality

    @property
    def period_label(self) -> str:
        start, end = self.period_start, self.period_end
        if start.month == 9 and start.day == 1 and end == dt.date(start.year + 1, 8, 31):
            return f"{start.year}/{end.year} учебный год"
        if start.year == end.year:
            return f"{start.year} год"
        return f"{start.year}–{end.year} гг."

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "Окончание периода раньше его начала."})
        if self.level == RoadmapLevel.SCHOOL and not self.organization_id:
            raise ValidationError({"organization": "У дорожной карты ОО укажите организацию."})
        if self.level == RoadmapLevel.MUNICIPAL and self.organization_id:
            raise ValidationError({"organization": "У муниципальной дорожной карты организация не указывается."})
        if self.organization_id and self.municipality_id and self.organization.municipality_id != self.municipality_id:
            raise ValidationError({"organization": "Организация из другого муниципалитета."})


class Section(models.Model):
    roadmap = models.ForeignKey(
        Roadmap, verbose_name="дорожная карта", on_delete=models.CASCADE, related_name="sections"
    )
    number = models.CharField("номер", max_length=20, blank=True)
    title = models.TextField("название")
    order = models.PositiveIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "раздел"
        verbose_name_plural = "разделы"
        ordering = ["roadmap", "order"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class Activity(models.Model):
    roadmap = models.ForeignKey(
        Roadmap, verbose_name="дорожная карта", on_delete=models.CASCADE, related_name="activities"
    )
    section = models.ForeignKey(
        Section, verbose_name="раздел", on_delete=models.CASCADE, related_name="activities", null=True, blank=True
    )
    # Printed numbers repeat and restart ("1.1", "1.2.", "4.2.1"): kept as text, sorted by `order`.
    number = models.CharField("номер", max_length=30, blank=True)
    order = models.PositiveIntegerField("порядок", default=0)
    title = models.TextField("мероприятие")
    result = models.TextField("ожидаемый результат / вид документа", blank=True)
    deadline_text = models.TextField("сроки (как в документе)", blank=True)
    deadline_parsed = models.BooleanField("сроки распознаны", default=False)
    deadline_note = models.CharField("пояснение к срокам", max_length=300, blank=True)
    recurrence = models.CharField("периодичность", max_length=20, choices=Recurrence.choices, blank=True, default="")
    responsible_text = models.TextField("ответственные (как в документе)", blank=True)
    responsible_roles = models.JSONField("распознанные роли ответственных", default=list, blank=True)
    responsible_organizations = models.ManyToManyField(
        Organization, verbose_name="ответственные организации", blank=True, related_name="roadmap_activities"
    )
    for_schools = models.BooleanField(
        "исполняют образовательные организации",
        default=False,
        help_text="Среди ответственных есть руководители или кураторы ОО: мероприятие входит в дорожные карты ОО.",
    )
    for_municipality = models.BooleanField(
        "исполняет муниципальный уровень",
        default=False,
        help_text="Среди ответственных есть управление образования, координаторы или методический центр.",
    )
    participants_text = models.TextField("участники", blank=True)
    indicator_text = models.TextField("показатель реализации (как в документе)", blank=True)
    source_activity = models.ForeignKey(
        "self",
        verbose_name="мероприятие муниципальной карты",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["roadmap", "order"]
        indexes = [models.Index(fields=["roadmap", "order"])]

    def __str__(self) -> str:
        text = " ".join(self.title.split())
        return f"{self.number} {text[:80]}".strip()

    @property
    def has_manual_dates(self) -> bool:
        return any(d.origin == DueDate.Origin.MANUAL for d in self.due_dates.all())

    @property
    def needs_attention(self) -> bool:
        """Prose nobody could turn into dates, and no person has set them by hand yet."""
        if self.deadline_parsed and self.recurrence != Recurrence.RELATIVE:
            return False
        return not self.due_dates.all()

    @property
    def responsible_lines(self) -> list[str]:
        return [line for line in self.responsible_text.split("\n") if line.strip()]

    @property
    def responsible_role_labels(self) -> list[str]:
        return [Role(r).label for r in self.responsible_roles if r in Role.values]


class DueDate(models.Model):
    class Origin(models.TextChoices):
        PARSED = "parsed", "Из текста сроков"
        MANUAL = "manual", "Указана вручную"

    activity = models.ForeignKey(
        Activity, verbose_name="мероприятие", on_delete=models.CASCADE, related_name="due_dates"
    )
    date = models.DateField("срок")
    origin = models.CharField("источник", max_length=10, choices=Origin.choices, default=Origin.PARSED)

    class Meta:
        verbose_name = "срок исполнения"
        verbose_name_plural = "сроки исполнения"
        ordering = ["activity", "date"]
        constraints = [models.UniqueConstraint(fields=["activity", "date"], name="due_date_unique_per_activity")]
        # reminders, the dashboard and the annual report select records by due date across a
        # municipality: without it each of those read all 83,000 due dates of a region
        indexes = [models.Index(fields=["date"], name="due_date_date_idx")]

    def __str__(self) -> str:
        return self.date.strftime("%d.%m.%Y")

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:  # the records keep this date (ExecutionRecord.due_on): a changed date follows
            self.records.exclude(due_on=self.date).update(due_on=self.date)


class Indicator(models.Model):
    """Per-year target of an activity ("2026 г. – 60") and what was actually reached."""

    class Metric(models.TextChoices):
        MANUAL = "manual", "Вводится вручную"
        SCHOOL_ROADMAPS = "school_roadmaps", "ОО с утверждённой дорожной картой"
        DONE_ORGANIZATIONS = "done_organizations", "ОО, выполнившие мероприятие в этом году"

    activity = models.ForeignKey(
        Activity, verbose_name="мероприятие", on_delete=models.CASCADE, related_name="indicators"
    )
    year = models.PositiveSmallIntegerField("год")
    target = models.DecimalField("плановое значение", max_digits=12, decimal_places=2)
    metric = models.CharField("как считается факт", max_length=30, choices=Metric.choices, default=Metric.MANUAL)
    actual_manual = models.DecimalField(
        "фактическое значение (вручную)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    evidence = models.CharField("подтверждение факта", max_length=500, blank=True)

    class Meta:
        verbose_name = "целевой показатель"
        verbose_name_plural = "целевые показатели"
        ordering = ["activity", "year"]
        constraints = [models.UniqueConstraint(fields=["activity", "year"], name="indicator_unique_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.target:g}"


class ExecutionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Не начато"
    IN_PROGRESS = "in_progress", "Выполняется"
    DONE = "done", "Выполнено"


class ExecutionState(models.TextChoices):
    """What the user sees: the stored status plus "overdue", which is derived from dates."""

    NOT_DUE = "not_due", "Срок не наступил"
    IN_PROGRESS = "in_progress", "Выполняется"
    DONE = "done", "Выполнено"
    OVERDUE = "overdue", "Просрочено"


class ExecutionRecord(models.Model):
    """One due date of one activity for one organization (or for the municipality itself)."""

    activity = models.ForeignKey(Activity, verbose_name="мероприятие", on_delete=models.CASCADE, related_name="records")
    due = models.ForeignKey(DueDate, verbose_name="срок", on_delete=models.CASCADE, related_name="records")
    # the due date's own date, kept on the record (save() fills it, DueDate.save() follows a change):
    # lists and counts of a municipality's or a school's records by date then read only their rows
    # through (municipality, due_on) / (organization, due_on), instead of walking every due date
    # of the region in date order and joining the records back. Empty only in history rows older
    # than the column whose due date is gone (the migration fills every live record).
    due_on = models.DateField("срок", editable=False, null=True)
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="roadmap_records"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        on_delete=models.CASCADE,
        related_name="roadmap_records",
        null=True,
        blank=True,
        help_text="Пусто — исполняет муниципальный уровень.",
    )
    status = models.CharField(
        "статус", max_length=20, choices=ExecutionStatus.choices, default=ExecutionStatus.NOT_STARTED
    )
    completed_on = models.DateField("дата выполнения", null=True, blank=True)
    evidence_file = models.FileField(
        "файл-подтверждение", upload_to=evidence_upload_to, blank=True, max_length=300, validators=[validate_document]
    )
    evidence_url = models.URLField("ссылка", blank=True, max_length=500)
    document_number = models.CharField("номер документа", max_length=100, blank=True)
    document_date = models.DateField("дата документа", null=True, blank=True)
    comment = models.TextField("комментарий", blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="отметил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField("когда отмечено", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "исполнение мероприятия"
        verbose_name_plural = "исполнение мероприятий"
        ordering = ["due_on", "activity__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["due", "organization"],
                condition=Q(organization__isnull=False),
                name="execution_unique_per_organization",
            ),
            models.UniqueConstraint(
                fields=["due"], condition=Q(organization__isnull=True), name="execution_unique_municipal"
            ),
            models.CheckConstraint(
                condition=~Q(status=ExecutionStatus.DONE) | Q(completed_on__isnull=False),
                name="execution_done_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["organization", "due_on"], name="execution_org_due_idx"),
            models.Index(fields=["municipality", "due_on"], name="execution_mun_due_idx"),
        ]

    def __str__(self) -> str:
        # ids, not related objects: historical copies and half-built rows must print too
        return f"Исполнение №{self.pk or '—'}: мероприятие {self.activity_id}, срок {self.due_id}"

    def save(self, *args, **kwargs) -> None:
        if self.due_on is None and self.due_id is not None:
            self.due_on = self.due.date
        super().save(*args, **kwargs)

    @property
    def due_date(self) -> dt.date:
        return self.due_on if self.due_on is not None else self.due.date

    def state(self, today: dt.date) -> str:
        return execution_state(self.status, self.due_date, today)

    def state_for_municipality(self) -> str:
        return self.state(local_today(self.municipality))

    @property
    def on_time(self) -> bool:
        return (
            self.status == ExecutionStatus.DONE and self.completed_on is not None and self.completed_on <= self.due_date
        )

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_file or self.evidence_url or self.document_number)


# Today where the municipality is: one definition, in accounts.models (re-exported here).
local_today = accounts_local_today


def execution_state(status: str, due_date: dt.date, today: dt.date) -> str:
    if status == ExecutionStatus.DONE:
        return ExecutionState.DONE
    if due_date < today:
        return ExecutionState.OVERDUE
    if status == ExecutionStatus.IN_PROGRESS:
        return ExecutionState.IN_PROGRESS
    return ExecutionState.NOT_DUE


class LaggardReminder(models.Model):
    """«Напомнить отстающим» from the matrix: an organization behind was reminded on a local date.

    The unique key (organization, date) makes the action exactly once a day per organization: a
    double click or two coordinators at once insert the same key, and only the insert that
    succeeds sends the reminder.
    """

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="laggard_reminders"
    )
    date = models.DateField("дата (местная)")
    roadmap = models.ForeignKey(
        Roadmap, verbose_name="дорожная карта", on_delete=models.CASCADE, related_name="laggard_reminders"
    )
    overdue = models.PositiveIntegerField("просрочено мероприятий", default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто напомнил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "напоминание отстающей организации"
        verbose_name_plural = "напоминания отстающим организациям"
        ordering = ["-date", "organization"]
        constraints = [models.UniqueConstraint(fields=["organization", "date"], name="laggard_reminder_once_a_day")]

    def __str__(self) -> str:
        return f"Напоминание от {self.date:%d.%m.%Y}"
