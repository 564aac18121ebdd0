"""The facilitator's counterfactual replay: POST /console/s/<id>/counterfactual/ with a JSON body
{"team": team_id, "from_round": n, "preset": "no_overtime" | "recommended_pm" | "no_cuts" | null,
"levers": {lever: value}}; answers game.counterfactual's replay as JSON, or {"error": {code, message, field}}.

Only the session's facilitator (or a superuser) is answered; anyone else is refused before the body is read.
"""
import json

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from classroom.errors import LabError
from classroom.services.access import session_for_facilitator
from game.counterfactual import counterfactual


def _error(code: str, message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "field": field}}, status=status)


@require_POST
def session_counterfactual(request, session_id: int):
    if not request.user.is_authenticated:
        return _error("not_logged_in", "Log in as this session's facilitator to replay its teams.", 401)
    try:
        session = session_for_facilitator(session_id=session_id, user=request.user)
    except LabError as exc:
        return _error(exc.code, exc.message, exc.http_status, exc.field)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return _error("invalid_json", "The request body must be a JSON object.", 400)
    try:
        answer = counterfactual(session=session, team=body.get("team"), from_round=body.get("from_round"),
                                levers=body.get("levers"), preset=body.get("preset"))
    except LabError as exc:
        return _error(exc.code, exc.message, exc.http_status, exc.field)
    return JsonResponse(answer)
