"""People, consents, pairs and groups, personalized programs, meetings and registries.

A person is one row per human per organization; being a mentor or a mentee is a flag with its own
fields on the same row (a teacher can mentor in one pair and be mentored in another), which keeps
the banks, imports and matching one table wide.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Municipality, Organization, local_today
from accounts.names import normalize_name  # noqa: F401 - the one key for a person's name, re-exported
from accounts.uploads import validate_document, validate_spreadsheet
from accounts.validators import validate_phone


def _municipality_of(row: models.Model) -> int:
    """The municipality of `row`'s organization (a pair, a practice), from the loaded objects when
    they are at hand, otherwise by one query."""
    organization_id = row.organization_id  # type: ignore[attr-defined]
    cached = row._state.fields_cache.get("organization")
    if cached is not None and cached.pk == organization_id:
        return cached.municipality_id
    return Organization.objects.values_list("municipality_id", flat=True).get(pk=organization_id)


def carry_municipality(*, organization_ids: list[int] | None = None, pair_ids: list[int] | None = None) -> None:
    """Give the programs and practices of these organizations (or of these pairs) their
    organization's municipality again, after an organization moved to another municipality or a
    pair to another organization; rows already right are not touched."""
    here = Organization.objects.filter(pk=models.OuterRef("organization_id")).values("municipality_id")[:1]
    of_pair = Organization.objects.filter(mentorship_pairs=models.OuterRef("pair_id")).values("municipality_id")[:1]
    programs = Program.objects.all()
    if organization_ids is not None:
        programs = programs.filter(pair__organization_id__in=organization_ids)
        practices = Practice.objects.filter(organization_id__in=organization_ids)
        practices.exclude(municipality_id=models.Subquery(here)).update(municipality_id=models.Subquery(here))
    if pair_ids is not None:
        programs = programs.filter(pair_id__in=pair_ids)
    programs.exclude(municipality_id=models.Subquery(of_pair)).update(municipality_id=models.Subquery(of_pair))


def carry_after_save(sender, instance, created: bool, update_fields=None, raw: bool = False, **kwargs) -> None:
    """post_save of Organization and Pair (connected in MentorshipConfig.ready): a saved
    organization or pair may have moved, so its programs and practices follow it."""
    if created or raw or (update_fields is not None and {"organization", "municipality"}.isdisjoint(update_fields)):
        return
    if isinstance(instance, Organization):
        carry_municipality(organization_ids=[instance.pk])
    else:
        carry_municipality(pair_ids=[instance.pk])


# Reference lists (editable in the admin, seeded by a data migration) -----------------------------
class ReferenceItem(models.Model):
    name = models.CharField("название", max_length=200, unique=True)
    order = models.PositiveSmallIntegerField("порядок", default=100)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Competency(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "компетенция (направление) наставника"
        verbose_name_plural = "компетенции (направления) наставников"


class Deficit(ReferenceItem):
    competencies = models.ManyToManyField(
        Competency,
        verbose_name="закрывается компетенциями",
        blank=True,
        related_name="deficits",
        help_text="Какие направления наставника помогают с этим дефицитом (используется при подборе).",
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = "профессиональный дефицит"
        verbose_name_plural = "профессиональные дефициты"


class Subject(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "предмет (направление работы)"
        verbose_name_plural = "предметы (направления работы)"


class MentoringForm(ReferenceItem):
    class Kind(models.TextChoices):
        FORM = "form", "Форма наставничества"
        FORMAT = "format", "Формат"

    kind = models.CharField("вид", max_length=10, choices=Kind.choices, default=Kind.FORM)

    class Meta(ReferenceItem.Meta):
        verbose_name = "форма (формат) наставничества"
        verbose_name_plural = "формы и форматы наставничества"


# People ----------------------------------------------------------------------------------------
class PersonKind(models.TextChoices):
    EDUCATOR = "educator", "Педагог"
    PUPIL = "pupil", "Обучающийся"
    GRADUATE = "graduate", "Выпускник"
    PARTNER = "partner", "Представитель организации-партнёра"


class QualificationCategory(models.TextChoices):
    NONE = "none", "Без категории"
    POSITION = "position", "Соответствие занимаемой должности"
    FIRST = "first", "Первая"
    HIGHEST = "highest", "Высшая"
    METHODIST = "methodist", "Педагог-методист"
    MENTOR = "mentor", "Педагог-наставник"


class MenteeCategory(models.TextChoices):
    YOUNG = "young", "Молодой специалист (стаж до 3 лет)"
    NEW = "new", "Педагог, впервые пришедший в организацию"
    NEW_ROLE = "new_role", "Педагог в новой должности"
    DIFFICULTIES = "difficulties", "Педагог, испытывающий профессиональные затруднения"
    PUPIL = "pupil", "Обучающийся"
    GRADUATE = "graduate", "Выпускник"


def _today_at(organization: Organization | None) -> dt.date:
    """Today in the organization's municipality (accounts.models.local_today)."""
    return local_today(organization.municipality if organization is not None else None)


