"""The facilitator's settings for the projector view (what the room's wall shows: facilitator/projector.py)."""
from django.db import transaction
from django.utils.translation import gettext as _

from classroom.errors import LabError
from classroom.models import Session
from classroom.services.access import session_for_facilitator


def session_projector_settings(*, session_id: int, user, show_leaderboard) -> Session:
    """Show the live leaderboard on the projector, or not. Only the session's facilitator may; the
    projector picks the change up on its next poll."""
    session = session_for_facilitator(session_id=session_id, user=user)  # refused before the input is judged
    if not isinstance(show_leaderboard, bool):
        raise LabError("invalid_value", _("show_leaderboard is true or false."), field="show_leaderboard")
    with transaction.atomic():
        session = session_for_facilitator(session_id=session.id, user=user, lock=True)
        session.projector_leaderboard = show_leaderboard
        session.save(update_fields=["projector_leaderboard"])
    return session
