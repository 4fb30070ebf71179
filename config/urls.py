from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Наставник — администрирование"
admin.site.site_title = "Наставник"
admin.site.index_title = "Справочники, пользователи и обмен данными"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("jobs.urls")),
    path("", include("accounts.urls")),
    path("roadmaps/", include("roadmaps.urls")),
    path("mentorship/", include("mentorship.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("notifications/", include("notifications.urls")),
    path("me/", include("participants.urls")),
    path("participants/", include("participants.staff_urls")),
]
