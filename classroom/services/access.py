"""Who may act on what: lookups that raise the domain errors.

Running sessions is a permission: a superuser, or a member of the "facilitator" group (managed in the
admin, /admin/auth/group/). HR is the "hr" group (classroom/reports.py); being in it gives no console.
"""
from django.utils.translation import gettext as _

from classroom.errors import Forbidden, NotFound
from classroom.models import Participant, Session

FACILITATOR_GROUP = "facilitator"


def user_may_facilitate(*, user) -> bool:
    """May create sessions and run the consoles of their own (a superuser: of all)."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.groups.filter(name=FACILITATOR_GROUP).exists())


def facilitator_check(*, user) -> None:
    if not user_may_facilitate(user=user):
        raise Forbidden("facilitators_only", _("The console is for facilitators: your account is not in the "
                                               "'%(group)s' group. Ask an administrator to add you to it (HR: "
                                               "participation reports are under /reports/).") % {
            "group": FACILITATOR_GROUP})


def session_for_facilitator(*, session_id: int, user, lock: bool = False) -> Session:
    """The session, for a facilitator who owns it (or a superuser); refused before anything else is judged."""
    facilitator_check(user=user)
    # NO KEY UPDATE: serialises facilitator commands without blocking the foreign-key checks of
    # participants' edits (their ledger rows reference the session) on PostgreSQL.
    qs = Session.objects.select_for_update(no_key=True) if lock else Session.objects
    session = qs.filter(pk=session_id).first()
    if session is None:
        raise NotFound("unknown_session", _("That session does not exist."))
    if not (user.is_superuser or session.facilitator_id == user.id):
        raise Forbidden("not_facilitator", _("Only this session's facilitator can do that."))
    return session


def participant_roles(*, participant: Participant) -> set[str]:
    return set(participant.seats.values_list("role", flat=True))
