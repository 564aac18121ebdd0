"""Full-state snapshots sent on connect and on resync. Each event patches one key of these."""
from classroom.models import LedgerEntry, Participant, Seat, Session
from classroom.selectors import console_team_summary, member_roles, session_public, team_summary
from game.briefs import team_briefs
from game.credibility import credibility
from game.debrief_story import story_text, team_story_for
from game.engine import ROLES
from game.plant_view import plant_view
from game.reveal import round_reveal, visible_result
from game.round_log import round_log
from game.selectors import (commitment_limits, leaderboard, package_latest, package_payload, round_current, round_payload,
                            session_history, session_scenario, team_results, team_stations)
from game.services.chat import chat_payload
from game.services.disruptions import disruptions_for_session, disruptions_for_team
from game.scenario_text import scenario_shown

CHAT_HISTORY = 100


def team_snapshot(*, participant_id: int) -> dict:
    """Everything one seat may see: its own roles' dashboards in full, the others' in summary
    (game/role_views.py explains the filter; docs/protocol.md lists what is private)."""
    participant = Participant.objects.select_related("session", "team").get(pk=participant_id)
    session, team = participant.session, participant.team
    scenario = session_scenario(session=session)
    roles = member_roles(participant=participant)
    game_round = round_current(session=session)
    chat = (LedgerEntry.objects.filter(team=team, kind=LedgerEntry.Kind.CHAT)
            .select_related("participant").order_by("-at", "-id")[:CHAT_HISTORY])
    results = team_results(team=team)
    return {
        "type": "state",
        "seq": team.seq,
        "session": {**session_public(session=session), "currency": scenario.currency,
                    "scenario_title": scenario_shown(scenario)["title"]},
        "team": team_summary(team=team),
        "you": {"id": participant.id, "name": participant.display_name, "roles": roles,
                "rejoin_code": participant.rejoin_code},
        "round": round_payload(game_round=game_round, total=session.rounds),
        "package": (package_payload(package=package_latest(team=team, game_round=game_round), scenario=scenario)
                    if game_round else None),
        "log": round_log(team_id=team.id, game_round=game_round) if game_round else [],
        "results": [visible_result(result=r, roles=roles) for r in results],
        "reveal": round_reveal(results=results, roles=roles, currency=scenario.currency),
        "plant": plant_view(stations=team_stations(team=team, scenario=scenario), last_kpis=results[-1]["kpis"] if results else None,
                            roles=roles),
        "briefs": team_briefs(roles=roles, scenario=scenario),
        "chat": [chat_payload(entry=e, name=e.participant.display_name) for e in reversed(chat)],
        "disruptions": disruptions_for_team(team=team),
        # What a forecast may say this month (the room's form shows the limits) and how credible the team's were.
        "commitment": commitment_limits(team_id=team.id, scenario=scenario, state=team.engine_state),
        "credibility": credibility([r["forecast_error"] for r in results]),
        # The team's debrief story once the session has ended: one text for the whole team, quoting only what
        # every seat was shown (game/debrief_story.py); null while the session runs.
        "story": story_text(team_story_for(team=team)) if session.state == Session.State.FINISHED else None,
    }


def team_roles_of(*, participant_id: int, team_id: int) -> list[str]:
    """The roles a person holds in one team: none once they have been moved to another. A socket re-reads its
    roles with this when seats change; until its client resyncs and the socket follows the person to the new
    team's group, it still hears the old team, which must then get only what every seat sees."""
    held = set(Seat.objects.filter(participant_id=participant_id, team_id=team_id).values_list("role", flat=True))
    return [r for r in ROLES if r in held]


def session_snapshot(*, session_id: int) -> dict:
    session = Session.objects.get(pk=session_id)
    game_round = round_current(session=session)
    teams = []
    for team in session.teams.order_by("number"):  # each console_seq is read before its data
        summary = console_team_summary(team=team)
        summary["console_seq"] = team.console_seq
        package = package_latest(team=team, game_round=game_round) if game_round else None
        summary["package"] = package_payload(package=package, scenario=session_scenario(session=session))
        teams.append(summary)
    return {
        "type": "state",
        "seq": session.seq,
        # The console's lifecycle controls: archived (hidden from the list), ending (its last round closing).
        "session": {**session_public(session=session), "archived": session.archived_at is not None,
                    "ending": session.end_requested_at is not None and session.state != Session.State.FINISHED},
        "round": round_payload(game_round=game_round, total=session.rounds),
        "teams": teams,
        "leaderboard": leaderboard(session=session),
        "disruptions": disruptions_for_session(session=session),
        "history": session_history(session=session),
    }
