"""Excel exchange of organizations and users (django-import-export), scoped to the importing user."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import fields, resources
from import_export.results import RowResult

from accounts import scoping
from accounts.import_widgets import ChoiceLabelWidget, NaturalKeyWidget, StrippedCharWidget, _norm
from accounts.imports import Template, duplicate_rows, register_template
from accounts.models import (
    MUNICIPAL_ROLES,
    ORGANIZATION_ROLES,
    Municipality,
    Organization,
    OrganizationKind,
    Role,
    RoleAssignment,
    User,
)


class ScopedResourceMixin:
    """Resources receive the importing/exporting user (see XlsxImportExportAdmin) and report row
    errors under the column names the user sees in the file, not the model's field names."""

    # the template this resource reads (accounts.imports.check_headers); set by each resource
    template_key: str = ""
    template_of: str = ""  # «наставляемых» in «это шаблон наставляемых»
    template_into: str = ""  # «наставников» in «а загружается в наставников»
    required_columns: tuple[str, ...] = ()
    duplicate_column: str = ""  # where a row repeated in the file is reported

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._duplicates: dict[int, list[int]] = {}
        self.first_data_row = 2

    _skip_save = False

    def save_instance(self, instance, is_create, row, **kwargs):
        if not self._skip_save:
            super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if not self._skip_save:
            super().save_m2m(instance, row, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        if not self._skip_save:
            super().after_save_instance(instance, row, **kwargs)

    @classmethod
    def import_template(cls) -> Template:
        headers = [f.column_name for f in cls().get_import_fields()]
        return Template(cls.template_key, cls.template_of, cls.template_into, headers, list(cls.required_columns))

    def duplicate_key(self, row: dict):
        """The identity of a row inside the file (None: not checked); equal keys are duplicates."""
        return None

    def import_data(self, dataset, *args, **kwargs):
        # Excel row numbers: the reader puts the first data row on the dataset
        self.first_data_row = getattr(dataset, "first_data_row", 2)
        self._duplicates = self.find_duplicates(dataset)
        return super().import_data(dataset, *args, **kwargs)

    def find_duplicates(self, dataset) -> dict[int, list[int]]:
        """{Excel row: the other rows with the same `duplicate_key`}."""
        headers = dataset.headers or []
        keys = [self.duplicate_key(dict(zip(headers, values, strict=False))) for values in dataset]
        return duplicate_rows(keys, self.first_data_row)

    def import_row(self, row, instance_loader, **kwargs):
        excel_row = self.first_data_row + kwargs.get("row_number", 1) - 1
        # a repeated row is refused, so it must not reach the database either
        self._skip_save = excel_row in self._duplicates
        result = super().import_row(row, instance_loader, **kwargs)
        self._skip_save = False
        error = result.validation_error
        errors: dict[str, list] = {}
        if error is not None and hasattr(error, "error_dict"):
            columns = {f.attribute: f.column_name for f in self.fields.values() if f.attribute}
            columns.update({name: f.column_name for name, f in self.fields.items()})
            for key, value in error.error_dict.items():
                column = columns.get(key, key if key != NON_FIELD_ERRORS else "Строка")
                errors.setdefault(column, []).extend(value)
        elif error is not None:
            errors["Строка"] = list(error.messages)
        others = self._duplicates.get(excel_row)
        if others:
            rows = ", ".join(str(r) for r in others)
            errors.setdefault(self.duplicate_column or "Строка", []).append(
                f"повторяется в файле: строки {excel_row} и {rows} описывают одно и то же."
            )
        if errors:
            result.validation_error = ValidationError(errors)
            result.import_type = RowResult.IMPORT_TYPE_INVALID
        return result


class OrganizationResource(ScopedResourceMixin, resources.ModelResource):
    template_key, template_of, template_into = "organizations", "организаций", "организации"
    required_columns = ("Муниципалитет", "Краткое наименование", "Полное наименование")
    duplicate_column = "Краткое наименование"

    def duplicate_key(self, row):
        name = _norm(row.get("Краткое наименование") or "")
        return (_norm(row.get("Муниципалитет") or ""), name) if name else None

    municipality = fields.Field(
        attribute="municipality",
        column_name="Муниципалитет",
        widget=NaturalKeyWidget(Municipality, ("name", "short_name"), "Муниципалитет"),
    )
    kind = fields.Field(
        attribute="kind",
        column_name="Тип",
        widget=ChoiceLabelWidget(OrganizationKind.choices, "Тип"),
    )
    short_name = fields.Field(attribute="short_name", column_name="Краткое наименование", widget=StrippedCharWidget())
    full_name = fields.Field(attribute="full_name", column_name="Полное наименование", widget=StrippedCharWidget())
    inn = fields.Field(attribute="inn", column_name="ИНН", widget=StrippedCharWidget())
    address = fields.Field(attribute="address", column_name="Адрес", widget=StrippedCharWidget())
    website = fields.Field(attribute="website", column_name="Сайт", widget=StrippedCharWidget())
    mentoring_page_url = fields.Field(
        attribute="mentoring_page_url", column_name="Раздел о наставничестве", widget=StrippedCharWidget()
    )
    head_name = fields.Field(attribute="head_name", column_name="Руководитель", widget=StrippedCharWidget())
    email = fields.Field(attribute="email", column_name="E-mail", widget=StrippedCharWidget())
    phone = fields.Field(attribute="phone", column_name="Телефон", widget=StrippedCharWidget())

    class Meta:
        model = Organization
        fields = (
            "municipality",
            "short_name",
            "full_name",
            "kind",
            "inn",
            "address",
            "website",
            "mentoring_page_url",
            "head_name",
            "email",
            "phone",
        )
        import_id_fields = ("municipality", "short_name")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        # only municipalities the user may edit can receive organizations
        self.fields["municipality"].widget.set_queryset(scoping.editable_municipalities(self.user))
        missing = [f.column_name for f in self.get_import_fields() if f.column_name not in dataset.headers]
        required = {"Муниципалитет", "Краткое наименование", "Полное наименование"}
        if required & set(missing):
            raise ValidationError("В файле нет обязательных столбцов: " + ", ".join(sorted(required & set(missing))))

    def get_instance(self, instance_loader, row):
        # look the organization up by municipality + short name, case-insensitively
        try:
            municipality = self.fields["municipality"].clean(row)
        except ValueError:
            return None
        name = " ".join(str(row.get("Краткое наименование") or "").split())
        if municipality is None or not name:
            return None
        return Organization.objects.filter(municipality=municipality, short_name__iexact=name).first()

    def get_queryset(self):
        return scoping.visible_organizations(self.user).select_related("municipality")


class UserResource(ScopedResourceMixin, resources.ModelResource):
    template_key, template_of, template_into = "users", "пользователей", "пользователей"
    required_columns = ("Логин",)
    duplicate_column = "Логин"

    def duplicate_key(self, row):
        return _norm(row.get("Логин") or "") or None

    username = fields.Field(attribute="username", column_name="Логин", widget=StrippedCharWidget())
    last_name = fields.Field(attribute="last_name", column_name="Фамилия", widget=StrippedCharWidget())
    first_name = fields.Field(attribute="first_name", column_name="Имя", widget=StrippedCharWidget())
    middle_name = fields.Field(attribute="middle_name", column_name="Отчество", widget=StrippedCharWidget())
    email = fields.Field(attribute="email", column_name="E-mail", widget=StrippedCharWidget())
    position = fields.Field(attribute="position", column_name="Должность", widget=StrippedCharWidget())
    phone = fields.Field(attribute="phone", column_name="Телефон", widget=StrippedCharWidget())
    role = fields.Field(column_name="Роль", widget=ChoiceLabelWidget(Role.choices, "Роль"))
    municipality = fields.Field(
        column_name="Муниципалитет", widget=NaturalKeyWidget(Municipality, ("name", "short_name"), "Муниципалитет")
    )
    organization = fields.Field(
        column_name="Организация", widget=NaturalKeyWidget(Organization, ("short_name", "full_name"), "Организация")
    )

    class Meta:
        model = User
        fields = (
            "username",
            "last_name",
            "first_name",
            "middle_name",
            "email",
            "position",
            "phone",
            "role",
            "municipality",
            "organization",
        )
        import_id_fields = ("username",)
        skip_unchanged = False
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        self.fields["municipality"].widget.set_queryset(scoping.editable_municipalities(self.user))
        self.fields["organization"].widget.set_queryset(scoping.editable_organizations(self.user))
        if "Логин" not in (dataset.headers or []):
            raise ValidationError("В файле нет обязательного столбца «Логин».")

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        role, municipality, organization = None, None, None
        for name in ("role", "municipality", "organization"):
            field = self.fields[name]
            if field.column_name not in row:
                continue
            try:
                value = field.clean(row)
            except ValueError as exc:
                errors[name] = ValidationError(str(exc))
                continue
            role = value if name == "role" else role
            municipality = value if name == "municipality" else municipality
            organization = value if name == "organization" else organization
        if role in MUNICIPAL_ROLES and municipality is None and "municipality" not in errors:
            errors["municipality"] = ValidationError("Для этой роли укажите муниципалитет.")
        if role in ORGANIZATION_ROLES and organization is None and "organization" not in errors:
            errors["organization"] = ValidationError("Для этой роли укажите организацию.")
        if role == Role.ADMIN and not scoping.scope_for(self.user).is_admin:
            errors["role"] = ValidationError("Назначать администраторов может только администратор.")
        if role == Role.REGIONAL:
            errors["role"] = ValidationError(
                "Региональную роль назначает администратор в карточке пользователя (с указанием региона)."
            )
        if errors:
            raise ValidationError(errors)
        instance._pending_role = (
            role,
            municipality if role in MUNICIPAL_ROLES else None,
            organization if role in ORGANIZATION_ROLES else None,
        )

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.set_unusable_password()  # the person sets a password through "forgot password"

    def after_save_instance(self, instance, row, **kwargs):
        if self._skip_save:
            return
        role, municipality, organization = getattr(instance, "_pending_role", (None, None, None))
        if role:
            RoleAssignment.objects.get_or_create(
                user=instance, role=role, municipality=municipality, organization=organization
            )

    def dehydrate_role(self, user):
        first = _first_assignment(user)
        return first.get_role_display() if first else ""

    def dehydrate_municipality(self, user):
        first = _first_assignment(user)
        return first.municipality.name if first and first.municipality else ""

    def dehydrate_organization(self, user):
        first = _first_assignment(user)
        return first.organization.short_name if first and first.organization else ""

    def get_queryset(self):
        from django.db.models import Prefetch

        from accounts.selectors import users_in_scope

        return users_in_scope(self.user).prefetch_related(
            Prefetch("roles", queryset=RoleAssignment.objects.select_related("municipality", "organization", "region"))
        )


def _first_assignment(user) -> RoleAssignment | None:
    assignments = list(user.roles.all())
    return assignments[0] if assignments else None


register_template(OrganizationResource.import_template())
register_template(UserResource.import_template())
