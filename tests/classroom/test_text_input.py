"""A NUL character or a lone surrogate in any text input gets a clear error in words, never a 500.

PostgreSQL refuses NUL in text and jsonb (SQLite stores it), and no database stores a lone surrogate
(not UTF-8), so these tests assert the clear error itself, whatever database runs them."""
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from classroom.errors import LabError
from classroom.identity import cookie_name, sign_token
from classroom.models import Participant, Session
from classroom.services.sessions import participant_join, participant_rejoin, session_create
from classroom.text_input import first_unstorable, text_check, text_storable
from config.asgi import application
from tests import factories

BAD = ["a\x00b", "\x00", "lone \ud800 surrogate", "\udfff"]
WORDS = "cannot be stored (a NUL character or an unpaired surrogate"


@pytest.mark.parametrize("text", BAD)
def test_text_check_refuses_in_words_naming_the_field(text):
    assert not text_storable(text)
    with pytest.raises(LabError) as exc:
        text_check(text, field="display_name", label="A display name")
    assert exc.value.code == "invalid_text" and exc.value.field == "display_name"
    assert exc.value.message.startswith("A display name contains a character that") and WORDS in exc.value.message


@pytest.mark.parametrize("text", ["Zoë", "🙂 emoji", "\U0010FFFF", "tab\tand newline\n", "\ufffe"])
def test_ordinary_and_astral_text_is_storable(text):
    assert text_storable(text) and text_check(text, field="x", label="X") == text


def test_first_unstorable_finds_keys_and_values_at_depth():
    assert first_unstorable({"a": [1, {"b": "ok"}], "c": {"d": ["x", "y\x00"]}}) == "c.d[1]"
    assert first_unstorable({"ok": {"ba\ud800d": 1}}) == "ok"
    assert first_unstorable({"a": ["fine", 1, None, 2.5]}) is None


# ---- services that store text -----------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("field", ["display_name", "email", "employee_id", "join_code"])
@pytest.mark.parametrize("text", BAD)
def test_join_refuses_each_field(lobby_session, field, text):
    form = {"join_code": lobby_session.join_code, "display_name": "Alice", "email": "", "employee_id": ""}
    form[field] = text
    with pytest.raises(LabError) as exc:
        participant_join(**form)
    assert exc.value.code == "invalid_text" and exc.value.field == field and WORDS in exc.value.message
    assert not Participant.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["display_name", "rejoin_code"])
def test_rejoin_refuses_each_field(started_session, field):
    hr = factories.holder(started_session, "hr")
    form = {"display_name": hr.display_name, "rejoin_code": hr.rejoin_code, field: "x\ud800"}
    with pytest.raises(LabError) as exc:
        participant_rejoin(join_code=started_session.join_code, client="10.1.1.1", **form)
    assert exc.value.code == "invalid_text" and exc.value.field == field


@pytest.mark.django_db
@pytest.mark.parametrize("text", BAD)
def test_session_create_refuses_the_name(facilitator, text):
    with pytest.raises(LabError) as exc:
        session_create(facilitator=facilitator, name=text, scenario_name="demo", rounds=2, minutes_per_round=5, seed=1)
    assert exc.value.code == "invalid_text" and exc.value.field == "name"
    assert not Session.objects.exists()


# ---- HTTP: the safety net answers 400 in words, a page or JSON ---------------------------------

JOIN_FIELD_WORDS = {"display_name": "A display name", "email": "The email", "employee_id": "The employee ID",
                    "rejoin_code": "The rejoin code", "join_code": "The join code"}


