"""Admin: the questionnaire form builder (questions inline), campaigns, criteria and report builds."""

from django.contrib import admin

from accounts import scoping
from accounts.admin_mixins import ScopedAdminMixin
from monitoring.models import (
    AnnualReportBuild,
    Assignment,
    Campaign,
    EffectivenessCriterion,
    Question,
    Questionnaire,
    WebsiteCheckRun,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ["order", "text", "kind", "options", "required", "dimension"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    """Questionnaires are shared by every municipality: only administrators build them
    (methodologists see them as forms on the site)."""

    list_display = ["title", "purpose", "audience", "is_standard", "is_active"]
    list_filter = ["purpose", "audience", "is_standard", "is_active"]
    search_fields = ["title"]
    inlines = [QuestionInline]

    def _admin(self, request) -> bool:
        return scoping.scope_for(request.user).is_admin

    def has_view_permission(self, request, obj=None):
        return self._admin(request)

    def has_module_permission(self, request):
        return self._admin(request)

    def has_add_permission(self, request):
        return self._admin(request)

    def has_change_permission(self, request, obj=None):
        return self._admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._admin(request) and (obj is None or not obj.responses.exists())


class MonitoringScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Methodologists run monitoring too, so edit rights follow `methodology_municipality_ids`
    rather than the coordinator-only default of the mixin."""

    def _can_edit(self, request) -> bool:
        return scoping.scope_for(request.user).runs_monitoring

    def _obj_editable(self, request, obj) -> bool:
        return scoping.can_run_monitoring(request.user, obj.municipality_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from accounts.models import Municipality

        if db_field.related_model is Municipality:
            kwargs["queryset"] = scoping.monitoring_municipalities(request.user)
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(EffectivenessCriterion)
class EffectivenessCriterionAdmin(MonitoringScopedAdmin):
    municipality_path = "municipality"
    list_display = ["metric", "weight", "order", "municipality"]
    list_editable = ["weight", "order"]
    list_filter = ["municipality"]


@admin.register(Campaign)
class CampaignAdmin(MonitoringScopedAdmin):
    municipality_path = "municipality"
    list_display = ["title", "kind", "deadline", "status", "municipality"]
    list_filter = ["kind", "status", "municipality"]
    search_fields = ["title"]
    filter_horizontal = ["organizations", "questionnaires"]


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_path = "organization"
    list_display = ["campaign", "organization", "status", "submitted_at", "reviewed_by"]
    list_filter = ["status", "campaign__kind"]
    list_select_related = ["campaign", "organization", "reviewed_by"]
    readonly_fields = ["first_submitted_at", "submitted_at", "submitted_by", "reviewed_at", "reviewed_by"]

    def has_add_permission(self, request, *args):
        return False  # assignments come from opening a campaign


@admin.register(AnnualReportBuild)
class AnnualReportBuildAdmin(MonitoringScopedAdmin):
    municipality_path = "municipality"
    list_display = ["municipality", "year", "author", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status", "year"]
    readonly_fields = [f.name for f in AnnualReportBuild._meta.fields]

    def has_add_permission(self, request, *args):
        return False


@admin.register(WebsiteCheckRun)
class WebsiteCheckRunAdmin(MonitoringScopedAdmin):
    municipality_path = "municipality"
    list_display = ["__str__", "municipality", "started_by", "finished_at"]

    def has_add_permission(self, request, *args):
        return False
