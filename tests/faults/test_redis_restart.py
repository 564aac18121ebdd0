"""Fault: Redis restarted in the middle of a session (it keeps nothing on disk, like the machine's).

A private redis-server (never the shared one) carries one daphne's channel layer, cache and Celery broker, and a
Celery worker's broker. A team's 8 sockets (4 people, 2 tabs each) see an edit; Redis is killed and started again
empty on the same port, at once or after 3 s away. Every socket must be closed with 4503 (not left open and deaf:
its groups died with Redis' memory), reconnect as socket.js does, get a snapshot holding the edit accepted before
the restart, and see a new edit live. A round deadline that falls after the restart still fires (its ETA task was
lost: the web process's ticker closes the round, and the worker, back on the broker, plays the month). While Redis
is away, requests that need it answer 503 at once and a task publish gives up within a second; after, they work
again without restarting anything.
"""
import asyncio
import importlib.util
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from classroom.consumer_base import CLOSE_LAYER_LOST
from classroom.identity import cookie_name, sign_token
from game.models import Round
from tests import factories
from tests.processes import ARTIFACTS, ROOT, CeleryWorker, free_port, services_env, wait_until

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.SERVICES_MODE, reason="needs PostgreSQL + Redis (set by `make test` when reachable)"),
    pytest.mark.django_db(transaction=True),
]

REDIS_SERVER = "/usr/bin/redis-server"
DOWN_SECONDS = 3.0  # how long Redis stays away in the second case: long enough for the checks made meanwhile
# socket.js reconnects after 0.5 s, 1 s, 2 s … (times 0.5-1.5); the test retries on the same steps, unjittered.
BACKOFF = (0.5, 1, 2, 4, 8)
TABS = 2


class PrivateRedis:
    """A redis-server of this test's own, on a free port, saving nothing (as the machine's keeps nothing)."""

    def __init__(self, workdir):
        self.port, self.workdir, self.proc = free_port(), workdir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.log = open(ARTIFACTS / f"redis-{self.port}.log", "a")
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)], stdout=self.log, stderr=subprocess.STDOUT)
        assert wait_until(self.answers, timeout=10), "private redis-server did not start"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture
def redis_box(tmp_path):
    if not Path(REDIS_SERVER).exists():
        pytest.skip(f"{REDIS_SERVER} is missing (Debian's redis-server)")
    ARTIFACTS.mkdir(exist_ok=True)
    box = PrivateRedis(tmp_path)
    box.start()
    yield box
    box.stop()


@pytest.fixture
def lab(redis_box):
    """One daphne and one Celery worker on the private Redis (and this run's database, queue and prefix)."""
    from tests.browser.conftest import LabServer

    env = services_env(REDIS_URL=redis_box.url)
    worker = CeleryWorker(env, "redis-restart").start()
    server = LabServer(env)
    server.start()
    yield server, worker
    server.stop()
    worker.stop()


