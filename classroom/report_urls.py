"""HR participation report pages (owned by the reports work)."""
from django.urls import path

from classroom import personal_data_views, report_views, token_views

urlpatterns = [
    path("", report_views.participation_reports, name="reports"),
    path("api-token/", token_views.api_token_page, name="api-token"),  # classroom/token_views.py
    path("people/<int:participant_id>/", report_views.person_report, name="report-person"),
    path("people/<int:participant_id>/erase/", personal_data_views.person_erase, name="report-person-erase"),
    path("sessions/<int:session_id>/", report_views.session_report, name="report-session"),
]
