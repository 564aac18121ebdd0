"""HR participation report pages (owned by the reports work)."""
from django.urls import path

from classroom import report_views

urlpatterns = [
    path("", report_views.participation_reports, name="reports"),
]
