"""The projector view's pages (facilitator/projector_views.py) and the console command that sets it up."""
import json

import pytest

from classroom.identity import cookie_name, sign_token
from classroom.models import Session
from game.services.disruptions import disruption_inject
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def command(client, session, body):
    return client.post(f"/console/s/{session.id}/projector-settings/", data=json.dumps(body),
                       content_type="application/json")


def test_the_projector_needs_no_login(client, lobby_session):
    factories.join_many(lobby_session, 3)
    page = client.get(f"/projector/{lobby_session.join_code}/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert lobby_session.join_code in html and f"/join/{lobby_session.join_code}/" in html
    assert f"/projector/{lobby_session.join_code}/qr.svg" in html
    state = client.get(f"/projector/{lobby_session.join_code}/state.json")
    assert state.status_code == 200 and state["Cache-Control"] == "no-store"
    assert state.json()["people_count"] == 3
    qr = client.get(f"/projector/{lobby_session.join_code}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_the_join_code_may_be_typed_in_lower_case(client, lobby_session):
    assert client.get(f"/projector/{lobby_session.join_code.lower()}/state.json").status_code == 200


def test_the_page_has_no_controls(client, started_session):
    html = client.get(f"/projector/{started_session.join_code}/").content.decode()
    for tag in ("<button", "<input", "<select", "<textarea", "<form"):
        assert tag not in html, tag


def test_the_page_carries_no_secret(client, started_session, facilitator):
    disruption_inject(session_id=started_session.id, user=facilitator,
                      spec={"kind": "machine_breakdown", "targets": [2], "start_day": 1, "duration_days": 2,
                            "magnitude": 1.0}, announce=False)
    html = client.get(f"/projector/{started_session.join_code}/").content.decode()
    data = client.get(f"/projector/{started_session.join_code}/state.json").content.decode()
    for person in started_session.participants.all():
        for secret in (person.rejoin_code, person.rejoin_token):
            assert secret not in html and secret not in data
    assert "Machine breakdown" not in html and "machine" not in data.lower()


def test_an_unknown_code_is_a_404_in_words(client, db):
    page = client.get("/projector/ZZZZZZ/")
    assert page.status_code == 404 and "No workshop has the code" in page.content.decode()
    state = client.get("/projector/ZZZZZZ/state.json")
    assert state.status_code == 404 and state.json()["error"]["code"] == "unknown_code"
    assert "No workshop has the code" in state.json()["error"]["message"]
    assert client.get("/projector/ZZZZZZ/qr.svg").status_code == 404


def test_the_projector_is_read_only(client, lobby_session):
    for url in ("", "state.json", "qr.svg"):
        assert client.post(f"/projector/{lobby_session.join_code}/{url}").status_code == 405


def test_the_console_links_to_the_projector_and_shows_the_setting(client, lobby_session, facilitator):
    client.force_login(facilitator)
    html = client.get(f"/console/s/{lobby_session.id}/").content.decode()
    assert f'href="/projector/{lobby_session.join_code}/"' in html
    assert 'id="projector-leaderboard">' in html  # not ticked
    assert command(client, lobby_session, {"show_leaderboard": True}).json() == {"ok": True}
    assert 'id="projector-leaderboard" checked>' in client.get(f"/console/s/{lobby_session.id}/").content.decode()


def test_the_leaderboard_command_shows_it_on_the_projector(client, started_session, facilitator):
    client.force_login(facilitator)
    url = f"/projector/{started_session.join_code}/state.json"
    assert client.get(url).json()["leaderboard"] is None
    assert command(client, started_session, {"show_leaderboard": True}).json() == {"ok": True}
    assert client.get(url).json()["leaderboard"] == []
    bad = command(client, started_session, {"show_leaderboard": "yes"})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "show_leaderboard"


def test_a_participant_cannot_switch_the_leaderboard(client, lobby_session):
    person = factories.join_many(lobby_session, 1)[0]
    client.cookies[cookie_name(lobby_session.join_code)] = sign_token(person.rejoin_token)
    response = command(client, lobby_session, {"show_leaderboard": True})
    assert response.status_code == 302 and "/console/login/" in response["Location"]
    assert Session.objects.get(pk=lobby_session.pk).projector_leaderboard is False


def test_another_facilitator_cannot_switch_the_leaderboard(client, lobby_session):
    client.force_login(factories.make_facilitator())
    response = command(client, lobby_session, {"show_leaderboard": True})
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_facilitator"
    assert Session.objects.get(pk=lobby_session.pk).projector_leaderboard is False


def test_unknown_codes_on_the_projector_count_towards_the_join_lockout(client, settings, lobby_session):
    """Guessing codes at /projector/<code>/ would otherwise go round the join page's limit."""
    settings.LAB_JOIN_TRIES_PER_MINUTE = 3
    address = {"REMOTE_ADDR": "10.250.0.7"}
    for path in ("/projector/ZZZZZ1/", "/projector/ZZZZZ2/state.json", "/projector/ZZZZZ3/qr.svg"):
        assert client.get(path, **address).status_code == 404
    # Locked now: even the right code is refused (429) with the wait in words; another address is not.
    locked = client.get(f"/projector/{lobby_session.join_code}/state.json", **address)
    assert locked.status_code == 429 and "Wait" in locked.json()["error"]["message"]
    assert client.get(f"/projector/{lobby_session.join_code}/state.json",
                      REMOTE_ADDR="10.250.0.8").status_code == 200
