"""The team socket, end to end through the real ASGI stack (cookies, routing, channel layer)."""
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from classroom.i18n_text import render
from classroom.identity import cookie_name, sign_token
from config.asgi import application
from game.models import PackageVersion
from game.snapshots import team_snapshot
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def communicator(participant, code=None):
    code = code or participant.session.join_code
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if participant is not None:
        cookie = f"{cookie_name(code)}={sign_token(participant.rejoin_token)}"
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/play/{code}/", headers=headers)


async def connect(participant):
    comm = communicator(participant)
    connected, _ = await comm.connect()
    assert connected
    snapshot = await next_frame(comm)  # its own presence event may come first; the client drops it
    assert snapshot["type"] == "state"
    return comm, snapshot


async def next_frame(comm):
    """The next frame that is not a presence event."""
    while True:
        frame = await comm.receive_json_from(timeout=5)
        if frame["type"] != "presence.changed":
            return frame


async def drain(comm):
    """Everything already queued for this socket (presence events and the like)."""
    out = []
    while not await comm.receive_nothing(timeout=0.2):
        out.append(await comm.receive_json_from())
    return out


@pytest.fixture
def seated(started_session):
    from classroom.models import Participant

    return {role: Participant.objects.select_related("session").get(pk=factories.holder(started_session, role).pk)
            for role in ("director", "finance", "engineering", "hr")}


@pytest.mark.parametrize("cookie", ["forged:sig", None])
async def test_connect_without_a_valid_cookie_is_accepted_then_closed_with_4401(started_session, cookie):
    headers = [(b"origin", b"http://testserver")]
    if cookie:
        headers.append((b"cookie", f"{cookie_name(started_session.join_code)}={cookie}".encode()))
    comm = WebsocketCommunicator(application, f"/ws/play/{started_session.join_code}/", headers=headers)
    # Accepted first: a socket closed during the handshake reaches the browser as an HTTP 403, without the code.
    connected, _ = await comm.connect()
    assert connected
    assert await comm.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


async def test_snapshot_shows_team_role_round_and_package(seated):
    comm, snap = await connect(seated["hr"])
    assert snap["you"]["roles"] == ["hr"]
    assert len(snap["team"]["members"]) == 4
    assert snap["round"]["number"] == 1 and snap["round"]["state"] == "open"
    assert 0 < snap["round"]["remaining_seconds"] <= 600
    assert snap["package"]["version"] == 1
    stations = snap["plant"]["stations"]
    assert len(stations) == 5 and sum(s["bottleneck"] for s in stations) == 1 and not snap["plant"]["detail"]
    await comm.disconnect()


async def test_edit_is_acked_and_reaches_teammates_as_the_next_seq(seated):
    director, d_snap = await connect(seated["director"])
    hr, _ = await connect(seated["hr"])
    await drain(director)
    before = await database_sync_to_async(team_snapshot)(participant_id=seated["director"].id)
    await hr.send_json_to({"type": "package.edit", "id": "m1", "lever": "overtime_share", "value": 0.2,
                           "base_version": 1})
    frames = [await hr.receive_json_from(timeout=5) for _ in range(2)]
    ack = next(f for f in frames if f["type"] == "ack")
    assert ack["ref"] == "m1" and ack["package"]["version"] == 2
    event = await director.receive_json_from(timeout=5)
    assert event["type"] == "package.updated"
    assert event["seq"] == before["seq"] + 1
    # Old snapshot + event == fresh snapshot (Zulip's verify_action idea).
    before["package"], before["seq"] = event["package"], event["seq"]
    fresh = render(await database_sync_to_async(team_snapshot)(participant_id=seated["director"].id), "en")
    assert {k: before[k] for k in ("package", "seq")} == {k: fresh[k] for k in ("package", "seq")}
    await director.disconnect()
    await hr.disconnect()


@pytest.mark.parametrize("message, code", [
    ({"type": "package.edit", "id": "x1", "lever": "overtime_share", "value": 0.9, "base_version": 1}, "invalid_value"),
    ({"type": "package.edit", "id": "x2", "lever": "maintenance_budget", "value": 1.0, "base_version": 1},
     "not_your_lever"),
    ({"type": "package.edit", "lever": "overtime_share", "value": 0.1, "base_version": 1}, "invalid_message"),
    ({"type": "package.approve", "id": "x3", "version": 99}, "stale_version"),
    ({"type": "dance", "id": "x4"}, "unknown_type"),
])
async def test_bad_messages_get_an_error_frame_and_the_socket_stays_up(seated, message, code):
    hr, _ = await connect(seated["hr"])
    await hr.send_json_to(message)
    frame = await next_frame(hr)
    assert frame["type"] == "error" and frame["code"] == code and frame["message"]
    assert frame["ref"] == message.get("id")
    await hr.send_json_to({"type": "ping", "id": "p"})
    assert (await next_frame(hr))["type"] == "pong"
    assert await database_sync_to_async(PackageVersion.objects.count)() == 1
    await hr.disconnect()


