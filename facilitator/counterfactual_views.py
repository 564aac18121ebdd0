"""The facilitator's counterfactual replay: POST /console/s/<id>/counterfactual/ with a JSON body
{"team": team_id, "from_round": n, "preset": "no_overtime" | "recommended_pm" | "no_cuts" | null,
"levers": {lever: value}}; answers game.counterfactual's replay as JSON, or {"error": {code, message, field}}.

Only the session's facilitator (or a superuser) is answered; anyone else is refused before the body is read.
"""
from django.utils.translation import gettext_lazy

from facilitator.json_commands import facilitator_json_command
from game.counterfactual import counterfactual


@facilitator_json_command(gettext_lazy("Log in as this session's facilitator to replay its teams."))
def session_counterfactual(request, session, body) -> dict:
    return counterfactual(session=session, team=body.get("team"), from_round=body.get("from_round"),
                          levers=body.get("levers"), preset=body.get("preset"))
