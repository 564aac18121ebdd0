"""Ending a session now (game/services/lifecycle.py): the round being played closes once, through the
one close path, and no further round opens; in the lobby the session simply finishes."""
import threading

import pytest
from django.db import connection
from django.utils import timezone

from classroom.errors import Forbidden, LabError
from classroom.models import Session
from classroom.services.sessions import session_by_code
from game.models import Round, RoundResult
from game.services import rounds
from game.services.lifecycle import session_end
from game.snapshots import session_snapshot
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def fresh(session) -> Session:
    return Session.objects.get(pk=session.pk)


def test_in_the_lobby_the_session_finishes_without_playing(lobby_session, facilitator):
    factories.join_many(lobby_session, 2)
    session_end(session_id=lobby_session.id, user=facilitator)
    session = fresh(lobby_session)
    assert session.state == Session.State.FINISHED and session.finished_at and session.end_requested_at
    assert not Round.objects.filter(session=session).exists() and not RoundResult.objects.exists()
    with pytest.raises(LabError) as exc:  # its code no longer admits anyone
        session_by_code(join_code=session.join_code)
    assert exc.value.code == "expired_code"


def test_in_a_round_the_round_closes_once_and_the_next_never_opens(started_session, facilitator):
    round1 = factories.open_round(started_session)
    session_end(session_id=started_session.id, user=facilitator)
    round1.refresh_from_db()
    assert round1.state == Round.State.CLOSED and round1.closed_by == Round.ClosedBy.FACILITATOR
    assert RoundResult.objects.filter(round=round1).count() == started_session.teams.count() == 1  # month played
    states = dict(Round.objects.filter(session=started_session).values_list("number", "state"))
    assert states == {1: Round.State.CLOSED, 2: Round.State.PENDING}
    session = fresh(started_session)
    assert session.state == Session.State.FINISHED and session.finished_at and session.round_number == 1


def test_a_paused_round_closes_too(started_session, facilitator):
    rounds.round_pause(session_id=started_session.id, user=facilitator)
    session_end(session_id=started_session.id, user=facilitator)
    assert Round.objects.get(session=started_session, number=1).state == Round.State.CLOSED
    assert fresh(started_session).state == Session.State.FINISHED


def test_in_the_last_round(started_session, facilitator):
    rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=1)
    session_end(session_id=started_session.id, user=facilitator)
    assert RoundResult.objects.filter(round__number=2).count() == 1
    assert fresh(started_session).state == Session.State.FINISHED


def test_a_double_click_ends_it_once(started_session, facilitator):
    session_end(session_id=started_session.id, user=facilitator)
    finished_at = fresh(started_session).finished_at
    with pytest.raises(LabError) as exc:
        session_end(session_id=started_session.id, user=facilitator)
    assert exc.value.code == "already_finished" and "already finished" in exc.value.message
    assert RoundResult.objects.count() == 1 and fresh(started_session).finished_at == finished_at


def test_a_double_click_while_the_close_task_is_queued_ends_it_once(started_session, facilitator, monkeypatch):
    """With a real worker the close runs later: the second click is told it is ending, and the one
    close then finishes the session."""
    from game.services import rounds as rounds_module

    queued = []
    monkeypatch.setattr(rounds_module.round_close_task, "delay", queued.append)
    session_end(session_id=started_session.id, user=facilitator)
    assert session_snapshot(session_id=started_session.id)["session"]["ending"] is True
    with pytest.raises(LabError) as exc:
        session_end(session_id=started_session.id, user=facilitator)
    assert exc.value.code == "already_ending"
    assert len(queued) == 1
    assert rounds.round_finalize(round_id=queued[0]) is True
    assert rounds.round_finalize(round_id=queued[0]) is False
    assert RoundResult.objects.count() == 1
    assert not Round.objects.filter(session=started_session, state__in=("open", "paused", "closing")).exists()
    snapshot = session_snapshot(session_id=started_session.id)["session"]
    assert snapshot["state"] == "finished" and snapshot["ending"] is False


def test_two_clicks_racing_end_it_once(started_session, facilitator):
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def click():
        try:
            barrier.wait(timeout=10)
            session_end(session_id=started_session.id, user=facilitator)
            outcomes.append("ok")
        except LabError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # a crash in a thread must fail the test, not vanish
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(outcomes) in (["already_finished", "ok"], ["already_ending", "ok"])
    assert RoundResult.objects.count() == 1 and fresh(started_session).state == Session.State.FINISHED


def test_an_end_asked_while_the_round_is_already_closing_finishes_after_that_close(started_session, facilitator,
                                                                                  monkeypatch):
    from game.services import rounds as rounds_module

    queued = []
    monkeypatch.setattr(rounds_module.round_close_task, "delay", queued.append)
    round1 = factories.open_round(started_session)
    assert rounds.round_request_close(round_id=round1.id, closed_by=Round.ClosedBy.DEADLINE)  # the timer won
    session_end(session_id=started_session.id, user=facilitator)
    assert queued == [round1.id]  # no second close was asked for
    rounds.round_finalize(round_id=round1.id)
    round1.refresh_from_db()
    assert round1.closed_by == Round.ClosedBy.DEADLINE and RoundResult.objects.count() == 1
    assert Round.objects.get(session=started_session, number=2).state == Round.State.PENDING
    assert fresh(started_session).state == Session.State.FINISHED


def test_a_finished_session_cannot_be_ended(started_session, facilitator):
    for number in (1, 2):
        rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=number)
    assert fresh(started_session).state == Session.State.FINISHED
    with pytest.raises(LabError) as exc:
        session_end(session_id=started_session.id, user=facilitator)
    assert exc.value.code == "already_finished"
    assert fresh(started_session).end_requested_at is None


def test_only_the_sessions_facilitator_may_end_it(started_session):
    with pytest.raises(Forbidden) as exc:
        session_end(session_id=started_session.id, user=factories.make_facilitator())
    assert exc.value.code == "not_facilitator"
    with pytest.raises(Forbidden) as exc:
        session_end(session_id=started_session.id, user=factories.make_hr_only())
    assert exc.value.code == "facilitators_only"
    session = fresh(started_session)
    assert session.state == Session.State.RUNNING and session.end_requested_at is None
    assert factories.open_round(started_session).number == 1


def test_clone_copies_the_disruption_plan_for_every_team_and_not_the_cancelled(started_session, facilitator):
    from game.models import Disruption
    from game.services.lifecycle import session_clone_with_plan

    plan = dict(session=started_session, kind="supplier_failure", targets=[0], start_day=3, duration_days=2.0,
                magnitude=0.8)
    kept = Disruption.objects.create(round_number=2, announced=False, **plan)
    Disruption.objects.create(round_number=2, cancelled_at=timezone.now(), **plan)
    aimed = Disruption.objects.create(round_number=1, **plan)
    aimed.teams.set([started_session.teams.first()])
    clone, left_out = session_clone_with_plan(session_id=started_session.id, user=facilitator)
    copies = list(Disruption.objects.filter(session=clone))
    assert left_out == 1 and len(copies) == 1
    copy = copies[0]
    assert (copy.round_number, copy.kind, copy.targets, copy.start_day, copy.duration_days, copy.magnitude,
            copy.announced, copy.cancelled_at) == (2, "supplier_failure", [0], 3, 2.0, 0.8, False, None)
    assert copy.pk != kept.pk and not copy.teams.exists()
    assert Disruption.objects.filter(session=started_session).count() == 3  # the original keeps its own
