"""Covering absent roles while a round is open: automatically (the ticker) or by the facilitator.

The seat rules live in classroom/services/cover.py; this module decides when they apply (an open
round) and who covers: a present teammate, else a bot.
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classroom.errors import LabError
from classroom.models import Seat, Session
from classroom.services.access import session_for_facilitator
from classroom.services.cover import absent_seats, announce_seats, cover_proxy, seat_cover
from game.bots.service import bot_for_team
from game.engine import ROLES
from game.models import Round

COVER_BY = ("teammate", "bot")


def _cover_team_seats(seats: list[Seat], by: str, now) -> list:
    """Cover these seats of one team; returns the teams that changed."""
    team = seats[0].team
    proxy = cover_proxy(team=team, absent_ids={s.participant_id for s in seats}, now=now) if by == "teammate" else None
    if proxy is None:
        proxy = bot_for_team(team=team)
    for seat in seats:
        seat_cover(seat=seat, by=proxy)
    return [team]


def seats_cover_due(*, now=None) -> int:
    """Cover every role whose holder has been away past the hold time, in sessions set to cover
    automatically and with a round open. Returns how many roles were covered."""
    now = now or timezone.now()
    sessions = Session.objects.filter(state=Session.State.RUNNING, cover_mode=Session.Cover.AUTO,
                                      round_set__state=Round.State.OPEN).distinct()
    covered = 0
    for session in sessions:
        with transaction.atomic():
            seats = absent_seats(session=session, now=now)
            by_team: dict[int, list[Seat]] = {}
            for seat in seats:
                by_team.setdefault(seat.team_id, []).append(seat)
            changed = []
            for team_seats in by_team.values():
                changed += _cover_team_seats(team_seats, "teammate", now)
            covered += len(seats)
            if changed:
                announce_seats(session, changed)
    return covered


def seat_cover_command(*, session_id: int, user, team_number, role, by) -> None:
    """The facilitator covers one role now, by a teammate (the present one holding fewest roles) or a bot."""
    if role not in ROLES:
        raise LabError("invalid_value", _("role must be one of %(roles)s.") % {"roles": ", ".join(ROLES)}, field="role")
    if by not in COVER_BY:
        raise LabError("invalid_value", _("Cover by a teammate or a bot."), field="by")
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        if session.state != Session.State.RUNNING:
            raise LabError("not_running", _("Roles are covered while the session runs."))
        seat = (Seat.objects.select_related("team", "participant")
                .filter(team__session=session, team__number=team_number, role=role).first()
                if isinstance(team_number, int) else None)
        if seat is None:
            raise LabError("unknown_team", _("Choose one of this session's teams."), field="team")
        changed = _cover_team_seats([seat], by, timezone.now())
        announce_seats(session, changed)


def cover_settings(*, session_id: int, user, mode, after_seconds) -> None:
    if mode not in Session.Cover.values:
        raise LabError("invalid_value", _("Cover must be automatic or on your call."), field="mode")
    if isinstance(after_seconds, bool) or not isinstance(after_seconds, int) or not 30 <= after_seconds <= 1800:
        raise LabError("invalid_value", _("The hold time is a whole number of seconds between 30 and 1800."),
                       field="after_seconds")
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        session.cover_mode, session.cover_after_seconds = mode, after_seconds
        session.save(update_fields=["cover_mode", "cover_after_seconds"])
