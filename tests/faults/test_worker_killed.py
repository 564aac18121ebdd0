"""A Celery worker killed outright (SIGKILL: nothing acknowledged, nothing handed back) while it closes a round,
and one killed holding a round's deadline task: the round still closes, exactly once, within seconds.

Real processes: one daphne (its socket-started ticker is the net under deadlines and lost closes), two Celery
workers on a queue of this test's own, the test database on PostgreSQL. Services mode only.
"""
import asyncio
import importlib.util
import json
import os
import time
from datetime import timedelta

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from classroom.identity import cookie_name, sign_token
from config.celery import app as celery_app
from game.models import Round, RoundResult
from game.services import rounds
from tests import factories
from tests.browser.conftest import LabServer
from tests.processes import ROOT, CeleryWorker, services_env, wait_until

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.SERVICES_MODE, reason="needs PostgreSQL + Redis (set by `make test` when reachable)"),
    pytest.mark.django_db(transaction=True),
]
WITHIN = 12.0  # seconds from the worker's death to the round closed: the ticker's 5 s, a close, some slack


def wsclient():
    spec = importlib.util.spec_from_file_location("bench_wsclient", ROOT / "bench" / "web" / "wsclient.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def processes(started_session):
    """A web process (with one person's socket open, which starts its ticker) and worker A, on a queue no other
    worker of the suite reads; worker B is started by the test when it needs a survivor."""
    env = services_env(CELERY_QUEUE=f"faults{os.getpid()}")
    web, workers = LabServer(env), []
    web.start()
    # A person's socket starts the process's ticker, which then runs for the life of the process.
    asyncio.run(_visit(web.port, started_session.join_code, factories.holder(started_session, "hr")))

    def worker(name: str) -> CeleryWorker:
        workers.append(CeleryWorker(env, f"{name}{os.getpid()}").start())
        return workers[-1]

    yield web, worker
    for w in workers:
        w.stop()
    web.stop()


async def _visit(port: int, code: str, person) -> None:
    socket = await wsclient().WebSocket.connect(
        "127.0.0.1", port, f"/ws/play/{code}/",
        headers={"Cookie": f"{cookie_name(code)}={sign_token(person.rejoin_token)}"}, timeout=30)
    while json.loads(await asyncio.wait_for(socket.recv(), 30))["type"] != "state":
        pass
    await socket.close()


def _own_connection(autocommit: bool = False) -> psycopg.Connection:
    """A connection of the test's own, beside Django's (pg_stat_activity is read once per transaction, so a probe
    runs in autocommit)."""
    db = settings.DATABASES["default"]
    return psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=autocommit)


def _hold_a_result_slot(holder: psycopg.Connection, round1: Round) -> None:
    """Insert, and keep uncommitted, one team's result of the round: the close's own insert of that result then
    waits on this transaction (the one-result-per-team-and-round constraint), half-way through the close, which
    is where a kill finds it. Nothing else in the lab waits on it."""
    team = round1.session.teams.order_by("number").first()
    holder.execute(f"INSERT INTO {RoundResult._meta.db_table} (team_id, round_id, aligned, decisions, kpis, mistakes, "
                   "disruptions, created_at) VALUES (%s, %s, false, '{}', '{}', '[]', '[]', now())",
                   [team.id, round1.id])


def _close_is_waiting(probe: psycopg.Connection) -> bool:
    row = probe.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                        "wait_event_type = 'Lock' AND query LIKE %s",
                        [f'INSERT INTO "{RoundResult._meta.db_table}"%']).fetchone()
    return row[0] > 0


def _closed_once(round1: Round, teams: int) -> bool:
    state = Round.objects.filter(pk=round1.pk).values_list("state", flat=True).get()
    return state == Round.State.CLOSED and RoundResult.objects.filter(round=round1).count() == teams


def test_a_worker_killed_in_the_middle_of_a_close_leaves_it_to_another_within_seconds(processes, started_session):
    web, worker = processes
    teams = started_session.teams.count()
    round1 = factories.open_round(started_session)
    worker_a = worker("a")
    holder, probe = _own_connection(), _own_connection(autocommit=True)
    try:
        _hold_a_result_slot(holder, round1)
        Round.objects.filter(pk=round1.pk).update(deadline=timezone.now() - timedelta(seconds=1))  # the ticker closes it
        assert wait_until(lambda: _close_is_waiting(probe), 30), "worker A never started the close"
        assert Round.objects.get(pk=round1.pk).state == Round.State.CLOSING
        worker("b")  # a surviving worker, idle on the same queue
        worker_a.kill()
        killed_at = time.monotonic()
        holder.rollback()  # A's orphaned transaction runs on, finds its client gone and rolls back
        assert wait_until(lambda: _closed_once(round1, teams), 60), "the round never closed after worker A died"
        took = time.monotonic() - killed_at
    finally:
        holder.close()
        probe.close()
    print(f"\n  round closed {took:.1f} s after the closing worker was killed")
    assert took <= WITHIN, f"closed {took:.1f} s after the kill (aim: about 10 s)"
    assert factories.open_round(started_session).number == 2  # the next round opened, once
    assert Round.objects.filter(session=started_session, state=Round.State.OPEN).count() == 1
    connection.close()


def test_a_worker_killed_holding_a_deadline_task_does_not_strand_the_deadline(processes, started_session,
                                                                             monkeypatch):
    """A worker holds ETA tasks (round deadlines) unacknowledged until they are due; killed, they stay with the
    broker until its visibility timeout (hours). The web processes' ticker closes the overdue round instead."""
    web, worker = processes
    teams = started_session.teams.count()
    round1 = factories.open_round(started_session)
    worker_a = worker("a")
    due = timezone.now() + timedelta(seconds=3)
    Round.objects.filter(pk=round1.pk).update(deadline=due)
    from game.tasks import round_deadline_task

    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)  # to the broker, as a web process sends it
    round_deadline_task.apply_async((round1.id,), eta=due, queue=f"faults{os.getpid()}")
    time.sleep(1.0)  # worker A has taken it and holds it until it is due
    worker_a.kill()
    worker("b")
    assert wait_until(lambda: _closed_once(round1, teams), 60), "the deadline never fired after worker A died"
    late = (timezone.now() - due).total_seconds()
    print(f"\n  deadline fired {late:.1f} s after it was due, its task lost with the killed worker")
    assert late <= WITHIN
    assert Round.objects.get(pk=round1.pk).closed_by == Round.ClosedBy.DEADLINE
    connection.close()


def test_a_round_whose_close_is_running_is_not_sent_again(started_session, monkeypatch):
    """The retry passes over a round whose row a running close holds, however long it runs."""
    round1 = factories.open_round(started_session)
    Round.objects.filter(pk=round1.pk).update(state=Round.State.CLOSING,
                                              closed_at=timezone.now() - timedelta(minutes=5))
    running = _own_connection()
    running.execute("SELECT id FROM game_round WHERE id = %s FOR UPDATE", [round1.id])
    try:
        assert rounds.rounds_retry_stuck() == 0
    finally:
        running.rollback()
        running.close()
    sent = []
    monkeypatch.setattr(rounds.round_close_task, "delay", sent.append)
    assert rounds.rounds_retry_stuck() == 1
    assert sent == [round1.id]
