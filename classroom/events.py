"""The one place where a domain event becomes a channel-layer message.

Services call `emit_team_event` / `emit_session_event` inside their transaction: the sequence
number is taken in that transaction and the group send happens only after it commits, so a
client never hears of something that was rolled back. Every message carries `seq` so a client
that misses one (channel layers drop under load) sees the gap and asks for a resync.
"""
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


def _next_seq(model, pk: int) -> int:
    model.objects.filter(pk=pk).update(seq=F("seq") + 1)
    return model.objects.filter(pk=pk).values_list("seq", flat=True).get()


def _send_on_commit(group: str, message: dict) -> None:
    def send():
        try:
            async_to_sync(get_channel_layer().group_send)(group, message)
        except Exception:  # a lost broadcast is recovered by resync; never fail the write
            log.exception("group_send to %s failed", group)

    transaction.on_commit(send)


def emit_team_event(team_id: int, event_type: str, payload: dict) -> None:
    seq = _next_seq(Team, team_id)
    _send_on_commit(team_group(team_id), {"type": event_type, "seq": seq, **payload})


def emit_session_event(session_id: int, event_type: str, payload: dict) -> None:
    seq = _next_seq(Session, session_id)
    _send_on_commit(session_group(session_id), {"type": event_type, "seq": seq, **payload})
