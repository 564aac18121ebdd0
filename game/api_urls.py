from django.urls import path

from game import api

urlpatterns = [
    path("sessions/", api.SessionListApi.as_view(), name="api-sessions"),
    path("sessions/<int:session_id>/results/", api.SessionResultsApi.as_view(), name="api-session-results"),
]
