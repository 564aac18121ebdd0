"""Console views for a session's life (end now, archive, unarchive, clone, extend by chosen minutes) and
who may use the console at all: every view is tried anonymous, as HR only, as another facilitator and
with a participant's cookie."""
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from classroom.identity import cookie_name, sign_token
from classroom.models import Session
from game.models import Round, RoundResult
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
LIFECYCLE_COMMANDS = ["end", "archive", "unarchive", "extend"]
# Every console command: another facilitator is refused before the body (even one that is not JSON) is read.
ALL_COMMANDS = ["start", "pause", "resume", "extend", "advance", "seat", "role", "cover", "cover-settings", "bots",
                "inject", "end", "archive", "unarchive", "explode"]


def command(client, session, action, body=None, raw=None):
    return client.post(f"/console/s/{session.id}/{action}/", data=raw if raw is not None else json.dumps(body or {}),
                       content_type="application/json")


def clone(client, session):
    return client.post(reverse("session-clone", args=[session.id]))


def fresh(session) -> Session:
    return Session.objects.get(pk=session.pk)


@pytest.fixture
def console(client, facilitator):
    client.force_login(facilitator)
    return client


# The facilitator's own console

def test_end_now_from_the_console_then_again(console, started_session):
    response = command(console, started_session, "end")
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert fresh(started_session).state == Session.State.FINISHED
    assert RoundResult.objects.filter(round__session=started_session).count() == 1
    again = command(console, started_session, "end")
    assert again.status_code == 400 and again.json()["error"]["code"] == "already_finished"
    assert RoundResult.objects.filter(round__session=started_session).count() == 1


def test_end_in_the_lobby(console, lobby_session):
    assert command(console, lobby_session, "end").json() == {"ok": True}
    assert fresh(lobby_session).state == Session.State.FINISHED


def test_archive_and_unarchive_from_the_console(console, lobby_session, started_session):
    other = factories.make_session(started_session.facilitator)
    running = command(console, started_session, "archive")
    assert running.status_code == 400 and running.json()["error"]["code"] == "session_running"
    assert "end it first" in running.json()["error"]["message"]
    assert command(console, other, "archive").json() == {"ok": True}
    assert fresh(other).archived_at is not None
    assert command(console, other, "archive").json()["error"]["code"] == "already_archived"
    assert command(console, other, "unarchive").json() == {"ok": True}
    assert fresh(other).archived_at is None


def test_the_list_hides_archived_sessions_unless_asked(console, facilitator):
    kept, old = factories.make_session(facilitator), factories.make_session(facilitator)
    Session.objects.filter(pk=kept.pk).update(name="Kept workshop")
    Session.objects.filter(pk=old.pk).update(name="Old workshop")
    page = console.get("/console/").content.decode()
    assert "Show archived" not in page
    command(console, old, "archive")
    page = console.get("/console/").content.decode()
    assert "Kept workshop" in page and "Old workshop" not in page
    assert 'href="/console/?archived=1"' in page and "Show archived (1)" in page
    page = console.get("/console/?archived=1").content.decode()
    assert "Kept workshop" in page and "Old workshop" in page and "(archived)" in page and "Hide archived" in page


def test_the_list_shows_only_my_sessions_and_counts_only_mine(console, facilitator):
    theirs = factories.make_session(factories.make_facilitator())
    Session.objects.filter(pk=theirs.pk).update(name="Their workshop", archived_at=timezone.now())
    page = console.get("/console/?archived=1").content.decode()
    assert "Their workshop" not in page and "Show archived" not in page