def full_name(last_name: str, first_name: str, middle_name: str) -> str:
    """«Иванова Анна Петровна» (also for names read with values(), without a Person)."""
    return " ".join(p for p in (last_name, first_name, middle_name) if p)


def short_name(last_name: str, first_name: str, middle_name: str) -> str:
    """«Иванова А.П.» (also for names read with values(), without a Person)."""
    initials = "".join(f"{p[0]}." for p in (first_name, middle_name) if p)
    return f"{last_name} {initials}".strip()


class Person(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, related_name="mentorship_people"
    )
    kind = models.CharField("кто это", max_length=20, choices=PersonKind.choices, default=PersonKind.EDUCATOR)
    last_name = models.CharField("фамилия", max_length=100)
    first_name = models.CharField("имя", max_length=100)
    middle_name = models.CharField("отчество", max_length=100, blank=True)
    name_key = models.CharField(max_length=320, editable=False, db_index=True)
    position = models.CharField("должность", max_length=200, blank=True)
    grade = models.CharField("класс / группа", max_length=50, blank=True, help_text="Для обучающихся: «9 Б».")
    subjects = models.ManyToManyField(Subject, verbose_name="предметы", blank=True, related_name="people")
    experience_years = models.PositiveSmallIntegerField(
        "педагогический стаж, лет", null=True, blank=True, validators=[MaxValueValidator(70)]
    )
    qualification_category = models.CharField(
        "квалификационная категория", max_length=20, choices=QualificationCategory.choices, blank=True
    )
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True, validators=[validate_phone])

    is_mentor = models.BooleanField("в банке наставников", default=False)
    competencies = models.ManyToManyField(
        Competency, verbose_name="компетенции (направления)", blank=True, related_name="mentors"
    )
    awards = models.TextField("награды, победы в конкурсах", blank=True)
    in_municipal_bank = models.BooleanField(
        "в муниципальном банке наставников",
        default=False,
        help_text="Наставник виден кураторам всех организаций муниципалитета (победители конкурсов и др.).",
    )
    training = models.CharField("обучение наставников (курсы)", max_length=300, blank=True)
    training_completed_on = models.DateField("обучение пройдено", null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(
        "наставляемых одновременно, не более", default=3, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )

    is_mentee = models.BooleanField("в банке наставляемых", default=False)
    mentee_category = models.CharField(
        "категория наставляемого", max_length=20, choices=MenteeCategory.choices, blank=True
    )
    deficits = models.ManyToManyField(
        Deficit, verbose_name="профессиональные дефициты", blank=True, related_name="mentees"
    )
    deficits_note = models.TextField("дефициты: по итогам диагностики (свободный текст)", blank=True)
    requests = models.TextField("профессиональные запросы", blank=True)
    mentee_since = models.DateField("в банке наставляемых с", null=True, blank=True)

    is_active = models.BooleanField("участвует", default=True)
    left_on = models.DateField(
        "выбыл из программы",
        null=True,
        blank=True,
        help_text="С этой даты отсчитывается срок хранения персональных данных.",
    )
    anonymized_at = models.DateTimeField("персональные данные обезличены", null=True, blank=True)
    # the participant's own account (adult mentors and mentees only, after a curator's invitation):
    # one account for one human, even when they are a person in two organizations
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="учётная запись участника",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentorship_people",
    )
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)
    history = HistoricalRecords(excluded_fields=["name_key", "updated_at"])

    class Meta:
        verbose_name = "участник (человек)"
        verbose_name_plural = "участники (люди)"
        ordering = ["last_name", "first_name", "middle_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name_key"], name="mentorship_person_unique_in_org"),
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(user__isnull=False),
                name="mentorship_person_one_account_per_org",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "is_mentor"]),
            models.Index(fields=["organization", "is_mentee"]),
            # the banks in name order: a page of a region-wide list is read along the index, not
            # sorted out of every mentor (mentee) of the region
            models.Index(
                fields=["last_name", "first_name"],
                condition=models.Q(is_active=True, is_mentor=True),
                name="person_mentor_name_idx",
            ),
            models.Index(
                fields=["last_name", "first_name"],
                condition=models.Q(is_active=True, is_mentee=True),
                name="person_mentee_name_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_name_key()
        if self.is_mentee and self.mentee_since is None:
            self.mentee_since = _today_at(self.organization)
        # leaving starts the retention clock; coming back stops it
        if not self.is_active and self.left_on is None:
            self.left_on = _today_at(self.organization)
        elif self.is_active and self.left_on is not None:
            self.left_on = None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key", "left_on"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("mentorship:person_detail", args=[self.pk])

    @property
    def is_anonymized(self) -> bool:
        return self.anonymized_at is not None

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)

    @property
    def short_name(self) -> str:
        return short_name(self.last_name, self.first_name, self.middle_name)

    def refresh_name_key(self) -> None:
        self.name_key = normalize_name(self.last_name, self.first_name, self.middle_name)

    def validate_constraints(self, exclude=None):
        self.refresh_name_key()
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            if "mentorship_person_unique_in_org" in str(exc) or "name_key" in str(exc):
                raise ValidationError(
                    {"last_name": "Такой человек (те же фамилия, имя и отчество) уже есть в этой организации."}
                ) from None
            raise

    def clean(self) -> None:
        errors = {}
        if self.is_mentee and not self.mentee_category:
            errors["mentee_category"] = "Укажите категорию наставляемого."
        if errors:
            raise ValidationError(errors)


