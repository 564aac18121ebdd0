"""The one place where a domain event becomes a channel-layer message.

Services call the `emit_*` functions inside their transaction: the sequence
number is taken in that transaction and the group send happens only after it commits, so a
client never hears of something that was rolled back. Every message carries `seq` so a client
that misses one (channel layers drop under load) sees the gap and asks for a resync.

Order: the messages of one group leave a process in the order they were handed over (one sender per
group); different groups never wait on each other. Between processes, or when a message is dropped, the
seq numbers and resync are the safety net.
"""
import asyncio
import collections
import json
import logging
import threading
import time
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connections, transaction
from django.db.models import F

from classroom import i18n_text
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
    """Bump a row's counter and read it back in one statement (UPDATE ... RETURNING: PostgreSQL, SQLite >= 3.35;
    the ORM has no update-returning). The row stays locked to the transaction's end, so per row the numbers
    follow the commit order. Other databases take the two-statement path."""
    conn = transaction.get_connection()
    if conn.vendor not in ("postgresql", "sqlite"):
        model.objects.filter(pk=pk).update(**{field: F(field) + 1})
        return model.objects.filter(pk=pk).values_list(field, flat=True).get()
    qn, meta = conn.ops.quote_name, model._meta
    column = qn(meta.get_field(field).column)
    with conn.cursor() as cursor:
        cursor.execute(f"UPDATE {qn(meta.db_table)} SET {column} = {column} + 1 WHERE {qn(meta.pk.column)} = %s "
                       f"RETURNING {column}", [pk])
        rows = cursor.fetchall()
    if not rows:
        raise model.DoesNotExist(f"{meta.object_name} {pk} does not exist.")
    return rows[0][0]


# Inside daphne the services run in worker threads; waiting there for each group send held a
# database thread hostage (web load bench). Sends are handed to the sockets' event loop instead, to one
# sender task per group: a group's messages go out in the order they were handed over, and a group whose
# sends are slow (a full channel, a lagging Redis) holds up only itself, never the other groups (one task
# for every group let 94 messages/s arrive while it sent 20-120, issue 12). A sender ends when its group
# has nothing left to send, so quiet groups cost nothing. Elsewhere (Celery worker, tests) sends are
# inline. A message lost anyway is recovered by the seq numbers and resync.
_loop: asyncio.AbstractEventLoop | None = None
_inbox: asyncio.Queue | None = None  # (group, message) handed over by the threads, for _route
_outboxes: dict[str, collections.deque] = {}  # group -> messages waiting, while its sender runs
_tasks: set[asyncio.Task] = set()  # strong references: the loop keeps only weak ones


def bind_event_loop() -> None:
    """Called on the event loop by every consumer's connect: sends from threads go to this loop."""
    global _loop, _inbox, _outboxes
    loop = asyncio.get_running_loop()
    if _loop is loop:
        return
    _loop, _inbox, _outboxes = loop, asyncio.Queue(), {}
    _spawn(_route(_inbox, _outboxes))


def sender_loop_start() -> None:
    """For a process with no event loop of its own (a Celery worker): a daemon thread runs one, and every send
    is handed to it as daphne's sends are to daphne's loop (concurrent across groups, ordered within one),
    instead of each send making a loop of its own through async_to_sync: 3-5 ms apiece, a third of a
    250-team round close's time (its 1,000 team events; bench/web/round_close.py)."""
    if _loop is not None and _loop.is_running():
        return
    ready = threading.Event()

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.call_soon(lambda: (bind_event_loop(), ready.set()))
        loop.run_forever()

    threading.Thread(target=run, name="lab-event-sender", daemon=True).start()
    ready.wait(10)


async def _route(inbox: asyncio.Queue, outboxes: dict) -> None:
    """The loop's one long-lived task: passes each message to its group's sender at once (it never waits on
    a send itself)."""
    while True:
        group, message = await inbox.get()
        _enqueue(outboxes, group, message)


def _spawn(coro) -> None:
    task = asyncio.get_running_loop().create_task(coro)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


def _enqueue(outboxes: dict, group: str, message: dict) -> None:
    """On the loop: queue the message behind its group's earlier ones, starting the group's sender if idle."""
    outbox = outboxes.get(group)
    if outbox is None:
        outbox = outboxes[group] = collections.deque()
        _spawn(_drain(outboxes, group, outbox))
    outbox.append(message)


async def _drain(outboxes: dict, group: str, outbox: collections.deque) -> None:
    """One group's sender: its messages one after another, then it ends."""
    layer = get_channel_layer()
    try:
        while outbox:
            message = outbox.popleft()
            try:
                await layer.group_send(group, message)
            except Exception:  # a lost broadcast is recovered by resync; keep sending the others
                log.exception("group_send to %s failed", group)
    finally:
        # No await between the empty check and here: a message handed over later starts a new sender.
        if outboxes.get(group) is outbox:
            del outboxes[group]


def _serialised_once(group: str, message: dict) -> dict:
    """A team group's message as `{"type", "frame"}`: the frame's JSON text is made once here and every socket
    of the group sends it as it is (game/consumers.py), instead of encoding it once per socket (and, in the
    in-memory layer, deep-copying the payload per socket: a str is not copied). Other groups get the dict.

    A message holding text for its readers (classroom/i18n_text.py) is rendered here once per offered language,
    `{"type", "frames": {"en": ..., "de": ..., "fr": ...}}`, and each socket sends its reader's: teammates reading
    three languages still cost three encodings, not one per socket."""
    if group.startswith("team.") and "frame" not in message and "frames" not in message:
        frame = json.dumps(message)
        if f'"{i18n_text.KEY}"' not in frame:
            return {"type": message["type"], "frame": frame}
        return {"type": message["type"], "frames": {code: json.dumps(i18n_text.render(message, code))
                                                    for code, _ in settings.LANGUAGES}}
    return message


