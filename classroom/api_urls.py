"""REST API: participation reports (one URL per kind in REPORT_KINDS) and the ledger. Reference: docs/api.md."""
from django.urls import path

from classroom import api_ledger, api_reports

urlpatterns = [
    *(path(f"reports/participation/{kind}/", view.as_view(), name=f"api-report-{kind}")
      for kind, view in api_reports.REPORT_VIEWS.items()),
    path("reports/participation/<str:kind>/", api_reports.UnknownReportApi.as_view(), name="api-report-unknown"),
    path("ledger/", api_ledger.LedgerApi.as_view(), name="api-ledger"),
]
