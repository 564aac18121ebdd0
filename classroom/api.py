"""REST API for participation reports (token or session auth): JSON, CSV or XLSX."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from classroom.errors import LabError
from classroom.report_filters import API_FORMATS, ReportFilter, report_filter_parse
from classroom.report_views import report_download
from classroom.reports import PERSON_COLUMNS, SESSION_COLUMNS, Report, participation_report

FIELDS = {"text": serializers.CharField, "int": serializers.IntegerField, "float": serializers.FloatField,
          "percent": serializers.FloatField, "date": serializers.DateField, "datetime": serializers.DateTimeField,
          "bool": serializers.BooleanField}


class ReportNegotiation(BaseContentNegotiation):
    """`format` is the report's own parameter (json|csv|xlsx), validated with the other filters.

    DRF's default negotiation would read it as a renderer override and answer an unknown one
    with a bare 404; here JSON renders every JSON answer, errors included.
    """

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _rows_serializer(name: str, columns) -> serializers.Serializer:
    """Documents the rows; built from the same columns as the files, so docs never drift."""
    fields = {c.key: FIELDS[c.kind](allow_null=True, help_text=c.header) for c in columns}
    return inline_serializer(name, fields, many=True)


def _envelope(name: str, columns) -> serializers.Serializer:
    return inline_serializer(name, {
        "report": serializers.CharField(), "timezone": serializers.CharField(),
        "filters": inline_serializer(f"{name}Filters", {
            "session": serializers.IntegerField(allow_null=True), "from": serializers.DateField(allow_null=True),
            "to": serializers.DateField(allow_null=True)}),
        "count": serializers.IntegerField(), "rows": _rows_serializer(f"{name}Row", columns),
    })


ERROR = inline_serializer("ReportError", {"code": serializers.CharField(), "message": serializers.CharField(),
                                          "field": serializers.CharField(allow_null=True)})
PARAMETERS = [
    OpenApiParameter("session", OpenApiTypes.INT, description="Only this session (its id)."),
    OpenApiParameter("from", OpenApiTypes.DATE, description="Sessions created on or after this UTC day."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Sessions created on or before this UTC day."),
    OpenApiParameter("format", OpenApiTypes.STR, enum=list(API_FORMATS), default="json",
                     description="json, or a csv / xlsx file download."),
]


def _responses(name: str, columns) -> dict:
    return {(200, "application/json"): _envelope(name, columns), (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
            400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR}


def _error(exc: LabError) -> Response:
    return Response({"code": exc.code, "message": exc.message, "field": exc.field}, status=exc.http_status)


def _json(report: Report, filters: ReportFilter) -> dict:
    return {"report": report.kind, "timezone": "UTC",
            "filters": {"session": filters.session_id, "from": filters.date_from, "to": filters.date_to},
            "count": len(report.rows), "rows": report.rows}


class _ParticipationReportApi(APIView):
    kind = ""
    renderer_classes = [JSONRenderer]
    content_negotiation_class = ReportNegotiation

    def handle_exception(self, exc):
        """DRF's own 401/403 answers in the same shape as ours: code, message, field."""
        response = super().handle_exception(exc)
        if isinstance(exc, APIException) and isinstance(response.data, dict) and "detail" in response.data:
            message = str(response.data["detail"])
            if response.status_code == 401:
                message += " Send the header 'Authorization: Token <key>' (see docs/reports.md)."
            response.data = {"code": exc.get_codes(), "message": message, "field": None}
        return response

    def get(self, request):
        try:
            filters = report_filter_parse(params=request.query_params, formats=API_FORMATS)
            report = participation_report(user=request.user, kind=self.kind, filters=filters)
        except LabError as exc:
            return _error(exc)
        if filters.format == "json":
            return Response(_json(report, filters))
        return report_download(report=report, filters=filters)


class PeopleReportApi(_ParticipationReportApi):
    kind = "people"

    @extend_schema(operation_id="participation_report_people", parameters=PARAMETERS,
                   responses=_responses("PeopleReport", PERSON_COLUMNS),
                   description="One row per participant. HR (group 'hr') and superusers see every session; "
                               "a facilitator sees their own sessions.")
    def get(self, request):
        return super().get(request)


class SessionsReportApi(_ParticipationReportApi):
    kind = "sessions"

    @extend_schema(operation_id="participation_report_sessions", parameters=PARAMETERS,
                   responses=_responses("SessionsReport", SESSION_COLUMNS),
                   description="One row per session. Same access rules as the per-person report.")
    def get(self, request):
        return super().get(request)
