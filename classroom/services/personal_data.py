"""Personal data as the law expects (docs/privacy.md): a session asks only what it says it needs, keeps it
for the days it says, and anyone entitled can erase it on request.

What is personal here: a participant's display name, email and employee id, their learning-platform identity
(issuer, subject, person id: set by an LTI launch, facilitator/lti_launch.py), their rejoin token and code
(credentials tied to them), and what they wrote in the team chat (LedgerEntry.detail["text"] of CHAT entries).
Everything else the lab keeps about a person (edits of levers, approvals, connect/disconnect times, seats) is
what they did in the exercise: it stays, under an anonymous label, so the session's and the team's figures
(docs/reports.md) do not change when a person is erased.

Two modes:
- "anonymise": the name becomes "Participant N" (unique in the session), email, employee id and platform
  identity are emptied,
  the rejoin token and code are replaced, chat texts read "[message removed]". Every ledger entry stays.
- "delete": the same, and also what no figure needs: chat entries keep no text at all, ledger entries filed
  only to answer a retried message once (counted=False) are deleted, the client message ids of the rest are
  emptied, the person's closed socket rows (Connection) are deleted and last_seen_at is emptied.
Both set Participant.anonymised_at and close the person's sockets (a `participant.erased` event).
"""
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from classroom.errors import Forbidden, LabError, NotFound
from classroom.events import emit_console_team_event, emit_participant_event, emit_team_event
from classroom.i18n_text import message
from classroom.models import (DEFAULT_PERSONAL_DATA_PURPOSE, Connection, LedgerEntry, Participant, Session, Team,
                              new_rejoin_code, new_rejoin_token)
from classroom.reports import report_user_is_hr
from classroom.selectors import console_team_summary, team_members
from classroom.services.access import session_for_facilitator
from classroom.services.ledger import text_storable
from classroom.services.throttle import JOIN_SCOPE, throttle_check, throttle_fail

log = logging.getLogger(__name__)

ANONYMISE = "anonymise"
DELETE = "delete"
MODES = (ANONYMISE, DELETE)
ANONYMOUS_LABEL = "Participant {number}"
REDACTED_TEXT = "[message removed]"
PURPOSE_MAX = 300
RETENTION_DAYS_RANGE = (1, 3650)
EMAIL_MAX = 254
EMPLOYEE_ID_MAX = 40
# The embedded default's ticker calls the retention job every few seconds; it runs at most this often.
RETENTION_TICK_SECONDS = 3600


# --- What a session asks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalDataPolicy:
    """What a session asks of participants, why, and for how many days it keeps it."""
    asks_email: bool = False
    asks_employee_id: bool = False
    purpose: str = DEFAULT_PERSONAL_DATA_PURPOSE
    retention_days: int = 90

    def as_fields(self) -> dict:
        return {"asks_email": self.asks_email, "asks_employee_id": self.asks_employee_id,
                "personal_data_purpose": self.purpose, "retention_days": self.retention_days}


def _flag(value) -> bool:
    """A form checkbox ("on") or a JSON boolean."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("on", "1", "true", "yes")


def personal_data_policy_clean(*, asks_email=False, asks_employee_id=False, purpose=None,
                               retention_days=None) -> PersonalDataPolicy:
    """The facilitator's choices from a form or JSON, checked; errors name their field."""
    text = " ".join(str(purpose if purpose is not None else "").split())
    if len(text) > PURPOSE_MAX:
        raise LabError("invalid_value", _("The purpose has at most %(n)s characters.") % {"n": PURPOSE_MAX},
                       field="personal_data_purpose")
    if not text_storable(text):
        raise LabError("invalid_value", _("The purpose cannot contain NUL characters."),
                       field="personal_data_purpose")
    if retention_days is None or str(retention_days).strip() == "":
        days = settings.LAB_PERSONAL_DATA_RETENTION_DAYS
    else:
        low, high = RETENTION_DAYS_RANGE
        try:
            days = None if isinstance(retention_days, bool) else int(str(retention_days).strip())
        except ValueError:
            days = None
        if days is None or not low <= days <= high:
            raise LabError("invalid_value", _("Keep personal data for a whole number of days between %(low)s and "
                                              "%(high)s.") % {"low": low, "high": high}, field="retention_days")
    return PersonalDataPolicy(asks_email=_flag(asks_email), asks_employee_id=_flag(asks_employee_id),
                              purpose=text or DEFAULT_PERSONAL_DATA_PURPOSE, retention_days=days)


def purpose_shown(session: Session) -> str:
    """The session's purpose for the reader: the default one in their language, a facilitator's as written."""
    purpose = session.personal_data_purpose or DEFAULT_PERSONAL_DATA_PURPOSE
    return _(purpose) if purpose == DEFAULT_PERSONAL_DATA_PURPOSE else purpose


