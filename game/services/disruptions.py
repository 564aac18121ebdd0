"""Disruptions the facilitator sets for all or some teams: injected into the round being played, or
scheduled for a later round and day; listed, edited and cancelled until their round closes.

They take effect when their round is simulated (game/services/rounds.py, `_disruptions_for`), inside the
engine's hourly loop, from their start day for their duration: a disruption *lands* when its round
closes, and a cancelled one never does. What the teams learn, and when:

- an announced disruption is shown to the teams it hits once its round is open: at once when injected
  into the round being played (a facilitator reading out "your main supplier just called"), at the
  opening of its round when scheduled for a later one (`disruptions_announce_round`), never earlier;
- an unannounced one is a surprise, seen only in the results;
- an edit or a cancellation of one the teams already see tells them (`disruption.changed`,
  `disruption.cancelled`), so their news and their what-if preview follow it.

The console sees every disruption with its state: `scheduled` (its round has not closed), `landed` (its
round is closing or closed), `cancelled`, or `not_played` (the workshop ended before its round).
"""
from django.db import transaction
from django.utils import timezone

from classroom.errors import LabError, NotFound
from classroom.events import emit_session_event, emit_team_event
from classroom.i18n_text import message
from classroom.models import Session
from classroom.services.access import session_for_facilitator
from game import engine
from game.models import Disruption, Round
from game.selectors import round_playing

SPEC_KEYS = ("kind", "targets", "start_day", "duration_days", "magnitude")
LANDED_STATES = (Round.State.CLOSING, Round.State.CLOSED)


def disruption_payload(*, disruption: Disruption) -> dict:
    """What a team is told of a disruption (and the base of the console's row). Its description is a message
    (docs/i18n.md): it goes once to a team's group, read in each reader's language."""
    team_numbers = sorted(t.number for t in disruption.teams.all())
    return {
        "id": disruption.id,
        "kind": disruption.kind,
        "description": message(engine.DISRUPTION_KINDS[disruption.kind]["description"]),
        "round": disruption.round_number,
        "targets": disruption.targets,
        "start_day": disruption.start_day,
        "duration_days": disruption.duration_days,
        "magnitude": disruption.magnitude,
        "teams": team_numbers or "all",
        "announced": disruption.announced,
    }


def _round_states(session: Session) -> dict[int, str]:
    return dict(Round.objects.filter(session=session).values_list("number", "state"))


def disruption_state(*, disruption: Disruption, session: Session, round_states: dict[int, str]) -> str:
    if disruption.cancelled_at is not None:
        return "cancelled"
    if round_states.get(disruption.round_number) in LANDED_STATES:
        return "landed"
    if session.state == Session.State.FINISHED:
        return "not_played"
    return "scheduled"


def disruption_console_payload(*, disruption: Disruption, session: Session, round_states: dict[int, str]) -> dict:
    """A row of the console's list: the team payload, its state, whether it may still change, and its team ids
    (the form ticks them when the facilitator edits it)."""
    state = disruption_state(disruption=disruption, session=session, round_states=round_states)
    return {**disruption_payload(disruption=disruption), "state": state, "editable": state == "scheduled",
            "team_ids": sorted(t.id for t in disruption.teams.all())}


def _console_payload(disruption: Disruption, session: Session) -> dict:
    return disruption_console_payload(disruption=disruption, session=session, round_states=_round_states(session))


def disruption_spec(spec) -> engine.Disruption:
    """A facilitator's disruption as the engine's event, or a LabError naming the field at fault."""
    if not isinstance(spec, dict):
        raise LabError("invalid_value", "A disruption needs kind, targets, start_day, duration_days, magnitude.",
                       field="kind")
    try:
        return engine.Disruption.from_dict({k: spec[k] for k in SPEC_KEYS if k in spec})
    except engine.DecisionError as exc:
        raise LabError("invalid_value", str(exc), field=exc.field)


def disruption_round(*, session: Session, round_number) -> int:
    """The round a disruption may be set for: the one being played, or a later one that has not opened.
    None means the round being played (inject now)."""
    if session.state == Session.State.FINISHED:
        raise LabError("session_finished", "The workshop has ended: there is no round left to disrupt.",
                       field="round")
    if round_number is None:
        playing = round_playing(session=session)
        if playing is None:
            raise LabError("no_open_round", "Disruptions injected now hit the round being played: start the "
                           "session or wait for the next round, or pick a later round.", field="round")
        return playing.number
    if isinstance(round_number, bool) or not isinstance(round_number, int):
        raise LabError("invalid_value", "Say which round (its number).", field="round")
    states = _round_states(session)
    played = [n for n, state in states.items() if state in LANDED_STATES]
    first = max(played, default=0) + 1
    if first > session.rounds:
        raise LabError("no_round_left", "Every round of this workshop has been played.", field="round")
    choose = f"pick round {first}" + (f" to {session.rounds}" if session.rounds > first else "")
    if round_number < first:
        raise LabError("round_past", f"Round {round_number} has already been played: {choose}.", field="round")
    if round_number > session.rounds:
        raise LabError("invalid_value", f"This workshop has {session.rounds} rounds: {choose}.", field="round")
    return round_number