async def test_invalid_json_gets_an_error_frame(seated):
    hr, _ = await connect(seated["hr"])
    await hr.send_to(text_data="{not json")
    assert (await next_frame(hr))["code"] == "invalid_json"
    await hr.send_to(text_data=json.dumps([1, 2]))
    assert (await next_frame(hr))["code"] == "invalid_message"
    await hr.disconnect()


async def test_other_teams_hear_nothing_of_my_edits(lobby_session, facilitator):
    await database_sync_to_async(factories.join_many)(lobby_session, 8)
    await database_sync_to_async(factories.start)(lobby_session, facilitator)
    team1, team2 = await database_sync_to_async(lambda: list(lobby_session.teams.order_by("number")))()
    hr1, hr2 = await database_sync_to_async(lambda: [
        t.seats.select_related("participant__session").get(role="hr").participant for t in (team1, team2)])()
    c1, _ = await connect(hr1)
    c2, snap2 = await connect(hr2)
    await drain(c2)
    await c1.send_json_to({"type": "package.edit", "id": "t1", "lever": "overtime_share", "value": 0.1,
                           "base_version": 1})
    await c1.receive_json_from(timeout=5)
    assert all(f["type"] == "presence.changed" for f in await drain(c2))
    assert snap2["team"]["id"] == team2.id
    await c1.disconnect()
    await c2.disconnect()


async def test_presence_is_broadcast_and_rejoin_restores_the_seat(seated):
    director, _ = await connect(seated["director"])
    hr, _ = await connect(seated["hr"])
    frames = await drain(director)
    assert any(f["type"] == "presence.changed" and f["participant_id"] == seated["hr"].id and f["connected"]
               for f in frames)
    await hr.disconnect()
    offline = await director.receive_json_from(timeout=5)
    assert offline["type"] == "presence.changed" and offline["connected"] is False
    again, snap = await connect(seated["hr"])  # a new connection: same seat, same package
    assert snap["you"]["id"] == seated["hr"].id and snap["you"]["roles"] == ["hr"]
    await again.disconnect()
    await director.disconnect()


async def test_chat_reaches_the_team_and_is_kept_for_rejoiners(seated):
    director, _ = await connect(seated["director"])
    hr, _ = await connect(seated["hr"])
    await drain(director)
    await hr.send_json_to({"type": "chat.send", "id": "c1", "text": "Overtime for one month only?"})
    event = await director.receive_json_from(timeout=5)
    assert event["type"] == "chat.message" and event["message"]["text"] == "Overtime for one month only?"
    _, snap = await connect(seated["finance"])
    assert [m["text"] for m in snap["chat"]] == ["Overtime for one month only?"]
    await hr.send_json_to({"type": "chat.send", "id": "c2", "text": "   "})
    frames = await drain(hr)
    assert any(f.get("code") == "invalid_message" for f in frames)
    await hr.disconnect()
    await director.disconnect()


async def test_embedded_ticker_closes_an_overdue_round_and_the_room_hears_it(seated, settings):
    from datetime import timedelta

    from django.utils import timezone

    from game.models import Round

    settings.ROUND_DEADLINE_SCHEDULER = "thread"
    hr, _ = await connect(seated["hr"])  # the first socket starts the ticker
    await database_sync_to_async(
        lambda: Round.objects.filter(number=1, session=seated["hr"].session)
        .update(deadline=timezone.now() - timedelta(seconds=1)))()
    frames = []
    for _ in range(40):
        if any(f["type"] == "round.results" for f in frames):
            break
        if not await hr.receive_nothing(timeout=0.25):
            frames.append(await hr.receive_json_from())
    result = next(f for f in frames if f["type"] == "round.results")["result"]
    assert result["round"] == 1 and result["aligned"] is False
    closed = await database_sync_to_async(Round.objects.get)(number=1, session=seated["hr"].session)
    assert closed.closed_by == "deadline"
    await hr.disconnect()


async def test_preview_answers_only_the_asker(seated):
    director, _ = await connect(seated["director"])
    hr, _ = await connect(seated["hr"])
    await drain(director)
    await hr.send_json_to({"type": "package.preview", "id": "pv", "version": 1})
    frames = []
    while not frames or frames[-1]["type"] != "preview":  # 200 sampled months: may take longer than a drain
        frame = await hr.receive_json_from(timeout=10)
        if frame["type"] != "presence.changed":
            frames.append(frame)
    assert frames[-1]["ref"] == "pv" and len(frames) == 1
    assert frames[-1]["preview"]["kpis"]["good_units"]["p50"] > 0
    rest = await drain(director)
    assert all(f["type"] == "presence.changed" for f in rest), rest
    await hr.disconnect()
    await director.disconnect()


