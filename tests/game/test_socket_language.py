"""Teammates reading different languages share one group frame; each socket renders its messages in its reader's
language (classroom/i18n_text.py, docs/i18n.md), and a service's error reads in the sender's language."""
import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from classroom import events
from classroom.i18n_text import message
from classroom.models import Participant
from tests.game.test_consumers import connect, drain, seated  # noqa: F401  (seated: a fixture)


def _set_language(participant, code):
    Participant.objects.filter(pk=participant.pk).update(language=code)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_one_group_frame_reads_in_each_teammate_language(seated):
    await database_sync_to_async(_set_language)(seated["director"], "de")
    await database_sync_to_async(_set_language)(seated["finance"], "fr")
    sockets = {role: (await connect(seated[role]))[0] for role in ("director", "finance", "hr")}
    for comm in sockets.values():
        await drain(comm)
    event = {"type": "chat.message", "seq": 0, "note": message("Change language")}
    await get_channel_layer().group_send(events.team_group(seated["hr"].team_id),
                                         events._serialised_once(events.team_group(seated["hr"].team_id), event))
    seen = {role: (await comm.receive_json_from(timeout=5))["note"] for role, comm in sockets.items()}
    assert seen == {"director": "Sprache wechseln", "finance": "Changer de langue", "hr": "Change language"}
    for comm in sockets.values():
        await comm.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_an_unknown_stored_language_reads_english(seated):
    await database_sync_to_async(_set_language)(seated["director"], "tlh")
    comm, _ = await connect(seated["director"])
    await drain(comm)
    await get_channel_layer().group_send(events.team_group(seated["director"].team_id),
                                         {"type": "chat.message", "seq": 0, "note": message("Language")})
    assert (await comm.receive_json_from(timeout=5))["note"] == "Language"
    await comm.disconnect()
