"""Participation reports over the API, one endpoint per kind in REPORT_KINDS: JSON pages, CSV or XLSX.

Each kind's rows are documented from its report's columns (Column(key, header, kind, width)), the
same columns the files are written from, so the schema never drifts from the data. A kind added to
REPORT_KINDS gets its endpoint, `/api/reports/participation/<kind>/`, named `api-report-<kind>`.
"""
from django.utils.translation import gettext as _

import logging

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from classroom import reports
from classroom.api import ERRORS, FILTER_PARAMETERS, LabApiView, filters_echo, filters_echo_fields
from classroom.api_pagination import PAGE_PARAMETERS, page_fields, page_of, page_parse, page_refuse_for_download
from classroom.errors import NotFound
from classroom.report_columns import REPORT_COLUMNS
from classroom.report_filters import API_FORMATS, REPORT_KINDS, report_filter_parse
from classroom.report_views import report_download
from classroom.services.export_audit import export_record

log = logging.getLogger(__name__)
FIELDS = {"text": serializers.CharField, "roles": serializers.CharField,  # roles: keys, "director, finance"
          "int": serializers.IntegerField, "float": serializers.FloatField, "percent": serializers.FloatField,
          "date": serializers.DateField, "datetime": serializers.DateTimeField, "bool": serializers.BooleanField}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_columns(kind: str):
    """The columns of one report kind (classroom/report_columns.py REPORT_COLUMNS), or None for a kind without.

    tests/classroom/test_api_reports.py fails for a kind in REPORT_KINDS without columns, so the gap is found
    by the tests, never by a client (the endpoint would still answer, its rows documented as free objects).
    """
    columns = REPORT_COLUMNS.get(kind)
    return tuple(columns) if columns else None


def _camel(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.replace("-", "_").split("_"))


def _rows_schema(kind: str):
    columns = report_columns(kind)
    if columns is None:
        log.warning("report kind %r has no columns to document its rows", kind)
        return serializers.ListField(child=serializers.DictField())
    fields = {c.key: FIELDS[c.kind](allow_null=True, help_text=c.header) for c in columns}
    return inline_serializer(f"{_camel(kind)}ReportRow", fields, many=True)


def _envelope(kind: str):
    name = f"{_camel(kind)}Report"
    return inline_serializer(name, {
        "report": serializers.CharField(help_text="The report kind."),
        "timezone": serializers.CharField(help_text="Always UTC: every date and time is UTC."),
        "filters": inline_serializer(f"{name}Filters", filters_echo_fields()),
        **page_fields(),
        "rows": _rows_schema(kind),
    })


FORMAT = OpenApiParameter("format", OpenApiTypes.STR, enum=list(API_FORMATS), default="json",
                          description="json (paginated), or a whole csv / xlsx file download (no page, "
                                      "page_size: giving one with csv/xlsx is a 400).")


class ReportApi(LabApiView):
    kind = ""

    def get(self, request):
        filters = report_filter_parse(params=request.query_params, formats=API_FORMATS)
        what = f"participation_{self.kind}"
        if filters.format != "json":
            page_refuse_for_download(params=request.query_params)
            report = reports.participation_report(user=request.user, kind=self.kind, filters=filters)
            response = report_download(report=report, filters=filters)
            export_record(user=request.user, what=what, fmt=filters.format, filters=filters.as_params(),
                          rows=len(report.rows))
            return response
        page = page_parse(params=request.query_params)
        report = reports.participation_report(user=request.user, kind=self.kind, filters=filters)
        body = {"report": report.kind, "timezone": "UTC", "filters": filters_echo(filters)}
        body.update(page_of(items=report.rows, count=len(report.rows), request=request, page=page))
        columns = report_columns(self.kind)
        if columns is not None:  # exactly the documented columns, in their order
            body["rows"] = [{c.key: row.get(c.key) for c in columns} for row in body["rows"]]
        export_record(user=request.user, what=what, fmt="json", rows=len(body["rows"]),
                      filters={**filters.as_params(), "page": page.page, "page_size": page.page_size})
        return Response(body)


def _report_view(kind: str) -> type[ReportApi]:
    """One view class per kind, so each is its own documented operation with its own row schema."""
    doc = extend_schema(
        operation_id=f"participation_report_{kind.replace('-', '_')}",
        tags=["reports"],
        parameters=[*FILTER_PARAMETERS, FORMAT, *PAGE_PARAMETERS],
        responses={(200, "application/json"): _envelope(kind), (200, "text/csv"): OpenApiTypes.BINARY,
                   (200, XLSX): OpenApiTypes.BINARY, **ERRORS},
        summary=f"Participation report: {kind}",
        description=(f"The '{kind}' participation report (columns in docs/reports.md). HR (group 'hr') and "
                     "superusers see every session; a facilitator sees their own sessions."),
    )
    return extend_schema_view(get=doc)(type(f"{_camel(kind)}ReportApi", (ReportApi,), {"kind": kind}))


REPORT_VIEWS = {kind: _report_view(kind) for kind in REPORT_KINDS}


@extend_schema(exclude=True)
class UnknownReportApi(LabApiView):
    """/api/reports/participation/<anything else>/: a 404 that lists the reports there are."""

    def get(self, request, kind: str):
        raise NotFound("unknown_report", _("There is no participation report %(kind)s; there are %(kinds)s.") % {
            "kind": repr(kind[:40]), "kinds": ", ".join(REPORT_KINDS)})
