"""The HR reports page: filters, a preview table and CSV/XLSX downloads (thin: parse, call, render)."""
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from classroom.errors import LabError
from classroom.exports import display_value, report_csv, report_xlsx
from classroom.report_filters import PAGE_FORMATS, REPORT_KINDS, ReportFilter, report_filter_parse, report_kind_parse
from classroom.reports import Report, participation_report, report_sessions_for_user
from classroom.services.export_audit import export_record

PREVIEW_ROWS = 200
NUMERIC = {"int", "float", "percent"}  # right-aligned in the preview
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def report_download(*, report: Report, filters: ReportFilter) -> HttpResponse:
    """The report as a CSV or XLSX attachment (shared by the page and the API)."""
    now = timezone.now()
    if filters.format == "csv":
        body = report_csv(report=report)
    else:
        about = [("Report", report.title), ("Generated at (UTC)", now), ("Timezone", "All times are UTC"),
                 ("Session", filters.session_id or "all"), ("From", filters.date_from or "any"),
                 ("To", filters.date_to or "any"), ("Rows", len(report.rows))]
        body = report_xlsx(report=report, about=about)
    scope = f"session{filters.session_id}" if filters.session_id else "all"
    name = f"participation-{report.kind}-{scope}-{now:%Y%m%d-%H%M}.{filters.format}"
    response = HttpResponse(body, content_type=CONTENT_TYPES[filters.format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _form(params) -> dict:
    return {key: (params.get(key) or "").strip()[:40] for key in ("report", "session", "from", "to")}


@login_required
def participation_reports(request):
    form = _form(request.GET)
    context = {"form": form, "kinds": REPORT_KINDS}
    try:
        context["sessions"] = report_sessions_for_user(user=request.user).order_by("-created_at")
    except LabError as exc:
        return render(request, "frontend/reports.html", {**context, "error": exc, "denied": True},
                      status=exc.http_status)
    try:
        kind = report_kind_parse(value=request.GET.get("report"))
        filters = report_filter_parse(params=request.GET, formats=PAGE_FORMATS)
        report = participation_report(user=request.user, kind=kind, filters=filters)
    except LabError as exc:
        return render(request, "frontend/reports.html", {**context, "error": exc}, status=exc.http_status)
    if filters.format != "html":
        export_record(user=request.user, what=f"participation_{report.kind}", fmt=filters.format,
                      filters=filters.as_params(), rows=len(report.rows))
        return report_download(report=report, filters=filters)
    query = {"report": kind, **filters.as_params()}
    context.update(
        report=report,
        headers=[(c.header, c.kind in NUMERIC) for c in report.columns],
        table=[[(display_value(c.kind, row[c.key]), c.kind in NUMERIC) for c in report.columns]
               for row in report.rows[:PREVIEW_ROWS]],
        preview_rows=PREVIEW_ROWS,
        downloads={fmt: "?" + urlencode({**query, "format": fmt}) for fmt in PAGE_FORMATS if fmt != "html"},
    )
    return render(request, "frontend/reports.html", context)
