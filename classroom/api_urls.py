"""REST API: participation reports (one URL per kind in REPORT_KINDS) and the ledger. Reference: docs/api.md."""
from django.urls import path

from classroom import api_ledger, api_reports
from classroom import api_personal_data

urlpatterns = [
    *(path(f"reports/participation/{kind}/", view.as_view(), name=f"api-report-{kind}")
      for kind, view in api_reports.REPORT_VIEWS.items()),
    path("reports/participation/<str:kind>/", api_reports.UnknownReportApi.as_view(), name="api-report-unknown"),
    path("ledger/", api_ledger.LedgerApi.as_view(), name="api-ledger"),
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
