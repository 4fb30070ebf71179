"""Admin plumbing shared by every app: scoped querysets and .xlsx-only import/export."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX

from accounts import imports, scoping


class ScopedInlineMixin:
    """Inline whose relation choices come from the scoping module (applied to every inline of a
    scoped admin by `ScopedAdminMixin.get_inline_instances`)."""

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

    def get_readonly_fields(self, request, obj=None):
        return _with_user_fields(super().get_readonly_fields(request, obj), self.model)


_scoped_inline_classes: dict[type, type] = {}


def _scoped_inline_class(cls: type) -> type:
    if issubclass(cls, ScopedInlineMixin):
        return cls
    if cls not in _scoped_inline_classes:
        _scoped_inline_classes[cls] = type(f"Scoped{cls.__name__}", (ScopedInlineMixin, cls), {})
    return _scoped_inline_classes[cls]


def _with_user_fields(readonly, model) -> list:
    """Who created, marked, reviewed or filled a row is recorded by the services, never typed:
    every relation to a user is shown read-only (a select would list users out of scope)."""
    from accounts.models import User

    names = [f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is User]
    return list(readonly) + [n for n in names if n not in readonly]


class ScopedAdminMixin:
    """Admin whose rows, choices, prefills and permissions come from the scoping module.

    `scope_path` is the lookup from the model to Organization; `municipality_path` for
    municipal-level models. Exactly one is set.

    Every relation field (forms, inlines, list filters) offers only the rows the user may see
    (`scoping.choices_for`, else the related model's scoped admin); a value prefilled from the
    query string (`?organization=…`) outside that is dropped; relations to users are read-only.
    """

    #: relations to users filled with the author when an administrator adds a row
    author_fields: tuple[str, ...] = ("created_by", "author", "started_by")

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

    def get_readonly_fields(self, request, obj=None):
        return _with_user_fields(super().get_readonly_fields(request, obj), self.model)

    def get_inline_instances(self, request, obj=None):
        instances = super().get_inline_instances(request, obj)
        for inline in instances:
            inline.__class__ = _scoped_inline_class(type(inline))
        return instances

    def get_changeform_initial_data(self, request):
        """Prefills from the query string, minus relation values outside the user's scope."""
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation or field.related_model is None:
                continue
            allowed = _scoped_choices(field, request)
            if allowed is None:
                continue
            values = initial[name] if isinstance(initial[name], list) else [initial[name]]
            target = field.target_field.attname if field.many_to_one else "pk"
            try:
                kept = [str(v) for v in allowed.filter(**{f"{target}__in": values}).values_list(target, flat=True)]
            except (ValueError, TypeError, ValidationError):
                kept = []
            if isinstance(initial[name], list):
                initial[name] = [v for v in initial[name] if str(v) in kept]
            elif str(initial[name]) not in kept:
                del initial[name]
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            for name in self.author_fields:
                if hasattr(obj, f"{name}_id") and getattr(obj, f"{name}_id") is None:
                    setattr(obj, name, request.user)
        super().save_model(request, obj, form, change)

    def get_list_filter(self, request):
        # a plain related filter lists every row of the related table; offer only those that
        # occur in the user's (scoped) rows
        result = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str):
                try:
                    field = _resolve_field(self.model, entry)
                except Exception:  # noqa: BLE001 - not a plain field path: leave the filter as it is
                    field = None
                if field is not None and _is_scoped_model(getattr(field, "related_model", None)):
                    entry = (entry, admin.RelatedOnlyFieldListFilter)
            result.append(entry)
        return result

    def _object_in_scope_or_404(self, request, object_id):
        try:
            found = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, TypeError, ValidationError):
            found = False
        if not found:
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
    """Choices of a relation field: organizations and municipalities by edit scope, users and
    the models apps registered (people, roadmaps, pairs...) by `scoping.choices_for`; any other
    model with a scoped admin by that admin's own queryset, so a form never lists another
    school's rows."""
    from accounts.models import Municipality, Organization

    related = db_field.related_model
    if related is None:
        return None
    queryset = scoping.choices_for(request.user, related, edit=related in (Organization, Municipality))
    if queryset is not None:
        return queryset
    related_admin = admin.site._registry.get(related)
    if isinstance(related_admin, ScopedAdminMixin):
        return related_admin.get_queryset(request)
    return None


