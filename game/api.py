"""REST API (token or session auth): a facilitator's sessions and their round results."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from classroom.errors import LabError
from classroom.models import Session
from classroom.selectors import session_list_for_user
from classroom.services.access import session_for_facilitator
from game.models import RoundResult
from game.selectors import results_for_session


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "name", "scenario_name", "seed", "rounds", "minutes_per_round", "join_code", "state",
                  "created_at", "finished_at"]


class RoundResultSerializer(serializers.ModelSerializer):
    team = serializers.CharField(source="team.name")
    round = serializers.IntegerField(source="round.number")

    class Meta:
        model = RoundResult
        fields = ["team", "round", "aligned", "decisions", "kpis", "mistakes"]


def _error(exc: LabError) -> Response:
    return Response({"code": exc.code, "message": exc.message}, status=exc.http_status)


class SessionListApi(APIView):
    @extend_schema(responses=SessionSerializer(many=True))
    def get(self, request):
        return Response(SessionSerializer(session_list_for_user(user=request.user), many=True).data)


class SessionResultsApi(APIView):
    @extend_schema(responses=RoundResultSerializer(many=True))
    def get(self, request, session_id: int):
        try:
            session = session_for_facilitator(session_id=session_id, user=request.user)
        except LabError as exc:
            return _error(exc)
        return Response(RoundResultSerializer(results_for_session(session=session), many=True).data)
