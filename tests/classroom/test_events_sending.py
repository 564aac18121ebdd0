"""How events leave a server process (classroom/events.py): one sender per group, so groups never wait on
each other while each keeps its order; presence coalesced, so a connection storm is not a storm of events."""
import asyncio
import threading
import time

import pytest
from channels.db import database_sync_to_async

from classroom import events
from classroom.events import bind_event_loop
from classroom.services import presence
from classroom.services.presence import connection_close, connection_open


class StuckLayer:
    """A channel layer whose sends to `stuck` groups wait until released; records what arrived, in order."""

    def __init__(self, stuck: set[str]):
        self.stuck, self.release = stuck, asyncio.Event()
        self.started: list[tuple[str, int]] = []
        self.sent: list[tuple[str, int]] = []

    async def group_send(self, group, message):
        self.started.append((group, message["n"]))
        if group in self.stuck:
            await self.release.wait()
        self.sent.append((group, message["n"]))


async def until(predicate, timeout=5.0):
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            return False
        await asyncio.sleep(0.01)
    return True


async def test_a_stuck_group_holds_only_itself_and_each_group_keeps_its_order(monkeypatch):
    layer = StuckLayer({"session.1"})
    monkeypatch.setattr(events, "get_channel_layer", lambda: layer)
    bind_event_loop()

    def services():  # the services hand events over from worker threads, as in daphne
        for n in range(20):
            events._send("session.1", {"type": "x", "n": n})
            events._send("session.2", {"type": "x", "n": n})
            events._send(f"session.{3 + n % 3}", {"type": "x", "n": n})

    worker = threading.Thread(target=services)
    worker.start()
    worker.join()
    # session.1's first send is stuck; every other group's messages still get out, each in its order.
    assert await until(lambda: sum(g != "session.1" for g, _ in layer.sent) == 40), layer.sent
    assert [n for g, n in layer.started if g == "session.1"] == [0]  # its second waits behind its first
    assert [n for g, n in layer.sent if g == "session.2"] == list(range(20))
    for k in (3, 4, 5):
        assert [n for g, n in layer.sent if g == f"session.{k}"] == [n for n in range(20) if 3 + n % 3 == k]
    layer.release.set()
    assert await until(lambda: len(layer.sent) == 60)
    assert [n for g, n in layer.sent if g == "session.1"] == list(range(20))
    assert await until(lambda: not events._outboxes)  # idle senders end


async def test_a_failing_send_does_not_stop_its_group(monkeypatch):
    sent = []

    class Flaky:
        async def group_send(self, group, message):
            if message["n"] == 1:
                raise ConnectionError("redis went away")
            sent.append(message["n"])

    monkeypatch.setattr(events, "get_channel_layer", lambda: Flaky())
    bind_event_loop()
    for n in range(4):
        events._send("session.9", {"type": "x", "n": n})
    assert await until(lambda: sent == [0, 2, 3])


def recorder(calls: list, pause: float = 0.0):
    def publish(items):
        calls.append((time.monotonic(), list(items)))
        time.sleep(pause)
    return publish


