"""The console's planned disruptions: the `inject` command with a round, `disruption-edit`, `disruption-cancel`
and POST /console/s/<id>/disruption-impact/. Every view is tried by its facilitator, anonymous, as HR only, as
another facilitator (refused before the body is read) and with a participant's cookie."""
import json

import pytest
from django.contrib.auth import get_user_model

from classroom.identity import cookie_name, sign_token
from classroom.models import Session
from game.models import Disruption
from game.services.disruptions import disruption_schedule
from game.snapshots import session_snapshot
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

BREAKDOWN = {"kind": "machine_breakdown", "targets": [2], "start_day": 1, "duration_days": 4, "magnitude": 1.0}
COMMANDS = ["inject", "disruption-edit", "disruption-cancel"]
IMPACT = "disruption-impact"


@pytest.fixture
def session(lobby_session, facilitator):
    Session.objects.filter(pk=lobby_session.pk).update(rounds=3)
    factories.join_many(lobby_session, 8)
    return factories.start(lobby_session, facilitator)


@pytest.fixture
def planned(session, facilitator):
    return disruption_schedule(session_id=session.id, user=facilitator, spec=BREAKDOWN, round_number=3)


def post(client, session, action, body=None, raw=None):
    return client.post(f"/console/s/{session.id}/{action}/", data=raw if raw is not None else json.dumps(body or {}),
                       content_type="application/json")


def unchanged(planned) -> bool:
    row = Disruption.objects.get(pk=planned.pk)
    return (row.kind, row.round_number, row.magnitude, row.cancelled_at) == ("machine_breakdown", 3, 1.0, None) \
        and Disruption.objects.count() == 1


# The facilitator

def test_schedule_edit_and_cancel_from_the_console(client, facilitator, session):
    client.force_login(facilitator)
    made = post(client, session, "inject", {"disruption": BREAKDOWN, "teams": [], "announce": True, "round": 2})
    assert made.status_code == 200 and made.json() == {"ok": True}
    row = Disruption.objects.get()
    assert row.round_number == 2 and row.targets == [2]
    listed = session_snapshot(session_id=session.id)["disruptions"]
    assert [(d["id"], d["round"], d["state"], d["editable"]) for d in listed] == [(row.id, 2, "scheduled", True)]
    edited = post(client, session, "disruption-edit", {"id": row.id, "disruption": {**BREAKDOWN, "magnitude": 0.5},
                                                       "teams": [session.teams.first().id], "round": 3})
    assert edited.json() == {"ok": True}
    row.refresh_from_db()
    assert (row.round_number, row.magnitude, list(row.teams.values_list("id", flat=True))) == (
        3, 0.5, [session.teams.first().id])
    gone = post(client, session, "disruption-cancel", {"id": row.id})
    assert gone.json() == {"ok": True}
    assert session_snapshot(session_id=session.id)["disruptions"][0]["state"] == "cancelled"


@pytest.mark.parametrize("action, body, status, code, field", [
    ("inject", {"disruption": BREAKDOWN, "round": 0}, 400, "round_past", "round"),
    ("inject", {"disruption": BREAKDOWN, "round": 4}, 400, "invalid_value", "round"),
    ("inject", {"disruption": {**BREAKDOWN, "kind": "meteor"}, "round": 2}, 400, "invalid_value", "kind"),
    ("inject", {"disruption": {**BREAKDOWN, "magnitude": 1.2}, "round": 2}, 400, "invalid_value", "magnitude"),
    ("disruption-edit", {"disruption": {**BREAKDOWN, "magnitude": -1}}, 400, "invalid_value", "magnitude"),
    ("disruption-edit", {"disruption": BREAKDOWN, "round": 0}, 400, "round_past", "round"),
    ("disruption-edit", {"id": 999_999, "disruption": BREAKDOWN}, 404, "unknown_disruption", "id"),
    ("disruption-cancel", {"id": "one"}, 400, "invalid_value", "id"),
])
def test_bad_input_is_answered_at_its_field_and_changes_nothing(client, facilitator, session, planned, action, body,
                                                                status, code, field):
    client.force_login(facilitator)
    response = post(client, session, action, {"id": planned.id, **body})
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field) and len(error["message"]) > 10
    assert unchanged(planned)


