"""Excel exchange of mentors, mentees and pairs (django-import-export), scoped to the importing user.

People are imported in bulk because municipalities send whole banks at once: new people, their
history rows and their list links go in by COPY (`accounts.copy`, one statement per table), changed
ones by bulk_update 1,000 at a time. Bulk mode skips save(), signals and many-to-many, so this module
does what they would have done: the name key, the change history and the reference-list links.
Lookups are dictionaries built once per file, never a query per row. The people's rows are checked
column by column (`PersonResource.import_data_inner`): each distinct cell of a column goes through
its widget and its model field's validators once, not every cell through the library's per-row
machinery; pairs, a few dozen a school, go row by row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources
from import_export.results import RowResult
from import_export.utils import atomic_if_using_transaction
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
from accounts.imports import duplicate_rows, register_template
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


class _Failed:
    """A cell its widget refused (the message is already in the row's errors)."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


_UNSEEN = object()


def _add(errors: list[dict[str, list[str]] | None], row: int, column: str, message: str) -> dict[str, list[str]]:
    """Add a message to a row's errors (column -> messages, in the order they are found)."""
    problems = errors[row]
    if problems is None:
        problems = errors[row] = {}
    problems.setdefault(column, []).append(message)
    return problems


def _clean_column(field: fields.Field, cells: list, errors: list[dict[str, list[str]] | None]) -> list:
    """The column's cells through the field's widget, each distinct cell once (a school's name,
    a category, a list of subjects repeat on thousands of rows); a refused cell is a `_Failed`
    and its message goes to the row's errors under the column's name. Lists become frozensets."""
    column = field.column_name
    memo: dict = {}
    out = []
    for row, cell in enumerate(cells):
        key = (cell.__class__, cell)
        value = memo.get(key, _UNSEEN)
        if value is _UNSEEN:
            try:
                value = field.clean({column: cell})
            except ValueError as exc:
                value = _Failed(str(exc))
            if isinstance(value, list):
                value = frozenset(value)
            memo[key] = value
        if value.__class__ is _Failed:
            _add(errors, row, column, value.message)
        out.append(value)
    return out


def _checked(model_field, raw, memo: dict) -> tuple[object, list[str] | None]:
    """Model.clean_fields for one field and one value, remembered per distinct value:
    (the cleaned value, None) or (the value, its messages)."""
    key = (raw.__class__, raw)
    hit = memo.get(key)
    if hit is None:
        if model_field.blank and raw in model_field.empty_values:
            hit = (raw, None)
        else:
            try:
                hit = (model_field.clean(raw, None), None)
            except ValidationError as exc:
                hit = (raw, exc.messages)
        memo[key] = hit
    return hit


def _name_key(last, first, middle) -> str:
    """A row's name key from its cleaned name cells (a refused cell counts as empty)."""
    return normalize_name(*(None if part.__class__ is _Failed else part for part in (last, first, middle)))


class PersonResource(ScopedResourceMixin, resources.ModelResource):
    """Common columns of the mentor and mentee templates; subclasses add their own."""

    role_flag = ""
    m2m_columns: dict[str, str] = {}  # attribute -> column name
    required_columns = ("Организация", "Фамилия", "Имя")
    duplicate_column = "Фамилия"

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
        self._organizations = organizations
        self._compared = [
            Person._meta.get_field(f.attribute).attname for f in self.get_import_fields() if f.attribute
        ] + [self.role_flag]
        # field validators run on the columns the file sets; the rest keep what is stored or the
        # model's defaults (validating 27 fields where the file has 14 was a fifth of the import)
        imported = {f.attribute for f in self.get_import_fields() if f.attribute}
        self._validated = [f for f in Person._meta.fields if f.name in imported and f.name != "organization"]
        # the people already in the bank by their key; only those the file names are read in full
        self._existing: dict[tuple[int, str], int] = {
            (organization_id, key): pk
            for organization_id, key, pk in Person.objects.filter(organization__in=organizations).values_list(
                "organization_id", "name_key", "pk"
            )
        }
        self._existing_m2m: dict[int, dict[str, set[int]]] = {}

    def _load_existing(self, pks: set[int]) -> dict[int, Person]:
        """The stored people the file names, with their lists as id pairs straight from the link
        tables (prefetching them as model instances cost a second per 5,000 people)."""
        if not pks:
            return {}
        people = Person.objects.in_bulk(pks)
        self._existing_m2m = {pk: {name: set() for name in self.m2m_columns} for pk in people}
        for name in self.m2m_columns:
            descriptor = getattr(Person, name)
            target = f"{descriptor.field.m2m_reverse_field_name()}_id"
            pairs = descriptor.through.objects.filter(person__organization__in=self._organizations).values_list(
                "person_id", target
            )
            for person_id, ref in pairs:
                if person_id in self._existing_m2m:
                    self._existing_m2m[person_id][name].add(ref)
        return people

    def find_duplicates(self, dataset) -> dict[int, list[int]]:
        return {}  # import_data_inner finds them with the rows' name keys

    # The whole file, column by column -------------------------------------------------------
    def import_data_inner(self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs):
        """All rows at once instead of django-import-export's row by row (an instance loader, a
        widget call per cell, a result per field: most of the import's time). Each distinct value
        of a column goes through its widget and its model field's validators once; the rows are
        then put together from the columns. Messages, their columns and order, Excel row numbers,
        duplicates, counts and the all-or-nothing rule are those of the row-by-row import."""
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        result.total_rows = len(dataset)
        db = self.get_db_connection_name()
        try:
            with atomic_if_using_transaction(using_transactions, using=db):
                self.before_import(dataset, **kwargs)
        except Exception as exc:  # noqa: BLE001 - reported as the file's error, as the library does
            self.handle_import_error(result, exc, raise_errors)
            return result
        headers = list(dataset.headers or [])
        position = {header: index for index, header in enumerate(headers)}
        count = len(dataset)
        errors: list[dict[str, list[str]] | None] = [None] * count

        # every column through its widget: attributes in the import order, then the lists
        plan: list[tuple[str, list, bool]] = []
        values: dict[str, list] = {}
        for name in self.get_import_order():
            field = self.fields[name]
            if field.attribute and field.column_name in position:
                cleaned = _clean_column(field, dataset.get_col(position[field.column_name]), errors)
                plan.append((field.attribute, cleaned, field.saves_null_values))
                values[field.attribute] = cleaned
        lists: list[tuple[str, list]] = []
        for attribute, column in self.m2m_columns.items():
            if column in position:
                lists.append(
                    (attribute, _clean_column(self.fields[attribute], dataset.get_col(position[column]), errors))
                )

        # identity of each row: the duplicates inside the file and the people already stored
        empty = [None] * count
        organizations = values.get("organization", empty)
        raw_organizations = dataset.get_col(position["Организация"])
        names = [
            _name_key(last, first, middle)
            for last, first, middle in zip(
                values.get("last_name", empty),
                values.get("first_name", empty),
                values.get("middle_name", empty),
                strict=True,
            )
        ]
        org_keys: dict = {}
        for cell in set(raw_organizations):
            org_keys[cell] = _norm(cell or "")
        self._duplicates = duplicate_rows(
            [(org_keys[cell], key) if key else None for cell, key in zip(raw_organizations, names, strict=True)],
            self.first_data_row,
        )
        matched: dict[int, int] = {}
        for row, (organization, key) in enumerate(zip(organizations, names, strict=True)):
            if key and isinstance(organization, Organization):
                pk = self._existing.get((organization.pk, key))
                if pk is not None:
                    matched[row] = pk
        stored = self._load_existing(set(matched.values()))

        # the rows, put together from the columns
        store_instance = self._meta.store_instance or kwargs.get("retain_instance_in_row_result", False)
        role_flag = self.role_flag
        mentee_since = scoping.user_today(self.user) if role_flag == "is_mentee" else None
        columns = {f.name: self._column_for(f.name) for f in Person._meta.fields}
        checks = [(f, f.attname, columns[f.name], {}) for f in self._validated]
        created: list[tuple[Person, RowResult]] = []
        changed: list[tuple[Person, RowResult]] = []
        for row in range(count):
            pk = matched.get(row)
            new = pk is None
            instance = Person() if new else stored[pk]
            if not new:
                instance._snapshot = {name: getattr(instance, name) for name in self._compared}
            for attribute, cleaned, saves_null in plan:
                value = cleaned[row]
                if value.__class__ is not _Failed and (value is not None or saves_null):
                    setattr(instance, attribute, value)
            instance._m2m = {
                attribute: cleaned[row] for attribute, cleaned in lists if cleaned[row].__class__ is not _Failed
            }
            for name in ("kind", "qualification_category", "mentee_category"):
                if getattr(instance, name, "") is None:
                    setattr(instance, name, "")
            instance.kind = instance.kind or PersonKind.EDUCATOR
            setattr(instance, role_flag, True)
            if mentee_since is not None and instance.mentee_since is None:
                instance.mentee_since = mentee_since
            instance.refresh_name_key()
            problems = errors[row]
            if not instance.organization_id and not (problems and "Организация" in problems):
                problems = _add(errors, row, "Организация", "Укажите организацию.")
            for attr, column in (("last_name", "Фамилия"), ("first_name", "Имя")):
                if not getattr(instance, attr):
                    problems = _add(errors, row, column, "Обязательное поле.")
            # the model fields' validators (e-mail, lengths, ranges), each distinct value once
            valid = True
            for model_field, attname, column, memo in checks:
                raw = getattr(instance, attname)
                value, messages = _checked(model_field, raw, memo)
                if messages:
                    valid = False
                    for message in messages:
                        problems = _add(errors, row, column, message)
                elif value is not raw:
                    setattr(instance, attname, value)
            if valid:
                try:
                    instance.clean()
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        for message in messages:
                            problems = _add(errors, row, columns.get(name, "Строка"), message)
            excel_row = self.first_data_row + row
            others = self._duplicates.get(excel_row)
            if others:
                rows = ", ".join(str(r) for r in others)
                problems = _add(
                    errors,
                    row,
                    self.duplicate_column,
                    f"повторяется в файле: строки {excel_row} и {rows} описывают одно и то же.",
                )
            row_result = RowResult()
            if problems:
                error = ValidationError(problems)
                row_result.import_type = RowResult.IMPORT_TYPE_INVALID
                row_result.validation_error = error
                result.append_invalid_row(row + 1, dict(zip(headers, dataset[row], strict=False)), error)
                result.append_row_result(row_result)
            elif new:
                row_result.import_type = RowResult.IMPORT_TYPE_NEW
                created.append((instance, row_result))
            elif self._unchanged(instance):
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                row_result.import_type = RowResult.IMPORT_TYPE_UPDATE
                changed.append((instance, row_result))
            result.increment_row_result_total(row_result)
            if self.progress is not None and (row + 1) % 500 == 0:
                self.progress(row + 1)

        # all or nothing: a file with any bad row writes nothing
        if not result.has_validation_errors():
            with atomic_if_using_transaction(using_transactions, using=db):
                self.create_instances = [instance for instance, _ in created]
                self.bulk_create(using_transactions, dry_run, raise_errors, result=result)
                self.update_instances = [instance for instance, _ in changed]
                self.bulk_update(using_transactions, dry_run, raise_errors, result=result)
            for instance, row_result in (*created, *changed):
                row_result.add_instance_info(instance)
                if store_instance:
                    row_result.instance = instance
                result.append_row_result(row_result)
        try:
            with atomic_if_using_transaction(using_transactions, using=db):
                self.after_import(dataset, result, **kwargs)
        except Exception as exc:  # noqa: BLE001
            self.handle_import_error(result, exc, raise_errors)
        return result

    def _column_for(self, attribute: str) -> str:
        for field in self.fields.values():
            if field.attribute == attribute:
                return field.column_name
        return str(Person._meta.get_field(attribute).verbose_name).capitalize() if attribute != "__all__" else "Строка"

    def _unchanged(self, instance: Person) -> bool:
        """Every imported column and list equals what is stored (re-import is a no-op)."""
        if any(getattr(instance, name) != value for name, value in instance._snapshot.items()):
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
        self.create_instances = []

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
        self.update_instances = []

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
