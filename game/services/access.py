"""Who may act on what: lookups that raise the domain errors."""
from classroom.errors import Forbidden, NotFound
from classroom.models import Participant, Session


def session_for_facilitator(*, session_id: int, user, lock: bool = False) -> Session:
    qs = Session.objects.select_for_update() if lock else Session.objects
    session = qs.filter(pk=session_id).first()
    if session is None:
        raise NotFound("unknown_session", "That session does not exist.")
    if not (user.is_superuser or session.facilitator_id == user.id):
        raise Forbidden("not_facilitator", "Only this session's facilitator can do that.")
    return session


def participant_roles(*, participant: Participant) -> set[str]:
    return set(participant.seats.values_list("role", flat=True))
