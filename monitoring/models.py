"""Monitoring: campaigns and their assignments, questionnaires, school reports, effectiveness,
annual report builds and website checks.

A campaign belongs to a municipality (municipal-level data) and creates one assignment per covered
organization; assignments carry the workflow (draft → submitted → accepted | returned) so the
reporting rate of every kind of campaign is read from one table.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Municipality, Organization


class CampaignKind(models.TextChoices):
    ACCOUNTING = "accounting", "Ежеквартальный персонифицированный учёт"
    QUALITY = "quality", "Анкетирование: качество реализации программ (ежеквартально)"
    ENTRY = "entry", "Входная оценка роста участников (сентябрь)"
    FINAL = "final", "Итоговая оценка роста участников (май)"
    ANNUAL = "annual", "Информационная справка ОО (ежегодно)"


REPORT_KINDS = (CampaignKind.ACCOUNTING, CampaignKind.ANNUAL)
QUESTIONNAIRE_KINDS = (CampaignKind.QUALITY, CampaignKind.ENTRY, CampaignKind.FINAL)


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Подготовка"
    OPEN = "open", "Идёт сбор"
    CLOSED = "closed", "Завершена"


class Audience(models.TextChoices):
    MENTOR = "mentor", "Наставники"
    MENTEE = "mentee", "Наставляемые"
    ALL = "all", "Все участники"


class Questionnaire(models.Model):
    """A form built in the admin; standard ones are shipped by a data migration."""

    class Purpose(models.TextChoices):
        QUALITY = "quality", "Качество процесса и удовлетворённость"
        GROWTH = "growth", "Самооценка роста (входная и итоговая)"

    title = models.CharField("название", max_length=300, unique=True)
    purpose = models.CharField("назначение", max_length=20, choices=Purpose.choices, default=Purpose.QUALITY)
    audience = models.CharField("кто заполняет", max_length=10, choices=Audience.choices, default=Audience.ALL)
    description = models.TextField("пояснение для участника", blank=True)
    is_standard = models.BooleanField("стандартная", default=False)
    is_active = models.BooleanField("используется", default=True)
    is_anonymous = models.BooleanField(
        "анонимная",
        default=False,
        help_text=(
            "Ответы хранятся отдельно от участника: куратор, координатор и методист видят только, "
            "кто заполнил анкету, и сводные результаты, но не ответы конкретного человека."
        ),
    )

    class Meta:
        verbose_name = "анкета"
        verbose_name_plural = "анкеты"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SCALE = "scale", "Шкала 1–10"
    SINGLE = "single", "Один вариант"
    MULTIPLE = "multiple", "Несколько вариантов"
    TEXT = "text", "Свободный ответ"


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name="анкета", on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField("порядок", default=0)
    text = models.TextField("вопрос")
    kind = models.CharField("тип ответа", max_length=10, choices=QuestionKind.choices, default=QuestionKind.SCALE)
    options = models.TextField("варианты ответа", blank=True, help_text="По одному варианту в строке (для выбора).")
    required = models.BooleanField("обязательный", default=True)
    # growth questionnaires group items by dimension; entry vs final is compared per dimension
    dimension = models.CharField(
        "направление оценки",
        max_length=100,
        blank=True,
        help_text="Например: мотивационно-личностный, компетентностный, профессиональный рост.",
    )

    class Meta:
        verbose_name = "вопрос"
        verbose_name_plural = "вопросы"
        ordering = ["questionnaire", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(self.option_list) < 2:
            raise ValidationError({"options": "Для вопроса с выбором укажите не меньше двух вариантов."})


class Campaign(models.Model):
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.PROTECT, related_name="monitoring_campaigns"
    )
    kind = models.CharField("вид", max_length=20, choices=CampaignKind.choices)
    title = models.CharField("название", max_length=300)
    period_start = models.DateField("период: с")
    period_end = models.DateField("период: по")
    deadline = models.DateField("срок сдачи")
    # the end of the deadline day in the municipality's zone, stored so SQL can count "on time"
    due_at = models.DateTimeField("сдать до", editable=False, null=True)
    organizations = models.ManyToManyField(
        Organization, verbose_name="охваченные организации", related_name="monitoring_campaigns", blank=True
    )
    questionnaires = models.ManyToManyField(Questionnaire, verbose_name="анкеты", blank=True, related_name="campaigns")
    status = models.CharField("статус", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="создал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    opened_at = models.DateTimeField("открыта", null=True, blank=True)

    class Meta:
        verbose_name = "кампания мониторинга"
        verbose_name_plural = "кампании мониторинга"
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="monitoring_campaign_period_order"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "kind", "deadline"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.deadline and self.municipality_id:
            self.due_at = self.deadline_end
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "due_at"}
        super().save(*args, **kwargs)

    @property
    def is_report(self) -> bool:
        return self.kind in REPORT_KINDS

    @property
    def is_questionnaire(self) -> bool:
        return self.kind in QUESTIONNAIRE_KINDS

    @property
    def deadline_end(self) -> dt.datetime:
        """The end of the deadline day where the municipality is (Norilsk's day ends before Moscow's)."""
        tz = self.municipality.tzinfo
        return dt.datetime.combine(self.deadline + dt.timedelta(days=1), dt.time.min, tzinfo=tz)

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "Окончание периода раньше его начала."})


class AssignmentStatus(models.TextChoices):
    DRAFT = "draft", "Не сдан"
    SUBMITTED = "submitted", "На проверке"
    RETURNED = "returned", "Возвращён на доработку"
    ACCEPTED = "accepted", "Принят"


class Assignment(models.Model):
    """What one organization owes a campaign: its report or the questionnaires of its participants."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="кампания", on_delete=models.CASCADE, related_name="assignments"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, related_name="monitoring_assignments"
    )
    status = models.CharField("статус", max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.DRAFT)
    # the first submission decides "on time": a return and resubmission does not make it late
    first_submitted_at = models.DateTimeField("впервые сдан", null=True, blank=True)
    submitted_at = models.DateTimeField("сдан", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="сдал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("проверен", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="проверил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    return_comment = models.TextField("замечания при возврате", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "задание организации"
        verbose_name_plural = "задания организаций"
        ordering = ["campaign", "organization__short_name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "organization"], name="monitoring_assignment_once")]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.organization}"

    @property
    def is_locked(self) -> bool:
        return self.status in (AssignmentStatus.SUBMITTED, AssignmentStatus.ACCEPTED)


class SchoolReport(models.Model):
    """Информационная справка: indicators taken from the data plus what the data cannot tell."""

    assignment = models.OneToOneField(
        Assignment, verbose_name="задание", on_delete=models.CASCADE, related_name="report"
    )
    # filled automatically (refreshed while the report is a draft, frozen once submitted)
    mentors = models.PositiveIntegerField("наставников", default=0)
    mentees = models.PositiveIntegerField("наставляемых", default=0)
    pairs = models.PositiveIntegerField("действующих пар и групп", default=0)
    pairs_by_form = models.JSONField("пары по формам наставничества", default=dict, blank=True)
    programs = models.PositiveIntegerField("персонализированных программ", default=0)
    young_total = models.PositiveIntegerField("молодых специалистов", default=0)
    young_covered = models.PositiveIntegerField("молодых специалистов в парах", default=0)
    meetings = models.PositiveIntegerField("встреч проведено за период", default=0)
    roadmap_due = models.PositiveIntegerField("мероприятий дорожной карты со сроком в периоде", default=0)
    roadmap_on_time = models.PositiveIntegerField("из них выполнено в срок", default=0)
    computed_at = models.DateTimeField("показатели рассчитаны", null=True, blank=True)
    # typed by the curator
    local_acts = models.BooleanField("локальные акты о наставничестве приняты", default=False)
    local_acts_list = models.TextField("перечень локальных актов (номер, дата)", blank=True)
    website_url = models.URLField("ссылка на раздел сайта о наставничестве", blank=True, max_length=500)
    achievements = models.TextField("результаты и лучшие практики", blank=True)
    problems = models.TextField("проблемы и предложения", blank=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "computed_at"])

    class Meta:
        verbose_name = "информационная справка ОО"
        verbose_name_plural = "информационные справки ОО"

    def __str__(self) -> str:
        return f"Справка: {self.assignment}"

    @property
    def young_share(self) -> int | None:
        return round(100 * self.young_covered / self.young_total) if self.young_total else None

    @property
    def roadmap_share(self) -> int | None:
        return round(100 * self.roadmap_on_time / self.roadmap_due) if self.roadmap_due else None


class Response(models.Model):
    """One participant's questionnaire in a campaign (the per-participant assignment).

    For an anonymous questionnaire the participant's row records only that (and when) they
    answered; the answers go to a separate row with no person ("answer sheet": `person` empty,
    `submitted_at` only the day, no `filled_by`), so nothing links an answer to a human.
    Every aggregate over Answer works the same for both; per-person reads skip the sheets.
    """

    assignment = models.ForeignKey(
        Assignment, verbose_name="задание", on_delete=models.CASCADE, related_name="responses"
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name="анкета", on_delete=models.PROTECT, related_name="responses"
    )
    person = models.ForeignKey(
        "mentorship.Person",
        verbose_name="участник",
        on_delete=models.CASCADE,
        related_name="monitoring_responses",
        null=True,
        blank=True,
        help_text="Пусто у листа ответов анонимной анкеты.",
    )
    role = models.CharField("роль", max_length=10, choices=[("mentor", "Наставник"), ("mentee", "Наставляемый")])
    submitted_at = models.DateTimeField("заполнена", null=True, blank=True)
    # the participant's unsent answers ({question id: value}); seen by nobody but the participant
    draft = models.JSONField("черновик ответов", default=dict, blank=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="внёс",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "анкета участника"
        verbose_name_plural = "анкеты участников"
        ordering = ["assignment", "person__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "questionnaire", "person"], name="monitoring_response_once")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} — {self.person}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    scale = models.PositiveSmallIntegerField(
        "балл", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    choices = models.JSONField("выбранные варианты", default=list, blank=True)
    text = models.TextField("ответ", blank=True)

    class Meta:
        verbose_name = "ответ"
        verbose_name_plural = "ответы"
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="monitoring_answer_once")]

    def __str__(self) -> str:
        if self.scale is not None:
            return str(self.scale)
        return ", ".join(self.choices) or self.text[:50]


class Metric(models.TextChoices):
    """Shares (0–100) an effectiveness criterion can weigh; each is computed per organization."""

    YOUNG_COVERAGE = "young_coverage", "Доля молодых специалистов в парах"
    MENTEES_MATCHED = "mentees_matched", "Доля наставляемых, закреплённых за наставником"
    PROGRAMS = "programs", "Доля пар с персонализированной программой"
    ROADMAP_ON_TIME = "roadmap_on_time", "Мероприятия дорожной карты, выполненные в срок"
    REPORTS_ON_TIME = "reports_on_time", "Отчёты, сданные в срок"
    SATISFACTION = "satisfaction", "Удовлетворённость участников (анкеты, 1–10 → %)"
    WEBSITE = "website", "Раздел сайта о наставничестве доступен"


class EffectivenessCriterion(models.Model):
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="effectiveness_criteria"
    )
    metric = models.CharField("показатель", max_length=30, choices=Metric.choices)
    weight = models.DecimalField("вес", max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "критерий эффективности"
        verbose_name_plural = "критерии эффективности"
        ordering = ["municipality", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["municipality", "metric"], name="monitoring_criterion_once")]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} (вес {self.weight:g})"


