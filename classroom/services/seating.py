"""Seating: teams of four with one of each role; in a smaller team someone holds two roles.

Rules: every role of a team always has an owner; a newcomer joins the team with the fewest
members (a new team when all hold four) and takes a role from whoever holds the most; at start
the lab evens team sizes out (4+1 becomes 3+2) so nobody plays a whole plant alone.
"""
import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from classroom.models import Participant, Seat, Session, Team
from classroom.selectors import connected_participant_ids
from game.engine import ROLES

TEAM_SIZE = len(ROLES)


def _members(team: Team) -> list[Participant]:
    return list(team.members.order_by("joined_at", "id"))


def team_cover_roles(*, team: Team) -> None:
    """Give every uncovered role an owner and every member at least one role."""
    members = _members(team)
    if not members:
        return
    # In the order they were dealt: a donor gives away its latest role and keeps the ones it got first (without
    # the order, PostgreSQL's row order decided who got which role).
    seats = {s.role: s for s in team.seats.select_related("participant").order_by("id")}
    held = {m.id: [r for r, s in seats.items() if s.participant_id == m.id] for m in members}
    for role in ROLES:
        if role not in seats:
            owner = min(members, key=lambda m: len(held[m.id]))
            seats[role] = Seat.objects.create(team=team, role=role, participant=owner)
            held[owner.id].append(role)
    for member in members:
        if held[member.id]:
            continue
        donor = max(members, key=lambda m: len(held[m.id]))
        if len(held[donor.id]) < 2:
            break
        role = held[donor.id].pop()  # the donor keeps the roles it got first
        Seat.objects.filter(team=team, role=role).update(participant=member)
        held[member.id].append(role)


def seat_newcomer(*, session: Session, participant: Participant) -> Team:
    teams = list(session.teams.all())
    sizes = {t.id: t.members.count() for t in teams}
    open_teams = [t for t in teams if sizes[t.id] < TEAM_SIZE]
    if open_teams:
        team = min(open_teams, key=lambda t: (sizes[t.id], t.number))
    else:
        team = Team.objects.create(session=session, number=len(teams) + 1)
    participant.team = team
    participant.save(update_fields=["team"])
    team_cover_roles(team=team)
    return team


def lobby_leavers(*, session: Session, now=None) -> list[Participant]:
    """People who left the lobby: no live socket and not seen within the presence TTL (a person who has
    just joined and whose room is still connecting is not a leaver; bots never leave)."""
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.LAB_PRESENCE_TTL_SECONDS)
    people = list(session.participants.filter(is_bot=False))
    connected = connected_participant_ids(participant_ids=[p.id for p in people], now=now)
    return [p for p in people if p.id not in connected and (p.last_seen_at or p.joined_at) < since]


def teams_balance(*, session: Session, ignore_absent: bool = False) -> None:
    """Even team sizes out, moving the latest joiners of the largest teams. With `ignore_absent` (at the
    start), people who left the lobby give up their seats first: nobody is left alone holding four roles
    for teammates who are not there. They are seated again when they come back."""
    if ignore_absent:
        for person in lobby_leavers(session=session):
            Seat.objects.filter(participant=person).delete()
            person.team = None
            person.save(update_fields=["team"])
    people = list(session.participants.filter(team__isnull=False).order_by("joined_at", "id"))
    if not people:
        return
    n_teams = math.ceil(len(people) / TEAM_SIZE)
    teams = list(session.teams.all())
    while len(teams) < n_teams:
        teams.append(Team.objects.create(session=session, number=len(teams) + 1))
    base, extra = divmod(len(people), n_teams)
    targets = [base + (1 if i < extra else 0) for i in range(n_teams)]
    members = {t.id: _members(t) for t in teams}
    movers = []
    for i, team in enumerate(teams):
        target = targets[i] if i < n_teams else 0
        while len(members[team.id]) > target:
            movers.append(members[team.id].pop())
    for i, team in enumerate(teams[:n_teams]):
        while len(members[team.id]) < targets[i] and movers:
            person = movers.pop()
            Seat.objects.filter(participant=person).delete()
            person.team = team
            person.save(update_fields=["team"])
            members[team.id].append(person)
    for team in teams[n_teams:]:
        team.delete()
    for team in teams[:n_teams]:
        team_cover_roles(team=team)
