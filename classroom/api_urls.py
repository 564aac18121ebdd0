"""REST API for participation reports (owned by the reports work)."""
from django.urls import path

from classroom import api
from classroom import api_personal_data

urlpatterns = [
    path("reports/participation/people/", api.PeopleReportApi.as_view(), name="api-report-people"),
    path("reports/participation/sessions/", api.SessionsReportApi.as_view(), name="api-report-sessions"),
]

# Personal data: erase a person or a session, a person's data export (classroom/api_personal_data.py).
urlpatterns += [
    path("personal-data/participants/<str:participant_id>/", api_personal_data.ParticipantExportApi.as_view(),
         name="api-personal-data-participant"),
    path("personal-data/participants/<str:participant_id>/erase/", api_personal_data.ParticipantEraseApi.as_view(),
         name="api-personal-data-participant-erase"),
    path("personal-data/sessions/<str:session_id>/erase/", api_personal_data.SessionEraseApi.as_view(),
         name="api-personal-data-session-erase"),
]
