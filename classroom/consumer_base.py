"""What the team and console sockets share: JSON parsing with error frames and event forwarding.

Every frame gets an answer: a frame that is not JSON, too long or nested too deep is answered
`invalid_json`; one holding a NUL character or a lone surrogate anywhere is answered `invalid_message`
with the field named;
a database that went away under a frame (a PostgreSQL restart) is answered `database_unavailable`;
an exception a handler did not expect is logged and answered `internal_error`. The one frame that
closes the socket is one too many: each socket has a budget (LAB_SOCKET_BURST frames at once, then
LAB_SOCKET_FRAMES_PER_SECOND sustained); past it frames are answered `too_fast` and not handled, and a
socket that keeps sending LAB_SOCKET_BURST more after that is closed with 4429.

A socket whose channel layer fails (Redis restarted or away, in services mode) is closed with 4503: its group
memberships died with Redis' memory, and the browser's reconnect joins them again and resyncs.
"""
import asyncio
import json
import logging
import time
import weakref

from channels.db import database_sync_to_async
from channels.exceptions import DenyConnection, StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import InterfaceError, OperationalError
from django.utils import translation
from django.utils.translation import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import MaxConnectionsError
from redis.exceptions import TimeoutError as RedisTimeoutError

from classroom.errors import LabError
from classroom.i18n_text import KEY as TEXT_KEY
from classroom.i18n_text import render as render_text
from classroom.language import DEFAULT as DEFAULT_LANGUAGE
from classroom.text_input import first_unstorable, unstorable_value_message

logger = logging.getLogger(__name__)

# The largest frame a client sends (a 500-character chat, a full lever list) is far below both.
FRAME_MAX_CHARS = 16_384
FRAME_MAX_DEPTH = 8


def db(func):
    """Run a service in a worker thread of the loop's pool, not Channels' single shared thread.

    Every service opens its own transaction and needs no thread affinity; on the one shared
    thread all sockets of a process queued behind each other (web load bench: ~75 edits/s cap).
    """
    return database_sync_to_async(func, thread_sensitive=False)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _depth(value) -> int:
    """How deep arrays and objects nest (a flat object is 1), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > FRAME_MAX_DEPTH:
                break
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def frame_decode(text_data: str | None) -> dict:
    """One client frame as a JSON object, or a LabError: the size and depth limits keep a hostile frame
    from exhausting the parser (RecursionError) or anything downstream."""
    if text_data is None:
        raise LabError("invalid_json", _("Messages are JSON text frames, not binary."))
    if len(text_data) > FRAME_MAX_CHARS:
        raise LabError("invalid_json", _("A message has at most %(n)s characters.") % {"n": FRAME_MAX_CHARS})
    try:
        # NaN and Infinity are not JSON (a browser could not read them back): refused as Python lets them in.
        content = json.loads(text_data, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # a number past int()'s digit limit is a ValueError too
        raise LabError("invalid_json", _("That message was not valid JSON.")) from None
    if _depth(content) > FRAME_MAX_DEPTH:
        raise LabError("invalid_json", _("A message nests arrays and objects at most %(n)s deep.") % {
            "n": FRAME_MAX_DEPTH})
    if not isinstance(content, dict):
        raise LabError("invalid_message", _("A message must be a JSON object."))
    return content


def frame_text_check(content: dict) -> None:
    """LabError("invalid_message") naming the field when any key or string of the frame is not storable text."""
    field = first_unstorable(content)
    if field is not None:
        raise LabError("invalid_message", unstorable_value_message(field), field=field)


CLOSE_TOO_FAST = 4429
CLOSE_LAYER_LOST = 4503  # the channel layer (Redis) failed under this socket: reconnect and resync
LAYER_ERRORS = (RedisConnectionError, RedisTimeoutError)


class _GoneLayer:
    """Stands in for a channel layer whose Redis failed, while the socket cleans up: leaving a group is moot (a
    restart forgot every group; a group left behind expires) and would only fail again."""

    async def group_discard(self, group, channel):
        pass


def frame_clock() -> float:
    """The sockets' budget clock (a module function, so a test can hold time still)."""
    return time.monotonic()


class FrameBudget:
    """A token bucket per socket: `burst` frames at once, refilled at `per_second`. In the socket's own
    process memory: a socket lives in one process, so no shared counter is needed."""

    def __init__(self, *, per_second: float, burst: int, clock=time.monotonic):
        self.per_second, self.burst, self.clock = per_second, burst, clock
        self.tokens, self.stamp = float(burst), clock()
        self.refused = 0  # frames refused since the budget last had room

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.per_second)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.refused = 0
            return True
        self.refused += 1
        return False


