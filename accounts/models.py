"""Organizations (region → municipality → organization), users and their role assignments."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from accounts.validators import validate_inn, validate_phone


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"«{value}» — неизвестный часовой пояс (пример: Asia/Krasnoyarsk).") from None


class NameCases:
    """A place whose name documents need in other cases («отчёт … города Норильска», «в Красноярском
    крае»): its fields name_genitive and name_prepositional are filled once from the rules of
    accounts/morphology.py and corrected by hand in the admin; a typed form is never overwritten."""

    name: str
    name_genitive: str
    name_prepositional: str

    def save(self, *args, **kwargs):
        from accounts.morphology import inflect_name

        if self.name and not self.name_genitive:
            self.name_genitive = inflect_name(self.name, "genitive")
        if self.name and not self.name_prepositional:
            self.name_prepositional = inflect_name(self.name, "prepositional")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_genitive", "name_prepositional"}
        super().save(*args, **kwargs)  # type: ignore[misc]

    @property
    def genitive(self) -> str:
        """«города Норильска» (rows saved before the fields existed get the default on the fly)."""
        from accounts.morphology import inflect_name

        return self.name_genitive or inflect_name(self.name, "genitive")

    @property
    def prepositional(self) -> str:
        from accounts.morphology import inflect_name

        return self.name_prepositional or inflect_name(self.name, "prepositional")


class Region(NameCases, models.Model):
    name = models.CharField("название", max_length=200, unique=True)
    code = models.CharField("код субъекта", max_length=10, blank=True)
    authority_name = models.CharField(
        "орган управления образованием",
        max_length=300,
        blank=True,
        help_text="Например: «Министерство образования Красноярского края». Указывается в аналитическом отчёте региона.",
    )
    # the regional report needs the name in other cases, as a municipality's («… Красноярского края»,
    # «в Красноярском крае»): filled once from accounts/morphology.py, corrected by hand in the admin
    name_genitive = models.CharField(
        "название в родительном падеже (кого? чего?)",
        max_length=200,
        blank=True,
        help_text="Например: «Красноярского края». Пусто — заполнится автоматически при сохранении.",
    )
    name_prepositional = models.CharField(
        "название в предложном падеже (о ком? о чём?)",
        max_length=200,
        blank=True,
        help_text="Без предлога, например: «Красноярском крае». Пусто — заполнится автоматически при сохранении.",
    )

    class Meta:
        verbose_name = "регион"
        verbose_name_plural = "регионы"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Checkpoints(models.TextChoices):
    """How often continuous roadmap work («постоянно», «в течение года») is checked; the words of
    each choice are roadmaps.deadlines.CHECKPOINTS (a test keeps the two lists equal)."""

    YEAR = "year", "В конце каждого года"
    HALF = "half", "В конце каждого полугодия"
    QUARTER = "quarter", "В конце каждого квартала"


class Municipality(NameCases, models.Model):
    region = models.ForeignKey(Region, verbose_name="регион", on_delete=models.PROTECT, related_name="municipalities")
    name = models.CharField("название", max_length=200)
    short_name = models.CharField("краткое название", max_length=100, blank=True)
    timezone = models.CharField(
        "часовой пояс",
        max_length=64,
        default="Europe/Moscow",
        validators=[validate_timezone],
        help_text="Сроки и напоминания считаются по местному времени (Норильск — Asia/Krasnoyarsk).",
    )
    authority_name = models.CharField("орган управления образованием", max_length=300, blank=True)
    # documents need the name in other cases («отчёт … города Норильска», «в городе Норильске»):
    # filled once from the morphology rules in accounts/morphology.py, corrected by hand in the admin
    name_genitive = models.CharField(
        "название в родительном падеже (кого? чего?)",
        max_length=200,
        blank=True,
        help_text="Например: «города Норильска». Пусто — заполнится автоматически при сохранении.",
    )
    name_prepositional = models.CharField(
        "название в предложном падеже (о ком? о чём?)",
        max_length=200,
        blank=True,
        help_text="Без предлога, например: «городе Норильске». Пусто — заполнится автоматически при сохранении.",
    )
    roadmap_checkpoints = models.CharField(
        "контрольные точки постоянных мероприятий",
        max_length=10,
        choices=Checkpoints.choices,
        default=Checkpoints.YEAR,
        help_text="Когда проверяется работа, которая в дорожной карте идёт «постоянно» или «в течение года».",
    )

    class Meta:
        verbose_name = "муниципалитет"
        verbose_name_plural = "муниципалитеты"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self, now: dt.datetime | None = None) -> dt.date:
        """Today in this municipality: the one notion of «today» for deadlines, reports and
        reminders (Norilsk's day starts four hours before Moscow's)."""
        return local_today(self, now)


def local_today(
    municipality: Municipality | None = None, now: dt.datetime | None = None, *, timezone_name: str | None = None
) -> dt.date:
    """Today where the municipality is (`now`: the moment to read, default the current one).

    The one notion of «today» in product code (tests/test_today.py checks that nothing else asks
    the clock for a date): views, selectors, reports and reminders ask this, or
    `accounts.scoping.user_today(user)` for the user's own municipality. `timezone_name` is a time
    zone instead of a municipality; with neither, the site's local date (pages and tasks that span
    municipalities)."""
    from django.utils import timezone

    moment = now or timezone.now()
    if municipality is not None:
        return moment.astimezone(municipality.tzinfo).date()
    if timezone_name:
        return moment.astimezone(zoneinfo.ZoneInfo(timezone_name)).date()
    return timezone.localtime(moment).date()


class OrganizationKind(models.TextChoices):
    SCHOOL = "school", "Общеобразовательная организация"
    KINDERGARTEN = "kindergarten", "Дошкольная образовательная организация"
    ADDITIONAL = "additional", "Организация дополнительного образования"
    COLLEGE = "college", "Профессиональная образовательная организация (СПО)"
    OTHER = "other", "Иная организация"


class Organization(models.Model):
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.PROTECT, related_name="organizations"
    )
    kind = models.CharField("тип", max_length=20, choices=OrganizationKind.choices, default=OrganizationKind.SCHOOL)
    full_name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=200)
    inn = models.CharField("ИНН", max_length=12, blank=True, validators=[validate_inn])
    address = models.CharField("адрес", max_length=500, blank=True)
    website = models.URLField("сайт", blank=True)
    mentoring_page_url = models.URLField("раздел сайта о наставничестве", blank=True)
    head_name = models.CharField("руководитель (ФИО)", max_length=200, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True, validators=[validate_phone])
    is_active = models.BooleanField("действует", default=True)

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(
                "municipality", Lower("short_name"), name="organization_unique_short_name_in_municipality"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "kind"])]

    def __str__(self) -> str:
        return self.short_name

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            # The default message for an expression constraint names no field; say which one.
            if "organization_unique_short_name_in_municipality" in str(exc) or any(
                "short_name" in str(m) for m in exc.messages
            ):
                raise ValidationError(
                    {"short_name": "Организация с таким кратким наименованием уже есть в этом муниципалитете."}
                ) from None
            raise


class User(AbstractUser):
    middle_name = models.CharField("отчество", max_length=150, blank=True)
    position = models.CharField("должность", max_length=200, blank=True)
    phone = models.CharField("телефон", max_length=50, blank=True, validators=[validate_phone])

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)

    def get_short_name(self) -> str:
        initials = "".join(f"{p[0]}." for p in (self.first_name, self.middle_name) if p)
        return f"{self.last_name} {initials}".strip() or self.username


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Муниципальный координатор"
    METHODOLOGIST = "methodologist", "Методист"
    CURATOR = "curator", "Куратор в ОО"
    HEAD = "head", "Руководитель ОО"
    ADMIN = "admin", "Администратор"
    # regional mentoring centre / regional ministry: reads every municipality of its region
    REGIONAL = "regional", "Региональный координатор"
    # a mentor or mentee with their own account: sees only their own pairs, meetings and questionnaires
    PARTICIPANT = "participant", "Наставник / наставляемый"


MUNICIPAL_ROLES = frozenset({Role.COORDINATOR, Role.METHODOLOGIST})
ORGANIZATION_ROLES = frozenset({Role.CURATOR, Role.HEAD, Role.PARTICIPANT})
REGIONAL_ROLES = frozenset({Role.REGIONAL})


class RoleAssignment(models.Model):
    """A user's role in a scope: regional roles name a region, municipal roles a municipality,
    school roles an organization."""

    user = models.ForeignKey(User, verbose_name="пользователь", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("роль", max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name="регион",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципалитет",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField("назначена", auto_now_add=True)

    class Meta:
        verbose_name = "назначение роли"
        verbose_name_plural = "назначения ролей"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=sorted(r.value for r in REGIONAL_ROLES),
                        region__isnull=False,
                        municipality__isnull=True,
                        organization__isnull=True,
                    )
                    | Q(
                        role__in=sorted(r.value for r in MUNICIPAL_ROLES),
                        municipality__isnull=False,
                        organization__isnull=True,
                        region__isnull=True,
                    )
                    | Q(
                        role__in=sorted(r.value for r in ORGANIZATION_ROLES),
                        organization__isnull=False,
                        municipality__isnull=True,
                        region__isnull=True,
                    )
                    | Q(role=Role.ADMIN, organization__isnull=True, municipality__isnull=True, region__isnull=True)
                ),
                name="role_assignment_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=Q(region__isnull=False),
                name="role_assignment_unique_regional",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=Q(municipality__isnull=False),
                name="role_assignment_unique_municipal",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organization"],
                condition=Q(organization__isnull=False),
                name="role_assignment_unique_organization",
            ),
            models.UniqueConstraint(fields=["user"], condition=Q(role="admin"), name="role_assignment_unique_admin"),
        ]

    def __str__(self) -> str:
        scope = self.organization or self.municipality or self.region
        return f"{self.get_role_display()}: {scope}" if scope else self.get_role_display()

    def clean(self) -> None:
        if self.role in REGIONAL_ROLES:
            if not self.region_id:
                raise ValidationError({"region": "Для региональной роли укажите регион."})
            if self.municipality_id or self.organization_id:
                raise ValidationError("Региональная роль не привязывается к муниципалитету или организации.")
            return
        if self.region_id:
            raise ValidationError({"region": "Регион указывается только для региональной роли."})
        if self.role in MUNICIPAL_ROLES:
            if not self.municipality_id:
                raise ValidationError({"municipality": "Для этой роли укажите муниципалитет."})
            if self.organization_id:
                raise ValidationError({"organization": "Для муниципальной роли организация не указывается."})
        elif self.role in ORGANIZATION_ROLES:
            if not self.organization_id:
                raise ValidationError({"organization": "Для этой роли укажите организацию."})
            if self.municipality_id:
                raise ValidationError({"municipality": "Для роли в организации муниципалитет не указывается."})
        elif self.role == Role.ADMIN and (self.organization_id or self.municipality_id):
            raise ValidationError("Администратор не привязывается к муниципалитету или организации.")


class ExportLog(models.Model):
    """Who exported which personal data and when (152-ФЗ: every disclosure is accountable)."""

    user = models.ForeignKey(User, verbose_name="пользователь", on_delete=models.PROTECT, related_name="exports")
    kind = models.CharField("что выгружено", max_length=100)
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.SET_NULL, null=True, blank=True
    )
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.SET_NULL, null=True, blank=True
    )
    rows = models.PositiveIntegerField("строк", default=0)
    masked_rows = models.PositiveIntegerField("строк со скрытыми данными (нет согласия)", default=0)
    parameters = models.JSONField("параметры", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP-адрес", null=True, blank=True)
    created_at = models.DateTimeField("когда", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "выгрузка персональных данных"
        verbose_name_plural = "журнал выгрузок персональных данных"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} — {self.user} ({self.created_at:%d.%m.%Y %H:%M})"


class StagedUpload(models.Model):
    """A file uploaded for import, kept between the preview and the confirm (accounts.imports).

    `key` is what the confirm form sends; the confirm claims the row (sets `confirmed_at`) in the
    transaction that writes the data, so the same upload is never written twice. Unconfirmed
    uploads are removed after a day by a periodic task.
    """

    key = models.UUIDField("ключ загрузки", unique=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("что загружается", max_length=100)
    user = models.ForeignKey(User, verbose_name="кто загрузил", on_delete=models.CASCADE, related_name="+")
    file = models.FileField("файл", upload_to="imports/staged/%Y/%m/", max_length=300)
    original_name = models.CharField("имя файла", max_length=255, blank=True)
    params = models.JSONField("параметры", default=dict, blank=True)
    created_at = models.DateTimeField("загружен", auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField("подтверждён", null=True, blank=True)
    result = models.JSONField("итог", null=True, blank=True)

    class Meta:
        verbose_name = "загруженный файл (ожидает подтверждения)"
        verbose_name_plural = "загруженные файлы (ожидают подтверждения)"

    def __str__(self) -> str:
        return f"{self.original_name} ({self.kind})"
