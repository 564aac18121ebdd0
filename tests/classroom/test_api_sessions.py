"""/api/sessions/ and /api/sessions/<id>/: who sees which sessions, what HR does not see, filters, pages."""
from datetime import datetime, timezone as dt_timezone

import pytest
from django.contrib.auth import get_user_model

from classroom.models import Session
from tests import factories
from tests.classroom.api_helpers import auth, played_sessions

pytestmark = pytest.mark.django_db(transaction=True)
LIST = "/api/sessions/"


@pytest.fixture
def played(facilitator):
    return played_sessions(facilitator)


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["rows"]]


def test_hr_lists_every_session_without_join_codes_or_seeds(client, played):
    response = client.get(LIST, **auth(factories.make_hr_only()))
    assert response.status_code == 200
    body = response.json()
    assert ids(response) == [played["mine"].id, played["theirs"].id] and body["count"] == 2
    assert all(row["join_code"] is None and row["seed"] is None for row in body["rows"])
    mine = body["rows"][0]
    assert mine["participant_count"] == 12 and mine["team_count"] == 3 and mine["rounds_played"] == 2
    assert mine["rounds"] == 3 and mine["state"] == "running" and mine["created_at"].endswith("Z")
    assert body["rows"][1]["participant_count"] == 4 and body["rows"][1]["rounds_played"] == 0


def test_facilitator_lists_own_sessions_with_join_code_and_seed(client, played, facilitator):
    body = client.get(LIST, **auth(facilitator)).json()
    assert [row["id"] for row in body["rows"]] == [played["mine"].id]
    assert body["rows"][0]["join_code"] == played["mine"].join_code and body["rows"][0]["seed"] == played["mine"].seed


def test_superuser_sees_every_session_with_join_codes(client, played):
    root = get_user_model().objects.create_superuser("root", password="pw")
    rows = client.get(LIST, **auth(root)).json()["rows"]
    assert {row["join_code"] for row in rows} == {played["mine"].join_code, played["theirs"].join_code}


def test_hr_who_runs_a_session_sees_its_join_code_only(client, played):
    hr = factories.make_hr_only()
    hr.groups.add(*played["other"].groups.all())  # HR and facilitator of `theirs`
    Session.objects.filter(pk=played["theirs"].pk).update(facilitator=hr)
    rows = {row["id"]: row for row in client.get(LIST, **auth(hr)).json()["rows"]}
    assert rows[played["theirs"].id]["join_code"] == played["theirs"].join_code
    assert rows[played["mine"].id]["join_code"] is None


def test_filters_and_pages(client, played):
    hr = auth(factories.make_hr_only())
    Session.objects.filter(pk=played["theirs"].pk).update(created_at=datetime(2026, 4, 2, 10, tzinfo=dt_timezone.utc))
    assert ids(client.get(LIST, {"from": "2026-04-02", "to": "2026-04-02"}, **hr)) == [played["theirs"].id]
    assert ids(client.get(LIST, {"session": played["mine"].id}, **hr)) == [played["mine"].id]
    first = client.get(LIST, {"page_size": 1}, **hr).json()
    assert first["pages"] == 2 and "page=2" in first["next"] and first["previous"] is None
    second = client.get(first["next"], **hr).json()
    assert [r["id"] for r in first["rows"] + second["rows"]] == [played["theirs"].id, played["mine"].id]
    assert second["next"] is None
    bad = client.get(LIST, {"to": "2026-02-30"}, **hr)
    assert bad.status_code == 400 and bad.json()["field"] == "to"
    assert client.get(LIST, {"page_size": 501}, **hr).json()["field"] == "page_size"


def test_who_may_list(client, played):
    assert client.get(LIST).status_code == 401
    newcomer = client.get(LIST, **auth(factories.make_facilitator()))  # a facilitator with no session yet
    assert newcomer.status_code == 200 and newcomer.json()["rows"] == []
    stranger = get_user_model().objects.create_user("stranger", password="pw")
    refused = client.get(LIST, **auth(stranger))
    assert refused.status_code == 403 and refused.json()["code"] == "reports_forbidden"


def test_detail_lists_teams_and_follows_the_same_access(client, played, facilitator):
    mine, theirs = played["mine"], played["theirs"]
    response = client.get(f"{LIST}{mine.id}/", **auth(factories.make_hr_only()))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == mine.id and body["join_code"] is None
    assert [(t["id"], t["name"], t["participant_count"]) for t in body["teams"]] == [
        (t.id, f"Team {t.number}", 4) for t in mine.teams.order_by("number")]
    own = client.get(f"{LIST}{mine.id}/", **auth(facilitator)).json()
    assert own["join_code"] == mine.join_code
    foreign = client.get(f"{LIST}{theirs.id}/", **auth(facilitator))
    assert foreign.status_code == 403 and foreign.json()["code"] == "session_forbidden"
    assert client.get(f"{LIST}{mine.id}/").status_code == 401


@pytest.mark.parametrize("raw", ["999999", "0", "abc", "-3", "99999999999999999999999"])
def test_detail_of_no_session_is_a_json_404(client, played, raw):
    response = client.get(f"{LIST}{raw}/", **auth(factories.make_hr_only()))
    assert response.status_code == 404 and response.json()["code"] == "unknown_session"


def test_results_stay_with_the_facilitator(client, played, facilitator):
    mine = played["mine"]
    own = client.get(f"{LIST}{mine.id}/results/", **auth(facilitator))
    assert own.status_code == 200 and len(own.json()) == 6  # 3 teams x 2 closed months
    rows = {(r["team"], r["round"]): r for r in own.json()}
    aligned, idle = rows["Team 1", 1], rows["Team 3", 1]  # team 1 aligned on the committed default forecast
    assert aligned["forecast"] == factories.DEFAULT_FORECAST and aligned["rationale"] == factories.DEFAULT_RATIONALE
    assert aligned["forecast_error"]["good_units"]["error"] == 9000 - aligned["kpis"]["good_units"]
    assert idle["forecast"] is None and idle["forecast_error"] is None and idle["rationale"] == ""
    hr = client.get(f"{LIST}{mine.id}/results/", **auth(factories.make_hr_only()))
    assert hr.status_code == 403 and hr.json()["message"]
    assert client.get(f"{LIST}abc/results/", **auth(facilitator)).status_code == 404