def _send(group: str, message: dict) -> None:
    message = _serialised_once(group, message)
    loop, inbox = _loop, _inbox
    if loop is not None and loop.is_running() and not loop.is_closed():
        try:
            loop.call_soon_threadsafe(inbox.put_nowait, (group, message))
            return
        except RuntimeError:  # the loop closed in between: send inline
            pass
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception:  # a lost broadcast is recovered by resync; never fail the write
        log.exception("group_send to %s failed", group)


_coalescing = threading.Lock()
_waiting: dict[str, list] = {}  # emit_coalesced key -> items handed over since its last publish
_publishing: set[str] = set()  # keys whose publisher runs (in some thread)
_last: dict[str, float] = {}  # key -> when it last published (monotonic)
_timers: set[threading.Timer] = set()  # later publishes not yet run (tests cancel them between tests)


def _coalesce(key: str, item, publish, window: float = 0.0) -> None:
    """In the thread whose transaction committed: hand the item over and, for a quiet key, publish at once.
    Within the window after a publish, the next one is left to a timer thread: a person's request never waits
    out a window (a committing thread that slept held that person's answer, and under a steady stream of
    edits it would never have stopped publishing)."""
    with _coalescing:
        _waiting.setdefault(key, []).append(item)
        if key in _publishing:  # a publish of this key is running or set: it takes this item too
            return
        _publishing.add(key)
        wait = _last.get(key, float("-inf")) + window - time.monotonic()
    if wait > 0:
        _publish_later(key, publish, window, wait)
    else:
        _publish_waiting(key, publish, window)


def _publish_later(key: str, publish, window: float, wait: float) -> None:
    def run() -> None:
        try:
            _publish_waiting(key, publish, window)
        finally:
            _timers.discard(timer)
            connections.close_all()  # this thread's own database connection: it ends here

    timer = threading.Timer(wait, run)
    timer.daemon = True
    with _coalescing:
        _timers.add(timer)
    timer.start()


def _publish_waiting(key: str, publish, window: float) -> None:
    """Publish what was handed over under `key`; whatever arrives meanwhile goes one window later."""
    with _coalescing:
        items = _waiting.pop(key, [])
        _last[key] = time.monotonic()
    try:
        if items:
            publish(items)
    except Exception:  # the next change (or a resync) brings the truth
        log.exception("publishing %s failed", key)
    finally:
        with _coalescing:
            if _waiting.get(key):
                wait = _last[key] + window - time.monotonic()
            else:
                _publishing.discard(key)
                wait = None
        if wait is not None:
            _publish_later(key, publish, window, max(wait, 0.0))


def emit_coalesced(key: str, item, publish: Callable[[list], None], *, window: float = 0.0) -> None:
    """After commit, hand `item` to `publish(items)`, which gets every item handed under `key` since its
    last run. Per key one publish runs at a time, and at most one starts per `window` seconds: a quiet
    key's first item goes at once, in the thread whose transaction committed; what arrives while a publish
    runs (or within the window after it started) goes together in the next, from a timer thread, so no
    request waits on the window. For events whose latest state is all that matters (presence, the console's
    package badges): `publish` reads that state and emits it, so a storm makes one event per key and window,
    not one per change."""
    transaction.on_commit(lambda: _coalesce(key, item, publish, window))


def _send_on_commit(group: str, message: dict) -> None:
    transaction.on_commit(lambda: _send(group, message))


def emit_team_event(team_id: int, event_type: str, payload: dict) -> None:
    seq = _next_seq(Team, team_id)
    _send_on_commit(team_group(team_id), {"type": event_type, "seq": seq, **payload})


def _next_seqs(model, pks: list[int], field: str = "seq") -> dict[int, int]:
    """_next_seq for many rows in one statement (a round's close and opening tell every team at once)."""
    conn = transaction.get_connection()
    if conn.vendor not in ("postgresql", "sqlite") or not pks:
        return {pk: _next_seq(model, pk, field) for pk in pks}
    qn, meta = conn.ops.quote_name, model._meta
    column, key = qn(meta.get_field(field).column), qn(meta.pk.column)
    with conn.cursor() as cursor:
        cursor.execute(f"UPDATE {qn(meta.db_table)} SET {column} = {column} + 1 WHERE {key} IN "
                       f"({', '.join(['%s'] * len(pks))}) RETURNING {key}, {column}", list(pks))
        seqs = dict(cursor.fetchall())
    missing = set(pks) - set(seqs)
    if missing:
        raise model.DoesNotExist(f"{meta.object_name} {sorted(missing)} do not exist.")
    return seqs


def emit_team_events(event_type: str, payloads: dict[int, dict]) -> None:
    """One event to each of many teams (team id -> its payload), numbered in one statement: a round's close
    and opening tell every team of the session (250 at 1,000 people), which one statement per team slowed."""
    seqs = _next_seqs(Team, sorted(payloads))
    for team_id, payload in payloads.items():
        _send_on_commit(team_group(team_id), {"type": event_type, "seq": seqs[team_id], **payload})


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
