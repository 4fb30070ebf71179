"""Excel exchange of mentors, mentees and pairs (django-import-export), scoped to the importing user.

People are imported in bulk because municipalities send whole banks at once: new people, their
history rows and their list links go in by COPY (`accounts.copy`, one statement per table), changed
ones by bulk_update 1,000 at a time. Bulk mode skips save(), signals and many-to-many, so this module
does what they would have done: the name key, the change history and the reference-list links.
Lookups are dictionaries built once per file, never a query per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources
from import_export.widgets import Widget
from simple_history.utils import bulk_update_with_history

from accounts import scoping
from accounts.copy import copy_insert_with_history, copy_links
from accounts.events import organizations_changed
from accounts.import_widgets import (
    ChoiceLabelWidget,
    IntegerStrictWidget,
    NaturalKeyWidget,
    RussianDateWidget,
    StrippedCharWidget,
    _norm,
)
from accounts.imports import register_template
from accounts.models import Organization
from accounts.resources import ScopedResourceMixin
from mentorship import selectors
from mentorship.models import (
    OPEN_PAIR_STATUSES,
    Competency,
    Consent,
    Deficit,
    MenteeCategory,
    MentoringForm,
    Pair,
    PairParticipant,
    PairStatus,
    ParticipantRole,
    Person,
    PersonKind,
    QualificationCategory,
    Subject,
    normalize_name,
)

IMPORT_REASON = "Загрузка из Excel"
UPDATE_BATCH = 1000  # rows per UPDATE … CASE statement (a CASE of 10,000 rows plans slowly)
LIST_SEPARATOR = ";"


class NamesWidget(Widget):
    """Several reference-list names in one cell, separated by «;»; each must be in the list."""

    def __init__(self, model, label: str, queryset=None):
        super().__init__()
        self.model, self.label, self._queryset, self._index = model, label, queryset, None

    def index(self) -> dict[str, object]:
        if self._index is None:
            qs = self._queryset if self._queryset is not None else self.model.objects.all()
            self._index = {_norm(obj.name): obj for obj in qs}
        return self._index

    def clean(self, value, row=None, **kwargs) -> list[int]:
        if value is None or str(value).strip() == "":
            return []
        ids, unknown = [], []
        for part in str(value).replace("\n", LIST_SEPARATOR).split(LIST_SEPARATOR):
            if not part.strip():
                continue
            obj = self.index().get(_norm(part))
            if obj is None:
                unknown.append(part.strip())
            elif obj.pk not in ids:
                ids.append(obj.pk)
        if unknown:
            names = sorted(str(obj.name) for obj in self.index().values())
            allowed = "; ".join(names[:40]) + (f" и ещё {len(names) - 40}" if len(names) > 40 else "")
            raise ValueError(
                f"{self.label}: нет в справочнике — {', '.join(f'«{u}»' for u in unknown)}. Допустимо: {allowed}."
            )
        return ids

    def render(self, value, obj=None, **kwargs) -> str:
        return "; ".join(str(v) for v in value or [])


def _column(attribute: str | None, column: str, widget=None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=widget or StrippedCharWidget())


def _changed(people: list[Person]) -> None:
    """COPY and bulk updates send no model signals: tell whoever keeps counts (monitoring.stats)."""
    organizations_changed.send(sender=Person, organization_ids={p.organization_id for p in people})


class PersonResource(ScopedResourceMixin, resources.ModelResource):
    """Common columns of the mentor and mentee templates; subclasses add their own."""

    role_flag = ""
    m2m_columns: dict[str, str] = {}  # attribute -> column name
    required_columns = ("Организация", "Фамилия", "Имя")
    duplicate_column = "Фамилия"

    def duplicate_key(self, row):
        name = normalize_name(row.get("Фамилия"), row.get("Имя"), row.get("Отчество"))
        return (_norm(row.get("Организация") or ""), name) if name else None

    organization = fields.Field(
        attribute="organization",
        column_name="Организация",
        widget=NaturalKeyWidget(Organization, ("short_name", "full_name"), "Организация"),
    )
    last_name = _column("last_name", "Фамилия")
    first_name = _column("first_name", "Имя")
    middle_name = _column("middle_name", "Отчество")
    kind = _column("kind", "Кто", ChoiceLabelWidget(PersonKind.choices, "Кто"))
    position = _column("position", "Должность")
    subjects = _column(None, "Предметы", NamesWidget(Subject, "Предметы"))
    experience_years = _column("experience_years", "Стаж, лет", IntegerStrictWidget("Стаж, лет", 0, 80))
    qualification_category = _column(
        "qualification_category",
        "Квалификационная категория",
        ChoiceLabelWidget(QualificationCategory.choices, "Квалификационная категория"),
    )
    email = _column("email", "E-mail")
    phone = _column("phone", "Телефон")

    class Meta:
        model = Person
        import_id_fields = ("organization", "last_name")
        use_bulk = True
        # one batch for the whole file (the limit is 10,000 rows): each batch is one COPY per table
        batch_size = 10000
        skip_unchanged = True
        # the library's diff exports every field of every row twice; skip_row compares a snapshot instead
        skip_diff = True
        report_skipped = False
        clean_model_instances = False  # full_clean would query per row; import_instance validates instead

    def __init__(self, user=None, progress: Callable[[int], None] | None = None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.progress = progress
        self._rows_done = 0

    # Setup: one query per lookup table ------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        headers = set(dataset.headers or [])
        required = {"Организация", "Фамилия", "Имя"}
        if required - headers:
            raise ValidationError(
                "В файле нет обязательных столбцов: "
                + ", ".join(sorted(required - headers))
                + ". Скачайте шаблон и перенесите данные в него."
            )
        organizations = scoping.editable_organizations(self.user)
        self.fields["organization"].widget.set_queryset(organizations)
        people = Person.objects.filter(organization__in=organizations)
        self._compared = [
            Person._meta.get_field(f.attribute).attname for f in self.get_import_fields() if f.attribute
        ] + [self.role_flag]
        # field validators run on the columns the file sets; the rest keep what is stored or the
        # model's defaults (validating 27 fields where the file has 14 was a fifth of the import)
        imported = {f.attribute for f in self.get_import_fields() if f.attribute}
        self._not_validated = [
            f.name for f in Person._meta.fields if f.name not in imported or f.name in ("organization", "name_key")
        ]
        self._existing = {}
        self._existing_m2m: dict[int, dict[str, set[int]]] = {}
        for person in people:
            self._existing[(person.organization_id, person.name_key)] = person
            self._existing_m2m[person.pk] = {name: set() for name in self.m2m_columns}
        # the stored lists as id pairs straight from the link tables: prefetching them as model
        # instances cost a second per 5,000 people already in the bank
        for name in self.m2m_columns:
            descriptor = getattr(Person, name)
            target = f"{descriptor.field.m2m_reverse_field_name()}_id"
            pairs = descriptor.through.objects.filter(person__organization__in=organizations).values_list(
                "person_id", target
            )
            for person_id, ref in pairs:
                self._existing_m2m[person_id][name].add(ref)

    def get_instance(self, instance_loader, row):
        try:
            organization = self.fields["organization"].clean(row)
        except ValueError:
            return None
        key = normalize_name(row.get("Фамилия"), row.get("Имя"), row.get("Отчество"))
        if organization is None or not key:
            return None
        return self._existing.get((organization.pk, key))

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            instance._snapshot = {name: getattr(instance, name) for name in self._compared}

    # One row -------------------------------------------------------------------------------
    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        for field in self.get_import_fields():
            if field.attribute is None or field.column_name not in row:
                continue
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as exc:
                errors.setdefault(field.column_name, []).append(str(exc))
        m2m = {}
        for attribute, column in self.m2m_columns.items():
            if column not in row:
                continue
            try:
                m2m[attribute] = set(self.fields[attribute].clean(row))
            except ValueError as exc:
                errors.setdefault(column, []).append(str(exc))
        instance._m2m = m2m
        for name in ("kind", "qualification_category", "mentee_category"):
            if getattr(instance, name, "") is None:
                setattr(instance, name, "")
        instance.kind = instance.kind or PersonKind.EDUCATOR
        setattr(instance, self.role_flag, True)
        if self.role_flag == "is_mentee" and instance.mentee_since is None:
            instance.mentee_since = scoping.user_today(self.user)
        instance.refresh_name_key()
        if not instance.organization_id and "Организация" not in errors:
            errors["Организация"] = ["Укажите организацию."]
        for attr, column in (("last_name", "Фамилия"), ("first_name", "Имя")):
            if not getattr(instance, attr):
                errors.setdefault(column, []).append("Обязательное поле.")
        try:
            # field validators (e-mail, lengths, ranges) without the per-row queries of full_clean
            instance.clean_fields(exclude=self._not_validated)
            instance.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = self._column_for(name)
                errors.setdefault(column, []).extend(messages)
        if errors:
            raise ValidationError({column: ValidationError(messages) for column, messages in errors.items()})

    def _column_for(self, attribute: str) -> str:
        for field in self.fields.values():
            if field.attribute == attribute:
                return field.column_name
        return str(Person._meta.get_field(attribute).verbose_name).capitalize() if attribute != "__all__" else "Строка"

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged when every imported column and list equals what is stored (re-import is a no-op)."""
        snapshot = getattr(instance, "_snapshot", None)
        if import_validation_errors or instance.pk is None or snapshot is None:
            return False
        if any(getattr(instance, name) != value for name, value in snapshot.items()):
            return False
        stored = self._existing_m2m.get(instance.pk, {})
        return all(stored.get(name, set()) == ids for name, ids in instance._m2m.items())

    # Bulk writes with history and lists ----------------------------------------------------
    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and (using_transactions or not dry_run):
            try:
                # COPY (PostgreSQL): people, their history rows and their list links, a statement each
                copy_insert_with_history(Person, self.create_instances, user=self.user, change_reason=IMPORT_REASON)
                self._write_m2m(self.create_instances, new=True)
                _changed(self.create_instances)
            except Exception as exc:
                self.handle_import_error(result, exc, raise_errors)
        self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.update_instances and (using_transactions or not dry_run):
            now = timezone.now()
            for instance in self.update_instances:
                instance.updated_at = now
            names = [f.attribute for f in self.get_import_fields() if f.attribute and f.attribute != "organization"]
            try:
                bulk_update_with_history(
                    self.update_instances,
                    Person,
                    [*names, self.role_flag, "name_key", "updated_at", *self.extra_update_fields],
                    batch_size=UPDATE_BATCH,
                    default_user=self.user,
                    default_change_reason=IMPORT_REASON,
                )
                self._write_m2m(self.update_instances, new=False)
                _changed(self.update_instances)
            except Exception as exc:
                self.handle_import_error(result, exc, raise_errors)
        self.update_instances.clear()

    extra_update_fields: tuple[str, ...] = ()

    def _write_m2m(self, instances: list[Person], *, new: bool) -> None:
        for attribute in self.m2m_columns:
            through = getattr(Person, attribute).through
            target = f"{getattr(Person, attribute).field.m2m_reverse_field_name()}_id"
            changed = [
                p
                for p in instances
                if attribute in p._m2m
                and (new or self._existing_m2m.get(p.pk, {}).get(attribute, set()) != p._m2m[attribute])
            ]
            if not changed:
                continue
            if not new:
                through.objects.filter(person_id__in=[p.pk for p in changed]).delete()
            copy_links(
                through, "person_id", target, [(p.pk, ref) for p in changed for ref in sorted(p._m2m[attribute])]
            )

    def after_import_row(self, row, row_result, **kwargs):
        self._rows_done += 1
        if self.progress is not None and self._rows_done % 500 == 0:
            self.progress(self._rows_done)

    # Export ---------------------------------------------------------------------------------
    personal_data_kind = "Участники наставничества"
    exported_rows = 0
    masked_rows = 0

    def export(self, *args, **kwargs):
        # counts for the export log and the notice in the file (accounts.exports)
        self._masked: set[int] = set()
        dataset = super().export(*args, **kwargs)
        self.exported_rows, self.masked_rows = len(dataset), len(self._masked)
        return dataset

    def dehydrate_subjects(self, person):
        return "; ".join(s.name for s in person.subjects.all())

    def _contact(self, person, value: str) -> str:
        # the same rule as the screens: a valid consent, and a card the user may see in full
        # (another school's bank mentor shows name, organization and competencies only)
        if getattr(person, "has_consent", False) and selectors.can_see_full_card(self.user, person):
            return value
        if value:
            self._masked.add(person.pk)
        return ""

    def dehydrate_email(self, person):
        return self._contact(person, person.email)

    def dehydrate_phone(self, person):
        return self._contact(person, person.phone)


