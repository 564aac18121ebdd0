"""Personal data over the API (token or session auth): erase a person or a whole session, and hand a person
what the lab stores about them (their right of access). Rules: classroom/services/personal_data.py;
what each mode keeps: docs/privacy.md.

    POST /api/personal-data/participants/<id>/erase/   {"mode": "anonymise" | "delete"}
    POST /api/personal-data/sessions/<id>/erase/       {"mode": "anonymise" | "delete"}
    GET  /api/personal-data/participants/<id>/          everything stored about the person, as JSON
"""
from django.utils.translation import gettext as _

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response

from classroom.api import ERRORS, LabApiView, path_id
from classroom.errors import LabError
from classroom.services.export_audit import export_record
from classroom.services.personal_data import (ANONYMISE, MODES, participant_personal_data_erase,
                                              participant_personal_data_export, session_personal_data_erase)

ERASE_REQUEST = inline_serializer("PersonalDataEraseRequest", {
    "mode": serializers.ChoiceField(choices=MODES, help_text=(
        "anonymise: name becomes 'Participant N', email and employee id emptied, rejoin credentials replaced, "
        "chat texts replaced by '[message removed]'; every ledger entry kept. delete: the same, and chat entries "
        "keep no text, retry-only ledger entries, client message ids and closed socket rows are removed.")),
})
WHO = ("HR (group 'hr') and superusers for any session; a facilitator for their own sessions. Safe to repeat. "
       "The person's open sockets are closed. Figures in the participation reports do not change.")


def _mode(request) -> str:
    data = request.data if isinstance(request.data, dict) or hasattr(request.data, "get") else {}
    mode = data.get("mode")
    if mode is None:
        raise LabError("invalid_mode", _("Send 'mode': %(anonymise)s or 'delete'.") % {"anonymise": repr(ANONYMISE)},
                       field="mode")
    return mode


class _PersonalDataApi(LabApiView):
    """Errors in the API's one shape (classroom/api.py); erase requests send `mode` as JSON or a form."""

    parser_classes = [JSONParser, FormParser]
    content_negotiation_class = DefaultContentNegotiation


class ParticipantEraseApi(_PersonalDataApi):
    @extend_schema(operation_id="personal_data_participant_erase", request=ERASE_REQUEST, responses={
        200: inline_serializer("ParticipantErased", {
            "participant": serializers.IntegerField(), "mode": serializers.ChoiceField(choices=MODES),
            "display_name": serializers.CharField(help_text="The anonymous label the person now has."),
            "anonymised_at": serializers.DateTimeField()}), **ERRORS},
        examples=[OpenApiExample("Anonymise", value={"mode": "anonymise"}, request_only=True)],
        description="Erase one participant's personal data. " + WHO)
    def post(self, request, participant_id: str):
        participant_id = path_id(participant_id, what="participant")
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
        session_id = path_id(session_id, what="session")
        mode = _mode(request)
        count = session_personal_data_erase(session_id=session_id, by=request.user, mode=mode)
        return Response({"session": session_id, "mode": mode, "participants": count})


class ParticipantExportApi(_PersonalDataApi):
    @extend_schema(operation_id="personal_data_participant_export", responses={
        200: inline_serializer("ParticipantData", {
            "participant": serializers.DictField(help_text="Name, email, employee id, learning-platform identity, team, roles, "
                                                                  "times."),
            "session": serializers.DictField(help_text="The session, with what it asks, why and how long."),
            "ledger": serializers.ListField(child=serializers.DictField(),
                                            help_text="Everything the person did, in order (chat texts included)."),
            "connections": serializers.ListField(child=serializers.DictField(),
                                                 help_text="Their sockets: opened, last seen, closed."),
        }), **ERRORS},
        description="Everything the lab stores about one participant (the right of access), except the rejoin "
                    "credentials. Same access rules as erasing; each export is filed in the export audit.")
    def get(self, request, participant_id: str):
        participant_id = path_id(participant_id, what="participant")
        data = participant_personal_data_export(participant_id=participant_id, by=request.user)
        export_record(user=request.user, what="personal_data", fmt="json", filters={"participant": participant_id},
                      rows=len(data["ledger"]))
        return Response(data)