def wsclient():
    spec = importlib.util.spec_from_file_location("bench_wsclient", ROOT / "bench" / "web" / "wsclient.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ws = wsclient()


class Seat:
    """One participant's socket, driven as socket.js drives it: read every frame as it comes (a reader task, so a
    timeout never cuts a frame in half), reconnect on close and take the snapshot."""

    def __init__(self, port, code, participant):
        self.port, self.code, self.id = port, code, participant.id
        self.cookie = f"{cookie_name(code)}={sign_token(participant.rejoin_token)}"
        self.sock = self.state = self.reader = None

    async def connect(self) -> int:
        """Connect until a `state` arrives, waiting between tries as socket.js does; returns the tries taken."""
        for tries, pause in enumerate(BACKOFF, start=1):
            try:
                await self.connect_once()
                return tries
            except (ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError, OSError):
                await asyncio.sleep(pause)
        raise AssertionError(f"participant {self.id} could not reconnect")

    async def connect_once(self) -> None:
        self.sock = await ws.WebSocket.connect("127.0.0.1", self.port, f"/ws/play/{self.code}/",
                                               headers={"Cookie": self.cookie}, timeout=10)
        self.frames, self.closed, self.close_code = asyncio.Queue(), asyncio.Event(), None
        self.reader = asyncio.ensure_future(self._read())
        self.state = await self.wait_for("state", timeout=10)

    async def _read(self) -> None:
        try:
            while True:
                self.frames.put_nowait(json.loads(await self.sock.recv()))
        except ws.WSClosed as closed:
            self.close_code = closed.args[0] if closed.args else 1005
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            self.close_code = 1006  # the connection ended without a close frame
        finally:
            self.closed_at = time.monotonic()
            self.closed.set()

    async def wait_for(self, kind, timeout=10.0, **match) -> dict:
        end = time.monotonic() + timeout
        while True:
            if self.closed.is_set() and self.frames.empty():
                raise ConnectionError(f"closed with {self.close_code} while waiting for {kind}")
            try:
                frame = await asyncio.wait_for(self.frames.get(), min(0.2, max(0.0, end - time.monotonic())))
            except asyncio.TimeoutError:
                if time.monotonic() >= end:
                    raise asyncio.TimeoutError(f"no {kind} {match or ''} within {timeout} s") from None
                continue
            if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def edit(self, lever, value, msg_id) -> dict:
        self.sock.send_json({"type": "package.edit", "id": msg_id, "lever": lever, "value": value,
                             "base_version": package_of(self.state)["version"]})
        await self.sock.writer.drain()
        return await self.wait_for("ack", ref=msg_id)

    async def refused_while_down(self) -> str:
        """What a reconnect meets while Redis is away: it must end at once (no `state`, no hang)."""
        began = time.monotonic()
        try:
            await self.connect_once()
            outcome = "a state frame"
        except (ConnectionError, asyncio.IncompleteReadError, OSError) as error:
            outcome = f"{type(error).__name__}: {str(error)[:70]}"
        took = time.monotonic() - began
        assert took < 5 and outcome != "a state frame", (outcome, took)
        return f"{outcome} after {took:.2f} s"

    async def closed_within(self, timeout) -> int | None:
        """The close code once the server has closed the socket, waiting up to `timeout`; None: still open."""
        try:
            await asyncio.wait_for(asyncio.shield(self.closed.wait()), max(0.0, timeout))
        except asyncio.TimeoutError:
            return None
        return self.close_code

    async def close(self) -> None:
        await self.sock.close()
        if self.reader:
            self.reader.cancel()


def package_of(state) -> dict:
    return state["package"]


def http_get(url, timeout=15.0):
    """Status, seconds taken and JSON body (or None)."""
    began = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        body = json.loads(body)
    except ValueError:
        body = None
    return status, time.monotonic() - began, body


@pytest.fixture
def team(lobby_session, facilitator):
    factories.join_many(lobby_session, 4)
    session = factories.start(lobby_session, facilitator)
    return session, [factories.holder(session, role) for role in ("hr", "engineering", "finance", "director")]


@pytest.mark.asyncio
@pytest.mark.parametrize("down", [0.0, DOWN_SECONDS], ids=["restarted-at-once", "away-3s"])
async def test_a_redis_restart_loses_nothing_accepted_and_the_deadline_still_fires(redis_box, lab, team, down):
    server, worker = lab
    session, members = team
    round1 = await database_sync_to_async(factories.open_round)(session)
    code = session.join_code
    projector = f"{server.url}/projector/{code}/state.json"
    # Every member with the room open twice (a laptop and a phone): 8 sockets on the one process.
    seats = [Seat(server.port, code, person) for person in members for _ in range(TABS)]
    a, b = seats[0], seats[TABS]  # HR edits, the engineer watches
    for seat in seats:
        await seat.connect()
    version = package_of(a.state)["version"]

    # Before: an edit is acknowledged and the teammate sees it live.
    ack = await a.edit("overtime_share", 0.1, "before-restart")
    assert ack["package"]["levers"]["overtime_share"] == 0.1
    seen = await b.wait_for("package.updated")
    assert seen["package"]["version"] == ack["package"]["version"] > version

    # The deadline falls after the restart; its ETA task goes to the worker through the private broker, which
    # the restart empties.
    due = timezone.now() + timedelta(seconds=DOWN_SECONDS + 6)
    await database_sync_to_async(lambda: Round.objects.filter(pk=round1.pk).update(deadline=due))()
    await database_sync_to_async(schedule_eta_on)(redis_box.url, round1.id, due)
    await asyncio.sleep(0.5)

    # Redis goes away; during the outage an HTTP path that needs the cache answers instead of hanging.
    redis_box.proc.kill()
    redis_box.proc.wait(timeout=10)
    killed = time.monotonic()
    codes = dict.fromkeys(range(len(seats)))
    if down:
        for i, seat in enumerate(seats):
            codes[i] = await seat.closed_within(max(0.1, 0.5 - (time.monotonic() - killed)))
        status, took, body = await asyncio.to_thread(http_get, projector)
        print(f"\n  during the outage: projector state.json answered {status} in {took:.2f} s")
        assert took < 5, "a request that needs the cache hung while Redis was down"
        assert status == 503 and body["error"]["code"] == "service_unavailable"
        status, took, _ = await asyncio.to_thread(http_get, f"{server.url}/join/{code}/")
        print(f"  during the outage: the join page answered {status} in {took:.2f} s")
        assert status == 503 and took < 5
        took, error = await database_sync_to_async(publish_timed)(redis_box.url, round1.id)
        print(f"  during the outage: a Celery publish gave up in {took:.2f} s ({error})")
        assert error and took < 10, "publishing a task hung while Redis was down"
        refused = await Seat(server.port, code, members[0]).refused_while_down()
        print(f"  during the outage: a socket trying to connect got {refused}")
        await asyncio.sleep(max(0.0, down - (time.monotonic() - killed)))
    redis_box.start()
    restarted = time.monotonic()
    assert timezone.now() < due, "the deadline must fall after the restart"
    worker_back = asyncio.ensure_future(asyncio.wait_for(reconnected_worker(worker, restarted), 30))
    print(f"\n  Redis down {restarted - killed:.1f} s; close codes seen while it was down: {codes}")

    # After: every socket is closed (told) soon enough, or it was left open and deaf.
    for i, seat in enumerate(seats):
        if codes[i] is None:
            codes[i] = await seat.closed_within(15)
    told = max(seat.closed_at for seat in seats if seat.closed.is_set()) - killed
    print(f"  close codes after the restart: {codes} (the last socket told {told:.2f} s after the kill)")
    assert set(codes.values()) == {CLOSE_LAYER_LOST}, f"a socket stayed open (None) after Redis restarted: {codes}"

    # The client reconnects as socket.js does and resyncs from the snapshot: the edit accepted before is there.
    tries = [await seat.connect() for seat in seats]
    reconnected = time.monotonic() - restarted
    print(f"  sockets reconnected {reconnected:.1f} s after the restart ({tries} tries)")
    assert all(package_of(seat.state)["levers"]["overtime_share"] == 0.1 for seat in seats)

    # A new edit reaches the teammate live: the groups are in the new Redis.
    ack = await a.edit("overtime_share", 0.2, "after-restart")
    seen = await b.wait_for("package.updated", timeout=10)
    assert seen["package"]["version"] == ack["package"]["version"]
    assert seen["package"]["levers"]["overtime_share"] == 0.2

    # HTTP paths that need Redis work again without restarting anything.
    assert (await asyncio.to_thread(http_get, projector))[0] == 200
    assert (await asyncio.to_thread(http_get, f"{server.url}/join/{code}/"))[0] == 200

    # The deadline still fires and the worker, back on the broker, plays the month.
    closed = await database_sync_to_async(wait_until)(
        lambda: Round.objects.get(pk=round1.pk).state == Round.State.CLOSED, 30, 0.25)
    fired = await database_sync_to_async(Round.objects.get)(pk=round1.pk)
    after_due = (fired.closed_at - due).total_seconds() if fired.closed_at else None
    print(f"  round {fired.state} ({fired.closed_by}) {time.monotonic() - restarted:.1f} s after the restart, "
          f"closing began {after_due} s after its deadline")
    assert worker.proc.poll() is None, f"the worker died when the broker went away: see {worker.log_path}"
    print(f"  the worker was back on the broker {await worker_back:.1f} s after the restart")
    assert closed, f"the round never closed: {fired.state}; see {worker.log_path}"
    assert fired.closed_by == Round.ClosedBy.DEADLINE
    results = await b.wait_for("round.results", timeout=15)
    assert results["result"]["round"] == 1
    for seat in seats:
        await seat.close()


async def reconnected_worker(worker, since) -> float:
    """Seconds from `since` until the worker's log says it connected to the broker a second time."""
    while worker.log_path.read_text().count("Connected to") < 2:
        await asyncio.sleep(0.1)
    return time.monotonic() - since


def publish_timed(url, round_id):
    """How long a task publish takes to give up on a broker that is away, and what it raised (the web process
    publishes the same way when a round closes). The task itself would do nothing: its round is not due."""
    began, error = time.monotonic(), None
    try:
        schedule_eta_on(url, round_id, timezone.now())
    except Exception as exc:  # kombu's OperationalError, redis' ConnectionError: whatever the client raises
        error = type(exc).__name__
    return time.monotonic() - began, error


def schedule_eta_on(url, round_id, due):
    """Send the round's deadline task to the private broker, as deadline_schedule does in the web process."""
    from config.celery import app
    from game.tasks import round_deadline_task

    eager, app.conf.task_always_eager = app.conf.task_always_eager, False  # the test settings run tasks in-process
    try:
        with app.connection_for_write(url) as conn:
            round_deadline_task.apply_async((round_id,), eta=due, connection=conn,
                                            queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    finally:
        app.conf.task_always_eager = eager