class LabConsumer(AsyncJsonWebsocketConsumer):
    budget: FrameBudget | None = None
    # The reader's language (classroom/language.py), set on connect: messages in outgoing frames are rendered in it
    # (classroom/i18n_text.py), and it is active while this socket's frames are handled, so a service's error
    # reads in it too (Django's active language lives in a context variable that the worker thread inherits).
    language = DEFAULT_LANGUAGE

    async def send_json(self, content, close=False):
        await super().send_json(render_text(content, self.language), close=close)

    async def send_frame(self, frame: str) -> None:
        """A group frame serialised once for every socket (classroom/events.py): sent as it is unless it holds
        a message to render in this reader's language."""
        if f'"{TEXT_KEY}"' in frame:
            await self.send_json(json.loads(frame))
        else:
            await self.send(text_data=frame)

    # This process's open sockets. Its sockets share one blocking read on Redis: when Redis goes, whichever socket
    # held that read sees the error, and the others may resume on the restarted, empty Redis, open but deaf.
    live: "weakref.WeakSet[LabConsumer]" = weakref.WeakSet()
    layer_lost = False

    async def __call__(self, scope, receive, send):
        """A channel-layer error closes every socket of the process with 4503 (before this, the socket that saw it
        ended with a traceback and 1011, skipping `disconnect`; the others could stay open and never hear a
        teammate again)."""
        self.loop = asyncio.get_running_loop()  # one per server process; a test runs several, one after another
        LabConsumer.live.add(self)
        try:
            await super().__call__(scope, receive, send)
        except LAYER_ERRORS as exc:
            if not self.layer_lost:
                # A full connection pool is this socket's trouble, not a Redis that lost its memory: closing every
                # socket then would only feed the storm that filled the pool.
                others = [] if isinstance(exc, MaxConnectionsError) else [
                    c for c in LabConsumer.live if c is not self and not c.layer_lost and c.loop is self.loop]
                logger.warning("channel layer failed (%s): closing %s socket(s) of this process with %s",
                               str(exc)[:120], len(others) + 1, CLOSE_LAYER_LOST)
                for consumer in [self, *others]:
                    await consumer.close_for_layer()
            self.channel_layer = _GoneLayer()
            await self.disconnect(CLOSE_LAYER_LOST)
        finally:
            LabConsumer.live.discard(self)

    async def close_for_layer(self) -> None:
        if self.layer_lost:
            return
        self.layer_lost = True
        try:
            await self.base_send({"type": "websocket.close", "code": CLOSE_LAYER_LOST})
        except Exception:  # the connection is already gone: nothing to tell
            logger.debug("socket already closed", exc_info=True)

    async def refuse(self, code: int) -> None:
        """Close with a code the browser can read (4401, 4403) and act on. Closed before it is accepted, a
        socket fails its handshake with HTTP 403 instead, and the browser only sees 1006."""
        await self.accept()
        await self.close(code=code)

    async def _over_budget(self) -> bool:
        """True when this frame is past the socket's budget (then it has been answered or the socket closed)."""
        if self.budget is None:
            from django.conf import settings

            self.budget = FrameBudget(per_second=settings.LAB_SOCKET_FRAMES_PER_SECOND,
                                      burst=settings.LAB_SOCKET_BURST, clock=frame_clock)
        if self.budget.take():
            return False
        if self.budget.refused == 1:
            await self.send_json(LabError(
                "too_fast", _("Too many messages too fast: this page may send at most %(n)s a second. Messages are "
                              "being ignored; wait a moment. If it goes on, the connection is closed.") % {
                    "n": f"{self.budget.per_second:g}"}).as_frame())
        elif self.budget.refused == self.budget.burst + 1:
            logger.warning("%s: closing a socket that kept flooding (%s frames past its budget)",
                           type(self).__name__, self.budget.refused)
            await self.close(code=CLOSE_TOO_FAST)
        return True

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        translation.activate(self.language)
        if await self._over_budget():
            return
        try:
            content = frame_decode(text_data)
        except LabError as exc:
            await self.send_json(exc.as_frame())
            return
        ref = content.get("id")
        try:
            frame_text_check(content)
        except LabError as exc:
            await self.send_json(exc.as_frame(ref if isinstance(ref, str) and exc.field != "id" else None))
            return
        try:
            await self.receive_json(content)
        except (StopConsumer, DenyConnection):
            raise
        except (OperationalError, InterfaceError):
            # The database went away under this message (a PostgreSQL restart, a dropped connection; SQLite
            # locked past its timeout): not a bug, and the transaction was rolled back, or, if it went away
            # during COMMIT, perhaps not. Either way the client id makes a retry safe. The pool replaces the
            # dead connection on the next checkout (config/postgresql/base.py).
            logger.warning("%s: database unavailable while handling a %r frame", type(self).__name__,
                           str(content.get("type"))[:40], exc_info=True)
            await self.send_json(LabError(
                "database_unavailable", _("The lab could not reach its database just now, so this may not have "
                                          "been saved. Try again: it is never applied twice.")).as_frame(
                    ref if isinstance(ref, str) else None))
        except Exception:
            # A bug, not the client's fault: log it and answer, rather than closing the socket with 1011
            # (which also skipped `disconnect`).
            logger.exception("%s: unexpected error handling a %r frame", type(self).__name__,
                             str(content.get("type"))[:40])
            await self.send_json(LabError(
                "internal_error", _("The server could not handle that message (the error is logged for the "
                                    "organisers). Try again; reload the page if it happens again.")).as_frame(
                    ref if isinstance(ref, str) else None))

    # One send-only handler per event type the services emit (see docs/protocol.md).
    async def package_updated(self, event):
        await self.send_json(event)

    async def round_changed(self, event):
        await self.send_json(event)

    async def round_results(self, event):
        await self.send_json(event)

    async def team_changed(self, event):
        await self.send_json(event)

    async def presence_changed(self, event):
        await self.send_json(event)

    async def session_changed(self, event):
        await self.send_json(event)