class BuildStatus(models.TextChoices):
    QUEUED = "queued", "В очереди"
    RUNNING = "running", "Формируется"
    DONE = "done", "Готов"
    FAILED = "failed", "Ошибка"


def build_upload_to(instance: AnnualReportBuild, filename: str) -> str:
    owner = instance.municipality_id if instance.municipality_id else f"region-{instance.region_id}"
    return f"monitoring/reports/{owner}/{instance.year}/{PurePath(filename).name}"


class AnnualReportBuild(models.Model):
    """One build of the annual analytical report: kept with its parameters, author and timing.

    A municipality's report, or a region's (the municipalities of the region as its rows): exactly
    one of `municipality` and `region` is set."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципалитет",
        on_delete=models.CASCADE,
        related_name="annual_report_builds",
        null=True,
        blank=True,
    )
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name="регион",
        on_delete=models.CASCADE,
        related_name="annual_report_builds",
        null=True,
        blank=True,
        help_text="Отчёт региона: муниципалитеты региона — строки отчёта.",
    )
    year = models.PositiveSmallIntegerField("год")
    parameters = models.JSONField("параметры", default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="автор",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField("статус", max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("готовность, %", default=0)
    stage = models.CharField("этап", max_length=200, blank=True)
    xlsx = models.FileField("отчёт .xlsx", upload_to=build_upload_to, blank=True, max_length=300)
    docx = models.FileField("отчёт .docx", upload_to=build_upload_to, blank=True, max_length=300)
    error = models.TextField("ошибка", blank=True)
    task_id = models.CharField("задача", max_length=100, blank=True)
    # what the page shows before download: conclusions, recommendations and the main charts
    preview = models.JSONField("выводы и диаграммы для просмотра", default=dict, blank=True, editable=False)
    created_at = models.DateTimeField("заказан", auto_now_add=True)
    started_at = models.DateTimeField("начат", null=True, blank=True)
    finished_at = models.DateTimeField("завершён", null=True, blank=True)

    class Meta:
        verbose_name = "сборка годового отчёта"
        verbose_name_plural = "сборки годового отчёта"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, region__isnull=True)
                | Q(municipality__isnull=True, region__isnull=False),
                name="monitoring_build_municipality_or_region",
            ),
        ]
        indexes = [models.Index(fields=["region", "year"])]

    def __str__(self) -> str:
        return f"Аналитический отчёт {self.place_name} за {self.year} г."

    @property
    def place_name(self) -> str:
        """The municipality's short name or the region's name (for titles and file names)."""
        if self.municipality_id:
            return self.municipality.short_name or self.municipality.name
        return self.region.name if self.region_id else ""

    @property
    def duration(self) -> dt.timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def is_finished(self) -> bool:
        return self.status in (BuildStatus.DONE, BuildStatus.FAILED)


def _mm(label: str, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(5), MaxValueValidator(50)], help_text="мм"
    )


class ReportSettings(models.Model):
    """How a municipality's annual analytical report is addressed, signed, laid out and concluded.

    `thresholds` holds the tunable values of the conclusion rules (monitoring/reports/rules.py), keyed
    "<rule number>.<threshold>"; a missing key takes the rule's default."""

    municipality = models.OneToOneField(
        Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="report_settings"
    )
    recipient = models.CharField(
        "кому направляется",
        max_length=300,
        blank=True,
        help_text="Например: «Министерство образования Красноярского края».",
    )
    signatory_position = models.CharField("должность подписывающего", max_length=300, blank=True)
    signatory_name = models.CharField("подписывающий (И. О. Фамилия)", max_length=200, blank=True)
    executor_name = models.CharField("исполнитель (ФИО)", max_length=200, blank=True)
    executor_position = models.CharField("должность исполнителя", max_length=300, blank=True)
    executor_phone = models.CharField("телефон исполнителя", max_length=50, blank=True)
    margin_left = _mm("поле слева", 20)
    margin_right = _mm("поле справа", 10)
    margin_top = _mm("поле сверху", 20)
    margin_bottom = _mm("поле снизу", 20)
    thresholds = models.JSONField(
        "пороги правил выводов",
        default=dict,
        blank=True,
        help_text='Ключ «номер правила.порог», значение — число; например {"1.target": 90}. '
        "Перечень правил и порогов по умолчанию — ниже на этой странице.",
    )
    updated_at = models.DateTimeField("изменены", auto_now=True)

    class Meta:
        verbose_name = "настройки аналитического отчёта"
        verbose_name_plural = "настройки аналитического отчёта"

    def __str__(self) -> str:
        return f"Настройки отчёта: {self.municipality}"

    def clean(self) -> None:
        from monitoring.reports.rules import validate_thresholds

        errors = validate_thresholds(self.thresholds)
        if errors:
            raise ValidationError({"thresholds": errors})


