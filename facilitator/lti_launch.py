"""What a checked LTI 1.3 launch leads to (the library's checks: facilitator/lti_tool.py).

- The course's link names a session by its join code in the custom parameter `session` (set on the
  platform's link: `session=ABC123`).
- A learner's first launch shows the session's join form with the name (and email) the platform sends filled
  in, and the identity the launch proved signed into it; confirming takes a seat through the join service
  (participant_join), keeping the platform identity (issuer, subject, person id) for HR. Launching again
  finds the same seat and goes straight to the room.
- An instructor (or administrator) reaches the session's console only as the facilitator account an
  administrator linked to their platform account (LtiAccount), and only if that account runs the session
  (or is a superuser): the console's own rule, asked before anyone is logged in.
Whatever is refused is refused before anything is written (docs/security.md, "LTI 1.3").
"""
from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext as _

from classroom.errors import Forbidden, LabError, NotFound
from classroom.models import Participant, Session
from classroom.services.access import session_for_facilitator
from classroom.services.personal_data import personal_data_notice
from classroom.services.sessions import NAME_MAX, PlatformIdentity, participant_join, participant_seat_again
from facilitator.lti_models import LtiAccount
from facilitator.lti_tool import platform_find

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
ROLES_INSTRUCTOR = ("membership#Instructor", "membership#Administrator", "system/person#Administrator",
                    "institution/person#Administrator")
ROLES_LEARNER = ("membership#Learner", "institution/person#Student", "institution/person#Learner")
IDENTITY_MAX = 255  # the LTI 1.3 limit of 'sub'; longer values are refused, never cut
JOIN_SALT = "decision-lab.lti-join"
JOIN_MAX_AGE_SECONDS = 15 * 60  # the join form of a launch is good for this long


@dataclass(frozen=True)
class JoinForm:
    """A learner's first launch: the join form to confirm, filled from the launch, with `token` (the identity
    the launch proved, signed) to post back with it."""
    session: Session
    display_name: str
    email: str
    token: str
    privacy: dict | None


@dataclass(frozen=True)
class Landing:
    """Where the launch leads: a participant's seat (the room), a learner's join form, or a user and the
    console of a session."""
    session_id: int
    participant: Participant | None = None
    join: JoinForm | None = None
    user: object | None = None


def _roles(claims: dict) -> tuple[bool, bool]:
    roles = [str(r) for r in claims.get(CLAIM + "roles") or []]
    instructor = any(r.endswith(suffix) for r in roles for suffix in ROLES_INSTRUCTOR)
    learner = any(r.endswith(suffix) for r in roles for suffix in ROLES_LEARNER)
    return instructor, learner


def _identity(claims: dict) -> PlatformIdentity:
    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    person_id = str((claims.get(CLAIM + "lis") or {}).get("person_sourcedid") or "")
    if not subject:
        raise LabError("lti_anonymous", _("The learning platform sent this launch without saying who you are, so "
                                          "the lab cannot keep your seat: ask the course's instructor to share your "
                                          "identity with the tool."))
    if max(len(issuer), len(subject), len(person_id)) > IDENTITY_MAX:
        raise LabError("lti_identity_too_long", _("The learning platform sent an identity longer than LTI allows "
                                                  "(%(n)s characters).") % {"n": IDENTITY_MAX})
    return PlatformIdentity(issuer=issuer, subject=subject, person_id=person_id)


def _display_name(claims: dict) -> str:
    name = " ".join(str(claims.get("name") or "").split())
    if not name:
        name = " ".join(f"{claims.get('given_name') or ''} {claims.get('family_name') or ''}".split())
    return name[:NAME_MAX] or "Learner"


def _linked_code(claims: dict) -> str:
    code = str((claims.get(CLAIM + "custom") or {}).get("session") or "").strip()
    if not code:
        raise LabError("lti_no_session", _("This course link names no session of the lab. The instructor sets it "
                                           "on the link in the learning platform: the custom parameter "
                                           "session=<join code>."))
    return code


def _learner_land(*, claims: dict, code: str) -> Landing:
    identity = _identity(claims)
    session = Session.objects.filter(join_code=code.upper()).first()
    if session is None:
        raise NotFound("unknown_code", _("No such session."))
    if session.state == Session.State.FINISHED:
        raise LabError("lti_session_ended", _("The workshop %(name)s has ended; it admits no one now.") % {
            "name": repr(session.name)})
    known = session.participants.filter(platform_issuer=identity.issuer, platform_subject=identity.subject).first()
    if known is not None:
        if known.team_id is None:  # left the lobby before the start and came back through the platform
            known = participant_seat_again(participant_id=known.id)
        return Landing(session_id=session.id, participant=known)
    token = signing.dumps({"code": session.join_code, "iss": identity.issuer, "sub": identity.subject,
                           "pid": identity.person_id}, salt=JOIN_SALT, compress=True)
    return Landing(session_id=session.id, join=JoinForm(
        session=session, display_name=_display_name(claims), email=str(claims.get("email") or "")[:254], token=token,
        privacy=personal_data_notice(session=session)))


