"""POST /console/s/<id>/counterfactual/: only the session's facilitator (or a superuser) gets a replay; anyone
else is refused before the body is read; bad input is answered at its field."""
import json

import pytest
from django.contrib.auth import get_user_model

from classroom.identity import cookie_name, sign_token
from game.models import RoundResult
from game.services import rounds
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def played(lobby_session, facilitator):
    """Two teams, round 1 of 2 played (round 2 open)."""
    factories.join_many(lobby_session, 8)
    session = factories.start(lobby_session, facilitator)
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=1)
    return session


def post(client, session, body, raw=None):
    return client.post(f"/console/s/{session.id}/counterfactual/", data=raw if raw is not None else json.dumps(body),
                       content_type="application/json")


def test_the_facilitator_gets_actual_against_counterfactual(client, played, facilitator):
    client.force_login(facilitator)
    team = played.teams.order_by("number").first()
    response = post(client, played, {"team": team.id, "from_round": 1, "preset": "no_overtime"})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["team"]["id"] == team.id and answer["from_round"] == 1 and answer["change"]
    [row] = answer["rounds"]
    assert row["round"] == 1 and row["actual"]["good_units"] == RoundResult.objects.get(
        team=team, round__number=1).kpis["good_units"]
    assert set(row["counterfactual"]) == set(row["actual"])


def test_a_superuser_may_replay_any_session(client, played):
    admin = get_user_model().objects.create_superuser("root", password="pw-for-tests")
    client.force_login(admin)
    response = post(client, played, {"team": played.teams.first().id, "from_round": 1})
    assert response.status_code == 200
    assert all(r["actual"] == r["counterfactual"] for r in response.json()["rounds"])


@pytest.mark.parametrize("body, status, code, field", [
    ({"team": None, "from_round": 1}, 400, "invalid_value", "team"),
    ({"team": 999_999, "from_round": 1}, 404, "unknown_team", "team"),
    ({"from_round": 2, "preset": "no_overtime"}, 400, "round_not_played", "from_round"),
    ({"from_round": 1, "preset": "everything"}, 400, "unknown_preset", "preset"),
    ({"from_round": 1, "levers": {"overtime_share": 2}}, 400, "invalid_value", "overtime_share"),
])
def test_bad_input_is_answered_at_its_field_in_words(client, played, facilitator, body, status, code, field):
    client.force_login(facilitator)
    body = {"team": played.teams.first().id, **body}
    response = post(client, played, body)
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field) and len(error["message"]) > 10
    if code == "round_not_played":
        assert error["message"] == "Round 2 has not been played yet: pick round 1."


def test_a_body_that_is_not_a_json_object_is_refused(client, played, facilitator):
    client.force_login(facilitator)
    for raw in ("not json", "[1, 2]"):
        response = post(client, played, None, raw=raw)
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"


def test_anonymous_and_a_participant_cookie_get_nothing(client, played):
    body = {"team": played.teams.first().id, "from_round": 1}
    response = post(client, played, body)
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_logged_in"
    person = factories.holder(played, "director")
    client.cookies[cookie_name(played.join_code)] = sign_token(person.rejoin_token)
    response = post(client, played, body)
    assert response.status_code == 401 and "rounds" not in response.json()


def test_another_facilitator_is_refused_before_the_input_is_judged(client, played):
    client.force_login(factories.make_facilitator("someone-else"))
    for raw in (json.dumps({"team": played.teams.first().id, "from_round": 1}), "not json",
                json.dumps({"from_round": 99})):
        response = post(client, played, None, raw=raw)
        assert response.status_code == 403, raw
        assert response.json()["error"]["code"] == "not_facilitator" and "rounds" not in response.json()


def test_a_get_is_not_a_replay(client, played, facilitator):
    client.force_login(facilitator)
    assert client.get(f"/console/s/{played.id}/counterfactual/").status_code == 405
