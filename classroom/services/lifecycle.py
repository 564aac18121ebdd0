"""A session's life after its workshop: archive (hide from the console list), unarchive, clone its set-up.

Ending a session now is in game/services/lifecycle.py (it closes the round being played).
"""
import copy

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classroom.errors import LabError
from classroom.events import emit_session_event
from classroom.models import Session
from classroom.services.access import session_for_facilitator
from classroom.services.sessions import session_insert

NAME_MAX = Session._meta.get_field("name").max_length
COPY_SUFFIX = " (copy)"
# What a clone takes from its source: the set-up, not what happened (no people, teams, rounds or
# results; disruptions injected during the workshop stay with it). The scenario's disruption
# schedule travels inside scenario_snapshot.
CLONED_FIELDS = ("scenario_name", "scenario_snapshot", "rounds", "minutes_per_round", "seed",
                 "cover_mode", "cover_after_seconds")


def _session_changed(session: Session) -> None:
    emit_session_event(session.id, "session.changed", {"state": session.state,
                                                       "archived": session.archived_at is not None})


def session_archive(*, session_id: int, user) -> Session:
    """Hide a session in the lobby or finished from the console list; a running one cannot be."""
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        if session.state == Session.State.RUNNING:
            raise LabError("session_running", _("A running session cannot be archived: end it first (End session "
                                                "now), then archive it."))
        if session.archived_at is not None:
            raise LabError("already_archived", _("This session is already archived."))
        session.archived_at = timezone.now()
        session.save(update_fields=["archived_at"])
        _session_changed(session)
    return session


def session_unarchive(*, session_id: int, user) -> Session:
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        if session.archived_at is None:
            raise LabError("not_archived", _("This session is not archived."))
        session.archived_at = None
        session.save(update_fields=["archived_at"])
        _session_changed(session)
    return session


def session_clone(*, session_id: int, user) -> Session:
    """A new session in its lobby with the same set-up as `session_id` (the scenario as that session
    keeps it, not as its file is now), a new join code, owned by `user`."""
    source = session_for_facilitator(session_id=session_id, user=user)
    name = source.name[:NAME_MAX - len(COPY_SUFFIX)] + COPY_SUFFIX
    fields = {field: copy.deepcopy(getattr(source, field)) for field in CLONED_FIELDS}
    return session_insert(facilitator=user, name=name, **fields)
