"""Admin plumbing shared by every app: scoped querysets and .xlsx-only import/export."""

from __future__ import annotations

from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX

from accounts import scoping


class ScopedAdminMixin:
    """Admin whose rows, choices and permissions come from the scoping module.

    `scope_path` is the lookup from the model to Organization; `municipality_path` for
    municipal-level models. Exactly one is set.
    """

    scope_path: str | None = None
    municipality_path: str | None = None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.scope_path is not None:
            return scoping.filter_by_organization(request.user, qs, self.scope_path)
        if self.municipality_path is not None:
            return scoping.filter_by_municipality(request.user, qs, self.municipality_path)
        return qs if scoping.scope_for(request.user).is_admin else qs.none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from accounts.models import Municipality, Organization

        if db_field.related_model is Organization:
            kwargs["queryset"] = scoping.organization_choices(request.user)
        elif db_field.related_model is Municipality:
            kwargs["queryset"] = scoping.editable_municipalities(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _can_edit(self, request) -> bool:
        scope = scoping.scope_for(request.user)
        if self.scope_path is not None:
            return scope.is_admin or bool(scope.edit_municipality_ids or scope.edit_organization_ids)
        if self.municipality_path is not None:
            return scope.is_admin or bool(scope.edit_municipality_ids)
        return scope.is_admin

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, *args):
        return request.user.is_staff and self._can_edit(request)

    def has_change_permission(self, request, obj=None):
        if not (request.user.is_staff and self._can_edit(request)):
            return False
        return obj is None or self._obj_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def _obj_editable(self, request, obj) -> bool:
        qs = self.model._default_manager.filter(pk=obj.pk)
        if self.scope_path is not None:
            return scoping.filter_by_organization(request.user, qs, self.scope_path, edit=True).exists()
        if self.municipality_path is not None:
            return scoping.filter_by_municipality(request.user, qs, self.municipality_path, edit=True).exists()
        return scoping.scope_for(request.user).is_admin


class XlsxImportExportAdmin(ImportExportModelAdmin):
    """Excel only: it is what schools and municipalities exchange."""

    formats = [XLSX]
    import_formats = [XLSX]
    export_formats = [XLSX]

    def get_import_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        kwargs["user"] = request.user
        return kwargs

    def get_export_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_export_resource_kwargs(request, **kwargs)
        kwargs["user"] = request.user
        return kwargs

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)


admin.ModelAdmin.list_per_page = 50