def _lock_round(session: Session, round_number: int) -> Round | None:
    """Lock a disruption's round row before judging its state: a close racing this change (round_request_close's
    conditional UPDATE) waits for it, or has won and the change is refused, so a change the facilitator is told
    succeeded is always in what the round runs. (SQLite serialises write transactions anyway: IMMEDIATE.)"""
    return Round.objects.select_for_update().filter(session=session, number=round_number).first()


def _round_still_open_to_change(session: Session, round_number: int) -> None:
    game_round = _lock_round(session, round_number)
    if game_round is not None and game_round.state in LANDED_STATES:
        raise LabError("round_past", f"Round {round_number} has already been played (it is closing now).",
                       field="round")


def disruption_team_ids(*, session: Session, team_ids) -> list[int]:
    if team_ids in (None, "", []):
        return []
    if not isinstance(team_ids, list) or any(isinstance(t, bool) or not isinstance(t, int) for t in team_ids):
        raise LabError("invalid_value", "teams must be a list of team ids (or empty for every team).", field="teams")
    known = set(session.teams.filter(id__in=team_ids).values_list("id", flat=True))
    if known != set(team_ids):
        raise LabError("unknown_team", "Some of those teams are not in this session.", field="teams")
    return sorted(known)


def _seen_by(disruption: Disruption, session: Session) -> set[int]:
    """The teams that see this disruption now: announced, not cancelled, and its round has opened."""
    if (disruption.cancelled_at is not None or not disruption.announced or session.round_number is None
            or disruption.round_number > session.round_number):
        return set()
    return {t.id for t in disruption.teams.all()} or set(session.teams.values_list("id", flat=True))


def _tell_teams(disruption: Disruption, before: set[int], after: set[int]) -> None:
    """Teams that see it for the first time are told of it, those that saw it of the change, and those that
    no longer see it (cancelled, moved to a later round, made a surprise, other teams) that it is gone."""
    payload = disruption_payload(disruption=disruption)
    for team_id in sorted(after - before):
        emit_team_event(team_id, "disruption.announced", {"disruption": payload})
    for team_id in sorted(after & before):
        emit_team_event(team_id, "disruption.changed", {"disruption": payload})
    for team_id in sorted(before - after):
        emit_team_event(team_id, "disruption.cancelled", {"id": disruption.id, "round": disruption.round_number})


def disruption_schedule(*, session_id: int, user, spec: dict, team_ids=None, announce: bool = True,
                        round_number=None) -> Disruption:
    """Inject a disruption into the round being played (round_number None, or that round's number), or
    schedule it for a later round. Nothing is written unless every field is valid."""
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        event = disruption_spec(spec)
        number = disruption_round(session=session, round_number=round_number)
        teams = disruption_team_ids(session=session, team_ids=team_ids)
        _round_still_open_to_change(session, number)
        disruption = Disruption.objects.create(
            session=session, round_number=number, kind=event.kind, targets=list(event.targets),
            start_day=event.start_day, duration_days=event.duration_days, magnitude=event.magnitude,
            injected_by=user, announced=bool(announce),
        )
        disruption.teams.set(teams)
        emit_session_event(session.id, "disruption.injected",
                           {"disruption": _console_payload(disruption, session)})
        _tell_teams(disruption, set(), _seen_by(disruption, session))
    return disruption


def disruption_inject(*, session_id: int, user, spec: dict, team_ids=None, announce: bool = True) -> Disruption:
    """A disruption for the round being played (kept for the callers that only ever inject now)."""
    return disruption_schedule(session_id=session_id, user=user, spec=spec, team_ids=team_ids, announce=announce)


def _changeable(session: Session, disruption_id) -> Disruption:
    if isinstance(disruption_id, bool) or not isinstance(disruption_id, int):
        raise LabError("invalid_value", "Say which disruption (its id).", field="id")
    disruption = (Disruption.objects.select_for_update().filter(pk=disruption_id, session=session).first())
    if disruption is None:
        raise NotFound("unknown_disruption", "This session has no such disruption.", field="id")
    _lock_round(session, disruption.round_number)
    state = disruption_state(disruption=disruption, session=session, round_states=_round_states(session))
    if state == "cancelled":
        raise LabError("disruption_cancelled", "This disruption has been cancelled already.", field="id")
    if state == "landed":
        raise LabError("disruption_landed", f"This disruption has hit round {disruption.round_number} already: "
                       "it can no longer change.", field="id")
    if state == "not_played":
        raise LabError("session_finished", "The workshop has ended.", field="id")
    return disruption


