"""Admin: reference lists, people, pairs and the Excel exchange (import with preview, export, templates)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from accounts import scoping
from accounts.admin_mixins import ScopedAdminMixin, XlsxImportExportAdmin
from mentorship import models, selectors
from mentorship.resources import MenteeResource, MentorResource, PairResource


class ReferenceAdmin(admin.ModelAdmin):
    """Reference lists are shared by everyone; only administrators change them."""

    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name"]

    def _admin(self, request) -> bool:
        return scoping.scope_for(request.user).is_admin

    def has_module_permission(self, request):
        return request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    def has_add_permission(self, request):
        return self._admin(request)

    def has_change_permission(self, request, obj=None):
        return self._admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._admin(request)


admin.site.register(models.Competency, ReferenceAdmin)
admin.site.register(models.Subject, ReferenceAdmin)


@admin.register(models.Deficit)
class DeficitAdmin(ReferenceAdmin):
    filter_horizontal = ["competencies"]


@admin.register(models.MentoringForm)
class MentoringFormAdmin(ReferenceAdmin):
    list_display = ["name", "kind", "order", "is_active"]
    list_filter = ["kind"]


class ProgramTemplateItemInline(admin.TabularInline):
    model = models.ProgramTemplateItem
    extra = 0


@admin.register(models.ProgramTemplate)
class ProgramTemplateAdmin(ReferenceAdmin):
    list_display = ["title", "form", "is_active"]
    list_editable = []
    search_fields = ["title"]
    inlines = [ProgramTemplateItemInline]


class ExchangeLinksMixin:
    """Links to the .xlsx template (with drop-downs) and to the background import above the list."""

    template_kind = ""
    # import-export wraps change_list_template as its base; naming ours as the import-export
    # template keeps the chain ours → import-export → admin/change_list.html without a loop
    import_export_change_list_template = "admin/mentorship/change_list_exchange.html"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "template_url": reverse("mentorship:xlsx_template", args=[self.template_kind]),
            "background_url": reverse("mentorship:import_list"),
        }
        return super().changelist_view(request, extra_context)


class ConsentInline(admin.TabularInline):
    model = models.Consent
    extra = 0
    fields = ["given_on", "purpose", "representative_name", "scan", "withdrawn_on"]


class PersonAdminBase(ScopedAdminMixin, ExchangeLinksMixin, XlsxImportExportAdmin, SimpleHistoryAdmin):
    scope_path = "organization"
    list_select_related = ["organization"]
    search_fields = ["last_name", "first_name", "middle_name", "position"]
    inlines = [ConsentInline]
    filter_horizontal = ["subjects", "competencies", "deficits"]
    # the participant's own account comes only from a curator's invitation (mentorship.participants)
    readonly_fields = ["user"]

    def get_queryset(self, request):
        return selectors.with_person_facts(super().get_queryset(request))

    @admin.display(boolean=True, description="согласие")
    def consent(self, obj):
        return obj.has_consent


@admin.register(models.Person)
class PersonAdmin(PersonAdminBase):
    template_kind = "mentors"
    resource_classes = [MentorResource, MenteeResource]
    list_display = ["__str__", "organization", "kind", "is_mentor", "is_mentee", "consent"]
    list_filter = ["kind", "is_mentor", "is_mentee", "in_municipal_bank"]


@admin.register(models.Mentor)
class MentorAdmin(PersonAdminBase):
    template_kind = "mentors"
    resource_classes = [MentorResource]
    list_display = ["__str__", "organization", "capacity", "load", "in_municipal_bank", "consent"]
    list_filter = ["in_municipal_bank", "qualification_category"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_mentor=True)

    @admin.display(description="нагрузка")
    def load(self, obj):
        return obj.load

    def get_export_queryset(self, request):
        # the municipal bank as the user sees it: own mentors plus the bank of the municipality
        return selectors.mentor_bank(request.user).prefetch_related("subjects", "competencies")


@admin.register(models.Mentee)
class MenteeAdmin(PersonAdminBase):
    template_kind = "mentees"
    resource_classes = [MenteeResource]
    list_display = ["__str__", "organization", "mentee_category", "mentee_since", "consent"]
    list_filter = ["mentee_category"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_mentee=True)


class ParticipantInline(admin.TabularInline):
    model = models.PairParticipant
    extra = 0
    raw_id_fields = ["person"]


@admin.register(models.Pair)
class PairAdmin(ScopedAdminMixin, ExchangeLinksMixin, XlsxImportExportAdmin, SimpleHistoryAdmin):
    template_kind = "pairs"
    scope_path = "organization"
    resource_classes = [PairResource]
    list_display = ["__str__", "organization", "form", "status", "started_on", "order_number", "open_link"]
    list_filter = ["status", "form"]
    list_select_related = ["organization", "form"]
    search_fields = ["title", "order_number", "participants__person__last_name"]
    inlines = [ParticipantInline]
    readonly_fields = ["status"]  # the status machine lives in services (screens), not in a select box

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("participants__person")

    @admin.display(description="на сайте")
    def open_link(self, obj):
        return format_html('<a href="{}">открыть</a>', obj.get_absolute_url())


class OwnJobsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "processed_rows", "total_rows", "created_count", "updated_count"]
    readonly_fields = [f.name for f in models.ImportJob._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if scoping.scope_for(request.user).is_admin else qs.filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff


admin.site.register(models.ImportJob, OwnJobsAdmin)