async def test_a_burst_of_edits_reaches_teammates_in_order_without_gaps(seated):
    director, snap = await connect(seated["director"])
    hr, _ = await connect(seated["hr"])
    await drain(director)
    for i in range(12):
        await hr.send_json_to({"type": "package.edit", "id": f"b{i}", "lever": "overtime_share",
                               "value": 0.1 if i % 2 else 0.2, "base_version": 1 + i})
    updates = []
    while len(updates) < 12:
        frame = await director.receive_json_from(timeout=10)
        if frame["type"] == "package.updated":
            updates.append(frame)
    seqs = [f["seq"] for f in updates]
    assert seqs == list(range(seqs[0], seqs[0] + 12)), seqs
    assert [f["package"]["version"] for f in updates] == list(range(2, 14))
    await hr.disconnect()
    await director.disconnect()


async def test_news_edited_and_cancelled_in_play_reaches_the_room_and_matches_a_fresh_snapshot(seated, facilitator):
    """Snapshot + disruption events == a fresh snapshot (the room's `disruptions`)."""
    from game.services.disruptions import disruption_cancel, disruption_edit, disruption_inject

    spec = {"kind": "supplier_failure", "targets": [0], "start_day": 2, "duration_days": 10, "magnitude": 1.0}
    session_id = seated["hr"].session_id
    comm, snap = await connect(seated["hr"])
    await drain(comm)
    news = list(snap["disruptions"])
    made = await database_sync_to_async(disruption_inject)(session_id=session_id, user=facilitator, spec=spec)
    await database_sync_to_async(disruption_edit)(session_id=session_id, user=facilitator, disruption_id=made.id,
                                                  spec={**spec, "duration_days": 4})
    for kind in ("disruption.announced", "disruption.changed"):
        frame = await next_frame(comm)
        assert frame["type"] == kind and frame["disruption"]["id"] == made.id
        news = [d for d in news if d["id"] != made.id] + [frame["disruption"]]
    fresh = render(await database_sync_to_async(team_snapshot)(participant_id=seated["hr"].id), "en")
    assert fresh["disruptions"] == news and news[0]["duration_days"] == 4
    await database_sync_to_async(disruption_cancel)(session_id=session_id, user=facilitator, disruption_id=made.id)
    frame = await next_frame(comm)
    assert frame["type"] == "disruption.cancelled" and frame["id"] == made.id and frame["seq"] == fresh["seq"] + 1
    fresh = await database_sync_to_async(team_snapshot)(participant_id=seated["hr"].id)
    assert fresh["disruptions"] == [] and fresh["seq"] == frame["seq"]
    await comm.disconnect()


async def test_a_commitment_and_a_note_are_acked_told_to_the_team_and_match_a_fresh_snapshot(seated):
    director, _ = await connect(seated["director"])
    hr, _ = await connect(seated["hr"])
    await drain(director)
    await drain(hr)
    forecast = {"good_units": 9000, "cash": 1_000_000, "extra": None}
    await director.send_json_to({"type": "package.commit", "id": "c1", "forecast": forecast,
                                 "rationale": "Steady plan; we accept a slower month.", "base_version": 1})
    frames = [await next_frame(director) for _ in range(2)]
    ack = next(f for f in frames if f["type"] == "ack")
    assert ack["ref"] == "c1" and ack["package"]["version"] == 2 and ack["package"]["forecast"]["good_units"] == 9000
    event = await next_frame(hr)
    assert event["type"] == "package.updated" and [e["kind"] for e in event["log"]] == ["commit"]
    await hr.send_json_to({"type": "package.note", "id": "n1", "role": "hr", "text": "No overtime.", "base_version": 2})
    frames = [await next_frame(hr) for _ in range(2)]
    assert next(f for f in frames if f["type"] == "ack")["package"]["notes"] == {"hr": "No overtime."}
    # Not the director: refused at the field, nothing changes.
    await hr.send_json_to({"type": "package.commit", "id": "c2", "forecast": forecast, "rationale": "x",
                           "base_version": 3})
    error = await next_frame(hr)
    assert error["type"] == "error" and error["code"] == "not_your_decision" and error["field"] == "forecast"
    await hr.send_json_to({"type": "package.note", "id": "n2", "role": "finance", "text": "x", "base_version": 3})
    error = await next_frame(hr)
    assert error["code"] == "not_your_role" and error["field"] == "note"
    fresh = await database_sync_to_async(team_snapshot)(participant_id=seated["hr"].id)
    assert fresh["package"]["version"] == 3 and fresh["package"]["rationale"] == "Steady plan; we accept a slower month."
    assert fresh["commitment"]["good_units_max"] == 24_035 and [e["kind"] for e in fresh["log"]] == ["commit", "note"]
    await director.disconnect()
    await hr.disconnect()
