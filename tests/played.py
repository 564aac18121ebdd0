"""A session played through the real services for the debrief tests (selectors, views, exports, browser)."""
from game.services import rounds
from game.services.chat import chat_send
from game.services.packages import package_approve, package_edit
from tests import factories


def seat(team, role):
    return team.seats.get(role=role).participant


def play_two_months(session, facilitator):
    """Three teams, two months. Team 1 negotiates month 1 (HR's overtime, HR approves, finance's budget
    clears it, all four approve version 3, two chat lines) and approves at once in month 2; team 2's
    director approves version 1 alone; team 3 does nothing. Teams 2 and 3 carry the same package and
    draw the same random numbers, so their results are identical: a tie."""
    factories.join_many(session, 12)
    factories.start(session, facilitator)
    factories.committed(session)  # every director has stated a forecast (tests/factories.py)
    team1, team2, team3 = session.teams.order_by("number")
    chat_send(participant_id=seat(team1, "director").id, text="Where do we stand on overtime?", client_msg_id="c1")
    package_edit(participant_id=seat(team1, "hr").id, lever="overtime_share", value=0.1, base_version=1,
                 client_msg_id="e1")
    package_approve(participant_id=seat(team1, "hr").id, version=2, client_msg_id="a-hr-2")
    package_edit(participant_id=seat(team1, "finance").id, lever="maintenance_budget", value=60000.0,
                 base_version=2, client_msg_id="e2")
    chat_send(participant_id=seat(team1, "hr").id, text="Ten percent, and approve please", client_msg_id="c2")
    for role in ("director", "finance", "engineering", "hr"):
        package_approve(participant_id=seat(team1, role).id, version=3, client_msg_id=f"a-{role}-3")
    package_approve(participant_id=seat(team2, "director").id, version=1, client_msg_id="a-t2")
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=1)
    factories.committed(session)
    for role in ("director", "finance", "engineering", "hr"):
        package_approve(participant_id=seat(team1, role).id, version=1, client_msg_id=f"b-{role}")
    chat_send(participant_id=seat(team3, "engineering").id, text="we forgot to approve", client_msg_id="c3")
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=2)
    return team1, team2, team3
