"""Sessions and the people in them: create, join, rejoin (presence: classroom/services/presence.py)."""
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from classroom.errors import LabError, NotFound, TooManyTries
from classroom.i18n_text import message
from classroom.events import emit_console_team_event, emit_participant_event, emit_team_event
from classroom.models import (REJOIN_CODE_LENGTH, LedgerEntry, Participant, Session, Team, new_join_code,
                              new_rejoin_code, new_rejoin_token)
from classroom.services.access import facilitator_check
from classroom.services.personal_data import PersonalDataPolicy, personal_data_for_join
from classroom.services.seating import seat_newcomer
from classroom.services.throttle import JOIN_SCOPE, rejoin_scope, throttle_check, throttle_fail
from classroom.text_input import text_check
from classroom.selectors import console_team_summary, session_round_number, team_members
from classroom.signals import team_joined_while_running
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
        raise LabError("invalid_value", _("%(field)s must be a whole number between %(low)s and %(high)s.") % {
            "field": field, "low": low, "high": high}, field=field)
    return number


def session_insert(**fields) -> Session:
    """A new session with `fields` and a fresh join code (random: the rare collision is retried)."""
    for _ in range(5):
        try:
            with transaction.atomic():
                return Session.objects.create(join_code=new_join_code(), **fields)
        except IntegrityError:
            continue
    raise LabError("join_code_exhausted", _("Could not allocate a join code; try again."))


def session_create(*, facilitator, name: str, scenario_name: str, rounds, minutes_per_round, seed,
                   scenario: engine.Scenario | None = None, personal_data: PersonalDataPolicy | None = None) -> Session:
    """A new session in the lobby. `scenario_name` names a shipped scenario, unless the caller passes the
    `scenario` itself (one authored in the browser: facilitator/scenario_authoring.py), whose name it is.
    Either way the session keeps a snapshot of the scenario, so later edits never change it. `personal_data`
    (classroom/services/personal_data.py): what it asks of participants; by default nothing."""
    facilitator_check(user=facilitator)  # before the form is judged
    name = text_check(name or "", field="name", label=_("Session name")).strip()
    if not 1 <= len(name) <= 120:
        raise LabError("invalid_value", _("Session name must be 1 to 120 characters."), field="name")
    if scenario is None and scenario_name not in engine.scenario_names():
        raise LabError("invalid_value", _("Unknown scenario %(name)s.") % {"name": repr(scenario_name)},
                       field="scenario_name")
    if scenario is not None and scenario.name != scenario_name:
        raise ValueError(f"session_create: scenario {scenario.name!r} passed as {scenario_name!r}")
    rounds = _int_in_range(rounds, "rounds", *ROUNDS_RANGE)
    minutes = _int_in_range(minutes_per_round, "minutes_per_round", *MINUTES_RANGE)
    seed = _int_in_range(seed, "seed", 0, 2**31 - 1)
    snapshot = scenario_to_dict(scenario or engine.load_scenario(scenario_name))
    return session_insert(facilitator=facilitator, name=name, scenario_name=scenario_name, scenario_snapshot=snapshot,
                          rounds=rounds, minutes_per_round=minutes, seed=seed,
                          **(personal_data or PersonalDataPolicy(
                              retention_days=settings.LAB_PERSONAL_DATA_RETENTION_DAYS)).as_fields())


def session_by_code(*, join_code: str, client: str | None = None) -> Session:
    """The session a participant's code names. With `client` (the caller's address), unknown codes count
    towards that address's join lockout, and a locked-out address is refused before the code is looked up."""
    if client is not None:
        throttle_check(scope=JOIN_SCOPE, client=client)
    code = text_check(str(join_code or ""), field="join_code", label=_("The join code")).strip().upper()
    session = Session.objects.filter(join_code=code).first()
    if session is None:
        locked = "" if client is None else throttle_fail(scope=JOIN_SCOPE, client=client,
                                                         tries_per_minute=settings.LAB_JOIN_TRIES_PER_MINUTE)
        raise NotFound("unknown_code", _("No workshop has the code %(code)s. Check the code on the projector.") % {
            "code": repr(code)} + locked, field="join_code")
    if session.state == Session.State.FINISHED:
        raise LabError("expired_code", _("The workshop %(code)s has ended; its code no longer admits anyone.") % {
            "code": code})
    return session


def _clean_display_name(display_name) -> str:
    name = " ".join(text_check(str(display_name or ""), field="display_name", label=_("A display name")).split())
    if not name:
        raise LabError("invalid_name", _("Please enter a display name."), field="display_name")
    if len(name) > NAME_MAX:
        raise LabError("invalid_name", _("A display name has at most %(n)s characters.") % {"n": NAME_MAX},
                       field="display_name")
    return name


@dataclass(frozen=True)
class PlatformIdentity:
    """A person as a learning platform names them: its issuer, their subject there, its person id if sent."""
    issuer: str
    subject: str
    person_id: str = ""

    def as_fields(self) -> dict:
        return {"platform_issuer": self.issuer, "platform_subject": self.subject,
                "platform_person_id": self.person_id}