def personal_data_notice(*, session: Session) -> dict | None:
    """What the join page tells a person about the personal data this session asks (None: it asks nothing)."""
    if not (session.asks_email or session.asks_employee_id):
        return None
    if session.asks_email and session.asks_employee_id:
        asked = _("your email and your employee id")
    else:
        asked = _("your email") if session.asks_email else _("your employee id")
    return {"asks_email": session.asks_email, "asks_employee_id": session.asks_employee_id,
            "purpose": purpose_shown(session),
            "retention_days": session.retention_days, "asked": asked}


def personal_data_notice_for_code(*, join_code: str, client: str | None = None) -> dict | None:
    """The notice for the session a join code names, if it still admits people (else None).

    With `client` (a page opened at /join/<CODE>/), the code counts as a guess like a posted one: the fields
    appearing would otherwise tell a guesser, past the join lockout, which codes exist (classroom/services/
    throttle.py). A locked-out address gets no notice; its join is refused anyway."""
    code = (join_code or "").strip().upper()
    if not code or not text_storable(code):
        return None
    if client is not None:
        try:
            throttle_check(scope=JOIN_SCOPE, client=client)
        except LabError:
            return None
    session = Session.objects.filter(join_code=code).first()
    if session is None and client is not None:
        throttle_fail(scope=JOIN_SCOPE, client=client, tries_per_minute=settings.LAB_JOIN_TRIES_PER_MINUTE)
    if session is None or session.state == Session.State.FINISHED:
        return None
    return personal_data_notice(session=session)


def personal_data_for_join(*, session: Session, email, employee_id) -> tuple[str, str]:
    """What a join stores: only what the session asks (anything else sent is dropped, unread), checked."""
    purpose = purpose_shown(session)
    kept_email = ""
    if session.asks_email:
        kept_email = str(email or "").strip()
        if not kept_email:
            raise LabError("email_required", _("This workshop asks for your email: %(purpose)s") % {"purpose": purpose},
                           field="email")
        try:
            if len(kept_email) > EMAIL_MAX:
                raise ValidationError("too long")
            validate_email(kept_email)
        except ValidationError:
            raise LabError("invalid_email", _("%(email)s is not an email address: type it like name@example.com.") % {
                "email": repr(kept_email[:60])}, field="email") from None
    kept_id = ""
    if session.asks_employee_id:
        kept_id = " ".join(str(employee_id or "").split())
        if not kept_id:
            raise LabError("employee_id_required", _("This workshop asks for your employee id: %(purpose)s") % {
                "purpose": purpose}, field="employee_id")
        if len(kept_id) > EMPLOYEE_ID_MAX or not text_storable(kept_id):
            raise LabError("invalid_employee_id", _("An employee id has at most %(n)s characters.") % {
                "n": EMPLOYEE_ID_MAX}, field="employee_id")
    return kept_email, kept_id


def session_personal_data_policy_set(*, session_id: int, user, asks_email=False, asks_employee_id=False,
                                     purpose=None, retention_days=None) -> Session:
    """The session's facilitator changes what it asks, in its lobby (people who joined later were told what it
    asked then). Data the session no longer asks is not kept: it is emptied for everyone already in."""
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        policy = personal_data_policy_clean(asks_email=asks_email, asks_employee_id=asks_employee_id,
                                            purpose=purpose, retention_days=retention_days)
        if session.state != Session.State.LOBBY:
            raise LabError("not_in_lobby", _("What a session asks can be changed in its lobby only; HR or an "
                                             "administrator can still change how long it is kept, in the admin."))
        Session.objects.filter(pk=session.pk).update(**policy.as_fields())
        session_personal_data_minimise(session_id=session.pk)
    session.refresh_from_db()
    return session


def session_personal_data_minimise(*, session_id: int) -> int:
    """Empty the email or employee id of everyone in the session when the session no longer asks for it (after
    the lobby form or the admin changed what it asks). Returns how many people lost something."""
    session = Session.objects.only("asks_email", "asks_employee_id").get(pk=session_id)
    people = Participant.objects.filter(session_id=session_id)
    changed = 0
    if not session.asks_email:
        changed += people.exclude(email="").update(email="")
    if not session.asks_employee_id:
        changed += people.exclude(employee_id="").update(employee_id="")
    return changed


# --- Who may erase ---------------------------------------------------------------------------------------


def personal_data_may_manage(*, user, session: Session) -> bool:
    """HR (the 'hr' group) and superusers for every session; a facilitator for their own sessions."""
    if user is None or not user.is_authenticated:
        return False
    return bool(report_user_is_hr(user=user) or session.facilitator_id == user.id)


