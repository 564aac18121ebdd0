"""REST API for participation reports (owned by the reports work)."""
from django.urls import path

from classroom import api

urlpatterns = [
    path("reports/participation/people/", api.PeopleReportApi.as_view(), name="api-report-people"),
    path("reports/participation/sessions/", api.SessionsReportApi.as_view(), name="api-report-sessions"),
]
