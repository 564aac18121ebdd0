"""Every frame the team socket can receive gets exactly one answer, the socket stays open, and an
invalid frame changes nothing: the regressions first, then hypothesis over arbitrary JSON (huge
numbers, deep nesting, every code point including NUL and lone surrogates, random types per field)
through the real ASGI stack (cookies, routing, channel layer, services, database)."""
import asyncio
import json
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, event, given, settings, strategies as st

from classroom.models import LedgerEntry
from classroom.identity import cookie_name, sign_token
from config.asgi import application
from game import engine
from game.models import Approval, PackageVersion
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

REPLIES = {"ack", "error", "pong", "preview", "state"}
TYPES = ["package.edit", "package.approve", "package.preview", "chat.send", "resync", "ping"]
DEEP = 5_000  # past Python's recursion limit, inside the frame size limit


def _team_state(team_id: int):
    """What an invalid frame must leave alone: the team's package versions, approvals and ledger."""
    versions = list(PackageVersion.objects.filter(team_id=team_id).order_by("id").values_list("id", "levers"))
    return (versions, Approval.objects.filter(package_version__team_id=team_id).count(),
            LedgerEntry.objects.filter(team_id=team_id).count())


def communicator(participant):
    code = participant.session.join_code
    cookie = f"{cookie_name(code)}={sign_token(participant.rejoin_token)}"
    return WebsocketCommunicator(application, f"/ws/play/{code}/", headers=[
        (b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie.encode())])


class Probe:
    """One open team socket on its own event loop, driven from synchronous hypothesis examples."""

    def __init__(self, participant):
        self.participant = participant
        self.loop = asyncio.new_event_loop()
        self.comm = communicator(participant)
        connected, _ = self.run(self.comm.connect())
        assert connected
        while (first := self.run(self.comm.receive_json_from(timeout=5)))["type"] == "presence.changed":
            pass
        assert first["type"] == "state"

    def run(self, coro):
        return self.loop.run_until_complete(coro)

    def state(self):
        return self.run(database_sync_to_async(_team_state)(self.participant.team_id))

    async def _exchange(self, text: str) -> list[dict]:
        """Send a frame, then a ping: the answers in between are the frame's (the consumer handles one
        frame at a time), events aside. The ping's pong also proves the socket is still open."""
        sentinel = f"sentinel-{uuid.uuid4()}"
        # send_input, not send_to: an empty text frame and a binary frame are frames too.
        await self.comm.send_input({"type": "websocket.receive", **({"bytes": text} if isinstance(text, bytes)
                                                                    else {"text": text})})
        await self.comm.send_json_to({"type": "ping", "id": sentinel})
        replies = []
        while True:
            frame = await self.comm.receive_json_from(timeout=30)
            assert isinstance(frame, dict) and "type" in frame, frame
            if frame["type"] == "pong" and frame.get("ref") == sentinel:
                return replies
            if frame["type"] in REPLIES:
                replies.append(frame)
            else:  # an event a valid frame caused (package.updated, chat.message, presence.changed)
                assert "seq" in frame, frame

    def answer(self, text: str) -> dict:
        before = self.state()
        replies = self.run(self._exchange(text))
        assert len(replies) == 1, (text[:300], replies)
        reply = replies[0]
        if reply["type"] == "error":
            # A clean domain error, never the catch-all: the catch-all is a safety net, not an answer.
            assert reply["code"] != "internal_error", (text[:300], reply)
            assert isinstance(reply["message"], str) and reply["message"]
            assert reply["ref"] is None or isinstance(reply["ref"], str)
        if reply["type"] != "ack":
            assert self.state() == before, (text[:300], reply)
        return reply

    def close(self):
        self.run(self.comm.disconnect())
        tasks = asyncio.all_tasks(self.loop)  # the event outbox's drain task (classroom.events) and the like
        for task in tasks:
            task.cancel()
        self.run(asyncio.gather(*tasks, return_exceptions=True))
        self.run(self.loop.shutdown_default_executor())
        self.loop.close()