def _check(*, by, session: Session) -> None:
    if by is None or not by.is_authenticated:
        raise Forbidden("login_required", _("Log in to manage personal data."))
    if not personal_data_may_manage(user=by, session=session):
        raise Forbidden("personal_data_forbidden", _("Session %(id)s is run by someone else: personal data can be "
                                                     "erased or exported by HR (the 'hr' group), superusers and the "
                                                     "session's own facilitator.") % {"id": session.id})


def _mode_clean(mode) -> str:
    if mode not in MODES:
        raise LabError("invalid_mode", _("'mode' must be %(anonymise)s (keep an anonymous row with every figure) "
                                         "or %(delete)s (the same, and remove what no figure needs); got %(got)s.") % {
            "anonymise": repr(ANONYMISE), "delete": repr(DELETE), "got": repr(str(mode)[:40])}, field="mode")
    return mode


# --- Erasing ---------------------------------------------------------------------------------------------


def _label(session: Session, person: Participant) -> str:
    """'Participant N', N the person's place in the session (the next free number if someone is called that)."""
    people = list(Participant.objects.filter(session=session).order_by("joined_at", "id")
                  .values_list("id", "display_name"))
    taken = {name.lower() for pk, name in people if pk != person.id}
    number = 1 + next((i for i, (pk, _) in enumerate(people) if pk == person.id), len(people))
    while ANONYMOUS_LABEL.format(number=number).lower() in taken:
        number += 1
    return ANONYMOUS_LABEL.format(number=number)


def _erase(*, session: Session, person: Participant, mode: str, now) -> None:
    """Erase one person of a locked session (the caller holds the session's and the person's locks)."""
    if person.anonymised_at is None or not person.display_name.startswith("Participant "):
        person.display_name = _label(session, person)
    person.email = ""
    person.employee_id = ""
    person.platform_issuer = person.platform_subject = person.platform_person_id = ""
    person.rejoin_token = new_rejoin_token()
    code = new_rejoin_code()
    while Participant.objects.filter(session=session, rejoin_code=code).exclude(pk=person.pk).exists():
        code = new_rejoin_code()
    person.rejoin_code = code
    person.anonymised_at = person.anonymised_at or now
    ledger = LedgerEntry.objects.filter(participant=person)
    if mode == DELETE:
        person.last_seen_at = None
        ledger.filter(kind=LedgerEntry.Kind.CHAT).update(detail={"redacted": True})
        ledger.filter(counted=False).delete()
        ledger.exclude(client_msg_id=None).update(client_msg_id=None)
        # Open sockets close through the presence service when the erased event ends them (that records the
        # disconnect the figures need); the closed ones are kept no longer.
        Connection.objects.filter(participant=person, closed_at__isnull=False).delete()
    else:
        ledger.filter(kind=LedgerEntry.Kind.CHAT).update(detail={"text": REDACTED_TEXT, "redacted": True})
    person.save(update_fields=["display_name", "email", "employee_id", "platform_issuer", "platform_subject",
                               "platform_person_id", "rejoin_token", "rejoin_code", "anonymised_at", "last_seen_at"])
    emit_participant_event(person.id, "participant.erased", {  # rendered per socket (docs/i18n.md)
        "message": message(gettext_noop("Your personal data in this workshop was erased, so this page is no longer "
                                        "signed in."))})


def _announce(session: Session, team_ids: set[int]) -> None:
    """Teammates and the facilitator's console see the new labels (their pages hold the old names)."""
    for team in Team.objects.filter(pk__in=team_ids):
        emit_team_event(team.id, "team.changed", {"members": team_members(team=team)})
        emit_console_team_event(session.id, team.id, "team.changed", {"team": console_team_summary(team=team)})


def _lock_session(session_id: int) -> Session:
    return Session.objects.select_for_update(no_key=True).get(pk=session_id)


def participant_personal_data_erase(*, participant_id: int, by, mode: str = ANONYMISE) -> Participant:
    """Erase one person's identity (see the module's docstring for each mode). Safe to repeat."""
    mode = _mode_clean(mode)
    found = Participant.objects.filter(pk=participant_id).values_list("session_id", flat=True).first()
    if found is None:
        raise NotFound("unknown_participant", _("There is no participant with id %(id)s.") % {
            "id": participant_id})
    with transaction.atomic():
        session = _lock_session(found)  # joins check names under this lock: the label stays unique
        _check(by=by, session=session)
        person = Participant.objects.select_for_update(of=("self",)).get(pk=participant_id)
        _erase(session=session, person=person, mode=mode, now=timezone.now())
        if person.team_id:
            _announce(session, {person.team_id})
    log.info("personal data of participant %s erased (%s) by %s", participant_id, mode, by)
    return person


