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
    # municipal rows that only those who run the municipality may read (logs naming people)
    municipality_edit_only: bool = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.scope_path is not None:
            return scoping.filter_by_organization(request.user, qs, self.scope_path)
        if self.municipality_path is not None:
            return scoping.filter_by_municipality(
                request.user, qs, self.municipality_path, edit=self.municipality_edit_only
            )
        return qs if scoping.scope_for(request.user).is_admin else qs.none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = _scoped_choices(db_field, request)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = _scoped_choices(db_field, request)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        # a plain related filter lists every municipality/organization in the table; offer only
        # those that occur in the user's (scoped) rows
        from accounts.models import Municipality, Organization

        result = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str):
                try:
                    field = _resolve_field(self.model, entry)
                except Exception:  # noqa: BLE001 - not a plain field path: leave the filter as it is
                    field = None
                if field is not None and getattr(field, "related_model", None) in (Organization, Municipality):
                    entry = (entry, admin.RelatedOnlyFieldListFilter)
            result.append(entry)
        return result

    def _object_in_scope_or_404(self, request, object_id):
        from django.http import Http404

        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404("Объект не найден или недоступен.")

    def history_view(self, request, object_id, extra_context=None):
        self._object_in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history's page of one version reads the object without get_queryset
        self._object_in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    def _can_edit(self, request) -> bool:
        scope = scoping.scope_for(request.user)
        if self.scope_path is not None:
            return scope.edits_anything
        if self.municipality_path is not None:
            return scope.edits_municipal_data
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


def _scoped_choices(db_field, request):
    """Choices of a relation field: organizations and municipalities by edit scope; any other
    model registered with a scoped admin by that admin's own queryset (a parent roadmap, a
    person, a pair...), so a form never lists another school's rows."""
    from accounts.models import Municipality, Organization

    related = db_field.related_model
    if related is Organization:
        return scoping.organization_choices(request.user)
    if related is Municipality:
        return scoping.editable_municipalities(request.user)
    related_admin = admin.site._registry.get(related)
    if isinstance(related_admin, ScopedAdminMixin):
        return related_admin.get_queryset(request)
    return None


def _resolve_field(model, path: str):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = getattr(field, "related_model", None) or model
    return field


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

    def get_data_for_export(self, request, queryset, **kwargs):
        # the same steps as import-export's, keeping the resource so that its counts can be logged
        export_form = kwargs.get("export_form")
        resource = self.choose_export_resource_class(export_form, request)(
            **self.get_export_resource_kwargs(request, **kwargs)
        )
        request._export_resource = resource
        return resource.export(
            queryset=queryset, export_fields=self.get_export_resource_fields_from_form(export_form), **kwargs
        )

    def get_export_data(self, file_format, request, queryset, **kwargs):
        from accounts.exports import personal_export_finish

        content = super().get_export_data(file_format, request, queryset, **kwargs)
        resource = getattr(request, "_export_resource", None)
        kind = getattr(resource, "personal_data_kind", None)
        if kind:
            content = personal_export_finish(
                content=content,
                user=request.user,
                kind=f"{kind} (администрирование)",
                rows=resource.exported_rows,
                masked=resource.masked_rows,
                request=request,
            )
        return content

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)


admin.ModelAdmin.list_per_page = 50
