"""A disruption's expected impact before the facilitator confirms it: POST /console/s/<id>/disruption-impact/
with the body of the `inject` command ({"disruption": {...}, "teams": [...], "round": n or null}, and "id"
when editing one); answers game.services.disruption_impact's figures as JSON, or {"error": {code, message,
field}}. Read-only: nothing is written.

Only the session's facilitator (or a superuser) is answered; anyone else is refused before the body is read.
"""
import json

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from classroom.errors import LabError
from classroom.services.access import session_for_facilitator
from game.services.disruption_impact import disruption_impact


def _error(code: str, message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "field": field}}, status=status)


@require_POST
def session_disruption_impact(request, session_id: int):
    if not request.user.is_authenticated:
        return _error("not_logged_in", "Log in as this session's facilitator to size its disruptions.", 401)
    try:  # whose session it is, before the body is read
        session_for_facilitator(session_id=session_id, user=request.user)
    except LabError as exc:
        return _error(exc.code, exc.message, exc.http_status, exc.field)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return _error("invalid_json", "The request body must be a JSON object.", 400)
    try:
        answer = disruption_impact(session_id=session_id, user=request.user, spec=body.get("disruption"),
                                   team_ids=body.get("teams"), round_number=body.get("round"),
                                   disruption_id=body.get("id"))
    except LabError as exc:
        return _error(exc.code, exc.message, exc.http_status, exc.field)
    return JsonResponse(answer)
