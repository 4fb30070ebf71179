from django.urls import path

from roadmaps import views

app_name = "roadmaps"

urlpatterns = [
    path("", views.roadmap_list, name="list"),
    path("import/", views.roadmap_import, name="import"),
    path("import/preview/", views.roadmap_import_preview, name="import_preview"),
    path("import/confirm/", views.roadmap_import_confirm, name="import_confirm"),
    path("attention/", views.attention_list, name="attention"),
    path("tasks/", views.task_list, name="tasks"),
    path("<int:pk>/", views.roadmap_detail, name="detail"),
    path("<int:pk>/timeline/", views.roadmap_timeline, name="timeline"),
    path("<int:pk>/matrix/", views.roadmap_matrix, name="matrix"),
    path("<int:pk>/matrix/export/", views.roadmap_matrix_export, name="matrix_export"),
    path("<int:pk>/matrix/remind/", views.roadmap_matrix_remind, name="matrix_remind"),
    path("<int:pk>/export/<str:fmt>/", views.roadmap_export, name="export"),
    path("<int:pk>/source/", views.roadmap_source, name="source"),
    path("<int:pk>/derive/", views.roadmap_derive, name="derive"),
    path("<int:pk>/status/", views.roadmap_status, name="status"),
    path("activities/<int:pk>/dates/", views.activity_dates, name="activity_dates"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("records/<int:pk>/", views.record_edit, name="record"),
    path("records/<int:pk>/history/", views.record_history, name="record_history"),
    path("records/<int:pk>/evidence/", views.record_evidence, name="record_evidence"),
]
