"""A participant's "what if we had...": the page and its JSON, own team only, and only once the workshop has
ended; before that, the page says when it opens and the JSON refuses in words."""
import json

import pytest

from classroom.identity import cookie_name, sign_token
from classroom.models import Session
from game.dashboards import ROLE_DASHBOARDS, visible_kpis
from game.models import RoundResult
from game.services import rounds
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def session(lobby_session, facilitator):
    """Two teams, a two-round session; round 1 played."""
    factories.join_many(lobby_session, 8)
    session = factories.start(lobby_session, facilitator)
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=1)
    return session


def end(session, facilitator):
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=2)
    session.refresh_from_db()
    assert session.state == Session.State.FINISHED
    return session


def as_person(client, session, person):
    client.cookies[cookie_name(session.join_code)] = sign_token(person.rejoin_token)
    return client


def ask(client, session, body):
    return client.post(f"/play/{session.join_code}/what-if.json", data=json.dumps(body),
                       content_type="application/json")


def test_before_the_end_the_page_says_when_it_opens_and_the_json_refuses(client, session):
    person = factories.holder(session, "hr")
    as_person(client, session, person)
    page = client.get(f"/play/{session.join_code}/what-if/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "opens when the workshop has ended" in text and "whatif-options" not in text
    response = ask(client, session, {"from_round": 1, "preset": "no_overtime"})
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "not_ended" and "opens when the workshop has ended" in error["message"]
    assert "rounds" not in response.json()


def test_after_the_end_a_participant_replays_their_own_team_only(client, session, facilitator):
    session = end(session, facilitator)
    team1, team2 = session.teams.order_by("number")
    person = team1.seats.get(role="hr").participant
    as_person(client, session, person)
    page = client.get(f"/play/{session.join_code}/what-if/")
    assert page.status_code == 200
    options = page.context["options"]
    assert options["rounds"] == [1, 2] and options["teams"] is None and options["team"] == "Team 1"
    assert set(options["kpis"]) == visible_kpis({"hr"}) and "opex" not in options["kpis"]
    assert 'id="whatif-options"' in page.content.decode()

    # naming the other team changes nothing: the replay is of one's own team
    response = ask(client, session, {"team": team2.id, "from_round": 1, "preset": "no_overtime"})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["team"]["id"] == team1.id and [r["round"] for r in answer["rounds"]] == [1, 2]
    for row in answer["rounds"]:
        mine = RoundResult.objects.get(team=team1, round__number=row["round"]).kpis
        assert row["actual"] == {k: mine[k] for k in row["actual"]}
        # what HR's seat saw in the room, no more: finance's detail stays finance's
        assert set(row["actual"]) == set(row["counterfactual"]) == visible_kpis({"hr"})
        assert "opex" not in row["actual"] and set(ROLE_DASHBOARDS["hr"]["detail"]) <= set(row["actual"])


def test_bad_input_is_answered_at_its_field(client, session, facilitator):
    session = end(session, facilitator)
    as_person(client, session, factories.holder(session, "director"))
    response = ask(client, session, {"from_round": 3})
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "round_not_played", "field": "from_round",
                                         "message": "Round 3 has not been played yet: pick a round from 1 to 2."}
    response = ask(client, session, {"from_round": 1, "levers": {"technicians": 40}})
    assert response.status_code == 400 and response.json()["error"]["field"] == "technicians"
    assert "Maintenance technicians must be a whole number from 1 to 12 people" in response.json()["error"]["message"]


def test_strangers_get_nothing_in_words(client, session, facilitator, lobby_session):
    session = end(session, facilitator)
    page = client.get(f"/play/{session.join_code}/what-if/")
    assert page.status_code == 403 and "open it on the device you played on" in page.content.decode()
    response = ask(client, session, {"from_round": 1})
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_participant"
    # a cookie for another workshop is no key to this one
    other = factories.make_session(facilitator)
    stranger = factories.join_many(other, 1)[0]
    client.cookies[cookie_name(session.join_code)] = sign_token(stranger.rejoin_token)
    assert ask(client, session, {"from_round": 1}).status_code == 403
    # a facilitator's login is not a participant's cookie either
    client.cookies.pop(cookie_name(session.join_code))
    client.force_login(facilitator)
    assert ask(client, session, {"from_round": 1}).status_code == 403


def test_replays_are_limited_per_person_in_words(client, session, facilitator, settings):
    settings.LAB_WHATIF_RUNS_PER_MINUTE = 2
    session = end(session, facilitator)
    person = session.teams.order_by("number").first().seats.get(role="hr").participant
    as_person(client, session, person)
    for _ in range(2):
        assert ask(client, session, {"from_round": 1, "preset": "no_overtime"}).status_code == 200
    refused = ask(client, session, {"from_round": 1, "preset": "no_overtime"})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "whatif_too_fast"
    assert "more than 2 replays in a minute" in refused.json()["error"]["message"]
