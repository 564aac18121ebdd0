"""REST API (token or session auth): sessions for HR and facilitators, and round results for facilitators.

/api/sessions/ and /api/sessions/<id>/ follow the reports' access rule (HR and superusers: every session;
a facilitator: their own) and take the reports' filters. The join code and the seed are the facilitator's:
they are null for a reader who does not run the session (HR). Results stay the facilitator's alone.
"""
from datetime import timezone as dt_timezone

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from classroom.api import (ERRORS, FILTER_PARAMETERS, ID_MAX, LabApiView, filters_echo, filters_echo_fields,
                           path_id)
from classroom.api_pagination import PAGE_PARAMETERS, page_fields, page_of, page_parse
from classroom.api_selectors import api_session_list, api_session_runner, api_session_teams
from classroom.errors import NotFound
from classroom.i18n_text import render
from classroom.models import Session
from classroom.report_filters import ReportFilter, report_filter_parse
from classroom.services.access import session_for_facilitator
from game.api_selectors import session_rounds_played
from game.credibility import forecast_errors
from game.models import RoundResult
from game.selectors import result_rationales, results_for_session


def _utc(moment):
    return moment.astimezone(dt_timezone.utc).isoformat().replace("+00:00", "Z") if moment else None


def session_json(session: Session, *, user, rounds_played: int) -> dict:
    runner = api_session_runner(user=user, session=session)
    facilitator = session.facilitator
    return {
        "id": session.id,
        "name": session.name,
        "scenario_name": session.scenario_name,
        "state": session.state,
        "rounds": session.rounds,
        "rounds_played": rounds_played,
        "round_number": session.round_number,
        "minutes_per_round": session.minutes_per_round,
        "facilitator": facilitator.get_full_name() or facilitator.get_username(),
        "team_count": session.team_count,
        "participant_count": session.participant_count,
        "created_at": _utc(session.created_at),
        "finished_at": _utc(session.finished_at),
        "archived_at": _utc(session.archived_at),
        "join_code": session.join_code if runner else None,
        "seed": session.seed if runner else None,
    }


def session_fields() -> dict:
    return {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "scenario_name": serializers.CharField(),
        "state": serializers.ChoiceField(choices=Session.State.values),
        "rounds": serializers.IntegerField(help_text="Rounds planned."),
        "rounds_played": serializers.IntegerField(help_text="Rounds closed so far."),
        "round_number": serializers.IntegerField(allow_null=True, help_text="Round being or last played; "
                                                                            "null before the start."),
        "minutes_per_round": serializers.IntegerField(),
        "facilitator": serializers.CharField(help_text="Full name, else username."),
        "team_count": serializers.IntegerField(),
        "participant_count": serializers.IntegerField(help_text="People who joined (bots not counted)."),
        "created_at": serializers.DateTimeField(help_text="UTC; the session's day for the from/to filters."),
        "finished_at": serializers.DateTimeField(allow_null=True),
        "archived_at": serializers.DateTimeField(allow_null=True),
        "join_code": serializers.CharField(allow_null=True, help_text="Only for the session's facilitator and "
                                                                      "superusers; null for HR."),
        "seed": serializers.IntegerField(allow_null=True, help_text="Only for the session's facilitator and "
                                                                    "superusers; null for HR."),
    }
