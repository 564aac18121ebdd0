"""Personal data over the API (token or session auth): erase a person or a whole session, and hand a person
what the lab stores about them (their right of access). Rules: classroom/services/personal_data.py;
what each mode keeps: docs/privacy.md.

    POST /api/personal-data/participants/<id>/erase/   {"mode": "anonymise" | "delete"}
    POST /api/personal-data/sessions/<id>/erase/       {"mode": "anonymise" | "delete"}
    GET  /api/personal-data/participants/<id>/          everything stored about the person, as JSON
"""
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from classroom.errors import LabError, NotFound
from classroom.services.export_audit import export_record
from classroom.services.personal_data import (ANONYMISE, MODES, participant_personal_data_erase,
                                              participant_personal_data_export, session_personal_data_erase)

ID_MAX = 2**63 - 1
ERROR = inline_serializer("PersonalDataError", {
    "code": serializers.CharField(help_text="Stable machine-readable code, e.g. invalid_mode."),
    "message": serializers.CharField(help_text="What went wrong and how to fix it, in plain words."),
    "field": serializers.CharField(allow_null=True, help_text="The parameter to fix, when one is at fault."),
})
ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR}
ERASE_REQUEST = inline_serializer("PersonalDataEraseRequest", {
    "mode": serializers.ChoiceField(choices=MODES, help_text=(
        "anonymise: name becomes 'Participant N', email and employee id emptied, rejoin credentials replaced, "
        "chat texts replaced by '[message removed]'; every ledger entry kept. delete: the same, and chat entries "
        "keep no text, retry-only ledger entries, client message ids and closed socket rows are removed.")),
})
WHO = ("HR (group 'hr') and superusers for any session; a facilitator for their own sessions. Safe to repeat. "
       "The person's open sockets are closed. Figures in the participation reports do not change.")


def _path_id(raw: str, what: str) -> int:
    text = str(raw)
    if text.isascii() and text.isdigit() and 1 <= int(text) <= ID_MAX:
        return int(text)
    raise NotFound(f"unknown_{what}", f"There is no {what} with id {text[:40]!r}: ids are positive whole numbers.")


def _mode(request) -> str:
    data = request.data if isinstance(request.data, dict) or hasattr(request.data, "get") else {}
    mode = data.get("mode")
    if mode is None:
        raise LabError("invalid_mode", f"Send 'mode': {ANONYMISE!r} or 'delete'.", field="mode")
    return mode


class _PersonalDataApi(APIView):
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser, FormParser]

    def handle_exception(self, exc):
        """Domain errors and DRF's own refusals (401, 403, bad JSON) as {code, message, field}."""
        if isinstance(exc, LabError):
            return Response({"code": exc.code, "message": exc.message, "field": exc.field}, status=exc.http_status)
        response = super().handle_exception(exc)
        if isinstance(exc, APIException) and isinstance(response.data, dict) and "detail" in response.data:
            message = str(response.data["detail"])
            if response.status_code == 401:
                message += " Send the header 'Authorization: Token <key>' (see docs/privacy.md)."
            code = exc.get_codes()
            response.data = {"code": code if isinstance(code, str) else "invalid", "message": message, "field": None}
        return response


class ParticipantEraseApi(_PersonalDataApi):
    @extend_schema(operation_id="personal_data_participant_erase", request=ERASE_REQUEST, responses={
        200: inline_serializer("ParticipantErased", {
            "participant": serializers.IntegerField(), "mode": serializers.ChoiceField(choices=MODES),
            "display_name": serializers.CharField(help_text="The anonymous label the person now has."),
            "anonymised_at": serializers.DateTimeField()}), **ERRORS},
        examples=[OpenApiExample("Anonymise", value={"mode": "anonymise"}, request_only=True)],
        description="Erase one participant's personal data. " + WHO)
    def post(self, request, participant_id: str):
        participant_id = _path_id(participant_id, "participant")
        mode = _mode(request)
        person = participant_personal_data_erase(participant_id=participant_id, by=request.user, mode=mode)
        return Response({"participant": person.id, "mode": mode,
                         "display_name": person.display_name, "anonymised_at": person.anonymised_at})


class SessionEraseApi(_PersonalDataApi):
    @extend_schema(operation_id="personal_data_session_erase", request=ERASE_REQUEST, responses={
        200: inline_serializer("SessionErased", {
            "session": serializers.IntegerField(), "mode": serializers.ChoiceField(choices=MODES),
            "participants": serializers.IntegerField(help_text="People erased (bots are nobody).")}), **ERRORS},
        description="Erase the personal data of every participant of a session. " + WHO)
    def post(self, request, session_id: str):
        session_id = _path_id(session_id, "session")
        mode = _mode(request)
        count = session_personal_data_erase(session_id=session_id, by=request.user, mode=mode)
        return Response({"session": session_id, "mode": mode, "participants": count})


class ParticipantExportApi(_PersonalDataApi):
    @extend_schema(operation_id="personal_data_participant_export", responses={
        200: inline_serializer("ParticipantData", {
            "participant": serializers.DictField(help_text="Name, email, employee id, team, roles, times."),
            "session": serializers.DictField(help_text="The session, with what it asks, why and how long."),
            "ledger": serializers.ListField(child=serializers.DictField(),
                                            help_text="Everything the person did, in order (chat texts included)."),
            "connections": serializers.ListField(child=serializers.DictField(),
                                                 help_text="Their sockets: opened, last seen, closed."),
        }), **ERRORS},
        description="Everything the lab stores about one participant (the right of access), except the rejoin "
                    "credentials. Same access rules as erasing; each export is filed in the export audit.")
    def get(self, request, participant_id: str):
        participant_id = _path_id(participant_id, "participant")
        data = participant_personal_data_export(participant_id=participant_id, by=request.user)
        export_record(user=request.user, what="personal_data", fmt="json", filters={"participant": participant_id},
                      rows=len(data["ledger"]))
        return Response(data)