def _session_erase(*, session_id: int, mode: str, by, check: bool) -> int:
    with transaction.atomic():
        session = Session.objects.select_for_update(no_key=True).filter(pk=session_id).first()
        if session is None:
            raise NotFound("unknown_session", _("There is no session with id %(id)s.") % {"id": session_id})
        if check:
            _check(by=by, session=session)
        people = list(Participant.objects.select_for_update(of=("self",)).filter(session=session, is_bot=False)
                      .order_by("joined_at", "id"))
        now = timezone.now()
        for person in people:
            _erase(session=session, person=person, mode=mode, now=now)
        _announce(session, {p.team_id for p in people if p.team_id})
    return len(people)


def session_personal_data_erase(*, session_id: int, by, mode: str = ANONYMISE) -> int:
    """Erase every person of a session (bots are nobody); returns how many. Safe to repeat."""
    mode = _mode_clean(mode)
    count = _session_erase(session_id=session_id, mode=mode, by=by, check=True)
    log.info("personal data of session %s erased (%s, %d people) by %s", session_id, mode, count, by)
    return count


# --- Retention -------------------------------------------------------------------------------------------


def personal_data_retention_due(*, now=None) -> list[int]:
    """Sessions still holding someone's identity past their retention days: counted from when the session
    finished, or from when it was created for one that never finished."""
    now = now or timezone.now()
    candidates = (Session.objects.filter(participants__is_bot=False, participants__anonymised_at__isnull=True)
                  .distinct().values_list("id", "state", "created_at", "finished_at", "retention_days"))
    due = []
    for session_id, state, created_at, finished_at, days in candidates:
        start = finished_at if state == Session.State.FINISHED and finished_at else created_at
        if start + timedelta(days=days) <= now:
            due.append(session_id)
    return sorted(due)


def personal_data_retention_sweep(*, now=None) -> int:
    """Anonymise every session past its retention (the daily job). Returns how many people were anonymised."""
    total = 0
    for session_id in personal_data_retention_due(now=now):
        total += _session_erase(session_id=session_id, mode=ANONYMISE, by=None, check=False)
        log.info("retention: personal data of session %s anonymised", session_id)
    return total


_retention_last_run: float | None = None


def personal_data_retention_tick() -> int | None:
    """For the embedded default, where no Celery beat runs: each server process's ticker (game/ticker.py) calls
    this every few seconds and the sweep runs at most once an hour. On services Celery beat runs it daily
    (config/celery.py), so this does nothing there."""
    global _retention_last_run
    if settings.SERVICES_MODE:
        return None
    moment = time.monotonic()
    if _retention_last_run is not None and moment - _retention_last_run < RETENTION_TICK_SECONDS:
        return None
    _retention_last_run = moment
    return personal_data_retention_sweep()


# --- The right of access ---------------------------------------------------------------------------------


def participant_personal_data_export(*, participant_id: int, by) -> dict:
    """Everything the lab stores about one person, for their access request (credentials excepted: the rejoin
    token and code admit to the seat and are not data about the person)."""
    person = (Participant.objects.select_related("session", "team").filter(pk=participant_id).first())
    if person is None:
        raise NotFound("unknown_participant", _("There is no participant with id %(id)s.") % {
            "id": participant_id})
    _check(by=by, session=person.session)
    session = person.session

    def iso(moment):
        return moment.isoformat() if moment else None

    return {
        "participant": {
            "id": person.id, "display_name": person.display_name, "email": person.email,
            "employee_id": person.employee_id, "platform_issuer": person.platform_issuer,
            "platform_subject": person.platform_subject, "platform_person_id": person.platform_person_id,
            "is_bot": person.is_bot, "joined_at": iso(person.joined_at),
            "last_seen_at": iso(person.last_seen_at), "anonymised_at": iso(person.anonymised_at),
            "team": person.team.name if person.team_id else None,
            "roles": sorted(person.seats.values_list("role", flat=True)),
        },
        "session": {
            "id": session.id, "name": session.name, "created_at": iso(session.created_at),
            "finished_at": iso(session.finished_at), "asks_email": session.asks_email,
            "asks_employee_id": session.asks_employee_id, "purpose": session.personal_data_purpose,
            "retention_days": session.retention_days,
        },
        "ledger": [
            {"kind": e.kind, "at": iso(e.at), "round": e.round_number, "role": e.role, "detail": e.detail,
             "counted": e.counted}
            for e in LedgerEntry.objects.filter(participant=person).order_by("at", "id")
        ],
        "connections": [
            {"opened_at": iso(c.opened_at), "last_seen_at": iso(c.last_seen_at), "closed_at": iso(c.closed_at)}
            for c in Connection.objects.filter(participant=person).order_by("opened_at", "id")
        ],
    }