SESSION_DETAIL = inline_serializer("SessionDetail", {
    **session_fields(),
    "teams": inline_serializer("SessionTeam", {
        "id": serializers.IntegerField(help_text="Use as the ledger's `team` filter."),
        "number": serializers.IntegerField(), "name": serializers.CharField(),
        "participant_count": serializers.IntegerField()}, many=True),
})
SESSION_PAGE = inline_serializer("SessionPage", {
    "timezone": serializers.CharField(),
    "filters": inline_serializer("SessionFilters", filters_echo_fields()),
    **page_fields(),
    "rows": inline_serializer("SessionRow", session_fields(), many=True),
})
SESSION_ID = OpenApiParameter("session_id", {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                              OpenApiParameter.PATH, description="The session's id.")


_FORECAST_ERROR = {"type": "object", "nullable": True, "description": "Per forecast KPI: forecast, actual, error "
                   "(forecast - actual) and error_pct (% of the actual); null without a forecast (docs/model.md, "
                   "'Credibility').", "additionalProperties": {"type": "object", "properties": {
                       k: {"type": "number", "nullable": True} for k in ("forecast", "actual", "error", "error_pct")}}}


class RoundResultSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.name")
    round = serializers.IntegerField(source="round.number")
    rationale = serializers.SerializerMethodField()
    forecast_error = serializers.SerializerMethodField()

    class Meta:
        model = RoundResult
        fields = ["team", "round", "aligned", "decisions", "kpis", "mistakes", "forecast", "rationale",
                  "forecast_error"]

    def to_representation(self, result):
        data = super().to_representation(result)
        data["mistakes"] = render(data["mistakes"])  # the engine's messages, in the requester's language
        return data

    @extend_schema_field({"type": "string", "description": "The aligned package's rationale ('' if none)."})
    def get_rationale(self, result) -> str:
        return self.context.get("rationales", {}).get((result.team_id, result.round_id), "")

    @extend_schema_field(_FORECAST_ERROR)
    def get_forecast_error(self, result):
        return forecast_errors(result.forecast, result.kpis)


class SessionListApi(LabApiView):
    @extend_schema(
        operation_id="sessions_list", tags=["sessions"],
        parameters=[*FILTER_PARAMETERS, *PAGE_PARAMETERS], responses={200: SESSION_PAGE, **ERRORS},
        summary="Sessions you may read",
        description="HR (group 'hr') and superusers: every session; a facilitator: their own. Oldest first.",
    )
    def get(self, request):
        filters = report_filter_parse(params=request.query_params, formats=("json",))
        page = page_parse(params=request.query_params)
        sessions = api_session_list(user=request.user, filters=filters)
        body = {"timezone": "UTC", "filters": filters_echo(filters)}
        body.update(page_of(items=sessions, count=sessions.count(), request=request, page=page))
        played = session_rounds_played(session_ids=[s.id for s in body["rows"]])
        body["rows"] = [session_json(s, user=request.user, rounds_played=played.get(s.id, 0)) for s in body["rows"]]
        return Response(body)


class SessionDetailApi(LabApiView):
    @extend_schema(operation_id="sessions_retrieve", tags=["sessions"], parameters=[SESSION_ID],
                   responses={200: SESSION_DETAIL, **ERRORS}, summary="One session, with its teams",
                   description="Same access as the list: HR and superusers any session, a facilitator their "
                               "own (another's: 403, an unknown id: 404).")
    def get(self, request, session_id: str):
        sid = path_id(session_id)
        session = api_session_list(user=request.user, filters=ReportFilter(session_id=sid)).first()
        if session is None:  # report_sessions_for_user has refused an unknown or foreign session already
            raise NotFound("unknown_session", _("There is no session with id %(id)s.") % {"id": sid})
        played = session_rounds_played(session_ids=[sid]).get(sid, 0)
        body = session_json(session, user=request.user, rounds_played=played)
        body["teams"] = [{"id": t.id, "number": t.number, "name": t.name, "participant_count": t.people}
                         for t in api_session_teams(session=session)]
        return Response(body)


class SessionResultsApi(LabApiView):
    @extend_schema(operation_id="sessions_results", tags=["sessions"], parameters=[SESSION_ID],
                   responses={200: RoundResultSerializer(many=True), **ERRORS},
                   summary="Round results of a session (its facilitator only)",
                   description="One row per team and closed round. For the session's facilitator and "
                               "superusers; HR reads participation, not results (403). Not paginated: a "
                               "session has at most teams x rounds rows.")
    def get(self, request, session_id: str):
        session = session_for_facilitator(session_id=path_id(session_id), user=request.user)
        return Response(RoundResultSerializer(results_for_session(session=session), many=True,
                                              context={"rationales": result_rationales(session=session)}).data)