class MentorResource(PersonResource):
    template_key, template_of, template_into = "mentors", "наставников", "наставников"
    role_flag = "is_mentor"
    m2m_columns = {"subjects": "Предметы", "competencies": "Компетенции"}

    competencies = _column(None, "Компетенции", NamesWidget(Competency, "Компетенции"))
    awards = _column("awards", "Награды, победы в конкурсах")
    training = _column("training", "Обучение наставников")
    training_completed_on = _column("training_completed_on", "Дата обучения", RussianDateWidget("Дата обучения"))
    # an empty cell keeps what is stored (or the default of 3) rather than erasing it
    capacity = fields.Field(
        attribute="capacity",
        column_name="Наставляемых не более",
        widget=IntegerStrictWidget("Наставляемых не более", 1, 50),
        saves_null_values=False,
    )

    class Meta(PersonResource.Meta):
        fields = (
            "organization",
            "last_name",
            "first_name",
            "middle_name",
            "kind",
            "position",
            "subjects",
            "experience_years",
            "qualification_category",
            "email",
            "phone",
            "competencies",
            "awards",
            "training",
            "training_completed_on",
            "capacity",
        )
        export_order = fields

    def dehydrate_competencies(self, person):
        return "; ".join(c.name for c in person.competencies.all())

    def get_queryset(self):
        return (
            selectors.mentor_bank(self.user)
            .prefetch_related("subjects", "competencies")
            .order_by("organization__short_name", "last_name", "first_name")
        )


