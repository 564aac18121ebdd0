"""Sessions and the people in them: create, join, rejoin, presence."""
from django.db import IntegrityError, transaction
from django.utils import timezone

from classroom.errors import LabError, NotFound
from classroom.events import emit_console_team_event, emit_team_event
from classroom.models import LedgerEntry, Participant, Session, new_join_code
from classroom.services.seating import seat_newcomer
from classroom.selectors import session_round_number, team_members, team_summary
from game import engine
from game.engine.scenario import scenario_to_dict

NAME_MAX = 60
ROUNDS_RANGE = (1, 24)
MINUTES_RANGE = (1, 120)


def _int_in_range(value, field: str, low: int, high: int) -> int:
    """A whole number from a form or JSON (not a bool, not "2.5"), within low..high."""
    try:
        number = None if isinstance(value, bool) else int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high or str(value).strip() not in (str(number), f"+{number}"):
        raise LabError("invalid_value", f"{field} must be a whole number between {low} and {high}.", field=field)
    return number


def session_create(*, facilitator, name: str, scenario_name: str, rounds, minutes_per_round, seed) -> Session:
    name = (name or "").strip()
    if not 1 <= len(name) <= 120:
        raise LabError("invalid_value", "Session name must be 1 to 120 characters.", field="name")
    if scenario_name not in engine.scenario_names():
        raise LabError("invalid_value", f"Unknown scenario {scenario_name!r}.", field="scenario_name")
    rounds = _int_in_range(rounds, "rounds", *ROUNDS_RANGE)
    minutes = _int_in_range(minutes_per_round, "minutes_per_round", *MINUTES_RANGE)
    seed = _int_in_range(seed, "seed", 0, 2**31 - 1)
    snapshot = scenario_to_dict(engine.load_scenario(scenario_name))
    for _ in range(5):  # join codes are random; retry the rare collision
        try:
            with transaction.atomic():
                return Session.objects.create(
                    facilitator=facilitator, name=name, scenario_name=scenario_name, scenario_snapshot=snapshot,
                    rounds=rounds, minutes_per_round=minutes, seed=seed, join_code=new_join_code(),
                )
        except IntegrityError:
            continue
    raise LabError("join_code_exhausted", "Could not allocate a join code; try again.")


def session_by_code(*, join_code: str) -> Session:
    code = (join_code or "").strip().upper()
    session = Session.objects.filter(join_code=code).first()
    if session is None:
        raise NotFound("unknown_code", f"No workshop has the code {code!r}. Check the code on the projector.")
    if session.state == Session.State.FINISHED:
        raise LabError("expired_code", f"The workshop {code} has ended; its code no longer admits anyone.")
    return session


def _clean_display_name(display_name) -> str:
    name = " ".join(str(display_name or "").split())
    if not name:
        raise LabError("invalid_name", "Please enter a display name.", field="display_name")
    if len(name) > NAME_MAX:
        raise LabError("invalid_name", f"A display name has at most {NAME_MAX} characters.", field="display_name")
    return name


def participant_join(*, join_code: str, display_name, email: str = "", employee_id: str = "") -> Participant:
    name = _clean_display_name(display_name)
    email = (email or "").strip()[:254]
    employee_id = (employee_id or "").strip()[:40]
    with transaction.atomic():
        session = session_by_code(join_code=join_code)
        session = Session.objects.select_for_update(no_key=True).get(pk=session.pk)  # see access.py
        if session.participants.filter(display_name__iexact=name).exists():
            raise LabError("name_taken", f"Someone here is already called {name!r}; add an initial to tell you apart.",
                           field="display_name")
        participant = Participant.objects.create(session=session, display_name=name, email=email,
                                                 employee_id=employee_id)
        team = seat_newcomer(session=session, participant=participant)
        LedgerEntry.objects.create(session=session, team=team, participant=participant,
                                   kind=LedgerEntry.Kind.JOIN, round_number=session_round_number(session=session))
        if session.state == Session.State.RUNNING:
            from game.services.rounds import team_prepare_for_open_round

            team_prepare_for_open_round(team=team)
        emit_team_event(team.id, "team.changed", {"members": team_members(team=team)})
        emit_console_team_event(session.id, team.id, "team.changed", {"team": team_summary(team=team)})
    return participant


def participant_by_token(*, join_code: str, rejoin_token: str | None) -> Participant | None:
    if not rejoin_token:
        return None
    return (Participant.objects.select_related("session", "team")
            .filter(rejoin_token=rejoin_token, session__join_code=(join_code or "").upper()).first())


def presence_change(*, participant_id: int, connected: bool) -> None:
    """Count a WebSocket opening or closing; presence is connections > 0."""
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).select_related("session").get(
            pk=participant_id)
        was_connected = participant.connections > 0
        participant.connections = max(0, participant.connections + (1 if connected else -1))
        participant.last_seen_at = timezone.now()
        participant.save(update_fields=["connections", "last_seen_at"])
        now_connected = participant.connections > 0
        if was_connected == now_connected:
            return
        LedgerEntry.objects.create(
            session=participant.session, team=participant.team, participant=participant,
            kind=LedgerEntry.Kind.CONNECT if connected else LedgerEntry.Kind.DISCONNECT,
            round_number=session_round_number(session=participant.session),
        )
        payload = {"participant_id": participant.id, "connected": now_connected}
        if participant.team_id:
            emit_team_event(participant.team_id, "presence.changed", payload)
            emit_console_team_event(participant.session_id, participant.team_id, "presence.changed", payload)


def presence_reset() -> int:
    """Forget every open-connection count: after a restart of the only server no socket is open.

    `make run` calls it before serving; with several server processes (services mode) a crashed
    process's counts stay until those people reconnect and leave again.
    """
    return Participant.objects.filter(connections__gt=0).update(connections=0)
