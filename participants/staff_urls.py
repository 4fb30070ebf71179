"""The curators' actions about participants' questionnaires (/participants/)."""

from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("campaigns/<int:pk>/remind/", views.campaign_remind, name="campaign_remind"),
]