class MenteeResource(PersonResource):
    template_key, template_of, template_into = "mentees", "наставляемых", "наставляемых"
    role_flag = "is_mentee"
    m2m_columns = {"subjects": "Предметы", "deficits": "Дефициты"}
    extra_update_fields = ("mentee_since",)

    grade = _column("grade", "Класс / группа")
    mentee_category = _column(
        "mentee_category",
        "Категория наставляемого",
        ChoiceLabelWidget(MenteeCategory.choices, "Категория наставляемого"),
    )
    deficits = _column(None, "Дефициты", NamesWidget(Deficit, "Дефициты"))
    deficits_note = _column("deficits_note", "Дефициты (свободный текст)")
    requests = _column("requests", "Профессиональные запросы")
    mentee_since = fields.Field(
        attribute="mentee_since",
        column_name="В банке с",
        widget=RussianDateWidget("В банке с"),
        saves_null_values=False,
    )

    class Meta(PersonResource.Meta):
        fields = (
            "organization",
            "last_name",
            "first_name",
            "middle_name",
            "kind",
            "position",
            "grade",
            "subjects",
            "experience_years",
            "qualification_category",
            "mentee_category",
            "deficits",
            "deficits_note",
            "requests",
            "mentee_since",
            "email",
            "phone",
        )
        export_order = fields

    def dehydrate_deficits(self, person):
        return "; ".join(d.name for d in person.deficits.all())

    def get_queryset(self):
        return selectors.mentee_list(self.user).order_by("organization__short_name", "last_name")


