"""The HR reports page (filters, a preview table, CSV/XLSX downloads) and the printable person and session
pages (thin: parse, call, render)."""
from dataclasses import replace
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from classroom.errors import LabError
from classroom.exports import display_value, report_csv, report_xlsx
from classroom.report_columns import (PERSON_COLUMNS, PERSON_ROUND_COLUMNS, ROLE_COLUMNS, SESSION_COLUMNS,
                                      TEAM_COLUMNS, TEAM_ROUND_COLUMNS, VIEW_LABELS, role_names)
from classroom.report_filters import PAGE_FORMATS, REPORT_KINDS, ReportFilter, report_filter_parse, report_kind_parse
from classroom.reports import (SHEET_NAMES, Report, participation_report, participation_views, report_person_page,
                               report_session_page, report_sessions_for_user)
from classroom.services.access import user_may_facilitate
from classroom.services.export_audit import export_record

PREVIEW_ROWS = 200
# Personal data a session asks only when its facilitator ticks it: the preview leaves such a column out when
# no row has a value, so the figures come into view (the downloads and the API keep every column).
OPTIONAL_COLUMNS = ("email", "employee_id", "platform_user", "platform_person_id")
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
        views = participation_views(report=report)
        about = [(_("Report asked for"), _(report.title)), (_("Generated at (UTC)"), now),
                 (_("Timezone"), _("All times are UTC")), (_("Session"), filters.session_id or _("all")),
                 (_("From"), filters.date_from or _("any")), (_("To"), filters.date_to or _("any")),
                 *((_("Rows in %(sheet)s") % {"sheet": _(SHEET_NAMES[v.kind])}, len(v.rows)) for v in views),
                 (_("Definitions"), _("Every column is defined in docs/reports.md"))]
        body = report_xlsx(reports=views, about=about, active=report.kind)
    scope = f"session{filters.session_id}" if filters.session_id else "all"
    name = f"participation-{report.kind}-{scope}-{now:%Y%m%d-%H%M}.{filters.format}"
    response = HttpResponse(body, content_type=CONTENT_TYPES[filters.format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _form(params) -> dict:
    return {key: (params.get(key) or "").strip()[:100] for key in ("report", "session", "from", "to", "person")}


@login_required
def participation_reports(request):
    form = _form(request.GET)
    context = {"form": form, "kinds": [(kind, _(VIEW_LABELS[kind])) for kind in REPORT_KINDS],
               "may_facilitate": user_may_facilitate(user=request.user)}
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
    columns = preview_columns(report.columns, report.rows)
    context.update(
        report=replace(report, title=_(report.title)),  # the page's heading in the reader's language
        headers=_headers(columns),
        table=_cells(columns, report.rows[:PREVIEW_ROWS], links=True),
        left_out=", ".join(_(c.header) for c in report.columns if c not in columns),
        preview_rows=PREVIEW_ROWS,
        downloads={fmt: "?" + urlencode({**query, "format": fmt}) for fmt in PAGE_FORMATS if fmt != "html"},
    )
    return render(request, "frontend/reports.html", context)


def preview_columns(columns, rows) -> tuple:
    """The columns the page shows: every one, but an optional personal-data column only when a row has a value."""
    return tuple(c for c in columns if c.key not in OPTIONAL_COLUMNS or any(row.get(c.key) for row in rows))


def _headers(columns) -> list[tuple[str, bool]]:
    return [(_(c.header), c.kind in NUMERIC) for c in columns]


def _link(column, row) -> str | None:
    """The participant's name opens their printable page, the session's name its summary."""
    if column.key == "participant" and row.get("participant_id"):
        return reverse("report-person", args=[row["participant_id"]])
    if column.key == "session" and row.get("session_id"):
        return reverse("report-session", args=[row["session_id"]])
    return None


def page_value(kind: str, value) -> str:
    """A cell as a page shows it: as the CSV writes it, except shares, in percent (the CSV keeps the fraction)."""
    if kind == "percent" and value is not None:
        return f"{value * 100:.1f} %"
    return display_value(kind, value)


def _cells(columns, rows, links: bool = False) -> list[list[tuple[str, bool, str | None]]]:
    """Each row as (text, numeric, link) per column."""
    return [[(page_value(c.kind, row[c.key]), c.kind in NUMERIC, _link(c, row) if links else None)
             for c in columns] for row in rows]


def _figures(columns, row) -> list[tuple[str, str]]:
    """One row as a list of (header, text): a person's or a session's figures, one per line."""
    return [(_(c.header), page_value(c.kind, row[c.key])) for c in columns]


def _table(columns, rows) -> dict:
    return {"headers": _headers(columns), "rows": _cells(columns, rows)}


def _refused(request, exc: LabError):
    return render(request, "frontend/error.html", {"error": exc}, status=exc.http_status)


PERSON_FIGURES = PERSON_COLUMNS[PERSON_COLUMNS.index(next(c for c in PERSON_COLUMNS if c.key == "joined_at")):]
ROLE_TABLE = ROLE_COLUMNS[ROLE_COLUMNS.index(next(c for c in ROLE_COLUMNS if c.key == "role")):]
TEAM_TABLE = TEAM_COLUMNS[TEAM_COLUMNS.index(next(c for c in TEAM_COLUMNS if c.key == "team")):]
SESSION_FIGURES = tuple(c for c in SESSION_COLUMNS if c.key not in ("session_id", "session"))
PEOPLE_TABLE = tuple(c for c in PERSON_COLUMNS if c.key in (
    "participant", "team", "roles", "minutes_connected", "edits", "approvals", "approvals_before_deadline",
    "chat_messages", "chat_share", "idle_minutes", "reconnects", "rejoins", "rounds_participated", "present_at_end"))


@login_required
def person_report(request, participant_id: int):
    """One person's participation, overall, per role and per round: a page to print."""
    try:
        page = report_person_page(user=request.user, participant_id=participant_id)
    except LabError as exc:
        return _refused(request, exc)
    person = page["person"]
    # A page about one named person is handed on (printed): filed like a download.
    export_record(user=request.user, what="participation_person_page", fmt="html",
                  filters={"participant": participant_id}, rows=1)
    return render(request, "frontend/report_person.html", {
        "page": page, "person": person, "session": page["session"], "row": page["row"],
        "roles_held": role_names(page["row"]["roles"]),
        "figures": _figures(PERSON_FIGURES, page["row"]),
        "roles": _table(ROLE_TABLE, page["roles"]),
        "rounds": _table(PERSON_ROUND_COLUMNS, page["rounds"]),
        "generated_at": timezone.now(),
        "back": reverse("reports") + "?" + urlencode({"report": "people", "session": page["session"].id}),
        "erased": request.GET.get("erased") if request.GET.get("erased") in ("anonymise", "delete") else None,
        "erased_at": person.anonymised_at,
    })


@login_required
def session_report(request, session_id: int):
    """One session's summary: its figures, its teams, each team's rounds and its people: a page to print."""
    try:
        page = report_session_page(user=request.user, session_id=session_id)
    except LabError as exc:
        return _refused(request, exc)
    export_record(user=request.user, what="participation_session_page", fmt="html",
                  filters={"session": session_id}, rows=len(page["people"]))
    return render(request, "frontend/report_session.html", {
        "page": page, "session": page["session"], "row": page["row"],
        "figures": _figures(SESSION_FIGURES, page["row"]),
        "teams": _table(TEAM_TABLE, page["teams"]),
        "team_rounds": _table(TEAM_ROUND_COLUMNS, page["team_rounds"]),
        "people": {"headers": _headers(PEOPLE_TABLE), "rows": _cells(PEOPLE_TABLE, page["people"], links=True)},
        "generated_at": timezone.now(),
        "back": reverse("reports") + "?" + urlencode({"report": "sessions", "session": session_id}),
    })
