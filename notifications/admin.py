from django.contrib import admin

from accounts.admin_mixins import ScopedAdminMixin
from notifications import services
from notifications.models import Notification, ReminderLog, ReminderSettings


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(ScopedAdminMixin, admin.ModelAdmin):
    municipality_path = "municipality"
    list_display = ("municipality", "enabled", "days_before", "escalation_days", "send_hour", "digest_weekday")
    list_select_related = ("municipality",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # the beat schedule follows the settings: a new hour takes effect from the next day
        services.schedule_sync(municipality=obj.municipality)


@admin.register(ReminderLog)
class ReminderLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    municipality_path = "municipality"
    municipality_edit_only = True  # names recipients of every school: coordinators only
    list_display = ("date", "kind", "recipient", "organization", "status", "email_sent", "sent_at")
    list_filter = ("status", "kind", "date")
    list_select_related = ("recipient", "organization")
    search_fields = ("title", "recipient__username", "recipient__last_name")
    date_hierarchy = "date"

    # the log is evidence of what was sent: nobody edits it by hand
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    # notifications are personal: only administrators see them here (no scope path set)
    list_display = ("created_at", "recipient", "kind", "title", "read_at")
    list_filter = ("kind",)
    list_select_related = ("recipient",)
    search_fields = ("title", "recipient__username")
