"""Notification center, the sent-key log that makes reminders exactly-once, preferences and settings."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import Municipality, Organization
from notifications.kinds import Kind

DEFAULT_DAYS_BEFORE = "7, 1"


def parse_days_before(text: str) -> list[int]:
    """ "7, 1" → [7, 1]; raises ValueError on anything but positive whole numbers."""
    days = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        value = int(part)
        if value < 1 or value > 365:
            raise ValueError(part)
        days.append(value)
    return sorted(set(days), reverse=True)


def validate_days_before(value: str) -> None:
    try:
        parse_days_before(value)
    except ValueError:
        raise ValidationError("Перечислите через запятую целые числа дней от 1 до 365, например: 7, 1.") from None


class ReminderSettings(models.Model):
    """Per-municipality rules: when to remind and at what local hour the daily sweep runs."""

    class Weekday(models.IntegerChoices):
        # numbering of celery's crontab: 0 = Sunday
        MONDAY = 1, "понедельник"
        TUESDAY = 2, "вторник"
        WEDNESDAY = 3, "среда"
        THURSDAY = 4, "четверг"
        FRIDAY = 5, "пятница"

    municipality = models.OneToOneField(
        Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="reminder_settings"
    )
    enabled = models.BooleanField("напоминания включены", default=True)
    days_before = models.CharField(
        "напоминать за (дней до срока)",
        max_length=100,
        default=DEFAULT_DAYS_BEFORE,
        validators=[validate_days_before],
        help_text="Через запятую, например: 7, 1.",
    )
    escalation_days = models.PositiveSmallIntegerField(
        "эскалация координатору после просрочки, дней",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    send_hour = models.PositiveSmallIntegerField(
        "час ежедневной рассылки (местное время)", default=9, validators=[MaxValueValidator(23)]
    )
    digest_weekday = models.PositiveSmallIntegerField(
        "день еженедельной сводки", choices=Weekday.choices, default=Weekday.MONDAY
    )

    class Meta:
        verbose_name = "настройки напоминаний"
        verbose_name_plural = "настройки напоминаний"

    def __str__(self) -> str:
        return f"Напоминания: {self.municipality}"

    @property
    def days_before_list(self) -> list[int]:
        try:
            return parse_days_before(self.days_before)
        except ValueError:
            return parse_days_before(DEFAULT_DAYS_BEFORE)

    @property
    def digest_isoweekday(self) -> int:
        return self.digest_weekday or 7


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Ожидает отправки"
    SENDING = "sending", "Отправка не подтверждена"
    SENT = "sent", "Отправлено"
    SKIPPED = "skipped", "Не отправлено: отказ получателя"
    FAILED = "failed", "Ошибка отправки"


class ReminderLog(models.Model):
    """One reminder to one person: the key is claimed (inserted) before anything is sent.

    The unique constraint is what makes a retried, duplicated or concurrent sweep harmless: the
    second insert of the same key does nothing, and only the sweep that moves a row from
    `pending` to `sending` with a conditional update delivers it.
    """

    object_type = models.CharField("тип объекта", max_length=60)
    object_id = models.PositiveBigIntegerField("id объекта")
    kind = models.CharField("вид", max_length=40, choices=Kind.choices)
    date = models.DateField("дата (местная)")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="получатель", on_delete=models.CASCADE, related_name="reminders"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="reminder_logs"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        on_delete=models.CASCADE,
        related_name="reminder_logs",
        null=True,
        blank=True,
    )
    title = models.CharField("заголовок", max_length=300)
    message = models.TextField("текст")
    path = models.CharField("ссылка", max_length=500, blank=True)
    due_date = models.DateField("срок", null=True, blank=True)
    status = models.CharField("статус", max_length=20, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    send_email = models.BooleanField("по e-mail", default=True)
    email_sent = models.BooleanField("письмо отправлено", default=False)
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    error = models.TextField("ошибка", blank=True)
    created_at = models.DateTimeField("поставлено", auto_now_add=True)
    sending_at = models.DateTimeField("начало отправки", null=True, blank=True)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)

    class Meta:
        verbose_name = "отправленное напоминание"
        verbose_name_plural = "журнал напоминаний"
        ordering = ["-date", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id", "kind", "date", "recipient"], name="reminder_log_unique_key"
            ),
        ]
        # (municipality, date) serves every read of the log: the sweep's pending rows, the sent log
        # page. No index on the status: each letter updates its row twice (sending, sent), and an
        # indexed status made each update write every index again (a quarter of the sweep's
        # database time of delivery)
        indexes = [models.Index(fields=["municipality", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.recipient} — {self.date:%d.%m.%Y}"

    @property
    def key(self) -> str:
        return f"{self.object_type}:{self.object_id}:{self.kind}:{self.date.isoformat()}:{self.recipient_id}"


class Notification(models.Model):
    """An item of a user's notification center (the bell)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="получатель", on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.OneToOneField(
        ReminderLog,
        verbose_name="напоминание",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification",
    )
    kind = models.CharField("вид", max_length=40, choices=Kind.choices)
    title = models.CharField("заголовок", max_length=300)
    message = models.TextField("текст")
    path = models.CharField("ссылка", max_length=500, blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's opt-out of one kind; no row means both channels are on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField("вид", max_length=40, choices=Kind.choices)
    in_app = models.BooleanField("в системе", default=True)
    email = models.BooleanField("по e-mail", default=True)

    class Meta:
        verbose_name = "настройка уведомлений пользователя"
        verbose_name_plural = "настройки уведомлений пользователей"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique"),
            models.CheckConstraint(
                condition=Q(in_app=True) | Q(email=False), name="notification_preference_email_needs_app"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"


class SweepDay(models.Model):
    """A municipality's daily sweep that ran to the end for a local date.

    The next sweep catches up the days after the last of these (up to NOTIFICATIONS_CATCHUP_DAYS):
    overdue and escalation reminders that were due on a day no sweep ran are sent then, once each.
    """

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="sweep_days"
    )
    date = models.DateField("дата (местная)")
    completed_at = models.DateTimeField("завершена")
    caught_up = models.PositiveSmallIntegerField("дней наверстано", default=0)

    class Meta:
        verbose_name = "проведённая рассылка"
        verbose_name_plural = "проведённые рассылки"
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["municipality", "date"], name="sweep_day_unique")]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.date:%d.%m.%Y}"
