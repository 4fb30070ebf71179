from django.urls import path

from monitoring import region_views, views

app_name = "monitoring"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/open/", views.campaign_open, name="campaign_open"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/submit/", views.assignment_submit, name="assignment_submit"),
    path("assignments/<int:pk>/accept/", views.assignment_accept, name="assignment_accept"),
    path("assignments/<int:pk>/return/", views.assignment_return, name="assignment_return"),
    path("responses/<int:pk>/", views.response_fill, name="response_fill"),
    path("questionnaires/<int:pk>/", views.questionnaire_preview, name="questionnaire_preview"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("effectiveness/", views.ranking, name="ranking"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/", views.build_detail, name="build_detail"),
    path("reports/<int:pk>/retry/", views.build_retry, name="build_retry"),
    path("reports/<int:pk>/progress/", views.build_progress, name="build_progress"),
    path("reports/<int:pk>/download/<str:fmt>/", views.build_download, name="build_download"),
    path("export/regional/", views.regional_export, name="regional_export"),
    path("websites/", views.website_checks, name="websites"),
    path("region/", region_views.region_list, name="region_list"),
    path("region/<int:pk>/", region_views.region_detail, name="region_detail"),
    path("region/<int:pk>/export/", region_views.region_export, name="region_export"),
    path("region/<int:pk>/report/", region_views.region_report_request, name="region_report_request"),
    path("region/<int:pk>/campaigns/", region_views.region_campaigns, name="region_campaigns"),
    path("region/campaigns/<int:pk>/", region_views.region_campaign_detail, name="region_campaign_detail"),
    path("region/campaigns/<int:pk>/close/", region_views.region_campaign_close, name="region_campaign_close"),
    path("region/requests/<int:pk>/", region_views.region_request_detail, name="region_request_detail"),
    path("region/requests/<int:pk>/submit/", region_views.region_request_submit, name="region_request_submit"),
    path("region/requests/<int:pk>/accept/", region_views.region_request_accept, name="region_request_accept"),
    path("region/requests/<int:pk>/return/", region_views.region_request_return, name="region_request_return"),
    path("region/municipality/<int:pk>/", region_views.region_municipality, name="region_municipality"),
]
