"""The services mode for real: a Celery worker process closes rounds, Redis carries the broadcast.

Runs when PostgreSQL and Redis are reachable (`make test` selects them; CI has them); the
embedded default is covered by the rest of the suite.
"""
import time
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app as celery_app
from game import deadlines
from game.models import Round, RoundResult
from game.services import rounds
from tests import factories
from tests.game.test_consumers import connect

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.SERVICES_MODE, reason="needs PostgreSQL + Redis (set by `make test` when reachable)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def queued_tasks():
    """Send tasks to the broker (the worker) instead of running them in this process."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager


def wait_for(predicate, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_worker_process_closes_the_round_once(celery_worker_process, queued_tasks, started_session, facilitator):
    round1 = factories.open_round(started_session)
    assert rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=1) is True
    assert wait_for(lambda: Round.objects.get(pk=round1.pk).state == Round.State.CLOSED), "worker never closed it"
    assert RoundResult.objects.filter(round=round1).count() == 1
    assert factories.open_round(started_session).number == 2
    connection.close()


def test_deadline_fires_on_the_worker_not_in_a_web_process(celery_worker_process, queued_tasks, started_session,
                                                          settings):
    settings.ROUND_DEADLINE_SCHEDULER = "celery"
    round1 = factories.open_round(started_session)
    due = timezone.now() + timedelta(seconds=1)
    with transaction.atomic():
        Round.objects.filter(pk=round1.pk).update(deadline=due)
        deadlines.deadline_schedule(round_id=round1.id, deadline=due)
    assert wait_for(lambda: Round.objects.get(pk=round1.pk).state == Round.State.CLOSED)
    assert Round.objects.get(pk=round1.pk).closed_by == "deadline"


@pytest.mark.asyncio
async def test_results_from_the_worker_reach_sockets_through_redis(celery_worker_process, queued_tasks,
                                                                  started_session, facilitator):
    hr = await database_sync_to_async(
        lambda: type(factories.holder(started_session, "hr")).objects.select_related("session")
        .get(pk=factories.holder(started_session, "hr").pk))()
    comm, _ = await connect(hr)
    await database_sync_to_async(rounds.round_advance)(session_id=started_session.id, user=facilitator,
                                                       round_number=1)
    seen = []
    end = time.monotonic() + 30
    while time.monotonic() < end and not any(f["type"] == "round.results" for f in seen):
        if not await comm.receive_nothing(timeout=0.5):
            seen.append(await comm.receive_json_from())
    results = next(f for f in seen if f["type"] == "round.results")
    assert results["result"]["round"] == 1 and results["result"]["kpis"]["good_units"] >= 0
    await comm.disconnect()


@pytest.mark.asyncio
async def test_an_idle_socket_survives_the_redis_read_timeout():
    """redis-py 8 times reads out after 5 s unless told otherwise; an idle receive must just wait."""
    import asyncio

    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channel = await layer.new_channel()
    with pytest.raises(asyncio.TimeoutError):  # our own deadline, not redis's TimeoutError
        await asyncio.wait_for(layer.receive(channel), timeout=6.5)


def test_an_edit_never_waits_on_the_session_row(started_session, facilitator):
    """With several processes on PostgreSQL, a lock on the session row would serialise every edit of
    the workshop. Hold that row as a facilitator command and a session event do, and edit from
    another connection: it must not wait."""
    import threading

    from classroom.events import emit_session_event
    from classroom.services.access import session_for_facilitator
    from game.services.packages import package_edit

    hr = factories.holder(started_session, "hr")
    outcome = []

    def edit():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")
            outcome.append(package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1,
                                        client_msg_id="nolock"))
        except Exception as exc:
            outcome.append(exc)
        finally:
            connection.close()

    with transaction.atomic():
        session_for_facilitator(session_id=started_session.id, user=facilitator, lock=True)
        emit_session_event(started_session.id, "round.changed", {})  # bumps Session.seq
        worker = threading.Thread(target=edit)
        worker.start()
        worker.join(timeout=20)
    assert outcome and isinstance(outcome[0], dict) and outcome[0]["version"] == 2, outcome