class WebsiteCheckRun(models.Model):
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="website_check_runs"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="запустил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("запущена", auto_now_add=True)
    finished_at = models.DateTimeField("завершена", null=True, blank=True)

    class Meta:
        verbose_name = "проверка сайтов"
        verbose_name_plural = "проверки сайтов"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Проверка сайтов {timezone.localtime(self.created_at):%d.%m.%Y %H:%M}"


class WebsiteCheck(models.Model):
    run = models.ForeignKey(WebsiteCheckRun, verbose_name="проверка", on_delete=models.CASCADE, related_name="checks")
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="website_checks"
    )
    url = models.URLField("адрес", max_length=500, blank=True)
    reachable = models.BooleanField("доступен", default=False)
    status_code = models.PositiveSmallIntegerField("код ответа", null=True, blank=True)
    mentions_mentoring = models.BooleanField("упоминает наставничество", default=False)
    documents = models.JSONField("ссылки на документы", default=list, blank=True)
    error = models.CharField("ошибка", max_length=300, blank=True)
    checked_at = models.DateTimeField("проверен", null=True, blank=True)

    class Meta:
        verbose_name = "результат проверки сайта"
        verbose_name_plural = "результаты проверки сайтов"
        ordering = ["run", "organization__short_name"]
        constraints = [models.UniqueConstraint(fields=["run", "organization"], name="monitoring_website_check_once")]

    def __str__(self) -> str:
        return f"{self.organization}: {'доступен' if self.reachable else 'недоступен'}"


