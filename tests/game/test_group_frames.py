"""A team-group event is serialised once per group message, not once per socket (issue 12): the sender hands
the layer `{"type", "frame"}` and each room socket sends the frame's text as it is. The wire format is the one
docs/protocol.md describes: the same JSON the socket would have encoded itself."""
import json

import pytest
from channels.db import database_sync_to_async

from classroom import events
from classroom.i18n_text import render
from game.consumers import TeamConsumer
from tests.game.test_consumers import connect, drain, seated  # noqa: F401  (seated: a fixture)

EVENT = {"type": "package.updated", "seq": 7, "package": {"version": 2, "levers": {"overtime_share": 0.2}},
         "log": []}


def test_a_team_message_with_text_becomes_one_frame_per_language():
    from classroom.i18n_text import message

    event = {"type": "package.updated", "seq": 8, "note": message("Change language"), "n": 1}
    sent = events._serialised_once(events.team_group(3), event)
    assert set(sent) == {"type", "frames"} and set(sent["frames"]) == {"en", "de", "fr"}
    assert json.loads(sent["frames"]["de"]) == {**event, "note": "Sprache wechseln"}
    assert json.loads(sent["frames"]["en"]) == {**event, "note": "Change language"}


def test_a_team_message_becomes_one_frame_and_other_groups_keep_the_dict():
    message = events._serialised_once(events.team_group(3), dict(EVENT))
    assert set(message) == {"type", "frame"} and message["type"] == "package.updated"
    assert message["frame"] == json.dumps(EVENT)  # what send_json would have sent
    assert events._serialised_once(events.session_group(3), dict(EVENT)) == EVENT
    assert events._serialised_once(events.participant_group(3), dict(EVENT)) == EVENT


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_teammates_get_the_event_without_any_socket_encoding_it(seated, monkeypatch):
    """A frame holding no text to translate (a chat message) goes as the sender's one frame. A package holds its
    checks' texts as messages (docs/i18n.md): the sender renders it once per language and each socket sends its
    reader's, so no socket encodes either."""
    from game.services.chat import chat_send
    from game.services.packages import package_edit

    sockets = {role: (await connect(seated[role]))[0] for role in ("director", "finance", "engineering")}
    for comm in sockets.values():
        await drain(comm)
    encoded = []
    real = TeamConsumer.encode_json

    async def counting(cls, content):
        encoded.append(content.get("type"))
        return await real(content)

    monkeypatch.setattr(TeamConsumer, "encode_json", classmethod(counting))
    message = await database_sync_to_async(chat_send)(participant_id=seated["hr"].id, text="hello", client_msg_id="c1")
    for comm in sockets.values():
        frame = await comm.receive_json_from(timeout=5)
        assert frame["type"] == "chat.message" and frame["message"] == message and "frame" not in frame
    assert "chat.message" not in encoded  # sent as the sender's one frame
    package = await database_sync_to_async(package_edit)(
        participant_id=seated["hr"].id, lever="overtime_share", value=0.2, base_version=1, client_msg_id="m1")
    for comm in sockets.values():
        frame = await comm.receive_json_from(timeout=5)
        assert frame["type"] == "package.updated" and frame["package"] == render(package, "en")
        assert "frame" not in frame and "frames" not in frame
    assert "package.updated" not in encoded
    for comm in sockets.values():
        await comm.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_round_results_are_still_filtered_per_socket(seated):
    """round.results arrives as one frame too; each socket decodes it and keeps what its roles may see."""
    from game.role_views import results_event_for

    hr, _ = await connect(seated["hr"])
    await drain(hr)
    full = {"type": "round.results", "seq": 99, "result": {"round": 1, "aligned": True, "kpis": {}, "decisions": {},
                                                            "mistakes": [], "disruptions": []},
            "previous": None, "stations": [], "currency": "EUR"}
    await database_sync_to_async(events._send)(events.team_group(seated["hr"].team_id), json.loads(json.dumps(full)))
    frame = await hr.receive_json_from(timeout=5)
    assert frame == json.loads(json.dumps(render(results_event_for(full, ("hr",)), "en")))  # its messages rendered
    await hr.disconnect()
