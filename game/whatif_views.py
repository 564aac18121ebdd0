"""A participant's "what if we had...": their own team's counterfactual replay, once the workshop has ended.

GET /play/<code>/what-if/ is the page (before the end it says when it opens); POST /play/<code>/what-if.json
with {"from_round": n, "preset": ..., "levers": {...}} answers the replay (game/counterfactual.py). Both need
the participant's rejoin cookie for that session; a team named in the body is ignored: only one's own team
is replayed.
"""
import json

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from classroom.errors import Forbidden, LabError
from classroom.identity import cookie_token
from classroom.services.sessions import participant_by_token
from game.counterfactual import (counterfactual_for_participant, counterfactual_open_to_participant,
                                 counterfactual_participant_kpis, counterfactual_presets, counterfactual_rounds)
from game.dashboards import kpi_catalog_json
from game.lever_display import room_lever_specs
from game.selectors import session_scenario

def _not_yours() -> Forbidden:
    """Made per request, in its language."""
    return Forbidden("not_participant", _("What if… is for this workshop's participants: open it on the device "
                                          "you played on."))


def _participant(request, code: str):
    return participant_by_token(join_code=code, rejoin_token=cookie_token(request.COOKIES, code))


def whatif_page(request, join_code: str):
    code = join_code.upper()
    participant = _participant(request, code)
    if participant is None:
        error = _not_yours()
        return render(request, "frontend/error.html", {"error": error}, status=error.http_status)
    if participant.language:  # their choice, made on any device, wins over this browser's (as in the room)
        translation.activate(participant.language)
        request.LANGUAGE_CODE = participant.language
    context = {"join_code": code, "participant": participant,
               "ended": counterfactual_open_to_participant(participant=participant)}
    if context["ended"] and participant.team is not None:
        session = participant.session
        keep = counterfactual_participant_kpis(participant=participant)
        context["options"] = {
            "url": reverse("whatif-json", kwargs={"join_code": code}),
            "teams": None,
            "team": participant.team.name,
            "rounds": counterfactual_rounds(session=session, team=participant.team),
            "kpis": {k: v for k, v in kpi_catalog_json().items() if k in keep},
            "levers": room_lever_specs(currency=session_scenario(session=session).currency),
            "presets": counterfactual_presets(),
            "currency": session_scenario(session=session).currency,
        }
    return render(request, "frontend/whatif.html", context)


def _error(exc: LabError) -> JsonResponse:
    return JsonResponse({"error": {"code": exc.code, "message": exc.message, "field": exc.field}},
                        status=exc.http_status)


@require_POST
def whatif_json(request, join_code: str):
    participant = _participant(request, join_code.upper())
    if participant is None:
        return _error(_not_yours())
    if participant.language:
        translation.activate(participant.language)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return _error(LabError("invalid_json", _("The request body must be a JSON object.")))
    try:
        answer = counterfactual_for_participant(participant=participant, from_round=body.get("from_round"),
                                                levers=body.get("levers"), preset=body.get("preset"))
    except LabError as exc:
        return _error(exc)
    return JsonResponse(answer)
