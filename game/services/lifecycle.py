"""Ending a session now: the facilitator stops the workshop before its last round.

In the lobby the session simply finishes. While a round is open or paused, that round closes through
the one close path (`round_request_close`: the engine plays the month and its results are kept, exactly
once), and `round_finalize` then finishes the session instead of opening the next round, because
`end_requested_at` is set. A round already closing finishes the session the same way. Archive and
the set-up's clone are in classroom/services/lifecycle.py; `session_clone_with_plan` adds the
disruption plan, which is game's.
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from classroom.errors import LabError
from classroom.events import emit_session_event
from classroom.models import Session
from classroom.services.access import session_for_facilitator
from classroom.services.lifecycle import session_clone
from game.models import Disruption, Round
from game.services.rounds import OPEN_STATES, round_request_close, session_finish


def session_end(*, session_id: int, user) -> Session:
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        if session.state == Session.State.FINISHED:
            raise LabError("already_finished", _("This session has already finished."))
        if session.end_requested_at is not None:
            raise LabError("already_ending", _("The session is already ending: its round is closing now."))
        session.end_requested_at = timezone.now()
        session.save(update_fields=["end_requested_at"])
        game_round = (Round.objects.filter(session=session, state__in=(*OPEN_STATES, Round.State.CLOSING))
                      .order_by("number").first())
        if game_round is None:  # the lobby (no round was ever played)
            session_finish(session=session)
        else:
            # The console learns it is ending (its End button goes); a round already closing needs no
            # push: its round_finalize sees end_requested_at and finishes the session.
            emit_session_event(session.id, "session.changed", {"state": session.state, "ending": True})
            if game_round.state in OPEN_STATES:
                round_request_close(round_id=game_round.id, closed_by=Round.ClosedBy.FACILITATOR)
    return session


# What a disruption row is, for a copy: the plan, not who injected it or when.
PLAN_FIELDS = ("round_number", "kind", "targets", "start_day", "duration_days", "magnitude", "announced")


def session_clone_with_plan(*, session_id: int, user) -> tuple[Session, int]:
    """Clone a session's set-up (classroom's `session_clone`) together with the facilitator's disruption plan:
    every disruption set for every team and not cancelled, at the same round and day. Ones aimed at particular
    teams are left out (the clone has no teams yet); the count of those is returned to say so."""
    with transaction.atomic():
        clone = session_clone(session_id=session_id, user=user)
        plan = (Disruption.objects.filter(session_id=session_id, cancelled_at__isnull=True)
                .prefetch_related("teams").order_by("round_number", "start_day", "id"))
        copied = [Disruption(session=clone, injected_by=user, **{f: getattr(d, f) for f in PLAN_FIELDS})
                  for d in plan if not d.teams.all()]
        Disruption.objects.bulk_create(copied)
        left_out = sum(1 for d in plan if d.teams.all())
    return clone, left_out
