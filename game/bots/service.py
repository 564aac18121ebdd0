"""Bots as participants: create them, seat them, and hand out the leases that say which server process
runs each one (the runner itself is game/bots/runner.py).

A bot is a Participant with `is_bot`: it holds seats like a person, is labelled "(bot)" everywhere and is
left out of HR's participation figures.
"""
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from classroom.errors import LabError
from classroom.models import LedgerEntry, Participant, Session, Team, new_rejoin_code
from classroom.selectors import session_round_number
from classroom.services.access import session_for_facilitator
from classroom.services.cover import announce_seats
from classroom.services.seating import seat_newcomer, team_cover_roles, teams_balance

STRATEGIES = {
    "keep": "keeps the team's last package and approves it once the people have been quiet for a while",
    "default": "sets its levers to the scenario's default plan, then approves",
    "balanced": "plays the engine's balanced strategy (PM at the recommended level plus catch-up, training, "
                "staffing, a quality program) on its levers, then approves",
}
LEASE = timedelta(seconds=20)


def _new_bot(session: Session, strategy: str) -> Participant:
    number = session.participants.filter(is_bot=True).count() + 1
    code = new_rejoin_code()
    while session.participants.filter(rejoin_code=code).exists():
        code = new_rejoin_code()
    return Participant.objects.create(session=session, display_name=f"Bot {number} (bot)", is_bot=True,
                                      bot_strategy=strategy, rejoin_code=code)


def bot_for_team(*, team: Team, strategy: str = "keep") -> Participant:
    """A bot member of this team (an existing one, else a new one) to hold roles for absent people."""
    bot = team.members.filter(is_bot=True).order_by("id").first()
    if bot is not None:
        return bot
    bot = _new_bot(team.session, strategy)
    bot.team = team
    bot.save(update_fields=["team"])
    LedgerEntry.objects.create(session=team.session, team=team, participant=bot, kind=LedgerEntry.Kind.JOIN,
                               round_number=session_round_number(session=team.session))
    return bot


def bots_fill(*, session_id: int, user, teams=None, strategy="keep") -> int:
    """Fill empty seats with bots: up to four people per team in the lobby, or `teams` full teams of bots
    (a rehearsal). Returns how many bots joined."""
    if strategy not in STRATEGIES:
        raise LabError("invalid_value", f"strategy must be one of {', '.join(STRATEGIES)}.", field="strategy")
    if teams is not None and (isinstance(teams, bool) or not isinstance(teams, int) or not 1 <= teams <= 20):
        raise LabError("invalid_value", "teams must be a whole number between 1 and 20.", field="teams")
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        if session.state != Session.State.LOBBY:
            raise LabError("not_in_lobby", "Bots take empty seats before the session starts.")
        added = 0
        if teams is not None:
            for _ in range(teams * 4):
                seat_newcomer(session=session, participant=_new_bot(session, strategy))
                added += 1
        for team in session.teams.all():
            while team.members.count() < 4 and team.members.exists():
                bot = _new_bot(session, strategy)
                bot.team = team
                bot.save(update_fields=["team"])
                team_cover_roles(team=team)
                added += 1
        teams_balance(session=session)
        announce_seats(session, list(session.teams.all()))
    return added


def bot_leases_take(*, session_id: int | None = None, now=None) -> list[int]:
    """Bots of running or lobby sessions whose lease lapsed: this process now runs them (atomic per bot)."""
    now = now or timezone.now()
    bots = Participant.objects.filter(is_bot=True, team__isnull=False)
    if session_id is not None:
        bots = bots.filter(session_id=session_id)
    candidates = list(bots.exclude(session__state=Session.State.FINISHED)
                      .filter(Q(bot_lease_until__isnull=True) | Q(bot_lease_until__lt=now))
                      .values_list("id", flat=True))
    taken = []
    for bot_id in candidates:
        won = (Participant.objects.filter(pk=bot_id).filter(Q(bot_lease_until__isnull=True) | Q(bot_lease_until__lt=now))
               .update(bot_lease_until=now + LEASE))
        if won:
            taken.append(bot_id)
    return taken


def bot_lease_renew(*, bot_id: int) -> bool:
    """Keep running this bot; False once its session has finished (the runner then stops)."""
    alive = Participant.objects.filter(pk=bot_id, is_bot=True).exclude(session__state=Session.State.FINISHED)
    return bool(alive.update(bot_lease_until=timezone.now() + LEASE))