def disruption_edit(*, session_id: int, user, disruption_id, spec: dict, team_ids=None, announce: bool = True,
                    round_number=None) -> Disruption:
    """Change a disruption before its round closes: every field is given again and judged like a new one
    (round_number None keeps its round)."""
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        disruption = _changeable(session, disruption_id)
        event = disruption_spec(spec)
        number = (disruption.round_number if round_number is None
                  else disruption_round(session=session, round_number=round_number))
        teams = disruption_team_ids(session=session, team_ids=team_ids)
        if number != disruption.round_number:
            _round_still_open_to_change(session, number)
        before = _seen_by(disruption, session)
        disruption.round_number, disruption.kind, disruption.targets = number, event.kind, list(event.targets)
        disruption.start_day, disruption.duration_days = event.start_day, event.duration_days
        disruption.magnitude, disruption.announced = event.magnitude, bool(announce)
        disruption.edited_at = timezone.now()
        disruption.save()
        disruption.teams.set(teams)
        disruption = Disruption.objects.prefetch_related("teams").get(pk=disruption.pk)
        emit_session_event(session.id, "disruption.changed", {"disruption": _console_payload(disruption, session)})
        _tell_teams(disruption, before, _seen_by(disruption, session))
    return disruption


def disruption_cancel(*, session_id: int, user, disruption_id) -> Disruption:
    """Cancel a disruption before its round closes: it never lands; teams that saw it are told."""
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        disruption = _changeable(session, disruption_id)
        before = _seen_by(disruption, session)
        disruption.cancelled_at = timezone.now()
        disruption.save(update_fields=["cancelled_at"])
        emit_session_event(session.id, "disruption.changed", {"disruption": _console_payload(disruption, session)})
        _tell_teams(disruption, before, set())
    return disruption


def disruptions_announce_round(*, session: Session, game_round: Round) -> None:
    """A round opens (after `session.round_number` moved to it): the announced disruptions scheduled for it
    are told to the teams they hit, now and not before."""
    rows = (Disruption.objects.filter(session=session, round_number=game_round.number, announced=True,
                                      cancelled_at__isnull=True).prefetch_related("teams").order_by("start_day", "id"))
    for disruption in rows:
        _tell_teams(disruption, set(), _seen_by(disruption, session))


def disruptions_landing(*, session: Session, round_number: int):
    """The disruption rows that hit a round when it closes: every one set for it and not cancelled."""
    return (Disruption.objects.filter(session=session, round_number=round_number, cancelled_at__isnull=True)
            .prefetch_related("teams").order_by("at", "id"))


def disruptions_for_team(*, team) -> list[dict]:
    """The disruptions a team has been told of: announced, not cancelled, of the rounds opened so far."""
    opened = Session.objects.filter(pk=team.session_id).values_list("round_number", flat=True).get()
    if opened is None:
        return []
    rows = (Disruption.objects.filter(session_id=team.session_id, announced=True, cancelled_at__isnull=True,
                                      round_number__lte=opened)
            .prefetch_related("teams").order_by("at", "id"))
    return [disruption_payload(disruption=d) for d in rows
            if not d.teams.all() or any(t.id == team.id for t in d.teams.all())]


def disruptions_announced_for(*, team, round_number: int) -> list[engine.Disruption]:
    """The engine events a team has been told will hit this round (its what-if preview runs them)."""
    rows = (Disruption.objects.filter(session_id=team.session_id, round_number=round_number, announced=True,
                                      cancelled_at__isnull=True).prefetch_related("teams").order_by("at", "id"))
    return [disruption_event(disruption=d) for d in rows
            if not d.teams.all() or any(t.id == team.id for t in d.teams.all())]


def disruption_event(*, disruption: Disruption) -> engine.Disruption:
    """A stored disruption as the engine's event."""
    return engine.Disruption.from_dict({
        "kind": disruption.kind, "targets": disruption.targets, "start_day": disruption.start_day,
        "duration_days": disruption.duration_days, "magnitude": disruption.magnitude})


def disruptions_for_session(*, session) -> list[dict]:
    """The console's list: every disruption of the session with its state, by round and day."""
    states = _round_states(session)
    rows = (Disruption.objects.filter(session=session).prefetch_related("teams")
            .order_by("round_number", "start_day", "id"))
    return [disruption_console_payload(disruption=d, session=session, round_states=states) for d in rows]
