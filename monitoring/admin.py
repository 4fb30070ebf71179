"""Admin: the questionnaire form builder (questions inline), campaigns, criteria and report builds."""

from django import forms
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
    ReportSettings,
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


class ThresholdsField(forms.JSONField):
    """Empty means «all defaults»: shown as an empty box, stored as an empty object."""

    def prepare_value(self, value):
        return "" if value in ({}, None, "{}") else super().prepare_value(value)

    def to_python(self, value):
        return {} if value in ("", None) else super().to_python(value)


@admin.register(ReportSettings)
class ReportSettingsAdmin(MonitoringScopedAdmin):
    """Who the annual report is addressed to and signed by, its margins and the thresholds of its
    conclusion rules; the page lists every rule with its threshold keys and defaults."""

    municipality_path = "municipality"
    list_display = ["municipality", "recipient", "signatory_name", "updated_at"]
    readonly_fields = ["rules_help"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "thresholds":
            return ThresholdsField(required=False, label=db_field.verbose_name, help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    fieldsets = [
        (None, {"fields": ["municipality", "recipient"]}),
        (
            "Подпись и исполнитель",
            {
                "fields": [
                    "signatory_position",
                    "signatory_name",
                    "executor_name",
                    "executor_position",
                    "executor_phone",
                ]
            },
        ),
        ("Поля страницы, мм", {"fields": [("margin_left", "margin_right", "margin_top", "margin_bottom")]}),
        ("Выводы и рекомендации", {"fields": ["thresholds", "rules_help"]}),
    ]

    @admin.display(description="правила и пороги по умолчанию")
    def rules_help(self, obj):
        from django.utils.html import format_html, format_html_join

        from monitoring.reports.rules import RULES, fmt

        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            (
                (
                    r.number,
                    r.title,
                    f"{r.number}.{t.key}",
                    t.label,
                    f"{fmt.num(t.default)} {t.unit}".strip(),
                )
                for r in RULES
                for t in r.thresholds
            ),
        )
        return format_html(
            "<table><thead><tr><th>№</th><th>Правило</th><th>Ключ</th><th>Порог</th><th>По умолчанию</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            rows,
        )


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
    readonly_fields = [f.name for f in AnnualReportBuild._meta.fields if f.name != "preview"]
    exclude = ["preview"]  # the page's conclusions and charts, shown on the report page

    def has_add_permission(self, request, *args):
        return False


@admin.register(WebsiteCheckRun)
class WebsiteCheckRunAdmin(MonitoringScopedAdmin):
    municipality_path = "municipality"
    list_display = ["__str__", "municipality", "started_by", "finished_at"]

    def has_add_permission(self, request, *args):
        return False
