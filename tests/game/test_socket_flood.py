"""A socket that floods: each socket may send LAB_SOCKET_BURST frames at once and LAB_SOCKET_FRAMES_PER_SECOND
sustained; past that it gets one `too_fast` error frame in words and its frames are ignored, and if it keeps
on it is closed with 4429 (docs/protocol.md)."""
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from classroom.consumer_base import CLOSE_TOO_FAST, FrameBudget
from classroom.identity import cookie_name, sign_token
from config.asgi import application
from tests import factories


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_budget_allows_a_burst_then_the_sustained_rate():
    clock = FakeClock()
    budget = FrameBudget(per_second=20, burst=40, clock=clock)
    assert all(budget.take() for _ in range(40))
    assert not budget.take() and budget.refused == 1
    for second in range(1, 31):  # 30 s at exactly 20 frames a second: every one taken
        clock.now = second
        assert all(budget.take() for _ in range(20)), second
        assert not budget.take()
    clock.now = 100.0  # idle: the burst comes back, never more
    assert sum(budget.take() for _ in range(60)) == 40


def test_a_person_clicking_fast_stays_far_inside_it():
    clock = FakeClock()
    budget = FrameBudget(per_second=20, burst=40, clock=clock)
    for i in range(600):  # 5 clicks a second and a ping every 10 s, for two minutes
        clock.now = i / 5
        assert budget.take()


@pytest.fixture
def shipped_budget(settings, monkeypatch):
    """The shipped limits, with the budget's clock held still: on a busy machine handling 41 frames can take
    longer than the 50 ms in which the bucket earns a frame back, and the 41st would then be allowed."""
    settings.LAB_SOCKET_FRAMES_PER_SECOND = 20
    settings.LAB_SOCKET_BURST = 40
    from classroom import consumer_base

    monkeypatch.setattr(consumer_base, "frame_clock", lambda: 0.0)


async def team_socket(person, code):
    cookie = f"{cookie_name(code)}={sign_token(person.rejoin_token)}"
    comm = WebsocketCommunicator(application, f"/ws/play/{code}/", headers=[
        (b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie.encode())])
    connected, _ = await comm.connect()
    assert connected
    return comm


async def frames_until(comm, predicate, timeout=10):
    seen = []
    while True:
        frame = await comm.receive_output(timeout=timeout)
        seen.append(frame)
        if predicate(frame):
            return seen


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_flooding_socket_is_told_then_closed_with_4429(shipped_budget, started_session):
    person = await database_sync_to_async(factories.holder)(started_session, "hr")
    comm = await team_socket(person, started_session.join_code)
    # All at once, as a script would: 40 pings are answered, the 41st gets `too_fast` in words.
    for i in range(41):
        await comm.send_json_to({"type": "ping", "id": f"p{i}"})
    import json

    out = await frames_until(comm, lambda m: m["type"] == "websocket.send" and '"too_fast"' in m.get("text", ""))
    frames = [json.loads(m["text"]) for m in out if m["type"] == "websocket.send"]
    assert sum(1 for f in frames if f["type"] == "pong") == 40
    error = frames[-1]
    assert error["type"] == "error" and error["code"] == "too_fast"
    assert "Too many messages too fast" in error["message"] and "20 a second" in error["message"]
    # It goes on: one burst more and the socket is closed politely with 4429.
    for i in range(41):
        await comm.send_json_to({"type": "ping", "id": f"q{i}"})
    out = await frames_until(comm, lambda m: m["type"] == "websocket.close")
    assert out[-1]["code"] == CLOSE_TOO_FAST == 4429
    assert not any(m["type"] == "websocket.send" and '"pong"' in m.get("text", "") for m in out)  # ignored


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_each_socket_has_its_own_budget(shipped_budget, started_session):
    person = await database_sync_to_async(factories.holder)(started_session, "hr")
    flooding = await team_socket(person, started_session.join_code)
    calm = await team_socket(person, started_session.join_code)
    for i in range(45):
        await flooding.send_json_to({"type": "ping", "id": f"f{i}"})
    await frames_until(flooding, lambda m: '"too_fast"' in m.get("text", ""))
    await calm.send_json_to({"type": "ping", "id": "calm"})
    await frames_until(calm, lambda m: '"calm"' in m.get("text", "") and '"pong"' in m.get("text", ""))
    await flooding.disconnect()
    await calm.disconnect()
