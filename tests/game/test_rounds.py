import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from classroom.errors import Forbidden, LabError
from game.models import PackageVersion, Round, RoundResult
from game.services import rounds
from game.services.packages import package_approve, package_edit
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_start_opens_round_one_with_a_deadline_and_a_package_per_team(lobby_session, facilitator):
    factories.join_many(lobby_session, 6)
    factories.start(lobby_session, facilitator)
    round1 = factories.open_round(lobby_session)
    assert round1.number == 1
    minutes = (round1.deadline - round1.opens_at).total_seconds() / 60
    assert minutes == pytest.approx(lobby_session.minutes_per_round)
    assert PackageVersion.objects.filter(round=round1, version=1).count() == lobby_session.teams.count() == 2
    assert lobby_session.round_set.filter(state=Round.State.PENDING).count() == lobby_session.rounds - 1


def test_start_needs_people_and_happens_once(lobby_session, facilitator):
    with pytest.raises(LabError) as exc:
        rounds.session_start(session_id=lobby_session.id, user=facilitator)
    assert exc.value.code == "no_participants"
    factories.join_many(lobby_session, 1)
    factories.start(lobby_session, facilitator)
    with pytest.raises(LabError) as exc:
        rounds.session_start(session_id=lobby_session.id, user=facilitator)
    assert exc.value.code == "already_started"


def test_another_facilitator_cannot_run_my_session(started_session):
    intruder = factories.make_facilitator()
    with pytest.raises(Forbidden):
        rounds.round_pause(session_id=started_session.id, user=intruder)
    with pytest.raises(Forbidden):
        rounds.round_advance(session_id=started_session.id, user=intruder, round_number=1)
    assert factories.open_round(started_session).state == Round.State.OPEN


def test_pause_freezes_time_and_resume_restores_it(started_session, facilitator):
    paused = rounds.round_pause(session_id=started_session.id, user=facilitator)
    assert paused.state == Round.State.PAUSED
    assert 9 * 60 < paused.paused_remaining <= 10 * 60
    # Time passing while paused does not close the round.
    Round.objects.filter(pk=paused.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    assert rounds.rounds_close_due() == 0
    resumed = rounds.round_resume(session_id=started_session.id, user=facilitator)
    left = (resumed.deadline - timezone.now()).total_seconds()
    assert abs(left - paused.paused_remaining) < 5
    with pytest.raises(LabError) as exc:
        rounds.round_resume(session_id=started_session.id, user=facilitator)
    assert exc.value.code == "not_paused"


@pytest.mark.parametrize("minutes", [0, 61, "2", 2.5, True])
def test_extend_rejects_bad_minutes(started_session, facilitator, minutes):
    before = factories.open_round(started_session).deadline
    with pytest.raises(LabError) as exc:
        rounds.round_extend(session_id=started_session.id, user=facilitator, minutes=minutes)
    assert exc.value.field == "minutes"
    assert factories.open_round(started_session).deadline == before


def test_extend_moves_the_deadline(started_session, facilitator):
    before = factories.open_round(started_session).deadline
    after = rounds.round_extend(session_id=started_session.id, user=facilitator, minutes=3).deadline
    assert (after - before).total_seconds() == pytest.approx(180, abs=1)


def test_deadline_closes_the_round_and_opens_the_next(started_session):
    round1 = factories.open_round(started_session)
    assert rounds.rounds_close_due() == 0  # not due yet
    Round.objects.filter(pk=round1.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    assert rounds.rounds_close_due() == 1
    round1.refresh_from_db()
    assert (round1.state, round1.closed_by) == (Round.State.CLOSED, "deadline")
    assert factories.open_round(started_session).number == 2


def test_unaligned_team_carries_its_last_aligned_package_forward(started_session, facilitator):
    hr = factories.holder(started_session, "hr")
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.25, base_version=1, client_msg_id="e1")
    factories.committed(started_session)
    for role in ("director", "finance", "engineering", "hr"):
        package_approve(participant_id=factories.holder(started_session, role).id, version=2,
                        client_msg_id=f"a-{role}")
    # Round 2: HR edits but the team never aligns; the facilitator closes the round.
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.0, base_version=1, client_msg_id="e2")
    rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=2)
    r2 = RoundResult.objects.get(round__number=2)
    assert r2.aligned is False
    assert r2.decisions["overtime_share"] == 0.25
    assert r2.kpis["leadership_alignment"] == 0.0
    assert 50 < RoundResult.objects.get(round__number=1).kpis["leadership_alignment"] <= 100


def test_last_round_finishes_the_session(started_session, facilitator):
    for number in range(1, started_session.rounds + 1):
        rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=number)
    started_session.refresh_from_db()
    assert started_session.state == "finished"
    assert RoundResult.objects.filter(round__session=started_session).count() == started_session.rounds
    with pytest.raises(LabError) as exc:
        rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=number)
    assert exc.value.code == "no_open_round"