def participant_join(*, join_code: str, display_name, email: str = "", employee_id: str = "",
                     client: str | None = None, platform_identity: PlatformIdentity | None = None) -> Participant:
    """`client`: the joiner's address, for the join-code lockout (session_by_code).

    `platform_identity`: who a learning platform says the person is (facilitator/lti_launch.py); the same
    identity joining again gets its existing participant back, whatever the name (no second seat)."""
    session_by_code(join_code=join_code, client=client)  # unknown codes count before the form is judged
    name = _clean_display_name(display_name)
    # not cut short here: personal_data_for_join refuses what is too long (a cut id would be someone else's)
    email = text_check(str(email or ""), field="email", label=_("The email")).strip()
    employee_id = text_check(str(employee_id or ""), field="employee_id", label=_("The employee ID")).strip()
    with transaction.atomic():
        session = session_by_code(join_code=join_code)
        session = Session.objects.select_for_update(no_key=True).get(pk=session.pk)  # see access.py
        if platform_identity is not None:
            known = session.participants.filter(platform_issuer=platform_identity.issuer,
                                                platform_subject=platform_identity.subject).first()
            if known is not None:
                return known
        # only what the session asks is stored (docs/privacy.md)
        email, employee_id = personal_data_for_join(session=session, email=email, employee_id=employee_id)
        if session.participants.filter(display_name__iexact=name).exists():
            raise LabError("name_taken", _("Someone here is already called %(name)s. If that is you, type your rejoin "
                                           "code too (it is shown in your room, and the facilitator has it); if not, "
                                           "add an initial to tell you apart.") % {"name": repr(name)},
                           field="display_name")
        code = new_rejoin_code()
        while session.participants.filter(rejoin_code=code).exists():
            code = new_rejoin_code()
        participant = Participant.objects.create(session=session, display_name=name, email=email,
                                                 employee_id=employee_id, rejoin_code=code,
                                                 **(platform_identity.as_fields() if platform_identity else {}))
        team = seat_newcomer(session=session, participant=participant)
        LedgerEntry.objects.create(session=session, team=team, participant=participant,
                                   kind=LedgerEntry.Kind.JOIN, round_number=session_round_number(session=session))
        if session.state == Session.State.RUNNING:
            team_joined_while_running.send(sender=Team, team=team)
        emit_team_event(team.id, "team.changed", {"members": team_members(team=team)})
        emit_console_team_event(session.id, team.id, "team.changed", {"team": console_team_summary(team=team)})
    return participant


def participant_by_token(*, join_code: str, rejoin_token: str | None) -> Participant | None:
    if not rejoin_token:
        return None
    return (Participant.objects.select_related("session", "team")
            .filter(rejoin_token=rejoin_token, session__join_code=(join_code or "").upper()).first())


def participant_seat_again(*, participant_id: int) -> Participant:
    """Someone who left the lobby before the start (and so gave up their seat) is back: seat them like a
    newcomer. A no-op for anyone already seated or in a finished session."""
    with transaction.atomic():
        person = (Participant.objects.select_for_update(of=("self",)).select_related("session", "team")
                  .get(pk=participant_id))
        session = person.session
        if person.team_id is not None or session.state == Session.State.FINISHED:
            return person
        Session.objects.select_for_update(no_key=True).get(pk=session.pk)  # seating is per session
        team = seat_newcomer(session=session, participant=person)
        if session.state == Session.State.RUNNING:
            team_joined_while_running.send(sender=Team, team=team)
        emit_team_event(team.id, "team.changed", {"members": team_members(team=team)})
        emit_console_team_event(session.id, team.id, "team.changed", {"team": console_team_summary(team=team)})
    return Participant.objects.select_related("session", "team").get(pk=participant_id)


def participant_rejoin(*, join_code: str, display_name, rejoin_code, client: str = "") -> Participant:
    """Put a person back into their own seat on any device: display name plus their rejoin code.

    The person's token changes, so the old device's cookie stops working and its sockets are told and
    closed. Wrong codes are limited per session and client address (LAB_REJOIN_TRIES_PER_MINUTE), then
    the address is locked out of that session's rejoin for LAB_JOIN_LOCKOUT_MINUTES (its console lifts it)."""
    session = session_by_code(join_code=join_code, client=client)
    scope = rejoin_scope(session.id)
    throttle_check(scope=scope, client=client)
    name = _clean_display_name(display_name)
    code = "".join(text_check(str(rejoin_code or ""), field="rejoin_code", label=_("The rejoin code")).split()).upper()
    with transaction.atomic():
        participant = (Participant.objects.select_for_update(of=("self",)).select_related("session", "team")
                       .filter(session=session, display_name__iexact=name, rejoin_code=code).first())
        if participant is None or len(code) != REJOIN_CODE_LENGTH:
            locked = throttle_fail(scope=scope, client=client, tries_per_minute=settings.LAB_REJOIN_TRIES_PER_MINUTE)
            raise LabError("wrong_rejoin_code", _("Nobody called %(name)s has that rejoin code in this workshop. Check "
                                                  "the code shown in your room, or ask the facilitator.") % {
                "name": repr(name)} + locked, field="rejoin_code")
        participant.rejoin_token = new_rejoin_token()
        participant.save(update_fields=["rejoin_token"])
        if participant.team_id is None:
            participant = participant_seat_again(participant_id=participant.id)
        LedgerEntry.objects.create(session=session, team=participant.team, participant=participant,
                                   kind=LedgerEntry.Kind.REJOIN, round_number=session_round_number(session=session))
        # read by the old device's sockets, in the person's language there (docs/i18n.md)
        emit_participant_event(participant.id, "seat.elsewhere", {
            "message": message(gettext_noop("You opened your seat on another device. This page no longer follows "
                                            "the team; close it, or rejoin here with your name and rejoin code."))})
    return participant