@pytest.fixture
def probe(started_session, request):
    """The socket of the holder of one role (hr unless the test is parametrized with another)."""
    from classroom.models import Participant

    role = getattr(request, "param", "hr")
    person = Participant.objects.select_related("session").get(pk=factories.holder(started_session, role).pk)
    p = Probe(person)
    yield p
    p.close()


def edit(value: str, lever: str = "overtime_share") -> str:
    """A package.edit frame with `value` spliced in as raw JSON text."""
    return '{"type": "package.edit", "id": "e1", "lever": "%s", "value": %s, "base_version": 1}' % (lever, value)


HUGE = "1" + "0" * 400  # 10**400: a valid JSON number, far beyond a float


@pytest.mark.parametrize("text, code", [
    (edit(HUGE), "invalid_value"),
    (edit("-" + HUGE), "invalid_value"),
    (edit(HUGE, "training_hours"), "invalid_value"),
    (edit("1" + "0" * 5000), "invalid_json"),  # past Python's 4300-digit limit for int()
    (edit("NaN"), "invalid_json"),
    (edit("Infinity"), "invalid_json"),
    (edit("[" * DEEP + "]" * DEEP, "projects"), "invalid_json"),
    (edit("[" * 40 + "]" * 40, "projects"), "invalid_json"),
    ('{"type": "chat.send", "id": "c1", "text": ' + "[" * DEEP + "]" * DEEP + "}", "invalid_json"),
    ("[" * 200_000, "invalid_json"),  # past the frame size limit
    ('{"type": "chat.send", "id": "c1", "text": "a\\u0000b"}', "invalid_message"),
    ('{"type": "chat.send", "id": "c1", "text": "lone \\ud800 surrogate"}', "invalid_message"),
    ('{"type": "chat.send", "id": "c1", "text": "\\udfff"}', "invalid_message"),
    ('{"type": "chat.send", "id": "c\\u0000", "text": "hello"}', "invalid_message"),
    ('{"type": "chat.send", "id": "\\udc00", "text": "hello"}', "invalid_message"),
    ('{"type": "package.approve", "id": "\\ud800", "version": 1}', "invalid_message"),
    ('{"type": "package.edit", "id": "a\\u0000", "lever": "overtime_share", "value": 0.1, "base_version": 1}',
     "invalid_message"),
    (json.dumps({"type": "package.approve", "id": "v1", "version": 10 ** 400}), "stale_version"),
    (json.dumps({"type": "package.edit", "id": "v2", "lever": "overtime_share", "value": 0.1,
                 "base_version": 10 ** 400}), "invalid_message"),
    ("", "invalid_json"),
    ("\x00", "invalid_json"),
    (b'{"type": "ping", "id": "p"}', "invalid_json"),  # a binary frame
])
def test_a_hostile_frame_gets_an_error_frame_and_changes_nothing(probe, text, code):
    reply = probe.answer(text)
    assert reply["type"] == "error" and reply["code"] == code, reply


@pytest.mark.parametrize("probe", ["engineering"], indirect=True)
def test_a_huge_number_in_a_lever_list_is_out_of_range(probe):
    reply = probe.answer(edit(f"[{HUGE}, 1, 1, 1, 1]", "pm_hours"))
    assert reply["code"] == "invalid_value" and "between 0 and 120" in reply["message"], reply


def test_a_valid_chat_with_astral_characters_is_kept(probe):
    assert probe.answer(json.dumps({"type": "chat.send", "id": "ok1", "text": "Overtime 🙂 \U0010FFFF"}))["type"] == "ack"
    assert probe.answer(json.dumps({"type": "chat.send", "id": "ok2", "text": "crème ✓"}, ensure_ascii=False))["type"] == "ack"


def test_an_unexpected_exception_becomes_an_internal_error_frame(probe, monkeypatch, caplog):
    import game.consumers

    def boom(**kwargs):
        raise RuntimeError("a bug in a service")

    monkeypatch.setattr(game.consumers, "chat_send", boom)
    before = probe.state()
    replies = probe.run(probe._exchange(json.dumps({"type": "chat.send", "id": "b1", "text": "hi"})))
    assert [(r["type"], r["code"], r["ref"]) for r in replies] == [("error", "internal_error", "b1")]
    assert probe.state() == before
    assert any("a bug in a service" in r.getMessage() or (r.exc_info and "a bug in a service" in str(r.exc_info[1]))
               for r in caplog.records)


