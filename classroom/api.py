"""The REST API's common edge: one error shape, JSON for every answer, the filter parameters.

Every endpoint (reports, ledger, sessions) derives from `LabApiView`: domain errors (LabError) and
DRF's own refusals (401, 403, 404, 405) come out as `{"code", "message", "field"}`. Endpoints:
classroom/api_reports.py (participation reports), classroom/api_ledger.py (the ledger),
game/api.py (sessions and results). Pagination: classroom/api_pagination.py. Reference: docs/api.md.
"""
from django.utils.translation import gettext as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from classroom.errors import LabError, NotFound
from classroom.report_filters import ReportFilter

ERROR = inline_serializer("Error", {
    "code": serializers.CharField(help_text="Stable machine-readable code, e.g. invalid_date."),
    "message": serializers.CharField(help_text="What went wrong and how to fix it, in plain words."),
    "field": serializers.CharField(allow_null=True, help_text="The parameter to fix, when one is at fault."),
})
ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR}
ID_MAX = 2**63 - 1  # the database's key range: a bigger number is no id we could hold

FILTER_PARAMETERS = [
    OpenApiParameter("session", {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                     description="Only this session (its id)."),
    OpenApiParameter("from", OpenApiTypes.DATE,
                     description="Only sessions created on or after this UTC day (YYYY-MM-DD)."),
    OpenApiParameter("to", OpenApiTypes.DATE,
                     description="Only sessions created on or before this UTC day (YYYY-MM-DD, inclusive)."),
    OpenApiParameter("person", {"type": "string", "maxLength": 100},
                     description="Only people whose name, email, employee id or learning-platform id contains this "
                                 "(any case), and the sessions they took part in: to find one person, e.g. for an "
                                 "access or erasure request."),
]


def filters_echo_fields() -> dict:
    """The echoed filters, for the schema (fresh fields each time: a serializer class takes its dict's fields)."""
    return {"session": serializers.IntegerField(allow_null=True), "from": serializers.DateField(allow_null=True),
            "to": serializers.DateField(allow_null=True), "person": serializers.CharField(allow_null=True)}


def path_id(raw: str, *, what: str = "session") -> int:
    """An id from the URL path; anything that cannot be one is a 404 in our JSON shape (not Django's page)."""
    text = str(raw)
    if text.isascii() and text.isdigit() and 1 <= int(text) <= ID_MAX:
        return int(text)
    shown = repr(text[:40])
    if what == "participant":
        raise NotFound("unknown_participant", _("There is no participant with id %(id)s: ids are positive whole "
                                                "numbers.") % {"id": shown})
    raise NotFound(f"unknown_{what}", _("There is no session with id %(id)s: ids are positive whole numbers.") % {
        "id": shown})


def filters_echo(filters: ReportFilter) -> dict:
    return {"session": filters.session_id, "from": filters.date_from, "to": filters.date_to,
            "person": filters.person or None}


def lab_error_response(exc: LabError) -> Response:
    return Response({"code": exc.code, "message": exc.message, "field": exc.field}, status=exc.http_status)


class LabNegotiation(BaseContentNegotiation):
    """JSON renders every JSON answer, errors included; `format` is the reports' own parameter.

    DRF's default negotiation would read `format` as a renderer override and answer an unknown one
    with a bare 404; the reports validate it with the other filters instead.
    """

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class LabApiView(APIView):
    """Read-only JSON endpoint: GET only, errors as {code, message, field}."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = LabNegotiation

    def handle_exception(self, exc):
        if isinstance(exc, LabError):
            return lab_error_response(exc)
        response = super().handle_exception(exc)
        if isinstance(exc, APIException) and isinstance(response.data, dict) and "detail" in response.data:
            message = str(response.data["detail"])
            if response.status_code == 401:
                message += " " + _("Send the header 'Authorization: Token <key>' (see docs/api.md).")
            code = exc.get_codes()
            response.data = {"code": code if isinstance(code, str) else "error", "message": message, "field": None}
        return response
