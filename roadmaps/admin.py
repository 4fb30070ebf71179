"""Admin: roadmaps scoped by municipality, records by the records' own rule, and the document import."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_mixins import ScopedAdminMixin
from accounts.models import Role
from roadmaps import selectors, upload
from roadmaps.forms import RoadmapUploadForm
from roadmaps.importers import RoadmapImportError
from roadmaps.models import Activity, DueDate, ExecutionRecord, Indicator, Roadmap, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["number", "title", "order"]


@admin.register(Roadmap)
class RoadmapAdmin(ScopedAdminMixin, admin.ModelAdmin):
    municipality_path = "municipality"
    list_display = ["short_title", "level", "municipality", "organization", "period_start", "period_end", "status"]
    list_filter = ["level", "status", "is_template", "municipality"]
    search_fields = ["title", "organization__short_name"]
    inlines = [SectionInline]
    change_list_template = "admin/roadmaps/roadmap/change_list.html"

    def get_queryset(self, request):
        # School roadmaps follow the organization rule, municipal ones the municipality rule.
        return selectors.roadmaps_visible(request.user).select_related("municipality", "organization")

    def _obj_editable(self, request, obj) -> bool:
        return selectors.can_edit_roadmap(request.user, obj)

    def get_urls(self):
        return [
            path("import-document/", self.admin_site.admin_view(self.import_view), name="roadmaps_roadmap_import"),
            path(
                "import-document/preview/",
                self.admin_site.admin_view(self.import_preview_view),
                name="roadmaps_roadmap_import_preview",
            ),
            path(
                "import-document/confirm/",
                self.admin_site.admin_view(self.import_confirm_view),
                name="roadmaps_roadmap_import_confirm",
            ),
        ] + super().get_urls()

    def import_view(self, request):
        form = RoadmapUploadForm(request.POST or None, request.FILES or None, user=request.user)
        if not form.fields["municipality"].queryset.exists():
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Загрузка дорожной карты (Word, RTF, OpenDocument, Excel, PDF)",
        }
        if request.method == "POST" and form.is_valid():
            try:
                staged = upload.stage(
                    request,
                    upload=form.cleaned_data["file"],
                    municipality=form.cleaned_data["municipality"],
                    organization=form.cleaned_data["organization"],
                    is_template=form.cleaned_data["is_template"],
                )
            except RoadmapImportError as exc:
                form.add_error("file", str(exc))
            else:
                return self._preview_response(request, staged)
        return TemplateResponse(request, "admin/roadmaps/roadmap/import_form.html", context)

    def _preview_response(self, request, staged, form=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Проверьте, что распознано",
            **upload.preview_context(
                staged,
                form=form,
                correct_url=reverse("admin:roadmaps_roadmap_import_preview"),
                confirm_url=reverse("admin:roadmaps_roadmap_import_confirm"),
            ),
        }
        return TemplateResponse(request, "admin/roadmaps/roadmap/import_preview.html", context)

    def import_preview_view(self, request):
        token = request.POST.get("token") or request.GET.get("token") or ""
        try:
            staged = upload.preview(request, token)
            if request.method != "POST":
                return self._preview_response(request, staged)
            form = upload.correction_form(staged, data=request.POST)
            if form.is_valid():
                return self._preview_response(request, upload.correct(request, token, upload.corrections_from(form)))
        except RoadmapImportError as exc:
            messages.error(request, str(exc))
            return redirect("admin:roadmaps_roadmap_import")
        messages.error(request, "Исправления не приняты: проверьте отмеченные поля.")
        return self._preview_response(request, staged, form)

    def import_confirm_view(self, request):
        if request.method != "POST":
            return redirect("admin:roadmaps_roadmap_import")
        token = request.POST.get("token", "")
        if "cancel" in request.POST:
            upload.discard(request, token)
            return redirect("admin:roadmaps_roadmap_changelist")
        try:
            roadmap = upload.confirm(request, token, replaces=upload.replaces_choice(request.POST))
        except (RoadmapImportError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            if upload.is_pending(request, token):
                return redirect(f"{reverse('admin:roadmaps_roadmap_import_preview')}?token={token}")
            return redirect("admin:roadmaps_roadmap_import")
        messages.success(request, f"Загружено мероприятий: {roadmap.activities.count()}.")
        return redirect("admin:roadmaps_roadmap_change", roadmap.pk)


class DueDateInline(admin.TabularInline):
    model = DueDate
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


class ActivityAdminForm(forms.ModelForm):
    """The recognised roles as checkboxes with their Russian names (the JSON list showed codes)."""

    responsible_roles = forms.MultipleChoiceField(
        label="распознанные роли ответственных",
        choices=[(r.value, r.label) for r in Role if r != Role.ADMIN],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Activity
        fields = ["responsible_roles"]  # the admin adds the rest of its own fields


@admin.register(Activity)
class ActivityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = ActivityAdminForm
    municipality_path = "roadmap__municipality"
    list_display = ["number", "__str__", "roadmap", "deadline_text", "recurrence", "deadline_parsed", "for_schools"]
    list_filter = ["deadline_parsed", "recurrence", "for_schools"]
    search_fields = ["title", "number", "deadline_text"]
    inlines = [DueDateInline, IndicatorInline]
    raw_id_fields = ["roadmap", "section", "source_activity"]
    filter_horizontal = ["responsible_organizations"]

    def get_queryset(self, request):
        return Activity.objects.filter(roadmap__in=selectors.roadmaps_visible(request.user)).select_related("roadmap")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # read-only: the roles by their names (the stored list holds codes)
            return ["responsible_roles_display" if f == "responsible_roles" else f for f in fields]
        return fields

    @admin.display(description="распознанные роли ответственных")
    def responsible_roles_display(self, obj) -> str:
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(code, code)) for code in obj.responsible_roles or []) or "—"

    def _obj_editable(self, request, obj) -> bool:
        return selectors.can_edit_roadmap(request.user, obj.roadmap)


@admin.register(ExecutionRecord)
class ExecutionRecordAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_path = "organization"
    list_display = ["activity", "due", "organization", "municipality", "status", "completed_on", "marked_by"]
    list_filter = ["status", "municipality"]
    search_fields = ["activity__title", "organization__short_name"]
    raw_id_fields = ["activity", "due", "organization", "municipality", "marked_by"]

    def get_queryset(self, request):
        return selectors.records_visible(request.user).select_related(
            "activity", "due", "organization", "municipality", "marked_by"
        )

    def _obj_editable(self, request, obj) -> bool:
        return selectors.can_edit_record(request.user, obj)
