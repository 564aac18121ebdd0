"""The participation ledger, read-only, paginated: /api/ledger/.

Who sees which sessions, and why a chat's text is withheld from HR: classroom/api_selectors.py.
"""
from datetime import timezone as dt_timezone

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from classroom.api import ERRORS, FILTER_PARAMETERS, ID_MAX, LabApiView, filters_echo, filters_echo_fields
from classroom.api_pagination import PAGE_PARAMETERS, page_fields, page_of, page_parse
from classroom.api_selectors import (LEDGER_KINDS, api_session_runner, ledger_detail_for, ledger_filter_parse,
                                     ledger_list_for_user)
from classroom.report_filters import report_filter_parse
from classroom.services.export_audit import export_record
from game.engine import ROLES


def _utc(moment):
    return moment.astimezone(dt_timezone.utc).isoformat().replace("+00:00", "Z")


def _roles(text: str) -> list[str]:
    held = {role for role in (text or "").split(",") if role}
    return [r for r in ROLES if r in held] + sorted(held - set(ROLES))


def ledger_entry_json(entry, *, runner: bool) -> dict:
    return {
        "id": entry.id,
        "session": entry.session_id,
        "team": ({"id": entry.team_id, "number": entry.team.number, "name": entry.team.name}
                 if entry.team_id else None),
        "participant": {"id": entry.participant_id, "name": entry.participant.display_name},
        "roles": _roles(entry.role),
        "round": entry.round_number,
        "kind": entry.kind,
        "counted": entry.counted,
        "at": _utc(entry.at),
        "detail": ledger_detail_for(entry=entry, runner=runner),
    }


DETAIL = inline_serializer("LedgerDetail", {
    "lever": serializers.CharField(required=False, help_text="edit: the lever changed."),
    "value": serializers.JSONField(required=False, help_text="edit: its new value (number or list)."),
    "version": serializers.IntegerField(required=False, help_text="edit/approve: the package version."),
    "reopen": serializers.BooleanField(required=False, help_text="edit: the director reopened an aligned package."),
    "text": serializers.CharField(required=False, help_text="chat: the message, for the session's facilitator "
                                                             "and superusers only."),
    "text_withheld": serializers.BooleanField(required=False, help_text="chat: true when the text is withheld "
                                                                        "from you (HR)."),
    "redacted": serializers.BooleanField(required=False, help_text="chat: the person's data was erased; the text "
                                                                   "is gone or '[message removed]'."),
})
ENTRY = inline_serializer("LedgerEntry", {
    "id": serializers.IntegerField(),
    "session": serializers.IntegerField(help_text="Session id."),
    "team": inline_serializer("LedgerTeam", {"id": serializers.IntegerField(), "number": serializers.IntegerField(),
                                             "name": serializers.CharField()}, allow_null=True),
    "participant": inline_serializer("LedgerParticipant", {"id": serializers.IntegerField(),
                                                           "name": serializers.CharField()}),
    "roles": serializers.ListField(child=serializers.CharField(), help_text="Roles held when it happened."),
    "round": serializers.IntegerField(allow_null=True, help_text="Round current then; null in the lobby."),
    "kind": serializers.ChoiceField(choices=LEDGER_KINDS),
    "counted": serializers.BooleanField(help_text="False for a no-op kept only so a retry is answered once; "
                                                  "reports count only counted entries."),
    "at": serializers.DateTimeField(help_text="When it happened, UTC."),
    "detail": DETAIL,
}, many=True)
LEDGER_PAGE = inline_serializer("LedgerPage", {
    "timezone": serializers.CharField(),
    "filters": inline_serializer("LedgerFilters", {
        **filters_echo_fields(), "participant": serializers.IntegerField(allow_null=True),
        "kind": serializers.CharField(allow_null=True), "team": serializers.IntegerField(allow_null=True),
        "round": serializers.IntegerField(allow_null=True), "counted": serializers.BooleanField(allow_null=True)}),
    **page_fields(),
    "rows": ENTRY,
})
_ID = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
LEDGER_PARAMETERS = [
    OpenApiParameter("participant", _ID, description="Only this participant (their id)."),
    OpenApiParameter("kind", str, enum=list(LEDGER_KINDS), description="Only entries of this kind."),
    OpenApiParameter("team", _ID, description="Only this team (its id, from /api/sessions/<id>/)."),
    OpenApiParameter("round", {"type": "integer", "minimum": 1, "maximum": 99999},
                     description="Only entries filed under this round number."),
    OpenApiParameter("counted", bool, description="true: only entries the reports count; false: only the no-ops."),
]


class LedgerApi(LabApiView):
    @extend_schema(
        operation_id="ledger_list", tags=["ledger"],
        parameters=[*FILTER_PARAMETERS, *LEDGER_PARAMETERS, *PAGE_PARAMETERS],
        responses={200: LEDGER_PAGE, **ERRORS},
        summary="The participation ledger",
        description="Every join, rejoin, connect, disconnect, edit, approval and chat of people (not bots) in "
                    "the sessions you may read, oldest first. A chat's text is shown only to the session's "
                    "facilitator and superusers.",
    )
    def get(self, request):
        filters = report_filter_parse(params=request.query_params, formats=("json",))
        ledger = ledger_filter_parse(params=request.query_params)
        page = page_parse(params=request.query_params)
        entries = ledger_list_for_user(user=request.user, filters=filters, ledger=ledger)
        body = {"timezone": "UTC", "filters": {**filters_echo(filters), **ledger.as_echo()}}
        body.update(page_of(items=entries, count=entries.count(), request=request, page=page))
        runners: dict[int, bool] = {}
        rows = []
        for entry in body["rows"]:
            if entry.session_id not in runners:
                runners[entry.session_id] = api_session_runner(user=request.user, session=entry.session)
            rows.append(ledger_entry_json(entry, runner=runners[entry.session_id]))
        body["rows"] = rows
        export_record(user=request.user, what="ledger", fmt="json", rows=len(rows),
                      filters={**filters.as_params(), **ledger.as_echo(), "page": page.page, "page_size": page.page_size})
        return Response(body)