DEFAULT_CONSENT_PURPOSE = "Обработка персональных данных в рамках реализации целевой модели наставничества"


def consent_upload_to(instance: Consent, filename: str) -> str:
    return f"mentorship/consents/{instance.person.organization_id}/{filename}"


class Consent(models.Model):
    """Consent to personal-data processing: a separate document (152-ФЗ), given by a parent for a minor."""

    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="consents")
    given_on = models.DateField("дата согласия")
    purpose = models.CharField("цель обработки", max_length=300, default=DEFAULT_CONSENT_PURPOSE)
    representative_name = models.CharField(
        "законный представитель (ФИО)",
        max_length=200,
        blank=True,
        help_text="Для несовершеннолетнего согласие даёт родитель (законный представитель).",
    )
    scan = models.FileField("скан согласия", upload_to=consent_upload_to, blank=True, validators=[validate_document])
    withdrawn_on = models.DateField("отозвано", null=True, blank=True)
    created_at = models.DateTimeField("внесено", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "согласие на обработку персональных данных"
        verbose_name_plural = "согласия на обработку персональных данных"
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"Согласие от {self.given_on:%d.%m.%Y}"

    @property
    def is_valid(self) -> bool:
        return self.withdrawn_on is None

    def clean(self) -> None:
        errors = {}
        if self.withdrawn_on and self.given_on and self.withdrawn_on < self.given_on:
            errors["withdrawn_on"] = "Дата отзыва не может быть раньше даты согласия."
        person = getattr(self, "person", None) if self.person_id else None
        if person is not None and person.kind == PersonKind.PUPIL and not self.representative_name:
            errors["representative_name"] = "За обучающегося согласие даёт родитель: укажите его ФИО."
        if errors:
            raise ValidationError(errors)


# Pairs and groups ------------------------------------------------------------------------------
class PairStatus(models.TextChoices):
    FORMING = "forming", "Формируется"
    ACTIVE = "active", "Действует"
    COMPLETED = "completed", "Завершена"
    STOPPED = "stopped", "Прекращена досрочно"


OPEN_PAIR_STATUSES = (PairStatus.FORMING, PairStatus.ACTIVE)


class Pair(models.Model):
    """A mentoring pair or group: one model, the participants decide which."""

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, related_name="mentorship_pairs"
    )
    title = models.CharField(
        "название", max_length=300, blank=True, help_text="Для группы: например, «Школа молодого педагога»."
    )
    form = models.ForeignKey(
        MentoringForm,
        verbose_name="форма наставничества",
        on_delete=models.PROTECT,
        related_name="pairs",
        limit_choices_to={"kind": MentoringForm.Kind.FORM},
    )
    formats = models.ManyToManyField(
        MentoringForm,
        verbose_name="форматы",
        blank=True,
        related_name="pairs_by_format",
        limit_choices_to={"kind": MentoringForm.Kind.FORMAT},
    )
    status = models.CharField("статус", max_length=20, choices=PairStatus.choices, default=PairStatus.FORMING)
    started_on = models.DateField("дата начала", null=True, blank=True)
    planned_end_on = models.DateField("плановая дата окончания", null=True, blank=True)
    ended_on = models.DateField("фактическая дата окончания", null=True, blank=True)
    order_number = models.CharField("номер приказа о закреплении", max_length=50, blank=True)
    order_date = models.DateField("дата приказа", null=True, blank=True)
    stop_reason = models.TextField("причина досрочного прекращения", blank=True)
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "наставническая пара (группа)"
        verbose_name_plural = "наставнические пары и группы"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="stopped") | ~models.Q(stop_reason=""),
                name="mentorship_pair_stopped_has_reason",
            ),
        ]

    def __str__(self) -> str:
        if self.title:
            return self.title
        return self.participants_label

    def get_absolute_url(self) -> str:
        return reverse("mentorship:pair_detail", args=[self.pk])

    @property
    def participants_label(self) -> str:
        mentors = ", ".join(p.short_name for p in self.mentors)
        mentees = ", ".join(p.short_name for p in self.mentees)
        return f"{mentors or '—'} → {mentees or '—'}"

    # these read the prefetched participants (see selectors) so lists stay at constant queries
    @property
    def mentors(self) -> list[Person]:
        return [p.person for p in self.participants.all() if p.role == ParticipantRole.MENTOR]

    @property
    def mentees(self) -> list[Person]:
        return [p.person for p in self.participants.all() if p.role == ParticipantRole.MENTEE]

    @property
    def is_group(self) -> bool:
        return len(self.participants.all()) > 2

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PAIR_STATUSES

    def clean(self) -> None:
        if self.started_on and self.planned_end_on and self.planned_end_on < self.started_on:
            raise ValidationError({"planned_end_on": "Плановая дата окончания раньше даты начала."})