def settled(key: str, timeout: float = 3.0) -> bool:
    """The later publishes run on timer threads: wait until none of this key is left."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with events._coalescing:
            if key not in events._publishing and not events._waiting.get(key):
                return True
        time.sleep(0.01)
    return False


def test_coalesced_items_go_at_once_when_quiet_then_together_once_a_window():
    calls = []
    publish = recorder(calls)
    waited = []

    def hand(i):
        began = time.monotonic()
        events._coalesce("console", i, publish, 0.2)
        waited.append(time.monotonic() - began)

    threads = []
    for i in range(30):  # 30 commits in ~0.15 s, each in a thread of its own
        threads.append(threading.Thread(target=hand, args=(i,)))
        threads[-1].start()
        time.sleep(0.005)
    for t in threads:
        t.join()
    assert max(waited) < 0.1  # no committing thread waits out a window: the next publish is a timer's
    assert settled("console")
    assert calls[0][1] == [0]  # a quiet key's first item goes at once
    assert sorted(i for _, items in calls for i in items) == list(range(30))  # every item, once
    assert len(calls) <= 3  # ~0.15 s of items in windows of 0.2 s: a few publishes, not 30
    assert all(b[0] - a[0] >= 0.19 for a, b in zip(calls, calls[1:]))


def test_without_a_window_items_wait_only_for_the_publish_that_runs():
    calls = []
    publish = recorder(calls, pause=0.2)  # a slow publish (a busy database)
    first = threading.Thread(target=events._coalesce, args=("team", 0, publish))
    first.start()
    time.sleep(0.05)
    for i in range(1, 10):  # handed over while the first runs: they return at once
        began = time.monotonic()
        events._coalesce("team", i, publish)
        assert time.monotonic() - began < 0.1
    first.join()
    assert settled("team")
    assert [items for _, items in calls] == [[0], list(range(1, 10))]
    began = time.monotonic()
    events._coalesce("team", 10, publish)  # quiet again: at once
    assert calls[-1][1] == [10] and calls[-1][0] - began < 0.1


def test_each_item_is_published_at_once_when_nothing_runs():
    calls = []
    for i in range(3):
        events._coalesce("presence.9", i, calls.append)
    assert settled("presence.9")
    assert calls == [[0], [1], [2]]


@pytest.mark.django_db(transaction=True)
async def test_a_storm_of_presence_changes_is_a_few_events_with_every_change(lobby_session, facilitator,
                                                                            monkeypatch):
    from tests import factories

    await database_sync_to_async(factories.join_many)(lobby_session, 12)
    await database_sync_to_async(factories.start)(lobby_session, facilitator)
    # the round's opening packages reach the console (coalesced) before the storm: its numbers are presence's
    assert await database_sync_to_async(settled)(f"packages.session.{lobby_session.id}")
    sent = []
    monkeypatch.setattr(events, "_send", lambda group, message: sent.append((group, message)))
    monkeypatch.setattr(presence, "CONSOLE_PRESENCE_SECONDS", 1.0)
    people = await database_sync_to_async(lambda: list(lobby_session.participants.order_by("id")))()
    began = time.monotonic()
    await asyncio.gather(*(database_sync_to_async(connection_open, thread_sensitive=False)(
        participant_id=p.id, channel_name=f"storm-{p.id}") for p in people))
    # One person's socket drops and comes back: the events say where they are now.
    await database_sync_to_async(connection_close)(channel_name=f"storm-{people[0].id}")
    await database_sync_to_async(connection_open)(participant_id=people[0].id, channel_name="storm-again")
    changed_for = time.monotonic() - began

    def presence_events(prefix):
        return [m for g, m in sent if g.startswith(prefix) and m["type"] == "presence.changed"]

    def latest(frames, changes_of):
        state = {}
        for m in frames:
            for change in changes_of(m):
                state[change["participant_id"]] = change["connected"]
        return state

    everyone = {p.id: True for p in people}

    def console_state():
        return latest(presence_events("session."), lambda m: [c for t in m["teams"] for c in t["changes"]])

    assert await until(lambda: latest(presence_events("team."), lambda m: m["changes"]) == everyone
                       and console_state() == everyone)
    await asyncio.sleep(1.2)
    console = presence_events("session.")
    # 14 changes (12 connects, a drop, a return): the console hears the first at once, then one event
    # per window of 1 s, each with every change since, by team.
    assert 1 <= len(console) <= 2 + int(changed_for), [m["teams"] for m in console]
    seqs = [m["seq"] for m in console]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # numbered by the session's seq, in order
    teams = {p.team_id for p in await database_sync_to_async(
        lambda: list(lobby_session.participants.all()))()}
    for m in console:
        assert {t["team_id"] for t in m["teams"]} <= teams
        top = {k: m[k] for k in ("participant_id", "connected", "last_seen_at")}  # the last change, repeated
        assert top in next(t["changes"] for t in m["teams"] if t["team_id"] == m["team_id"])
    for team_id in teams:
        frames = [m for g, m in sent if g == f"team.{team_id}" and m["type"] == "presence.changed"]
        assert 1 <= len(frames) <= 6  # one per change at most, fewer when they come while one is sent
        seqs = [m["seq"] for m in frames]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
        for m in frames:  # the one-change shape repeats the last change
            assert {k: m[k] for k in ("participant_id", "connected", "last_seen_at")} == m["changes"][-1]


@pytest.fixture
def no_loop_of_its_own():
    """This test process as a Celery worker is: no event loop bound; the sender loop it starts is stopped after."""
    saved = events._loop, events._inbox, events._outboxes
    events._loop = events._inbox = None
    yield
    loop = events._loop
    if loop is not None and loop is not saved[0]:
        loop.call_soon_threadsafe(loop.stop)
    events._loop, events._inbox, events._outboxes = saved


def test_a_process_without_a_loop_sends_through_one_loop_of_its_own(monkeypatch, no_loop_of_its_own):
    """A Celery worker's sends (config/celery.py starts the loop before a task): handed over at once, not each
    run on a new loop of its own; concurrent across groups and in order within one, as in daphne."""
    layer = StuckLayer({"session.11"})
    monkeypatch.setattr(events, "get_channel_layer", lambda: layer)
    events.sender_loop_start()
    loop = events._loop
    assert loop is not None and loop.is_running()
    began = time.monotonic()
    for n in range(50):
        events._send("session.11", {"type": "x", "n": n})
        events._send("session.12", {"type": "x", "n": n})
    assert time.monotonic() - began < 0.5  # handed over: the stuck group's sends do not hold the caller
    events.sender_loop_start()  # a second task: the same loop
    assert events._loop is loop
    assert asyncio.run_coroutine_threadsafe(until(lambda: len(layer.sent) == 50), loop).result(10)
    assert [n for g, n in layer.sent if g == "session.12"] == list(range(50))
    loop.call_soon_threadsafe(layer.release.set)
    assert asyncio.run_coroutine_threadsafe(until(lambda: len(layer.sent) == 100), loop).result(10)
    assert [n for g, n in layer.sent if g == "session.11"] == list(range(50))


def test_only_a_worker_s_own_tasks_start_the_loop(no_loop_of_its_own, started_session, facilitator):
    """An eager task (the embedded default, the tests) runs inside a process whose loop the events use already."""
    from game.services import rounds

    assert rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=1) is True
    assert events._loop is None
