import json

import pytest
from django.utils.html import escape
from django.urls import reverse

from classroom.models import Session
from game.models import Round
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def console(client, facilitator):
    client.force_login(facilitator)
    return client


def command(client, session, action, body=None):
    return client.post(f"/console/s/{session.id}/{action}/", data=json.dumps(body or {}),
                       content_type="application/json")


def test_console_needs_login(client, lobby_session):
    for url in ("/console/", f"/console/s/{lobby_session.id}/", f"/console/s/{lobby_session.id}/qr.svg"):
        response = client.get(url)
        assert response.status_code == 302 and "/console/login/" in response["Location"]


def test_create_session_and_see_code_and_qr(console):
    response = console.post(reverse("session-new"), {"name": "Cohort 3", "scenario_name": "demo", "rounds": "2",
                                                     "minutes_per_round": "5", "seed": "11"})
    session = Session.objects.get(name="Cohort 3")
    assert response.status_code == 302 and response["Location"] == f"/console/s/{session.id}/"
    page = console.get(response["Location"]).content.decode()
    assert session.join_code in page and f"/join/{session.join_code}/" in page
    qr = console.get(f"/console/s/{session.id}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_console_shows_the_scenario_library_with_teaching_notes(console):
    from game.engine import load_scenario, scenario_names
    page = console.get("/console/").content.decode()
    for name in scenario_names():
        sc = load_scenario(name)
        assert f'data-scenario="{name}"' in page
        for text in (sc.teaching_note[k] for k in ("about", "trap", "strong_team")):
            assert escape(text) in page, (name, text[:40])


def test_create_session_with_bad_input_shows_the_error(console):
    response = console.post(reverse("session-new"), {"name": "X", "scenario_name": "demo", "rounds": "0",
                                                     "minutes_per_round": "5", "seed": "1"})
    assert response.status_code == 400
    assert "rounds must be a whole number between 1 and 24" in response.content.decode()
    assert not Session.objects.exists()


def test_commands_run_the_session(console, lobby_session):
    assert command(console, lobby_session, "start").json()["error"]["code"] == "no_participants"
    factories.join_many(lobby_session, 4)
    assert command(console, lobby_session, "start").json() == {"ok": True}
    assert command(console, lobby_session, "pause").json() == {"ok": True}
    assert command(console, lobby_session, "extend", {"minutes": 2}).json() == {"ok": True}
    assert command(console, lobby_session, "resume").json() == {"ok": True}
    assert command(console, lobby_session, "advance", {"round": 1}).json() == {"ok": True}
    assert lobby_session.round_set.get(number=1).state == Round.State.CLOSED
    assert lobby_session.round_set.get(number=2).state == Round.State.OPEN


@pytest.mark.parametrize("action, body, status, code", [
    ("explode", {}, 404, "unknown_command"),
    ("extend", {"minutes": "lots"}, 400, "invalid_value"),
    ("advance", {}, 400, "invalid_value"),
    ("advance", {"round": 2}, 400, "round_already_closed"),
])
def test_bad_commands_get_clear_errors(console, started_session, action, body, status, code):
    response = command(console, started_session, action, body)
    assert response.status_code == status and response.json()["error"]["code"] == code


def test_invalid_json_body_is_refused(console, started_session):
    response = console.post(f"/console/s/{started_session.id}/pause/", data="{nope",
                            content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"
    assert factories.open_round(started_session).state == Round.State.OPEN


def test_another_facilitator_cannot_see_or_run_my_session(client, started_session):
    client.force_login(factories.make_facilitator())
    assert client.get(f"/console/s/{started_session.id}/").status_code == 403
    assert command(client, started_session, "advance", {"round": 1}).status_code == 403
    assert factories.open_round(started_session).number == 1


def test_api_lists_sessions_and_results_for_their_facilitator_only(client, started_session, facilitator):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=facilitator)
    command_client = client
    command_client.force_login(facilitator)
    command(command_client, started_session, "advance", {"round": 1})
    client.logout()
    assert client.get("/api/sessions/").status_code in (401, 403)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert [s["id"] for s in client.get("/api/sessions/", **auth).json()["rows"]] == [started_session.id]
    results = client.get(f"/api/sessions/{started_session.id}/results/", **auth).json()
    assert len(results) == 1 and results[0]["round"] == 1 and "scorecard" in results[0]["kpis"]
    other = Token.objects.create(user=factories.make_facilitator())
    denied = client.get(f"/api/sessions/{started_session.id}/results/", HTTP_AUTHORIZATION=f"Token {other.key}")
    assert denied.status_code == 403


def test_openapi_schema_is_served(client, facilitator):
    from rest_framework.authtoken.models import Token

    assert client.get("/api/schema/").status_code == 401  # like the API: a login or a token (docs/api.md)
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=facilitator).key}")
    assert response.status_code == 200
    assert b"/api/sessions/{session_id}/results/" in response.content


def test_inject_command_validates_and_records(console, started_session):
    bad = command(console, started_session, "inject", {"disruption": {"kind": "machine_breakdown", "magnitude": 7}})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "magnitude"
    ok = command(console, started_session, "inject", {"disruption": {
        "kind": "machine_breakdown", "targets": [3], "start_day": 1, "duration_days": 3, "magnitude": 1.0}})
    assert ok.json() == {"ok": True}
    from game.models import Disruption

    assert Disruption.objects.get().targets == [3]


def test_seat_and_role_commands(console, lobby_session):
    people = factories.join_many(lobby_session, 2)
    moved = command(console, lobby_session, "seat", {"participant": people[1].id, "team": "new"})
    assert moved.json() == {"ok": True}
    people[1].refresh_from_db()
    assert people[1].team.number == 2
    bad = command(console, lobby_session, "role", {"participant": people[0].id, "role": "king"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "role"
