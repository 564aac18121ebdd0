"""Who may act on what: lookups that raise the domain errors."""
from classroom.errors import Forbidden, NotFound
from classroom.models import Participant, Session


def session_for_facilitator(*, session_id: int, user, lock: bool = False) -> Session:
    # NO KEY UPDATE: serialises facilitator commands without blocking the foreign-key checks of
    # participants' edits (their ledger rows reference the session) on PostgreSQL.
    qs = Session.objects.select_for_update(no_key=True) if lock else Session.objects
    session = qs.filter(pk=session_id).first()
    if session is None:
        raise NotFound("unknown_session", "That session does not exist.")
    if not (user.is_superuser or session.facilitator_id == user.id):
        raise Forbidden("not_facilitator", "Only this session's facilitator can do that.")
    return session


def participant_roles(*, participant: Participant) -> set[str]:
    return set(participant.seats.values_list("role", flat=True))

