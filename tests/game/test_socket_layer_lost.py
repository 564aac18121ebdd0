"""A channel layer that fails under open sockets (Redis restarted): every socket of the process is closed with
4503, so each browser reconnects and resyncs, none stays open and deaf. The real restart, with real processes, is
tests/faults/test_redis_restart.py; this drives the same failure through the ASGI stack in any mode."""
import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from redis.exceptions import ConnectionError as RedisConnectionError

from classroom.consumer_base import CLOSE_LAYER_LOST
from classroom.selectors import connected_participant_ids
from tests import factories
from tests.game.test_consumers import connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def close_code(comm, timeout=5.0):
    """The code the server closed with, reading past any frames sent before it."""
    while True:
        output = await comm.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")


def holders(session, roles):
    return [type(p).objects.select_related("session").get(pk=p.pk)
            for p in (factories.holder(session, role) for role in roles)]


@pytest.fixture
def failing_layer(monkeypatch):
    """Once `fail` is set, one waiting read raises as redis-py does when Redis closes the connection; the other
    reads just wait, as they do when they resume on a restarted Redis that forgot their groups."""
    layer = get_channel_layer()
    real, fail, raised = layer.receive, asyncio.Event(), []

    async def receive(channel):
        message, failed = asyncio.ensure_future(real(channel)), asyncio.ensure_future(fail.wait())
        done, _ = await asyncio.wait({message, failed}, return_when=asyncio.FIRST_COMPLETED)
        if message in done:
            failed.cancel()
            return message.result()
        message.cancel()
        if not raised:
            raised.append(channel)
            raise RedisConnectionError("Connection closed by server.")
        await asyncio.Event().wait()

    monkeypatch.setattr(layer, "receive", receive)
    return fail


async def test_a_failed_layer_closes_every_socket_of_the_process_with_4503(started_session, failing_layer):
    people = await database_sync_to_async(holders)(started_session, ("hr", "engineering", "finance"))
    comms = [(await connect(person))[0] for person in people]
    failing_layer.set()
    codes = [await close_code(comm) for comm in comms]
    assert codes == [CLOSE_LAYER_LOST] * len(comms)
    for comm in comms:  # as daphne does once the close is through
        await comm.disconnect(code=CLOSE_LAYER_LOST)
    # Each socket's `disconnect` ran, though the layer was gone: nobody is counted connected by a dead socket.
    left = await database_sync_to_async(connected_participant_ids)(participant_ids=[p.id for p in people])
    assert left == set()