def test_the_ledger_files_what_people_do_under_the_round_being_played(lobby_session, facilitator):
    from classroom.models import LedgerEntry
    from game.services.chat import chat_send

    first = factories.join_many(lobby_session, 4)[0]
    chat_send(participant_id=first.id, text="lobby", client_msg_id="c0")
    factories.start(lobby_session, facilitator)
    chat_send(participant_id=first.id, text="one", client_msg_id="c1")
    rounds.round_advance(session_id=lobby_session.id, user=facilitator, round_number=1)
    chat_send(participant_id=first.id, text="two", client_msg_id="c2")
    rounds.round_advance(session_id=lobby_session.id, user=facilitator, round_number=2)
    chat_send(participant_id=first.id, text="after", client_msg_id="c3")  # the last round played
    filed = dict(LedgerEntry.objects.filter(kind="chat").values_list("client_msg_id", "round_number"))
    assert filed == {"c0": None, "c1": 1, "c2": 2, "c3": 2}
    assert LedgerEntry.objects.get(kind="join", participant=first).round_number is None


def test_finalize_twice_stores_one_result_set(started_session, facilitator):
    round1 = factories.open_round(started_session)
    rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=1)
    assert rounds.round_finalize(round_id=round1.id) is False
    assert RoundResult.objects.filter(round=round1).count() == 1


def test_two_triggers_racing_to_close_the_same_round_store_one_result_set(lobby_session, facilitator):
    factories.join_many(lobby_session, 8)
    factories.start(lobby_session, facilitator)
    round1 = factories.open_round(lobby_session)
    Round.objects.filter(pk=round1.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    barrier = threading.Barrier(3)
    outcomes, errors = [], []

    def trigger(fn):
        try:
            barrier.wait(timeout=10)
            outcomes.append(fn())
        except Exception as exc:  # a crash in a thread must fail the test, not vanish
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=trigger, args=(lambda: rounds.round_advance(session_id=lobby_session.id,
                                                                             user=facilitator, round_number=1),)),
        threading.Thread(target=trigger, args=(lambda: rounds.round_close_if_due(round_id=round1.id),)),
        threading.Thread(target=trigger, args=(lambda: rounds.round_request_close(
            round_id=round1.id, closed_by="all_aligned"),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # The facilitator's click may lose: it must then say so, never close round 2 instead.
    assert all(isinstance(e, LabError) and e.code in {"no_open_round", "round_already_closed"}
               for e in errors), errors
    assert outcomes.count(True) == 1
    assert RoundResult.objects.filter(round=round1).count() == 2  # one per team, once
    round1.refresh_from_db()
    assert round1.state == Round.State.CLOSED


def test_a_late_close_click_never_closes_the_next_round(started_session, facilitator):
    rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=1)
    with pytest.raises(LabError) as exc:  # the facilitator clicked while round 1 was closing
        rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=1)
    assert exc.value.code == "round_already_closed"
    assert factories.open_round(started_session).number == 2


def test_spending_that_follows_the_stated_priorities_aligns_better(lobby_session, facilitator):
    factories.join_many(lobby_session, 8)
    factories.start(lobby_session, facilitator)
    factories.committed(lobby_session)
    team_a, team_b = lobby_session.teams.order_by("number")
    for team, weights in ((team_a, [0, 0, 100, 0, 0]), (team_b, [100, 0, 0, 0, 0])):
        director = team.seats.get(role="director").participant
        finance = team.seats.get(role="finance").participant
        package_edit(participant_id=director.id, lever="priority_weights", value=weights, base_version=1,
                     client_msg_id=f"w{team.id}")
        package_edit(participant_id=finance.id, lever="maintenance_budget", value=80000.0, base_version=2,
                     client_msg_id=f"m{team.id}")
        for seat in team.seats.all():
            package_approve(participant_id=seat.participant_id, version=3, client_msg_id=f"a{seat.id}")
    reliability_first = RoundResult.objects.get(team=team_a, round__number=1).kpis["leadership_alignment"]
    throughput_first = RoundResult.objects.get(team=team_b, round__number=1).kpis["leadership_alignment"]
    assert reliability_first > throughput_first + 3  # same process, money follows A's words


def test_a_failed_close_leaves_the_round_closing_and_is_retried(started_session, facilitator, monkeypatch):
    from game import engine as game_engine

    round1 = factories.open_round(started_session)
    real = game_engine.simulate_round
    monkeypatch.setattr(game_engine, "simulate_round", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    # The facilitator's click still succeeds; the failure is logged, nothing half-written.
    assert rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=1) is True
    round1.refresh_from_db()
    assert round1.state == Round.State.CLOSING and not RoundResult.objects.exists()
    assert rounds.rounds_retry_stuck() == 0  # too early to call it stuck
    Round.objects.filter(pk=round1.pk).update(closed_at=timezone.now() - timedelta(minutes=5))
    monkeypatch.setattr(game_engine, "simulate_round", real)
    assert rounds.rounds_retry_stuck() == 1
    round1.refresh_from_db()
    assert round1.state == Round.State.CLOSED and RoundResult.objects.filter(round=round1).count() == 1
