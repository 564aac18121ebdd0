"""A disruption's expected impact before the facilitator confirms it: POST /console/s/<id>/disruption-impact/
with the body of the `inject` command ({"disruption": {...}, "teams": [...], "round": n or null}, and "id"
when editing one); answers game.services.disruption_impact's figures as JSON, or {"error": {code, message,
field}}. Read-only: nothing is written.

Only the session's facilitator (or a superuser) is answered; anyone else is refused before the body is read.
"""
from django.utils.translation import gettext_lazy

from facilitator.json_commands import facilitator_json_command
from game.services.disruption_impact import disruption_impact


@facilitator_json_command(gettext_lazy("Log in as this session's facilitator to size its disruptions."))
def session_disruption_impact(request, session, body) -> dict:
    return disruption_impact(session_id=session.id, user=request.user, spec=body.get("disruption"),
                             team_ids=body.get("teams"), round_number=body.get("round"),
                             disruption_id=body.get("id"))