def _is_scoped_model(model) -> bool:
    return model is not None and (
        model in scoping.scoped_models() or isinstance(admin.site._registry.get(model), ScopedAdminMixin)
    )


def _resolve_field(model, path: str):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = getattr(field, "related_model", None) or model
    return field


class _ConfirmForm(forms.Form):
    import_file_name = forms.CharField(widget=forms.HiddenInput)
    original_file_name = forms.CharField(widget=forms.HiddenInput, required=False)
    format = forms.CharField(widget=forms.HiddenInput, required=False)
    resource = forms.CharField(widget=forms.HiddenInput, required=False)


class XlsxImportExportAdmin(ImportExportModelAdmin):
    """Excel only: it is what schools and municipalities exchange.

    The two steps go through accounts.imports: the file is read and checked (foreign or broken
    file, sheet, headers, template, limits), previewed as a dry run, kept as a StagedUpload, and
    the confirm claims that upload in its transaction, validates the whole file again against the
    database as it is then and writes every row or none. A second confirm shows the first result.
    """

    formats = [XLSX]
    import_formats = [XLSX]
    export_formats = [XLSX]
    import_template_name = "admin/accounts/xlsx_import.html"

    def get_valid_export_item_pks(self, request):
        """The rows an «export selected» may name: those of the export queryset (the scoped
        `get_queryset`, with the list's filters), as django-import-export 5 does in `export_action`.
        The library's own version lists every row of the table and warns that it is deprecated;
        4.x still calls it, so this override is where its replacement lives until the upgrade."""
        return self.get_export_queryset(request).values_list("pk", flat=True)

    def _staged_kind(self) -> str:
        return f"admin:{self.model._meta.label_lower}"

    def _import_context(self, request, import_form, **extra):
        resources = [cls(user=request.user) for cls in self.get_import_resource_classes(request)]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Загрузка из Excel: {self.model._meta.verbose_name_plural}",
            "form": import_form,
            "opts": self.model._meta,
            "media": self.media + import_form.media,
            "limits": imports.limits_text(),
            "fields_list": [
                (r.template_of or r.get_display_name(), [f.column_name for f in r.get_user_visible_fields()])
                for r in resources
            ],
            **extra,
        }
        request.current_app = self.admin_site.name
        return context

    def _resource(self, request, index: int):
        classes = self.get_import_resource_classes(request)
        if not 0 <= index < len(classes):
            index = 0
        return classes[index](**self.get_import_resource_kwargs(request))

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        import_form = self.create_import_form(request)
        if not (request.method == "POST" and import_form.is_valid()):
            return TemplateResponse(request, [self.import_template_name], self._import_context(request, import_form))
        upload = import_form.cleaned_data["import_file"]
        index = _int(import_form.cleaned_data.get("resource"))
        sheet_name = (request.POST.get("sheet") or "").strip() or None
        resource = self._resource(request, index)
        extra: dict = {}
        try:
            if upload.size > imports.max_bytes():
                imports.sniff(b"x" * (imports.max_bytes() + 1), upload.name)
            content = upload.read()
            sheet = imports.read_workbook(
                content, upload.name, expected=resource.import_template().headers, sheet=sheet_name
            )
            result, problems = imports.import_sheet(
                resource, sheet, dry_run=True, file_name=upload.name, user=request.user
            )
        except imports.ImportRejected as exc:
            extra.update(problems=exc.problems, sheets=exc.sheets)
        else:
            if problems:
                extra.update(problems=problems, result=result)
            else:
                staged = imports.stage_upload(
                    user=request.user,
                    kind=self._staged_kind(),
                    content=content,
                    filename=upload.name,
                    params={"resource": index, "sheet": sheet.name},
                )
                extra.update(
                    result=result,
                    counts=imports.result_counts(result),
                    sheet_name=sheet.name,
                    preview_headers=sheet.headers,
                    preview_rows=[(sheet.first_data_row + i, row) for i, row in enumerate(sheet.rows[:20])],
                    total_rows=len(sheet.rows),
                    confirm_form=_ConfirmForm(
                        initial={
                            "import_file_name": str(staged.key),
                            "original_file_name": staged.original_name,
                            "format": "0",
                            "resource": str(index),
                        }
                    ),
                )
        return TemplateResponse(
            request, [self.import_template_name], self._import_context(request, import_form, **extra)
        )

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_import")
            )
        import_url = reverse(
            f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_import", current_app=self.admin_site.name
        )
        staged = imports.staged_for(request.user, request.POST.get("import_file_name", ""), self._staged_kind())
        if staged is None:
            messages.error(request, "Загрузка не найдена или устарела (файлы хранятся сутки): загрузите файл ещё раз.")
            return HttpResponseRedirect(import_url)

        def apply(staged, content: bytes) -> dict:
            resource = self._resource(request, _int(staged.params.get("resource")))
            sheet = imports.read_workbook(
                content,
                staged.original_name,
                expected=resource.import_template().headers,
                sheet=staged.params.get("sheet"),
            )
            result, problems = imports.import_sheet(
                resource,
                sheet,
                dry_run=False,
                file_name=staged.original_name,
                user=request.user,
                retain_instance_in_row_result=True,
            )
            if problems:
                raise imports.ImportRejected(problems)
            self.generate_log_entries(result, request)
            counts = imports.result_counts(result)
            return {"ok": True, "counts": counts, "message": f"Импорт завершён: {imports.counts_text(counts)}."}

        outcome = imports.confirm_staged(staged, apply)
        if outcome.get("ok"):
            prefix = "Этот файл уже загружен. " if outcome.get("repeated") else ""
            messages.success(request, prefix + outcome["message"])
            return HttpResponseRedirect(
                reverse(
                    f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist",
                    current_app=self.admin_site.name,
                )
            )
        problems = [imports.Problem(**p) for p in outcome.get("problems", [])]
        fresh_form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )
        context = self._import_context(request, fresh_form, problems=problems, confirm_failed=outcome.get("message"))
        return TemplateResponse(request, [self.import_template_name], context)

    def get_import_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        kwargs["user"] = request.user
        return kwargs

    def get_export_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_export_resource_kwargs(request, **kwargs)
        kwargs["user"] = request.user
        return kwargs

    def export_action(self, request):
        # a filter in the query string that the model does not have (a bookmarked or edited
        # address) answers a message on the list, not a server error
        try:
            return super().export_action(request)
        except (IncorrectLookupParameters, ValidationError, ValueError):
            messages.error(
                request,
                "Выгрузка не сформирована: в адресе страницы указан фильтр, которого нет у этого списка. "
                "Откройте список заново, выберите фильтры и повторите выгрузку.",
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    def get_data_for_export(self, request, queryset, **kwargs):
        # the same steps as import-export's, keeping the resource so that its counts can be logged
        export_form = kwargs.get("export_form")
        resource = self.choose_export_resource_class(export_form, request)(
            **self.get_export_resource_kwargs(request, **kwargs)
        )
        request._export_resource = resource
        data = resource.export(
            queryset=queryset, export_fields=self.get_export_resource_fields_from_form(export_form), **kwargs
        )
        # the sheet's name (tablib's default is «Tablib Dataset»); Excel allows 31 characters
        data.title = str(self.model._meta.verbose_name_plural)[:31].capitalize()
        return data

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


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


admin.ModelAdmin.list_per_page = 50