# --- hypothesis: arbitrary JSON through the socket ---------------------------------------------

# Every code point, surrogates and NUL included (st.characters leaves surrogates out by default).
any_char = st.one_of(st.characters(), st.integers(0, 0x10FFFF).map(chr), st.sampled_from("\x00\ud800\udfff\ufffe"))
any_text = st.one_of(st.text(st.characters(), max_size=40), st.text(any_char, max_size=40),
                     st.text(st.characters(), min_size=490, max_size=520))
any_int = st.integers() | st.integers(-(10 ** 600), 10 ** 600) | st.sampled_from(
    [0, 1, -1, 2 ** 31, 2 ** 63, 2 ** 64, 2 ** 1024, 10 ** 400, -(10 ** 400)])
scalars = st.none() | st.booleans() | any_int | st.floats() | any_text
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=6) | st.dictionaries(any_text, inner, max_size=6),
                           max_leaves=20)

def sometimes_wrong(valid):
    """Mostly a well-formed field (so frames reach the services' deeper checks), sometimes any JSON at all."""
    return st.one_of(valid, valid, json_values)


hr_levers = [name for name, spec in engine.LEVERS.items() if spec.role == "hr"]
lever_values = st.one_of(
    st.integers(0, 30), st.floats(0, 1), st.floats(-10, 40_000), st.integers(-5, 40_000), any_int, st.floats(allow_nan=False),
    st.sampled_from([c for spec in engine.LEVERS.values() for c in spec.choices or ()]),
    st.lists(st.integers(-5, 130), min_size=5, max_size=5), st.lists(st.sampled_from(engine.LEVERS["projects"].choices), max_size=3),
)
ids = sometimes_wrong(st.uuids().map(str) | st.text(st.characters(), min_size=1, max_size=64)
                      | st.text(any_char, min_size=1, max_size=64))
versions = sometimes_wrong(st.integers(0, 6))
optional = {"extra": json_values}
messages = st.one_of(
    st.fixed_dictionaries({"type": st.just("package.edit"), "id": ids,
                           "lever": sometimes_wrong(st.sampled_from(hr_levers) | st.sampled_from(list(engine.LEVERS))),
                           "value": sometimes_wrong(lever_values), "base_version": versions}, optional=optional),
    st.fixed_dictionaries({"type": st.just("package.approve"), "id": ids, "version": versions}, optional=optional),
    st.fixed_dictionaries({"type": st.just("chat.send"), "id": ids, "text": sometimes_wrong(any_text)}, optional=optional),
    st.fixed_dictionaries({"type": st.just("package.preview"), "id": ids, "version": versions}, optional=optional),
    st.fixed_dictionaries({"type": st.sampled_from(["resync", "ping"])}, optional={"id": ids, **optional}),
    # Any type, any fields: each field of each message with a value of any type, or missing.
    st.fixed_dictionaries({"type": st.sampled_from(TYPES) | json_values}, optional={
        "id": json_values, "lever": json_values, "value": json_values, "base_version": json_values,
        "version": json_values, "text": json_values}),
)


def _dumps(value, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)  # NaN and Infinity come out as non-JSON words


deep_text = st.integers(1, DEEP).map(lambda n: edit("[" * n + "]" * n, "projects"))
raw_text = st.text(any_char, max_size=60) | st.sampled_from(["{", "[1,", '{"type": "ping"', "null", "true", "12", '"x"'])
message_frames = st.builds(_dumps, messages, st.booleans())
other_frames = [st.builds(_dumps, json_values, st.booleans()), deep_text, raw_text]
# Seven in ten frames are messages of a known type, so most reach the services.
frames = st.integers(0, 9).flatmap(lambda k: message_frames if k < 7 else other_frames[k - 7])


@settings(max_examples=500, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=frames)
def test_any_frame_gets_exactly_one_answer_and_an_invalid_one_changes_nothing(probe, text):
    reply = probe.answer(text)
    event(f"{reply['type']} {reply.get('code', '')}".strip())  # --hypothesis-show-statistics: what was reached
