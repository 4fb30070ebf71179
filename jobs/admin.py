from django.contrib import admin

from jobs.models import Heartbeat, Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs are written by the machinery; the admin only looks (superusers)."""

    list_display = ("pk", "kind", "state", "attempts", "created_at", "sent_at", "finished_at", "error")
    list_filter = ("state", "kind")
    search_fields = ("key",)
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(JobAdmin):
    list_display = ("role", "hostname", "seen_at")
    list_filter = ("role",)
    search_fields = ("hostname",)
    readonly_fields = [f.name for f in Heartbeat._meta.fields]
