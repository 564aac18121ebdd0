"""REST API (token or session auth): a facilitator's sessions and their round results."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from classroom.errors import LabError
from classroom.models import Session
from game.models import RoundResult
from game.services.access import session_for_facilitator


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
        sessions = Session.objects.all() if request.user.is_superuser else request.user.sessions.all()
        return Response(SessionSerializer(sessions, many=True).data)


class SessionResultsApi(APIView):
    @extend_schema(responses=RoundResultSerializer(many=True))
    def get(self, request, session_id: int):
        try:
            session = session_for_facilitator(session_id=session_id, user=request.user)
        except LabError as exc:
            return _error(exc)
        results = RoundResult.objects.filter(round__session=session).select_related("team", "round")
        return Response(RoundResultSerializer(results, many=True).data)
