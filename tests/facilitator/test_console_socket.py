import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from classroom.i18n_text import render
from config.asgi import application
from game.services.packages import package_edit
from game.snapshots import session_snapshot
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def login_cookie(user) -> bytes:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}".encode()


async def console_socket(session, user):
    headers = [(b"origin", b"http://testserver")]
    if user is not None:
        headers.append((b"cookie", await database_sync_to_async(login_cookie)(user)))
    return WebsocketCommunicator(application, f"/ws/console/{session.id}/", headers=headers)


async def test_console_sees_every_team_live(started_session, facilitator):
    comm = await console_socket(started_session, facilitator)
    connected, _ = await comm.connect()
    assert connected
    snap = await comm.receive_json_from(timeout=5)
    assert snap["type"] == "state" and len(snap["teams"]) == 1 and snap["round"]["number"] == 1
    hr = await database_sync_to_async(factories.holder)(started_session, "hr")
    await database_sync_to_async(package_edit)(participant_id=hr.id, lever="overtime_share", value=0.1,
                                               base_version=1, client_msg_id="e")
    event = await comm.receive_json_from(timeout=5)  # within the console's coalescing window (0.25 s)
    team_id = snap["teams"][0]["id"]
    assert event["type"] == "packages.changed" and event["seq"] == snap["seq"] + 1
    assert event["teams"] == [{"team_id": team_id, "package": {"version": 2, "aligned": False, "approvals": {}}}]
    # An edit leaves the team's console counter alone; the summary matches the snapshot's package.
    fresh = await database_sync_to_async(session_snapshot)(session_id=started_session.id)
    assert fresh["seq"] == event["seq"] and fresh["teams"][0]["console_seq"] == snap["teams"][0]["console_seq"]
    package = fresh["teams"][0]["package"]
    assert {k: package[k] for k in ("version", "aligned", "approvals")} == event["teams"][0]["package"]
    await comm.disconnect()


@pytest.mark.parametrize("who, code", [("anonymous", 4401), ("other", 4403)])
async def test_console_socket_refuses_others_with_a_code_the_browser_sees(started_session, who, code):
    user = None if who == "anonymous" else await database_sync_to_async(factories.make_facilitator)()
    comm = await console_socket(started_session, user)
    # Accepted, then closed: a socket closed during the handshake reaches the browser as an HTTP 403.
    connected, _ = await comm.connect()
    assert connected
    assert await comm.receive_output(timeout=5) == {"type": "websocket.close", "code": code}


async def test_console_answers_its_ping_and_refuses_other_frames_without_closing(started_session, facilitator):
    comm = await console_socket(started_session, facilitator)
    assert (await comm.connect())[0]
    assert (await comm.receive_json_from(timeout=5))["type"] == "state"
    await comm.send_json_to({"type": "ping", "id": "k1"})
    assert await comm.receive_json_from(timeout=5) == {"type": "pong", "ref": "k1"}
    await comm.send_json_to({"type": "start", "id": "k2"})
    frame = await comm.receive_json_from(timeout=5)
    assert frame["type"] == "error" and frame["code"] == "unknown_type" and frame["ref"] == "k2"
    await comm.send_to(text_data="[" * 5000 + "]" * 5000)
    assert (await comm.receive_json_from(timeout=5))["code"] == "invalid_json"
    await comm.send_json_to({"type": "resync"})
    assert (await comm.receive_json_from(timeout=5))["type"] == "state"
    await comm.disconnect()


async def test_console_hears_scheduled_edited_and_cancelled_disruptions(started_session, facilitator):
    """Snapshot + events == a fresh snapshot, for the console's list of disruptions."""
    from game.services.disruptions import disruption_cancel, disruption_edit, disruption_schedule

    spec = {"kind": "machine_breakdown", "targets": [], "start_day": 3, "duration_days": 2, "magnitude": 1.0}
    comm = await console_socket(started_session, facilitator)
    assert (await comm.connect())[0]
    snap = await comm.receive_json_from(timeout=5)
    listed = list(snap["disruptions"])
    made = await database_sync_to_async(disruption_schedule)(session_id=started_session.id, user=facilitator,
                                                             spec=spec, round_number=2)
    event = await comm.receive_json_from(timeout=5)
    assert event["type"] == "disruption.injected" and event["seq"] == snap["seq"] + 1
    assert (event["disruption"]["id"], event["disruption"]["round"], event["disruption"]["state"]) == (
        made.id, 2, "scheduled")
    listed.append(event["disruption"])
    await database_sync_to_async(disruption_edit)(session_id=started_session.id, user=facilitator,
                                                  disruption_id=made.id, spec={**spec, "magnitude": 0.5})
    await database_sync_to_async(disruption_cancel)(session_id=started_session.id, user=facilitator,
                                                    disruption_id=made.id)
    for expected in ({"magnitude": 0.5, "state": "scheduled"}, {"magnitude": 0.5, "state": "cancelled"}):
        event = await comm.receive_json_from(timeout=5)
        assert event["type"] == "disruption.changed"
        assert {k: event["disruption"][k] for k in expected} == expected
        listed = [event["disruption"] if d["id"] == made.id else d for d in listed]
    fresh = render(await database_sync_to_async(session_snapshot)(session_id=started_session.id), "en")
    assert fresh["disruptions"] == listed
    await comm.disconnect()
