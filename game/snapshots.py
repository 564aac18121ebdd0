"""Full-state snapshots sent on connect and on resync. Each event patches one key of these."""
from classroom.models import LedgerEntry, Participant, Session
from classroom.selectors import console_team_summary, member_roles, session_public, team_summary
from game.selectors import (leaderboard, package_latest, package_payload, round_current, round_payload,
                            session_history, session_scenario, team_results, team_stations)
from game.services.chat import chat_payload
from game.services.disruptions import disruptions_for_session, disruptions_for_team

CHAT_HISTORY = 100


def team_snapshot(*, participant_id: int) -> dict:
    participant = Participant.objects.select_related("session", "team").get(pk=participant_id)
    session, team = participant.session, participant.team
    game_round = round_current(session=session)
    chat = (LedgerEntry.objects.filter(team=team, kind=LedgerEntry.Kind.CHAT)
            .select_related("participant").order_by("-at", "-id")[:CHAT_HISTORY])
    return {
        "type": "state",
        "seq": team.seq,
        "session": session_public(session=session),
        "team": team_summary(team=team),
        "you": {"id": participant.id, "name": participant.display_name, "roles": member_roles(participant=participant),
                "rejoin_code": participant.rejoin_code},
        "round": round_payload(game_round=game_round, total=session.rounds),
        "package": (package_payload(package=package_latest(team=team, game_round=game_round),
                                   scenario=session_scenario(session=session)) if game_round else None),
        "results": team_results(team=team),
        "chat": [chat_payload(entry=e, name=e.participant.display_name) for e in reversed(chat)],
        "disruptions": disruptions_for_team(team=team),
        "stations": team_stations(team=team),
    }


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
        "session": session_public(session=session),
        "round": round_payload(game_round=game_round, total=session.rounds),
        "teams": teams,
        "leaderboard": leaderboard(session=session),
        "disruptions": disruptions_for_session(session=session),
        "history": session_history(session=session),
    }
