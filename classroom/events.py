"""The one place where a domain event becomes a channel-layer message.

Services call the `emit_*` functions inside their transaction: the sequence
number is taken in that transaction and the group send happens only after it commits, so a
client never hears of something that was rolled back. Every message carries `seq` so a client
that misses one (channel layers drop under load) sees the gap and asks for a resync.
"""
import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from classroom.models import Session, Team

log = logging.getLogger(__name__)


def team_group(team_id: int) -> str:
    return f"team.{team_id}"


def session_group(session_id: int) -> str:
    return f"session.{session_id}"


def participant_group(participant_id: int) -> str:
    """Every socket of one person (to tell an old device that the seat moved to a new one)."""
    return f"participant.{participant_id}"


def _next_seq(model, pk: int, field: str = "seq") -> int:
    model.objects.filter(pk=pk).update(**{field: F(field) + 1})
    return model.objects.filter(pk=pk).values_list(field, flat=True).get()


# Inside daphne the services run in worker threads; waiting there for each group send held a
# database thread hostage (web load bench). Sends are handed to one task on the sockets' event
# loop instead, which keeps their order. Elsewhere (Celery worker, tests) they are sent inline.
_loop: asyncio.AbstractEventLoop | None = None
_outbox: asyncio.Queue | None = None


def bind_event_loop() -> None:
    """Called on the event loop by every consumer's connect: sends from threads go to this loop."""
    global _loop, _outbox
    loop = asyncio.get_running_loop()
    if _loop is loop:
        return
    _loop, _outbox = loop, asyncio.Queue()
    loop.create_task(_drain(_outbox))


async def _drain(outbox: asyncio.Queue) -> None:
    layer = get_channel_layer()
    while True:
        group, message = await outbox.get()
        try:
            await layer.group_send(group, message)
        except Exception:  # a lost broadcast is recovered by resync; keep sending the others
            log.exception("group_send to %s failed", group)


def _send(group: str, message: dict) -> None:
    loop, outbox = _loop, _outbox
    if loop is not None and loop.is_running() and not loop.is_closed():
        loop.call_soon_threadsafe(outbox.put_nowait, (group, message))
        return
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception:  # a lost broadcast is recovered by resync; never fail the write
        log.exception("group_send to %s failed", group)


def _send_on_commit(group: str, message: dict) -> None:
    transaction.on_commit(lambda: _send(group, message))


def emit_team_event(team_id: int, event_type: str, payload: dict) -> None:
    seq = _next_seq(Team, team_id)
    _send_on_commit(team_group(team_id), {"type": event_type, "seq": seq, **payload})


def emit_session_event(session_id: int, event_type: str, payload: dict) -> None:
    """A session-wide console event (rounds, results, disruptions): numbered by `seq`."""
    seq = _next_seq(Session, session_id)
    _send_on_commit(session_group(session_id), {"type": event_type, "seq": seq, **payload})


def emit_console_team_event(session_id: int, team_id: int, event_type: str, payload: dict) -> None:
    """A console event about one team (edits, presence, members): numbered by that team's
    `team_seq`, so the frequent ones never contend on the session's row."""
    team_seq = _next_seq(Team, team_id, "console_seq")
    _send_on_commit(session_group(session_id),
                    {"type": event_type, "team_id": team_id, "team_seq": team_seq, **payload})


def emit_participant_event(participant_id: int, event_type: str, payload: dict) -> None:
    """To one person's own sockets (not numbered: it ends those sockets)."""
    _send_on_commit(participant_group(participant_id), {"type": event_type, **payload})