class RegionalCampaign(models.Model):
    """A region asks every municipality of the region for its annual analytical report.

    Opening it creates one `RegionalRequest` per municipality; the municipality's monitoring runners
    (coordinator, methodologist) submit one of its finished report builds; the regional user accepts
    or returns it, as a school's report is reviewed by the municipality."""

    region = models.ForeignKey(
        "accounts.Region", verbose_name="регион", on_delete=models.PROTECT, related_name="monitoring_campaigns"
    )
    title = models.CharField("название", max_length=300)
    year = models.PositiveSmallIntegerField("год отчёта")
    academic = models.BooleanField("учебный год (1 сентября – 31 августа)", default=False)
    deadline = models.DateField("срок сдачи")
    status = models.CharField("статус", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="создал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    opened_at = models.DateTimeField("открыта", null=True, blank=True)

    class Meta:
        verbose_name = "запрос отчётов муниципалитетов"
        verbose_name_plural = "запросы отчётов муниципалитетов"
        ordering = ["-deadline", "-pk"]

    def __str__(self) -> str:
        return self.title


class RegionalRequest(models.Model):
    """What one municipality owes a regional campaign: its annual report (a finished build)."""

    campaign = models.ForeignKey(
        RegionalCampaign, verbose_name="запрос региона", on_delete=models.CASCADE, related_name="requests"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.PROTECT, related_name="regional_requests"
    )
    status = models.CharField("статус", max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.DRAFT)
    build = models.ForeignKey(
        AnnualReportBuild,
        verbose_name="сданный отчёт",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="regional_requests",
    )
    first_submitted_at = models.DateTimeField("впервые сдан", null=True, blank=True)
    submitted_at = models.DateTimeField("сдан", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="сдал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("проверен", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="проверил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    return_comment = models.TextField("замечания при возврате", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "отчёт муниципалитета по запросу региона"
        verbose_name_plural = "отчёты муниципалитетов по запросам региона"
        ordering = ["campaign", "municipality__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "municipality"], name="monitoring_regional_request_once")
        ]
        indexes = [models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.municipality}"

    @property
    def is_locked(self) -> bool:
        return self.status in (AssignmentStatus.SUBMITTED, AssignmentStatus.ACCEPTED)

    @property
    def on_time(self) -> bool | None:
        """Submitted by the end of the deadline day where the municipality is (None: not yet)."""
        if self.first_submitted_at is None:
            return None
        end = dt.datetime.combine(
            self.campaign.deadline + dt.timedelta(days=1), dt.time.min, tzinfo=self.municipality.tzinfo
        )
        return self.first_submitted_at < end


class OrganizationStats(models.Model):
    """One organization's summable counts for one calendar year, kept for the region pages.

    A region page sums these rows grouped by municipality (flat in the size of the region) instead
    of counting every person, pair, meeting and deadline of the region on each view. Each row is
    computed by the annual report's own code (`monitoring.reports.data`, the indicators of
    monitoring/indicators.py), never by a second formula: `monitoring.stats` refreshes an
    organization's rows after every write that changes its figures (a background job sent after
    commit) and rebuilds all of them every night (`manage.py rebuild_stats`), since deadlines
    become due and overdue with the date alone. `as_of` is the date the roadmap deadlines were
    counted for; `refreshed_at` when the row was computed.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # the organization's municipality and state at refresh time: the region sums group by them
    # without a join (an organization that moves or closes is refreshed by the same hooks)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    is_active = models.BooleanField(default=True)
    year = models.PositiveSmallIntegerField("год")
    mentors = models.PositiveIntegerField(default=0)
    mentees = models.PositiveIntegerField(default=0)
    mentees_matched = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    programs = models.PositiveIntegerField(default=0)
    young_total = models.PositiveIntegerField(default=0)
    young_covered = models.PositiveIntegerField(default=0)
    meetings = models.PositiveIntegerField(default=0)
    roadmap_due = models.PositiveIntegerField(default=0)
    roadmap_done = models.PositiveIntegerField(default=0)
    roadmap_on_time = models.PositiveIntegerField(default=0)
    roadmap_overdue = models.PositiveIntegerField(default=0)
    reports_expected = models.PositiveIntegerField(default=0)
    reports_submitted = models.PositiveIntegerField(default=0)
    reports_on_time = models.PositiveIntegerField(default=0)
    # active pairs by form name ({"Учитель — учитель": 12}); None in a row stored before the column
    # existed: that organization is counted live until its next refresh
    pairs_by_form = models.JSONField("действующие пары по формам", null=True, default=None)
    as_of = models.DateField("сроки посчитаны на")
    refreshed_at = models.DateTimeField("пересчитано")

    class Meta:
        verbose_name = "сводные показатели организации за год"
        verbose_name_plural = "сводные показатели организаций по годам"
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="org_stats_unique_year")]
        indexes = [models.Index(fields=["year", "municipality"], name="org_stats_year_mun_idx")]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.year}"
