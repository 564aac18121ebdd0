"""Read-side helpers for sessions and teams (no writes, no rules)."""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from classroom.models import Connection, Participant, Session, Team
from game.engine import ROLES


def live_connections(now=None):
    """Open sockets that answered within the presence TTL (classroom/services/presence.py)."""
    now = now or timezone.now()
    return Connection.objects.filter(closed_at__isnull=True,
                                     last_seen_at__gte=now - timedelta(seconds=settings.LAB_PRESENCE_TTL_SECONDS))


def connected_participant_ids(*, participant_ids, now=None) -> set[int]:
    """Which of these people are connected now (one query)."""
    return set(live_connections(now).filter(participant_id__in=list(participant_ids))
               .values_list("participant_id", flat=True))


def member_roles(*, participant: Participant) -> list[str]:
    held = set(participant.seats.values_list("role", flat=True))
    return [r for r in ROLES if r in held]


def team_members(*, team: Team, with_rejoin_codes: bool = False) -> list[dict]:
    roles_by_person: dict[int, list[str]] = {}
    for participant_id, role in team.seats.values_list("participant_id", "role"):
        roles_by_person.setdefault(participant_id, []).append(role)
    members = list(team.members.order_by("joined_at", "id"))
    connected = connected_participant_ids(participant_ids=[m.id for m in members])
    return [
        {
            "id": m.id,
            "name": m.display_name,
            "roles": [r for r in ROLES if r in roles_by_person.get(m.id, [])],
            "connected": m.id in connected,
            "bot": m.is_bot,
            "last_seen_at": m.last_seen_at.isoformat() if m.last_seen_at else None,
            **({"rejoin_code": m.rejoin_code} if with_rejoin_codes else {}),
        }
        for m in members
    ]


def team_summary(*, team: Team) -> dict:
    return {"id": team.id, "number": team.number, "name": team.name, "members": team_members(team=team)}


def console_team_summary(*, team: Team) -> dict:
    """The facilitator's view of a team: as the team sees it, plus each person's rejoin code (so the
    facilitator can read it out; teammates never receive each other's codes)."""
    return {"id": team.id, "number": team.number, "name": team.name,
            "members": team_members(team=team, with_rejoin_codes=True)}


def session_round_number(*, session: Session) -> int | None:
    """The number of the round being played or last played; None before the start. Read afresh: the
    session object at hand may predate the round that opened since."""
    return Session.objects.filter(pk=session.pk).values_list("round_number", flat=True).first()


def session_public(*, session: Session) -> dict:
    return {
        "id": session.id,
        "name": session.name,
        "join_code": session.join_code,
        "state": session.state,
        "rounds": session.rounds,
        "minutes_per_round": session.minutes_per_round,
        "scenario": session.scenario_name,
        "cover_mode": session.cover_mode,
        "cover_after_seconds": session.cover_after_seconds,
    }


def session_list_for_user(*, user, archived: bool = True):
    """Sessions a facilitator may see: their own (a superuser sees all); without the archived ones
    when `archived` is False (the console list hides them unless asked)."""
    sessions = Session.objects.all() if user.is_superuser else Session.objects.filter(facilitator=user)
    return sessions if archived else sessions.filter(archived_at__isnull=True)


def session_archived_count_for_user(*, user) -> int:
    return session_list_for_user(user=user).filter(archived_at__isnull=False).count()
