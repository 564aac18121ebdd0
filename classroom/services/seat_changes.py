"""The facilitator forms teams by hand: move a person to a team, give a role to a member.

The same invariant as automatic seating holds after every change: every role of a team has an
owner and every member holds a role. A person moved mid-round plays their new team's package;
their client is told to resync and its socket follows them to the new team's group.
"""
from django.db import transaction
from django.utils.translation import gettext as _

from classroom.errors import LabError
from classroom.events import emit_console_team_event, emit_team_event
from classroom.models import Participant, Seat, Session, Team
from classroom.selectors import console_team_summary
from classroom.services.access import session_for_facilitator
from classroom.services.seating import team_cover_roles
from classroom.signals import team_joined_while_running
from game.engine import ROLES


def _participant(session: Session, participant_id) -> Participant:
    person = session.participants.filter(pk=participant_id).first() if isinstance(participant_id, int) else None
    if person is None:
        raise LabError("unknown_participant", _("That person is not in this session."), field="participant")
    return person


def _announce(session: Session, teams: list[Team]) -> None:
    for team in teams:
        emit_team_event(team.id, "session.changed", {"state": session.state})
        emit_console_team_event(session.id, team.id, "team.changed", {"team": console_team_summary(team=team)})


def seat_move(*, session_id: int, user, participant_id, team_number) -> Team:
    """Move a person to team `team_number`, or to a new team when it is "new"."""
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        if session.state == Session.State.FINISHED:
            raise LabError("session_finished", _("The session has ended; teams can no longer change."))
        person = _participant(session, participant_id)
        old_team = person.team
        if team_number == "new":
            team = Team.objects.create(session=session, number=session.teams.count() + 1)
        else:
            team = session.teams.filter(number=team_number).first() if isinstance(team_number, int) else None
            if team is None:
                raise LabError("unknown_team", _("Choose one of this session's teams, or a new team."),
                               field="team")
        if team == old_team:
            return team
        if team.members.count() >= len(ROLES):
            raise LabError("team_full", _("%(team)s already has %(n)s people, one per role.") % {
                "team": team.name, "n": len(ROLES)}, field="team")
        Seat.objects.filter(participant=person).delete()
        Seat.objects.filter(held_for=person).update(held_for=None)  # the facilitator's move stands
        person.team = team
        person.save(update_fields=["team"])
        changed = [team] + ([old_team] if old_team else [])
        for t in changed:
            team_cover_roles(team=t)
        if session.state == Session.State.RUNNING:
            team_joined_while_running.send(sender=Team, team=team)
        _announce(session, changed)
    return team


def seat_assign_role(*, session_id: int, user, participant_id, role) -> None:
    """Give `role` in the person's team to that person (its previous holder keeps their others)."""
    if role not in ROLES:
        raise LabError("invalid_value", _("role must be one of %(roles)s.") % {"roles": ", ".join(ROLES)},
                       field="role")
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        person = _participant(session, participant_id)
        if person.team is None:
            raise LabError("not_seated", _("That person has no team yet."), field="participant")
        seat = Seat.objects.select_related("participant").get(team=person.team, role=role)
        previous = seat.participant
        if previous.id != person.id:
            if previous.seats.count() == 1:
                # They would be left with no role: a swap, they take over one of the person's roles.
                given = person.seats.order_by("id").first()
                given.participant = previous
                given.save(update_fields=["participant"])
            seat.participant = person
        seat.held_for = None  # the facilitator's choice stands: no automatic return
        seat.save(update_fields=["participant", "held_for"])
        team_cover_roles(team=person.team)
        _announce(session, [person.team])