class ParticipantRole(models.TextChoices):
    MENTOR = "mentor", "Наставник"
    MENTEE = "mentee", "Наставляемый"


class PairParticipant(models.Model):
    pair = models.ForeignKey(Pair, verbose_name="пара", on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField("роль", max_length=10, choices=ParticipantRole.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "участник пары"
        verbose_name_plural = "участники пар"
        ordering = ["role", "person__last_name"]
        constraints = [models.UniqueConstraint(fields=["pair", "person"], name="mentorship_participant_once_per_pair")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person}"


# Programs --------------------------------------------------------------------------------------
class Stage(models.TextChoices):
    ACQUAINTANCE = "acquaintance", "Встреча-знакомство"
    TRIAL = "trial", "Пробная встреча"
    PLANNING = "planning", "Встреча-планирование"
    JOINT = "joint", "Совместная работа"
    FINAL = "final", "Итоговая встреча"
    REFLECTION = "reflection", "Рефлексия и подведение итогов"


class ProgramTemplate(models.Model):
    """A typical program (типовая программа) every school may start from; maintained by administrators."""

    title = models.CharField("название", max_length=300, unique=True)
    form = models.ForeignKey(MentoringForm, verbose_name="форма", on_delete=models.SET_NULL, null=True, blank=True)
    goals = models.TextField("цели и задачи", blank=True)
    expected_results = models.TextField("ожидаемые результаты", blank=True)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "типовая программа"
        verbose_name_plural = "типовые программы"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ProgramTemplateItem(models.Model):
    template = models.ForeignKey(ProgramTemplate, on_delete=models.CASCADE, related_name="items")
    title = models.CharField("мероприятие", max_length=300)
    stage = models.CharField("этап", max_length=20, choices=Stage.choices)
    offset_days = models.PositiveSmallIntegerField("срок: дней от начала", default=0)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "пункт типовой программы"
        verbose_name_plural = "пункты типовой программы"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Черновик"
    IN_PROGRESS = "in_progress", "Реализуется"
    COMPLETED = "completed", "Завершена"


class ProgramSource(models.TextChoices):
    BLANK = "blank", "С чистого листа"
    TEMPLATE = "template", "По типовой программе"
    BANK = "bank", "Из базы программ"


class Program(models.Model):
    """Personalized mentoring program of one pair or group."""

    pair = models.OneToOneField(Pair, verbose_name="пара (группа)", on_delete=models.CASCADE, related_name="program")
    title = models.CharField("название", max_length=300)
    source = models.CharField("основа", max_length=10, choices=ProgramSource.choices, default=ProgramSource.BLANK)
    template = models.ForeignKey(
        ProgramTemplate, verbose_name="типовая программа", on_delete=models.SET_NULL, null=True, blank=True
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name="программа из базы",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    goals = models.TextField("цели и задачи", blank=True)
    deficits = models.ManyToManyField(Deficit, verbose_name="дефициты, на которые направлена", blank=True)
    expected_results = models.TextField("ожидаемые результаты", blank=True)
    status = models.CharField("статус", max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT)
    results = models.TextField("достигнутые результаты", blank=True)
    reflection = models.TextField("рефлексия (личная и групповая)", blank=True)
    completed_on = models.DateField("завершена", null=True, blank=True)
    is_published = models.BooleanField(
        "опубликована в базе программ",
        default=False,
        help_text="Программу смогут взять за основу другие организации муниципалитета.",
    )
    published_on = models.DateField("опубликована", null=True, blank=True)
    # the pair's municipality, kept on the program (save() fills it; a pair or an organization that
    # moves carries its programs along: carry_municipality): a municipality's bank of programs then
    # reads its own published programs through (municipality, published_on), instead of walking the
    # region's in date order and dropping every other municipality's until a page is full
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципалитет",
        on_delete=models.CASCADE,
        related_name="mentorship_programs",
        editable=False,
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "персонализированная программа"
        verbose_name_plural = "персонализированные программы"
        ordering = ["-created_at", "-pk"]
        # the bank of programs lists the published ones newest first, 25 a page: read in this
        # order, a page stops after its rows instead of sorting every published program in scope
        indexes = [
            models.Index(
                fields=["-published_on", "title"], name="program_published_idx", condition=models.Q(is_published=True)
            ),
            models.Index(
                fields=["municipality", "-published_on", "title"],
                name="program_bank_idx",
                condition=models.Q(is_published=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self._state.adding:
            self.municipality_id = None  # a new program takes its pair's, whatever it was given
        self.fill_stored_columns()
        super().save(*args, **kwargs)

    def fill_stored_columns(self) -> None:
        """The stored municipality, when empty: from the pair's organization. Also called by the
        archive import (accounts.backup) for rows of archives made before the column existed."""
        if self.pair_id is None or self.municipality_id is not None:
            return
        pair = self._state.fields_cache.get("pair")
        if pair is not None and pair.pk == self.pair_id:
            self.municipality_id = _municipality_of(pair)
        else:
            self.municipality_id = Organization.objects.values_list("municipality_id", flat=True).get(
                mentorship_pairs=self.pair_id
            )


class PlanItem(models.Model):
    program = models.ForeignKey(Program, verbose_name="программа", on_delete=models.CASCADE, related_name="items")
    title = models.CharField("мероприятие", max_length=300)
    stage = models.CharField("этап", max_length=20, choices=Stage.choices, default=Stage.JOINT)
    due_on = models.DateField("срок", null=True, blank=True)
    done = models.BooleanField("выполнено", default=False)
    done_on = models.DateField("выполнено", null=True, blank=True)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "пункт плана"
        verbose_name_plural = "пункты плана"
        ordering = ["order", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", "Очно"
    ONLINE = "online", "Дистанционно"
    MIXED = "mixed", "Смешанно"


class Meeting(models.Model):
    pair = models.ForeignKey(Pair, verbose_name="пара (группа)", on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("дата")
    format = models.CharField("формат", max_length=20, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON)
    topic = models.CharField("тема", max_length=300)
    duration_minutes = models.PositiveSmallIntegerField(
        "продолжительность, мин", default=45, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    stage = models.CharField("этап", max_length=20, choices=Stage.choices, default=Stage.JOINT)
    mentor_rating = models.PositiveSmallIntegerField(
        "оценка наставника (1–10)", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    mentor_feedback = models.TextField("обратная связь наставника", blank=True)
    mentee_rating = models.PositiveSmallIntegerField(
        "оценка наставляемого (1–10)", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    mentee_feedback = models.TextField("обратная связь наставляемого", blank=True)
    # a meeting a participant (the mentor) entered themselves, so that the curator need not re-type it
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="предложил участник",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("внесена", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "встреча"
        verbose_name_plural = "встречи"
        ordering = ["-held_on", "-pk"]
        indexes = [
            # «meetings of these pairs in this period» (the dashboards' last 30 days, the reminders'
            # feedback days): read from the pair's own index entries instead of all its meetings
            models.Index(fields=["pair", "held_on"], name="meeting_pair_held_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y} — {self.topic}"

    def clean(self) -> None:
        # every path (the curator's form, the admin, a mentor's proposal) keeps a meeting inside
        # the pair's dates
        if self.pair_id and self.held_on:
            message = pair_date_error(self.pair, self.held_on, "Дата встречи")
            if message:
                raise ValidationError({"held_on": message})

    @property
    def has_mentor_feedback(self) -> bool:
        return self.mentor_rating is not None and bool(self.mentor_feedback.strip())

    @property
    def has_mentee_feedback(self) -> bool:
        return self.mentee_rating is not None and bool(self.mentee_feedback.strip())

    @property
    def is_complete(self) -> bool:
        """Each meeting of joint work needs feedback from both sides (the seeds call it mandatory)."""
        return self.has_mentor_feedback and self.has_mentee_feedback


class MeetingFeedback(models.Model):
    """One participant's own feedback on a meeting. In a group each mentee gives their own; the
    meeting's side fields (mentee_rating, mentee_feedback) then hold the side's summary: the mean
    rating and every text with its author, so nobody's words overwrite another's."""

    meeting = models.ForeignKey(Meeting, verbose_name="встреча", on_delete=models.CASCADE, related_name="feedbacks")
    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="+")
    side = models.CharField("сторона", max_length=10, choices=ParticipantRole.choices)
    rating = models.PositiveSmallIntegerField("оценка (1–10)", validators=[MinValueValidator(1), MaxValueValidator(10)])
    text = models.TextField("отзыв")
    given_at = models.DateTimeField("дан", auto_now=True)

    class Meta:
        verbose_name = "отзыв участника о встрече"
        verbose_name_plural = "отзывы участников о встречах"
        ordering = ["meeting", "side", "person__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person", "side"], name="meeting_feedback_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} о встрече {self.meeting}"


class InvitationChannel(models.TextChoices):
    EMAIL = "email", "Письмо на e-mail"
    SHEET = "sheet", "Печатное приглашение с QR-кодом"


class Invitation(models.Model):
    """A curator's invitation of a mentor or mentee to their own account (a one-time link that sets
    the password; the token is Django's password-reset token and dies once the password is set)."""

    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="учётная запись", on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField("способ", max_length=10, choices=InvitationChannel.choices)
    sent_to = models.EmailField("адрес", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пригласил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("создано", auto_now_add=True)

    class Meta:
        verbose_name = "приглашение участника"
        verbose_name_plural = "приглашения участников"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.person} ({timezone.localtime(self.created_at):%d.%m.%Y})"


# Registries ------------------------------------------------------------------------------------
class PracticeStatus(models.TextChoices):
    DRAFT = "draft", "Черновик"
    REVIEW = "review", "На рассмотрении"
    APPROVED = "approved", "Одобрена"


class Practice(models.Model):
    """A best practice / case (реестр успешных практик)."""

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, related_name="mentorship_practices"
    )
    title = models.CharField("название", max_length=300)
    authors = models.CharField("авторы", max_length=500)
    form = models.ForeignKey(
        MentoringForm, verbose_name="форма наставничества", on_delete=models.SET_NULL, null=True, blank=True
    )
    description = models.TextField("описание")
    status = models.CharField("статус", max_length=20, choices=PracticeStatus.choices, default=PracticeStatus.DRAFT)
    is_published = models.BooleanField("опубликована", default=False)
    published_on = models.DateField("дата публикации", null=True, blank=True)
    # the organization's municipality, kept on the practice (save() fills it from the organization,
    # carry_municipality follows an organization that moves): «a school's own practices and all
    # published in the municipality» is then one table's two indexed columns, not an OR across a
    # join that reads every organization of the region
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципалитет",
        on_delete=models.CASCADE,
        related_name="mentorship_practices",
        editable=False,
        db_index=False,  # practice_mun_created_idx starts with it
    )
    created_at = models.DateTimeField("внесена", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "успешная практика (кейс)"
        verbose_name_plural = "реестр успешных практик"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="practice_org_created_idx"),
            models.Index(fields=["municipality", "-created_at"], name="practice_mun_created_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.municipality_id = None  # the organization can be changed on edit: always follow it
        self.fill_stored_columns()
        super().save(*args, **kwargs)

    def fill_stored_columns(self) -> None:
        """The stored municipality, when empty: the organization's (see Program.fill_stored_columns)."""
        if self.organization_id is not None and self.municipality_id is None:
            self.municipality_id = _municipality_of(self)


def practice_upload_to(instance: PracticeFile, filename: str) -> str:
    return f"mentorship/practices/{instance.practice.organization_id}/{filename}"


class PracticeFile(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="files")
    title = models.CharField("название", max_length=200, blank=True)
    file = models.FileField("файл", upload_to=practice_upload_to, validators=[validate_document])

    class Meta:
        verbose_name = "файл практики"
        verbose_name_plural = "файлы практики"

    def __str__(self) -> str:
        return self.title or self.file.name.rsplit("/", 1)[-1]


class EventKind(models.TextChoices):
    SEMINAR = "seminar", "Семинар (вебинар)"
    FORUM = "forum", "Форум, конференция"
    CONTEST = "contest", "Конкурс"
    ROUND_TABLE = "round_table", "Круглый стол"
    OTHER = "other", "Другое"


class Event(models.Model):
    """Seminar, forum or contest (e.g. «Я и мой наставник»): municipal when no organization is set."""

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.PROTECT, related_name="mentorship_events"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentorship_events",
        help_text="Пусто — муниципальное мероприятие.",
    )
    title = models.CharField("название", max_length=300)
    kind = models.CharField("вид", max_length=20, choices=EventKind.choices, default=EventKind.SEMINAR)
    starts_on = models.DateField("дата проведения")
    place = models.CharField("место", max_length=300, blank=True)
    description = models.TextField("описание", blank=True)
    created_at = models.DateTimeField("внесено", auto_now_add=True)

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.organization_id and self.municipality_id and self.organization.municipality_id != self.municipality_id:
            raise ValidationError({"organization": "Организация из другого муниципалитета."})


class EventResult(models.TextChoices):
    PARTICIPANT = "participant", "Участник"
    PRIZE = "prize", "Призёр"
    WINNER = "winner", "Победитель"


class EventParticipant(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        Person, verbose_name="участник", on_delete=models.CASCADE, related_name="event_participations"
    )
    result = models.CharField("результат", max_length=20, choices=EventResult.choices, default=EventResult.PARTICIPANT)

    class Meta:
        verbose_name = "участник мероприятия"
        verbose_name_plural = "участники мероприятия"
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="mentorship_event_participant_once")]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_result_display()}"


class Community(models.Model):
    """A professional community of mentors (seeds: «формирование профессиональных сообществ наставников»)."""

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.PROTECT, related_name="mentor_communities"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentor_communities",
        help_text="Пусто — муниципальное сообщество.",
    )
    title = models.CharField("название", max_length=300)
    description = models.TextField("описание", blank=True)
    link = models.URLField("ссылка на площадку", blank=True)
    members = models.ManyToManyField(Person, verbose_name="участники", blank=True, related_name="communities")
    created_at = models.DateTimeField("создано", auto_now_add=True)

    class Meta:
        verbose_name = "сообщество наставников"
        verbose_name_plural = "сообщества наставников"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CommunityMeeting(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("дата")
    topic = models.CharField("тема", max_length=300)
    notes = models.TextField("итоги", blank=True)

    class Meta:
        verbose_name = "заседание сообщества"
        verbose_name_plural = "заседания сообщества"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y} — {self.topic}"


# Background imports ----------------------------------------------------------------------------
class ImportKind(models.TextChoices):
    MENTORS = "mentors", "Наставники"
    MENTEES = "mentees", "Наставляемые"
    PAIRS = "pairs", "Пары и группы"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "В очереди"
    RUNNING = "running", "Выполняется"
    DONE = "done", "Загружено"
    FAILED = "failed", "Отклонено"


class ImportJob(models.Model):
    """A large Excel file imported in the background; the page polls `processed_rows`."""

    kind = models.CharField("что загружаем", max_length=20, choices=ImportKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто загрузил",
        on_delete=models.CASCADE,
        related_name="mentorship_imports",
    )
    file = models.FileField("файл .xlsx", upload_to="mentorship/imports/%Y/%m/", validators=[validate_spreadsheet])
    sheet = models.CharField("лист", max_length=100, blank=True)
    status = models.CharField("статус", max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField("строк в файле", default=0)
    processed_rows = models.PositiveIntegerField("обработано строк", default=0)
    created_count = models.PositiveIntegerField("добавлено", default=0)
    updated_count = models.PositiveIntegerField("обновлено", default=0)
    skipped_count = models.PositiveIntegerField("без изменений", default=0)
    errors = models.JSONField("ошибки по строкам", default=list, blank=True)
    message = models.TextField("итог", blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)

    class Meta:
        verbose_name = "фоновая загрузка из Excel"
        verbose_name_plural = "фоновые загрузки из Excel"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} от {timezone.localtime(self.created_at):%d.%m.%Y %H:%M}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in (ImportStatus.DONE, ImportStatus.FAILED) else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class Mentor(Person):
    """The mentor bank in the admin (same rows as Person)."""

    class Meta:
        proxy = True
        verbose_name = "наставник"
        verbose_name_plural = "банк наставников"


class Mentee(Person):
    """The mentee bank in the admin (same rows as Person)."""

    class Meta:
        proxy = True
        verbose_name = "наставляемый"
        verbose_name_plural = "банк наставляемых"


class DestructionReason(models.TextChoices):
    CONSENT_WITHDRAWN = "consent_withdrawn", "Отзыв согласия на обработку персональных данных"
    RETENTION_EXPIRED = "retention_expired", "Достижение цели обработки (истёк срок хранения после выбытия)"


def destruction_act_upload_to(instance: DestructionAct, filename: str) -> str:
    return f"mentorship/destruction-acts/{instance.organization_id}/{filename}"


class DestructionAct(models.Model):
    """Акт об уничтожении персональных данных: one per anonymization run and organization,
    with the extract of the event log that proves it (152-ФЗ, приказ Роскомнадзора № 179)."""

    number = models.CharField("номер акта", max_length=30, unique=True)
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, related_name="destruction_acts"
    )
    reason = models.CharField("основание", max_length=30, choices=DestructionReason.choices)
    people = models.ManyToManyField(
        Person, verbose_name="субъекты персональных данных", related_name="destruction_acts"
    )
    data_categories = models.TextField("уничтоженные категории данных")
    log_extract = models.JSONField("выписка из журнала событий", default=list)
    document = models.FileField("акт (.docx)", upload_to=destruction_act_upload_to, blank=True, max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто выполнил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("дата уничтожения", auto_now_add=True)

    class Meta:
        verbose_name = "акт об уничтожении персональных данных"
        verbose_name_plural = "акты об уничтожении персональных данных"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Акт № {self.number} от {self.created_at:%d.%m.%Y}"


# The proxies share Person's history; django-simple-history marks only the concrete model's
# options, and the proxies' admin history pages failed with AttributeError without this.
for _proxy in (Mentor, Mentee):
    _proxy._meta.simple_history_manager_attribute = Person._meta.simple_history_manager_attribute


def pair_date_error(pair: Pair | None, day: dt.date | None, what: str) -> str:
    """Why `day` lies outside the pair's dates (from its start to its end, actual or planned), or ""."""
    if pair is None or not day:
        return ""
    start, end = pair.started_on, pair.ended_on or pair.planned_end_on
    if start and day < start:
        return f"{what} {day:%d.%m.%Y} раньше начала работы пары ({start:%d.%m.%Y})."
    if end and day > end:
        which = "окончания" if pair.ended_on else "плановой даты окончания"
        return f"{what} {day:%d.%m.%Y} позже {which} пары ({end:%d.%m.%Y})."
    return ""
