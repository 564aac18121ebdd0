"""Read-side helpers for sessions and teams (no writes, no rules)."""
from classroom.models import Participant, Session, Team


def member_roles(*, participant: Participant) -> list[str]:
    from game.engine import ROLES

    held = set(participant.seats.values_list("role", flat=True))
    return [r for r in ROLES if r in held]


def team_members(*, team: Team) -> list[dict]:
    from game.engine import ROLES

    roles_by_person: dict[int, list[str]] = {}
    for participant_id, role in team.seats.values_list("participant_id", "role"):
        roles_by_person.setdefault(participant_id, []).append(role)
    return [
        {
            "id": m.id,
            "name": m.display_name,
            "roles": [r for r in ROLES if r in roles_by_person.get(m.id, [])],
            "connected": m.connections > 0,
        }
        for m in team.members.order_by("joined_at", "id")
    ]


def team_summary(*, team: Team) -> dict:
    return {"id": team.id, "number": team.number, "name": team.name, "members": team_members(team=team)}


def session_round_number(*, session: Session) -> int | None:
    """The number of the round being played or last played; None before the start."""
    from game.selectors import round_current  # game builds on classroom, not the other way round

    game_round = round_current(session=session)
    return game_round.number if game_round else None


def session_public(*, session: Session) -> dict:
    return {
        "id": session.id,
        "name": session.name,
        "join_code": session.join_code,
        "state": session.state,
        "rounds": session.rounds,
        "minutes_per_round": session.minutes_per_round,
        "scenario": session.scenario_name,
    }


def session_list_for_user(*, user):
    """Sessions a facilitator may see: their own (a superuser sees all)."""
    return Session.objects.all() if user.is_superuser else Session.objects.filter(facilitator=user)
