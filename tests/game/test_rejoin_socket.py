"""A rejoin on another device tells the old device's socket and closes it; its cookie no longer connects."""
import pytest
from channels.db import database_sync_to_async

from classroom.models import Participant
from classroom.services.sessions import participant_rejoin
from tests import factories
from tests.game.test_consumers import communicator, connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_the_old_device_is_told_and_closed_and_cannot_reconnect(started_session):
    hr = await database_sync_to_async(
        lambda: Participant.objects.select_related("session").get(pk=factories.holder(started_session, "hr").pk))()
    old, _ = await connect(hr)
    await database_sync_to_async(participant_rejoin)(join_code=started_session.join_code, display_name=hr.display_name,
                                                     rejoin_code=hr.rejoin_code)
    while True:
        frame = await old.receive_output(timeout=5)
        if frame["type"] == "websocket.close":
            assert frame["code"] == 4409
            break
        if frame["type"] == "websocket.send":
            assert '"presence.changed"' in frame["text"] or '"seat.elsewhere"' in frame["text"]
    again = communicator(hr)  # the old device's cookie holds the old token
    connected, _ = await again.connect()  # accepted, then closed with a code the browser can act on
    assert connected and await again.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    await again.disconnect()