# Pairs -----------------------------------------------------------------------------------------
IMPORTABLE_PAIR_STATUSES = [
    (PairStatus.FORMING.value, PairStatus.FORMING.label),
    (PairStatus.ACTIVE.value, PairStatus.ACTIVE.label),
]


class PairResource(ScopedResourceMixin, resources.ModelResource):
    """Pairs row by row (a school has tens of them, not thousands), through the same rules as the
    screens: consents and an order for an active pair, mentor capacity across the whole file."""

    template_key, template_of, template_into = "pairs", "пар", "пары"
    required_columns = ("Организация", "Форма наставничества", "Наставники (ФИО через ;)", "Наставляемые (ФИО через ;)")
    duplicate_column = "Наставляемые (ФИО через ;)"

    def duplicate_key(self, row):
        mentors = self._names(row.get("Наставники (ФИО через ;)"))
        mentees = self._names(row.get("Наставляемые (ФИО через ;)"))
        if not (mentors and mentees):
            return None
        return _norm(row.get("Организация") or ""), frozenset(mentors), frozenset(mentees)

    organization = fields.Field(
        attribute="organization",
        column_name="Организация",
        widget=NaturalKeyWidget(Organization, ("short_name", "full_name"), "Организация"),
    )
    title = _column("title", "Название (для группы)")
    form = fields.Field(
        attribute="form",
        column_name="Форма наставничества",
        widget=NaturalKeyWidget(
            MentoringForm,
            ("name",),
            "Форма наставничества",
            queryset=MentoringForm.objects.filter(kind=MentoringForm.Kind.FORM),
        ),
    )
    formats = _column(
        None,
        "Форматы",
        NamesWidget(MentoringForm, "Форматы", queryset=MentoringForm.objects.filter(kind=MentoringForm.Kind.FORMAT)),
    )
    mentors = _column(None, "Наставники (ФИО через ;)")
    mentees = _column(None, "Наставляемые (ФИО через ;)")
    started_on = _column("started_on", "Дата начала", RussianDateWidget("Дата начала"))
    planned_end_on = _column("planned_end_on", "Плановая дата окончания", RussianDateWidget("Плановая дата окончания"))
    order_number = _column("order_number", "Номер приказа")
    order_date = _column("order_date", "Дата приказа", RussianDateWidget("Дата приказа"))
    status = _column("status", "Статус", ChoiceLabelWidget(IMPORTABLE_PAIR_STATUSES, "Статус"))

    class Meta:
        model = Pair
        fields = (
            "organization",
            "title",
            "form",
            "formats",
            "mentors",
            "mentees",
            "started_on",
            "planned_end_on",
            "order_number",
            "order_date",
            "status",
        )
        export_order = fields
        import_id_fields = ("organization",)
        skip_unchanged = True
        report_skipped = False
        skip_html_diff = True
        clean_model_instances = False

    def __init__(self, user=None, progress=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.progress = progress

    def before_import(self, dataset, **kwargs):
        required = {"Организация", "Форма наставничества", "Наставники (ФИО через ;)", "Наставляемые (ФИО через ;)"}
        missing = required - set(dataset.headers or [])
        if missing:
            raise ValidationError("В файле нет обязательных столбцов: " + ", ".join(sorted(missing)) + ".")
        organizations = list(scoping.editable_organizations(self.user))
        self.fields["organization"].widget.set_queryset(scoping.editable_organizations(self.user))
        municipality_ids = {o.municipality_id for o in organizations}
        people = selectors.with_person_facts(
            Person.objects.filter(organization__in=[o.pk for o in organizations])
            | Person.objects.filter(
                in_municipal_bank=True, is_mentor=True, organization__municipality_id__in=municipality_ids
            )
        ).select_related("organization")
        self._people_by_org: dict[int, dict[str, Person]] = defaultdict(dict)
        self._bank_by_municipality: dict[int, dict[str, Person]] = defaultdict(dict)
        self._load: dict[int, int] = {}
        self._consent: set[int] = set(
            Consent.objects.filter(
                person__organization__municipality_id__in=municipality_ids, withdrawn_on__isnull=True
            ).values_list("person_id", flat=True)
        )
        for person in people:
            self._people_by_org[person.organization_id][person.name_key] = person
            if person.in_municipal_bank and person.is_mentor:
                self._bank_by_municipality[person.organization.municipality_id][person.name_key] = person
            self._load[person.pk] = person.load
        self._existing: dict[tuple, Pair] = {}
        self._busy_mentees: set[int] = set()
        pairs = Pair.objects.filter(organization__in=[o.pk for o in organizations]).prefetch_related(
            "participants__person", "formats"
        )
        for pair in pairs:
            key = self._key(
                pair.organization_id,
                [p.person.name_key for p in pair.participants.all() if p.role == "mentor"],
                [p.person.name_key for p in pair.participants.all() if p.role == "mentee"],
            )
            self._existing[key] = pair
            if pair.status in OPEN_PAIR_STATUSES:
                self._busy_mentees.update(p.person_id for p in pair.participants.all() if p.role == "mentee")

    @staticmethod
    def _key(organization_id: int, mentors, mentees) -> tuple:
        return organization_id, frozenset(mentors), frozenset(mentees)

    @staticmethod
    def _names(value) -> list[str]:
        return [
            normalize_name(part)
            for part in str(value or "").replace("\n", LIST_SEPARATOR).split(LIST_SEPARATOR)
            if part.strip()
        ]

    def get_instance(self, instance_loader, row):
        try:
            organization = self.fields["organization"].clean(row)
        except ValueError:
            return None
        if organization is None:
            return None
        key = self._key(
            organization.pk,
            self._names(row.get("Наставники (ФИО через ;)")),
            self._names(row.get("Наставляемые (ФИО через ;)")),
        )
        return self._existing.get(key)

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        for field in self.get_import_fields():
            if field.attribute is None or field.column_name not in row:
                continue
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as exc:
                errors.setdefault(field.column_name, []).append(str(exc))
        instance.title = instance.title or ""
        instance.order_number = instance.order_number or ""
        instance.status = instance.status or (PairStatus.FORMING if instance.pk is None else instance.status)
        try:
            instance._formats = set(self.fields["formats"].clean(row)) if "Форматы" in row else None
        except ValueError as exc:
            errors.setdefault("Форматы", []).append(str(exc))
        if not instance.organization_id:
            errors.setdefault("Организация", []).append("Укажите организацию.")
            raise ValidationError({c: ValidationError(m) for c, m in errors.items()})
        if not instance.form_id and "Форма наставничества" not in errors:
            errors["Форма наставничества"] = ["Укажите форму наставничества."]
        organization = instance.organization
        mentors, mentees = [], []
        for column, role, target in (
            ("Наставники (ФИО через ;)", "mentor", mentors),
            ("Наставляемые (ФИО через ;)", "mentee", mentees),
        ):
            names = self._names(row.get(column))
            if not names:
                errors.setdefault(column, []).append("Укажите хотя бы одного человека.")
            for name in names:
                person = self._people_by_org[organization.pk].get(name)
                if person is None and role == "mentor":
                    person = self._bank_by_municipality[organization.municipality_id].get(name)
                if person is None:
                    errors.setdefault(column, []).append(f"«{name.title()}» не найден(а) в банке организации.")
                elif role == "mentor" and not person.is_mentor:
                    errors.setdefault(column, []).append(f"{person.full_name} не состоит в банке наставников.")
                elif role == "mentee" and not person.is_mentee:
                    errors.setdefault(column, []).append(f"{person.full_name} не состоит в банке наставляемых.")
                else:
                    target.append(person)
        instance._mentors, instance._mentees = mentors, mentees
        if instance.pk is None and mentees and mentors:
            busy = [m.full_name for m in mentees if m.pk in self._busy_mentees]
            if busy:
                errors.setdefault("Наставляемые (ФИО через ;)", []).append(
                    "Уже в действующей или формируемой паре: " + ", ".join(busy) + "."
                )
            for mentor in mentors:
                load = self._load.get(mentor.pk, 0)
                if load + len(mentees) > mentor.capacity:
                    errors.setdefault("Наставники (ФИО через ;)", []).append(
                        f"У наставника {mentor.full_name} будет {load + len(mentees)} наставляемых при допустимых {mentor.capacity}."
                    )
        if instance.status == PairStatus.ACTIVE:
            missing = [p.full_name for p in mentors + mentees if p.pk not in self._consent]
            if missing:
                errors.setdefault("Статус", []).append(
                    "Нет согласия на обработку персональных данных: " + ", ".join(missing) + "."
                )
            if not (instance.order_number and instance.order_date):
                errors.setdefault("Статус", []).append("Для действующей пары укажите номер и дату приказа.")
        if instance.started_on and instance.planned_end_on and instance.planned_end_on < instance.started_on:
            errors.setdefault("Плановая дата окончания", []).append("Раньше даты начала.")
        try:
            # lengths and field validators, as the screens check them
            instance.clean_fields(exclude=["organization", "form"])
        except ValidationError as exc:
            columns = {f.attribute: f.column_name for f in self.fields.values() if f.attribute}
            for name, messages in exc.message_dict.items():
                errors.setdefault(columns.get(name, "Строка"), []).extend(messages)
        if errors:
            raise ValidationError({c: ValidationError(m) for c, m in errors.items()})
        if instance.pk is None:
            # count this row's mentees against the mentors before the next row is read
            for mentor in mentors:
                self._load[mentor.pk] = self._load.get(mentor.pk, 0) + len(mentees)
            self._busy_mentees.update(m.pk for m in mentees)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None or original is None:
            return False
        for field in self.get_import_fields():
            if field.attribute and field.get_value(instance) != field.get_value(original):
                return False
        return instance._formats is None or instance._formats == {f.pk for f in original.formats.all()}

    def save_m2m(self, instance, row, **kwargs):
        if self._skip_save:
            return
        if instance._formats is not None:
            instance.formats.set(instance._formats)
        existing = {p.person_id for p in instance.participants.all()}
        for role, people in ((ParticipantRole.MENTOR, instance._mentors), (ParticipantRole.MENTEE, instance._mentees)):
            for person in people:
                if person.pk not in existing:
                    PairParticipant.objects.create(pair=instance, person=person, role=role)

    def after_import_row(self, row, row_result, **kwargs):
        if self.progress is not None and kwargs.get("row_number", 0) % 50 == 0:
            self.progress(kwargs["row_number"])

    def dehydrate_formats(self, pair):
        return "; ".join(f.name for f in pair.formats.all())

    def dehydrate_mentors(self, pair):
        return "; ".join(p.full_name for p in pair.mentors)

    def dehydrate_mentees(self, pair):
        return "; ".join(p.full_name for p in pair.mentees)

    def get_queryset(self):
        return selectors.pair_list(self.user).order_by("organization__short_name", "pk")


for _resource in (MentorResource, MenteeResource, PairResource):
    register_template(_resource.import_template())
