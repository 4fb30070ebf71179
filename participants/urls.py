"""The participant's own pages (/me/)."""

from django.urls import path

from participants import views

app_name = "participant"

urlpatterns = [
    path("", views.home, name="home"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair"),
    path("pairs/<int:pk>/meetings/new/", views.propose, name="propose"),
    path("meetings/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("questionnaires/<int:pk>/", views.questionnaire, name="questionnaire"),
    path("my-data/", views.my_data, name="my_data"),
]