def _unsign(token) -> dict:
    try:
        return signing.loads(str(token or ""), salt=JOIN_SALT, max_age=JOIN_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise LabError("lti_join_expired", _("This join form has expired: open the link in your course again.")) \
            from None
    except signing.BadSignature:
        raise LabError("lti_join_invalid", _("This join form does not come from a launch of the lab: open the "
                                             "link in your course again.")) from None


def lti_join_pending(*, token) -> tuple[Session, dict | None] | None:
    """The session a still-valid join form is for and what it asks (to show the form again), or None."""
    try:
        code = _unsign(token)["code"]
    except LabError:
        return None
    session = Session.objects.filter(join_code=code).first()
    return None if session is None else (session, personal_data_notice(session=session))


def lti_learner_join(*, token: str, display_name, email="", employee_id="", client: str | None = None) -> Participant:
    """The learner confirmed the join form of their launch: a seat, with the identity the launch proved."""
    signed = _unsign(token)
    identity = PlatformIdentity(issuer=signed["iss"], subject=signed["sub"], person_id=signed["pid"])
    try:
        person = participant_join(join_code=signed["code"], display_name=display_name, email=email,
                                  employee_id=employee_id, client=client, platform_identity=identity)
    except LabError as exc:
        if exc.code != "name_taken":
            raise
        # the join page's own words point to a rejoin code this form has no field for
        raise LabError("name_taken", _("Someone here already has that display name: add an initial or a second "
                                       "name to tell you apart."), field="display_name") from None
    if person.team_id is None:
        person = participant_seat_again(participant_id=person.id)
    return person


def _instructor_land(*, claims: dict, code: str) -> Landing:
    platform = platform_find(issuer=str(claims.get("iss") or ""), client_id=_client_id(claims))
    subject = str(claims.get("sub") or "")
    account = (LtiAccount.objects.select_related("user").filter(platform=platform, subject=subject).first()
               if platform is not None and subject else None)
    if account is None or not account.user.is_active:
        raise Forbidden("lti_account_unlinked", _("Your learning-platform account is not linked to a facilitator "
                                                  "account of the lab. Ask an administrator to link it (admin, LTI "
                                                  "instructor accounts: platform %(platform)s, user id %(subject)s).")
                        % {"platform": platform, "subject": repr(subject)})
    # Not session_by_code: a finished session's console (its debrief) stays open to its facilitator.
    session = Session.objects.filter(join_code=code.upper()).first()
    if session is None:
        raise NotFound("unknown_code", _("No such session."))
    try:
        session_for_facilitator(session_id=session.id, user=account.user)
    except Forbidden as exc:
        if exc.code == "not_facilitator":
            raise Forbidden("lti_not_facilitator", _("The session %(name)s is run by another facilitator: only its "
                                                     "own facilitator opens its console from the course.") % {
                "name": repr(session.name)}) from None
        raise
    return Landing(session_id=session.id, user=account.user)


def _client_id(claims: dict) -> str:
    aud = claims.get("aud")
    return str(aud[0] if isinstance(aud, list) and aud else aud or "")


def lti_launch_land(*, claims: dict) -> Landing:
    """Seat a learner, or admit an instructor to the console, as the checked launch's claims say."""
    if claims.get(CLAIM + "message_type") != "LtiResourceLinkRequest":
        raise LabError("lti_message_type", _("The lab answers course links (resource link launches) only."))
    code = _linked_code(claims)
    instructor, learner = _roles(claims)
    try:
        if instructor:
            return _instructor_land(claims=claims, code=code)
        if learner:
            return _learner_land(claims=claims, code=code)
    except NotFound as exc:
        if exc.code == "unknown_code":
            raise NotFound("lti_unknown_session", _("This course link names the session %(code)s, which the lab "
                                                    "does not have: the instructor should correct the link's custom "
                                                    "parameter session.") % {"code": repr(code)}) from None
        raise
    raise Forbidden("lti_role", _("The lab admits course learners and instructors: the platform gave you neither "
                                  "role."))