def test_the_impact_before_confirming(client, facilitator, session, planned):
    client.force_login(facilitator)
    team1 = session.teams.order_by("number").first()
    response = post(client, session, IMPACT, {"disruption": BREAKDOWN, "teams": [team1.id], "round": 2})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["round"] == 2 and [t["team"] for t in answer["teams"]] == ["Team 1"]
    good = answer["teams"][0]["kpis"][0]
    assert good["kpi"] == "good_units" and good["with"]["p50"] < good["without"]["p50"]
    assert unchanged(planned)  # read-only
    # Editing the planned one: its id leaves it out of 'without'.
    assert post(client, session, IMPACT, {"id": planned.id, "disruption": BREAKDOWN, "round": 3}).status_code == 200


@pytest.mark.parametrize("body, status, code, field", [
    ({"disruption": {**BREAKDOWN, "kind": "meteor"}}, 400, "invalid_value", "kind"),
    ({"disruption": {**BREAKDOWN, "magnitude": 9}}, 400, "invalid_value", "magnitude"),
    ({"disruption": BREAKDOWN, "round": 0}, 400, "round_past", "round"),
    ({"disruption": BREAKDOWN, "teams": [999_999]}, 400, "unknown_team", "teams"),
    ({"disruption": BREAKDOWN, "id": 999_999}, 400, "unknown_disruption", "id"),
])
def test_the_impact_of_bad_input_is_an_error_at_its_field(client, facilitator, session, body, status, code, field):
    client.force_login(facilitator)
    response = post(client, session, IMPACT, body)
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field) and "teams" not in response.json()


def test_the_impact_needs_a_json_object_and_a_post(client, facilitator, session):
    client.force_login(facilitator)
    for raw in ("not json", "[1]"):
        response = post(client, session, IMPACT, raw=raw)
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"
    assert client.get(f"/console/s/{session.id}/{IMPACT}/").status_code == 405


def test_a_superuser_may_size_any_sessions_disruptions(client, session):
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-for-tests"))
    assert post(client, session, IMPACT, {"disruption": BREAKDOWN}).status_code == 200


# Everyone else: refused, before the body is read, and nothing changes

BODIES = ["{not json", "[]", json.dumps({"disruption": 7, "round": "x", "id": "y"})]


@pytest.mark.parametrize("action", COMMANDS)
def test_anonymous_commands_go_to_login(client, session, planned, action):
    response = post(client, session, action, {"id": planned.id, "disruption": BREAKDOWN, "round": 2})
    assert response.status_code == 302 and "/console/login/" in response["Location"]
    assert unchanged(planned)


def test_anonymous_impact_is_refused_in_json(client, session):
    response = post(client, session, IMPACT, {"disruption": BREAKDOWN})
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_logged_in"


@pytest.mark.parametrize("action", COMMANDS + [IMPACT])
def test_another_facilitator_is_refused_before_the_body_is_read(client, session, planned, action):
    client.force_login(factories.make_facilitator("someone-else"))
    for raw in BODIES + [json.dumps({"id": planned.id, "disruption": BREAKDOWN, "round": 2})]:
        response = post(client, session, action, raw=raw)
        assert response.status_code == 403, (action, raw)
        assert response.json()["error"]["code"] == "not_facilitator" and "teams" not in response.json()
    assert unchanged(planned)


@pytest.mark.parametrize("action", COMMANDS + [IMPACT])
def test_hr_only_is_refused(client, session, planned, action):
    client.force_login(factories.make_hr_only())
    response = post(client, session, action, raw="{not json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "facilitators_only"
    assert unchanged(planned)


@pytest.mark.parametrize("action", COMMANDS + [IMPACT])
def test_a_participants_cookie_gives_nothing(client, session, planned, action):
    person = session.participants.first()
    client.cookies[cookie_name(session.join_code)] = sign_token(person.rejoin_token)
    response = post(client, session, action, {"id": planned.id, "disruption": BREAKDOWN, "round": 2})
    assert response.status_code in (302, 401)
    if response.status_code == 302:
        assert "/console/login/" in response["Location"]
    else:
        assert response.json()["error"]["code"] == "not_logged_in"
    assert unchanged(planned)
