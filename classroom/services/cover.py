"""Seat hold and cover: a role whose holder is away is held for them by a present teammate (a proxy) or a
bot, and returns to them when they come back. A team is never blocked from aligning by someone absent.

Rules: a role is "absent" when its holder (a person, not a bot) has had no live socket for the session's
`cover_after_seconds`; the proxy is the present teammate holding the fewest roles; `held_for` remembers
the holder, and a facilitator's own seat change clears it (their decision stands).
"""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from classroom.events import emit_console_team_event, emit_team_event
from classroom.models import Participant, Seat, Session, Team
from classroom.selectors import connected_participant_ids, console_team_summary


def announce_seats(session: Session, teams) -> None:
    """Roles changed: the team's clients resync (their own roles may differ), the console updates."""
    for team in teams:
        emit_team_event(team.id, "session.changed", {"state": session.state})
        emit_console_team_event(session.id, team.id, "team.changed", {"team": console_team_summary(team=team)})


def absent_seats(*, session: Session, now=None) -> list[Seat]:
    """Seats whose (human) holder has been away at least the session's hold time, not yet covered."""
    now = now or timezone.now()
    since = now - timedelta(seconds=session.cover_after_seconds)
    seats = list(Seat.objects.filter(team__session=session, held_for__isnull=True, participant__is_bot=False)
                 .select_related("participant", "team"))
    connected = connected_participant_ids(participant_ids={s.participant_id for s in seats}, now=now)
    return [s for s in seats if s.participant_id not in connected
            and (s.participant.last_seen_at or s.participant.joined_at) <= since]


def cover_proxy(*, team: Team, absent_ids: set[int], now=None) -> Participant | None:
    """The present teammate (person or bot) holding the fewest roles, if anyone is present."""
    members = [m for m in team.members.all() if m.id not in absent_ids]
    present = connected_participant_ids(participant_ids=[m.id for m in members], now=now)
    candidates = [m for m in members if m.id in present]
    if not candidates:
        return None
    counts = {m.id: m.seats.count() for m in candidates}
    return min(candidates, key=lambda m: (counts[m.id], m.joined_at, m.id))


def seat_cover(*, seat: Seat, by: Participant) -> None:
    """`by` holds the seat for its holder until they return."""
    if seat.participant_id == by.id:
        return
    seat.held_for_id = seat.held_for_id or seat.participant_id
    seat.participant = by
    seat.save(update_fields=["participant", "held_for"])


def seats_return(*, participant_id: int) -> list[Team]:
    """The person is back: the roles held for them return to them. Returns the teams that changed."""
    with transaction.atomic():
        seats = list(Seat.objects.select_for_update().filter(held_for_id=participant_id, team__session__state="running")
                     .select_related("team__session"))
        person = Participant.objects.filter(pk=participant_id).first()
        teams = []
        for seat in seats:
            if person is None or person.team_id != seat.team_id:
                seat.held_for = None  # they were moved elsewhere meanwhile: the cover becomes the holder
                seat.save(update_fields=["held_for"])
                continue
            seat.participant_id, seat.held_for = participant_id, None
            seat.save(update_fields=["participant", "held_for"])
            if seat.team not in teams:
                teams.append(seat.team)
        if teams:
            announce_seats(teams[0].session, teams)
    return teams