def test_clone_opens_the_new_sessions_console(console, facilitator, started_session):
    response = clone(console, started_session)
    copy = Session.objects.exclude(pk=started_session.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/console/s/{copy.id}/"
    assert copy.name == "Test workshop (copy)" and copy.state == Session.State.LOBBY and copy.facilitator == facilitator
    page = console.get(response["Location"]).content.decode()
    assert copy.join_code in page
    assert console.get(reverse("session-clone", args=[started_session.id])).status_code == 405


def test_extend_by_the_chosen_minutes(console, started_session):
    before = factories.open_round(started_session).deadline
    assert command(console, started_session, "extend", {"minutes": 5}).json() == {"ok": True}
    after = factories.open_round(started_session).deadline
    assert (after - before).total_seconds() == pytest.approx(300, abs=2)


@pytest.mark.parametrize("minutes", [0, 61, 2.5, "5", None, True])
def test_extend_by_a_bad_number_is_an_error_at_the_field(console, started_session, minutes):
    before = factories.open_round(started_session).deadline
    response = command(console, started_session, "extend", {"minutes": minutes})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "minutes" and "between 1 and 60" in error["message"]
    assert factories.open_round(started_session).deadline == before


def test_the_console_has_the_lifecycle_controls(console, lobby_session):
    page = console.get(f"/console/s/{lobby_session.id}/").content.decode()
    for text in ('data-cmd="end"', "End session now", 'data-cmd="archive"', 'data-cmd="unarchive"', "Clone set-up",
                 f'action="/console/s/{lobby_session.id}/clone/"', 'id="extend-minutes"', 'min="1" max="60"',
                 "Extend by", 'data-error-for="minutes"', "data-confirm="):
        assert text in page, text
    assert "+2 min" not in page


# Anonymous: to the login page, nothing changes

@pytest.mark.parametrize("action", LIFECYCLE_COMMANDS)
def test_anonymous_commands_go_to_login(client, started_session, action):
    response = command(client, started_session, action, {"minutes": 5})
    assert response.status_code == 302 and "/console/login/" in response["Location"]
    assert fresh(started_session).state == Session.State.RUNNING


def test_anonymous_clone_and_list_go_to_login(client, lobby_session):
    for response in (clone(client, lobby_session), client.get("/console/?archived=1"),
                     client.post(reverse("session-new"), {"name": "X", "scenario_name": "demo", "rounds": "1",
                                                          "minutes_per_round": "5", "seed": "1"})):
        assert response.status_code == 302 and "/console/login/" in response["Location"]
    assert Session.objects.count() == 1


# HR only (no "facilitator" group): 403 in words everywhere on the console

@pytest.fixture
def hr_client(client):
    client.force_login(factories.make_hr_only())
    return client


def test_hr_gets_a_403_page_in_words_on_the_console(hr_client, lobby_session):
    for url in ("/console/", "/console/?archived=1", f"/console/s/{lobby_session.id}/"):
        response = hr_client.get(url)
        page = response.content.decode()
        assert response.status_code == 403, url
        assert "The console is for facilitators" in page and "facilitator&#x27; group" in page
        assert 'href="/reports/"' in page and lobby_session.join_code not in page


def test_hr_cannot_create_a_session(hr_client):
    response = hr_client.post(reverse("session-new"), {"name": "X", "scenario_name": "demo", "rounds": "0",
                                                       "minutes_per_round": "5", "seed": "1"})
    assert response.status_code == 403 and "The console is for facilitators" in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.parametrize("action", ALL_COMMANDS)
def test_hr_commands_are_refused(hr_client, started_session, action):
    response = command(hr_client, started_session, action, raw="{not json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "facilitators_only"


def test_hr_cannot_clone(hr_client, lobby_session):
    response = clone(hr_client, lobby_session)
    assert response.status_code == 403 and "The console is for facilitators" in response.content.decode()
    assert Session.objects.count() == 1


def test_hr_cannot_read_the_qr_or_pick_the_join_address(hr_client, lobby_session):
    assert hr_client.get(f"/console/s/{lobby_session.id}/qr.svg").status_code == 403
    response = hr_client.post(f"/console/s/{lobby_session.id}/join-address/", data="{nope",
                              content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "facilitators_only"


# Another facilitator: refused before the body is judged

@pytest.fixture
def other_client(client):
    client.force_login(factories.make_facilitator())
    return client


@pytest.mark.parametrize("action", ALL_COMMANDS)
def test_another_facilitators_command_is_refused_before_its_body_is_read(other_client, started_session, action):
    for raw in ("{not json", "[]", json.dumps({"minutes": "lots", "round": "x", "disruption": 7})):
        response = command(other_client, started_session, action, raw=raw)
        assert response.status_code == 403, (action, raw)
        assert response.json()["error"]["code"] == "not_facilitator"
    session = fresh(started_session)
    assert session.state == Session.State.RUNNING and session.archived_at is None
    assert factories.open_round(started_session).state == Round.State.OPEN


def test_another_facilitator_cannot_pick_my_join_address_even_with_a_bad_body(other_client, lobby_session):
    response = other_client.post(f"/console/s/{lobby_session.id}/join-address/", data="{nope",
                                 content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_facilitator"
    form = other_client.post(f"/console/s/{lobby_session.id}/join-address/", {"address": 7})
    assert form.status_code == 403


def test_another_facilitator_cannot_clone_my_session(other_client, lobby_session):
    response = clone(other_client, lobby_session)
    assert response.status_code == 403 and "Only this session" in response.content.decode()
    assert Session.objects.count() == 1


def test_another_facilitator_does_not_see_my_archived_sessions(other_client, facilitator, lobby_session):
    Session.objects.filter(pk=lobby_session.pk).update(archived_at=timezone.now())
    page = other_client.get("/console/?archived=1").content.decode()
    assert lobby_session.join_code not in page


# A participant's cookie gives nothing

@pytest.mark.parametrize("action", LIFECYCLE_COMMANDS)
def test_a_participants_cookie_gives_nothing(client, started_session, action):
    person = started_session.participants.first()
    client.cookies[cookie_name(started_session.join_code)] = sign_token(person.rejoin_token)
    response = command(client, started_session, action, {"minutes": 5})
    assert response.status_code == 302 and "/console/login/" in response["Location"]
    response = clone(client, started_session)
    assert response.status_code == 302 and "/console/login/" in response["Location"]
    session = fresh(started_session)
    assert session.state == Session.State.RUNNING and session.archived_at is None and Session.objects.count() == 1
