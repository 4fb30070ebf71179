from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts import scoping
from accounts.admin_mixins import ScopedAdminMixin, XlsxImportExportAdmin
from accounts.models import ExportLog, Municipality, Organization, Region, Role, RoleAssignment, User
from accounts.resources import OrganizationResource, UserResource


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "name_genitive", "authority_name"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "code", "authority_name"]}),
        (
            "Название в документах",
            {
                "fields": ["name_genitive", "name_prepositional"],
                "description": "Падежные формы для аналитического отчёта региона: «Аналитический отчёт … "
                "Красноярского края», «в Красноярском крае». Предлагаются автоматически; проверьте и исправьте "
                "при необходимости.",
            },
        ),
    ]

    def has_module_permission(self, request):
        return scoping.scope_for(request.user).is_admin

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: scoping.scope_for(request.user).is_admin
    )


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    municipality_path = ""
    list_display = ["name", "name_genitive", "region", "timezone", "authority_name"]
    list_filter = ["region"]
    search_fields = ["name", "short_name"]
    fieldsets = [
        (None, {"fields": ["region", "name", "short_name", "timezone", "authority_name"]}),
        (
            "Дорожные карты",
            {
                "fields": ["roadmap_checkpoints"],
                "description": "Применяется к дорожным картам, загружаемым после изменения.",
            },
        ),
        (
            "Название в документах",
            {
                "fields": ["name_genitive", "name_prepositional"],
                "description": "Падежные формы для аналитического отчёта: «Аналитический отчёт … города Норильска», "
                "«в городе Норильске». Предлагаются автоматически; проверьте и исправьте при необходимости.",
            },
        ),
    ]

    def has_add_permission(self, request, *args):
        return scoping.scope_for(request.user).is_admin


@admin.register(Organization)
class OrganizationAdmin(ScopedAdminMixin, XlsxImportExportAdmin):
    scope_path = ""
    resource_classes = [OrganizationResource]
    list_display = ["short_name", "kind", "municipality", "head_name", "is_active"]
    list_filter = ["kind", "municipality", "is_active"]
    search_fields = ["short_name", "full_name", "inn"]
    list_select_related = ["municipality"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organization"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = scoping.organization_choices(request.user)
        elif db_field.name == "municipality":
            kwargs["queryset"] = scoping.editable_municipalities(request.user)
        elif db_field.name == "region":
            # regional roles are granted by administrators only
            is_admin = scoping.scope_for(request.user).is_admin
            kwargs["queryset"] = Region.objects.all() if is_admin else Region.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not scoping.scope_for(request.user).is_admin:
            # a coordinator gives municipal and school roles, never the administrator's or the region's
            kwargs["choices"] = [
                (value, label) for value, label in db_field.choices if value not in {Role.ADMIN, Role.REGIONAL}
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(XlsxImportExportAdmin, BaseUserAdmin):
    resource_classes = [UserResource]
    inlines = [RoleAssignmentInline]
    list_display = ["username", "last_name", "first_name", "middle_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "last_name", "first_name", "email"]
    fieldsets = (
        BaseUserAdmin.fieldsets[:1]
        + (("Личные данные", {"fields": ("last_name", "first_name", "middle_name", "email", "position", "phone")}),)
        + BaseUserAdmin.fieldsets[2:]
    )

    def get_queryset(self, request):
        from accounts.selectors import users_in_scope

        qs = super().get_queryset(request)
        if scoping.scope_for(request.user).is_admin:
            return qs
        return qs.filter(pk__in=users_in_scope(request.user).values("pk"))

    def _may_manage_users(self, request) -> bool:
        return scoping.scope_for(request.user).manages_users

    def has_module_permission(self, request):
        return request.user.is_staff and self._may_manage_users(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff and self._may_manage_users(request)

    def has_add_permission(self, request):
        return request.user.is_staff and self._may_manage_users(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff and self._may_manage_users(request)

    def has_delete_permission(self, request, obj=None):
        return scoping.scope_for(request.user).is_admin

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if scoping.scope_for(request.user).is_admin:
            return fieldsets
        # coordinators manage their people but never grant superuser rights or model permissions
        return [
            (
                name,
                {
                    **opts,
                    "fields": tuple(
                        f for f in opts["fields"] if f not in {"is_superuser", "groups", "user_permissions"}
                    ),
                },
            )
            for name, opts in fieldsets
        ]


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "municipality", "organization", "rows", "masked_rows", "ip_address"]
    list_filter = ["kind", ("municipality", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "created_at"
    list_select_related = ["user", "municipality", "organization"]

    def get_queryset(self, request):
        scope = scoping.scope_for(request.user)
        qs = super().get_queryset(request)
        if scope.is_admin:
            return qs
        from django.db.models import Q

        return qs.filter(
            Q(municipality_id__in=scope.user_admin_municipality_ids)
            | Q(organization__municipality_id__in=scope.user_admin_municipality_ids)
        )

    def has_module_permission(self, request):
        return request.user.is_staff and scoping.scope_for(request.user).manages_users

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False  # the log is written by exports only

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