@pytest.mark.django_db
def test_the_join_form_with_nul_comes_back_with_the_error_in_words(client, lobby_session):
    """The join view checks its own fields (checks_own_text): the form comes back, as typed, with the field named
    as the person knows it; nothing is stored."""
    for field, words in JOIN_FIELD_WORDS.items():
        form = {"join_code": lobby_session.join_code, "display_name": "Alice", field: "a\x00b"}
        response = client.post("/join/", form)
        assert response.status_code == 400, field
        text = response.content.decode()
        assert f"{words} contains a character that cannot be stored" in text, field
        assert 'role="alert"' in text and '<form method="post" action="/join/"' in text
        if field != "display_name":
            assert 'name="display_name" value="Alice"' in text  # what was typed is kept
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_the_safety_net_still_answers_for_other_forms_and_the_join_address(client, lobby_session):
    response = client.post("/join/", {"join_code": lobby_session.join_code, "display_name": "Alice"},
                           QUERY_STRING="next=%00")
    assert response.status_code == 400 and "The value of &#x27;next&#x27;" in response.content.decode()
    response = client.post("/language/", {"language": "d\x00e"})
    assert response.status_code == 400 and "The value of &#x27;language&#x27;" in response.content.decode()


@pytest.mark.django_db
def test_the_new_session_form_and_the_scenario_editor_refuse_nul(client, facilitator):
    client.force_login(facilitator)
    response = client.post("/console/sessions/new/", {"name": "Work\x00shop", "scenario_name": "demo", "rounds": 2,
                                                      "minutes_per_round": 5, "seed": 1})
    assert response.status_code == 400 and "cannot be stored" in response.content.decode()
    response = client.post("/console/scenarios/facilitator/authoredscenario/add/",
                           {"name": "night\x00shift", "title": "Night"})
    assert response.status_code == 400 and "&#x27;name&#x27;" in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/reports/?report=sessions&q=a%00b", "/reports/?a%00=1",
                                 "/console/?archived=%00", "/join/?code=%00"])
def test_query_values_with_nul_are_a_400_page(client, facilitator, url):
    client.force_login(facilitator)
    response = client.get(url)
    assert response.status_code == 400 and "cannot be stored" in response.content.decode()


@pytest.mark.django_db
def test_a_join_code_with_nul_in_the_address_is_a_400(client):
    response = client.get("/join/AB%00CD/")
    assert response.status_code == 400 and "the address" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/sessions/?state=%00", "/api/reports/participation/sessions/?session=1%00"])
def test_api_query_params_with_nul_are_a_400_json(client, facilitator, url):
    client.force_login(facilitator)
    response = client.get(url)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_text" and "cannot be stored" in error["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("body", ['{"disruption": {"kind": "strike\\u0000"}}', '{"teams": ["\\ud800"]}',
                                  '{"announce": true, "x\\u0000": 1}'])
def test_console_json_commands_with_nul_or_a_surrogate_are_a_400_json(client, started_session, facilitator, body):
    client.force_login(facilitator)
    response = client.post(f"/console/s/{started_session.id}/inject/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_text" and WORDS in response.json()["error"]["message"]


# ---- sockets: every string of every frame ---------------------------------------------------------

@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize("frame, field", [
    ('{"type": "package.edit", "id": "e1", "lever": "overtime_share", "value": "0.1\\u0000", "base_version": 1}', "value"),
    ('{"type": "package.edit", "id": "e2", "lever": "projects", "value": ["a", "\\ud800"], "base_version": 1}', "value[1]"),
    ('{"type": "chat.send", "id": "c1", "text": "hi\\u0000"}', "text"),
])
async def test_a_frame_with_unstorable_text_is_answered_in_words(started_session, frame, field):
    person = await database_sync_to_async(factories.holder)(started_session, "hr")
    code = started_session.join_code
    cookie = f"{cookie_name(code)}={sign_token(person.rejoin_token)}"
    comm = WebsocketCommunicator(application, f"/ws/play/{code}/", headers=[
        (b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie.encode())])
    assert (await comm.connect())[0]
    await comm.send_to(text_data=frame)
    while True:
        reply = await comm.receive_json_from(timeout=5)
        if reply["type"] == "error":
            break
    assert reply["code"] == "invalid_message" and reply["field"] == field and WORDS in reply["message"]
    assert reply["ref"] == json.loads(frame)["id"]
    await comm.disconnect()
