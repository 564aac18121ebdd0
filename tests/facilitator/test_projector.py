"""The projector's public state (facilitator/projector.py): what the room's wall may show, and nothing else."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from classroom.errors import NotFound
from classroom.models import Participant, Session
from classroom.services.projector import session_projector_settings
from facilitator.projector import REVEAL_SECONDS, projector_session, projector_state
from game.models import PackageVersion, RoundResult
from game.services import rounds
from game.services.disruptions import disruption_inject
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

ANNOUNCED = {"kind": "demand_spike", "targets": [], "start_day": 2, "duration_days": 3, "magnitude": 0.5}
SURPRISE = {"kind": "supplier_failure", "targets": [0], "start_day": 1, "duration_days": 4, "magnitude": 1.0}


@pytest.fixture
def two_teams(lobby_session, facilitator):
    factories.join_many(lobby_session, 8)
    return factories.start(lobby_session, facilitator)


def state_of(session) -> dict:
    return projector_state(session=Session.objects.get(pk=session.pk))


def test_lobby_shows_the_code_and_who_joined_by_team(lobby_session):
    factories.join_many(lobby_session, 5)
    state = state_of(lobby_session)
    assert state["session"] == {"name": "Test workshop", "join_code": lobby_session.join_code, "state": "lobby",
                                "rounds": 2, "joining_open": True}
    assert state["round"] is None and state["reveal"] is None and state["disruptions"] == []
    assert state["people_count"] == 5
    names = [n for team in state["people"] for n in team["names"]]
    assert sorted(names) == [f"Player {i}" for i in range(1, 6)]
    assert all(set(team) == {"team", "names"} and team["team"].startswith("Team ") for team in state["people"])


def test_the_state_holds_nothing_private(two_teams, facilitator):
    team = two_teams.teams.order_by("number").first()
    disruption_inject(session_id=two_teams.id, user=facilitator, spec=ANNOUNCED)
    session_projector_settings(session_id=two_teams.id, user=facilitator, show_leaderboard=True)
    rounds.round_advance(session_id=two_teams.id, user=facilitator, round_number=1)
    text = json.dumps(state_of(two_teams))
    for person in Participant.objects.filter(session=two_teams):
        assert person.rejoin_code not in text and person.rejoin_token not in text
    for word in ("rejoin", "token", "email", "employee", "levers", "package", "approvals", "roles", "director",
                 "cash", "mistakes", "seed", "scenario"):
        assert word not in text, word
    # No lever value of any package version, and no KPI beyond the leaderboard's figures.
    levers = PackageVersion.objects.filter(team=team).first().levers
    assert "overtime" not in text and all(key not in text for key in levers)
    kpis = RoundResult.objects.filter(team=team).first().kpis
    assert {key for key in kpis if f'"{key}"' in text} <= {"scorecard", "round"}  # "round": its number


def test_a_surprise_disruption_never_shows(two_teams, facilitator):
    disruption_inject(session_id=two_teams.id, user=facilitator, spec=SURPRISE, announce=False)
    disruption_inject(session_id=two_teams.id, user=facilitator, spec=ANNOUNCED,
                      team_ids=[two_teams.teams.order_by("number").last().id])
    state = state_of(two_teams)
    assert [d["title"] for d in state["disruptions"]] == ["Demand spike"]
    shown = state["disruptions"][0]
    assert shown["when"] == "From day 3, for 3 days" and shown["teams"] == "Team 2"
    assert shown["description"] == "Customers order more than usual."
    assert "supplier" not in json.dumps(state).lower()


def test_disruptions_shown_are_the_current_round_only(two_teams, facilitator):
    disruption_inject(session_id=two_teams.id, user=facilitator, spec=ANNOUNCED)
    assert len(state_of(two_teams)["disruptions"]) == 1
    rounds.round_advance(session_id=two_teams.id, user=facilitator, round_number=1)
    state = state_of(two_teams)
    assert state["round"]["number"] == 2 and state["disruptions"] == []


def test_leaderboard_only_when_the_facilitator_switches_it_on(two_teams, facilitator):
    rounds.round_advance(session_id=two_teams.id, user=facilitator, round_number=1)
    off = state_of(two_teams)
    assert off["leaderboard"] is None
    assert not any(line.startswith("Best scorecard") for line in off["reveal"]["lines"])
    session_projector_settings(session_id=two_teams.id, user=facilitator, show_leaderboard=True)
    on = state_of(two_teams)
    assert [row["rank"] for row in on["leaderboard"]] == [1, 2]
    assert set(on["leaderboard"][0]) == {"rank", "team", "scorecard", "cumulative_good_units", "aligned", "credibility",
                                         "forecast_lean"}
    assert any(line.startswith(f"Best scorecard: {on['leaderboard'][0]['team']}") for line in on["reveal"]["lines"])
    session_projector_settings(session_id=two_teams.id, user=facilitator, show_leaderboard=False)
    assert state_of(two_teams)["leaderboard"] is None


def test_the_wall_shows_how_credible_each_team_forecast_was(two_teams, facilitator):
    """Team 1 promises near the plant's full rate: the wall shows its low credibility and that it was optimistic;
    team 2 stated nothing and says so."""
    first, second = two_teams.teams.order_by("number")
    factories.commit(two_teams, team=first, forecast={"good_units": 24_000, "cash": 1_000_000, "extra": None})
    factories.align(two_teams, team=first)  # a forecast counts once every role approved it
    rounds.round_advance(session_id=two_teams.id, user=facilitator, round_number=1)
    session_projector_settings(session_id=two_teams.id, user=facilitator, show_leaderboard=True)
    rows = {row["team"]: row for row in state_of(two_teams)["leaderboard"]}
    kpis = RoundResult.objects.get(team=first).kpis
    units_pct = min(100.0, 100.0 * (24_000 - kpis["good_units"]) / abs(kpis["good_units"]))
    cash_pct = max(-100.0, min(100.0, 100.0 * (1_000_000 - kpis["cash"]) / abs(kpis["cash"])))
    mape, bias = (abs(units_pct) + abs(cash_pct)) / 2, (units_pct + cash_pct) / 2
    assert rows[first.name]["credibility"] == pytest.approx(100 * max(0.0, 1 - (mape + abs(bias)) / 100), abs=0.06)
    lean = "optimistic" if bias > 0 else "cautious"
    shown, word = rows[first.name]["forecast_lean"].split("\u00a0% ")
    assert float(shown) == pytest.approx(abs(bias), abs=0.06) and word == lean
    assert rows[second.name]["credibility"] is None and rows[second.name]["forecast_lean"] == "no forecast yet"


def test_leaderboard_switched_on_before_any_result_is_empty(started_session, facilitator):
    session_projector_settings(session_id=started_session.id, user=facilitator, show_leaderboard=True)
    assert state_of(started_session)["leaderboard"] == []


def test_a_round_shows_its_number_state_and_timer(started_session, facilitator):
    state = state_of(started_session)
    assert state["round"]["number"] == 1 and state["round"]["total"] == 2 and state["round"]["state"] == "open"
    assert 590 <= state["round"]["remaining_seconds"] <= 600
    assert state["status"] == "Round 1 of 2: teams are deciding"
    assert state["people"] == [] and state["people_count"] == 4  # names only while people arrive
    rounds.round_pause(session_id=started_session.id, user=facilitator)
    paused = state_of(started_session)
    assert paused["round"]["state"] == "paused" and paused["status"] == "Round 1 of 2: paused"


def test_the_reveal_after_a_round_closes(two_teams, facilitator):
    rounds.round_advance(session_id=two_teams.id, user=facilitator, round_number=1)
    reveal = state_of(two_teams)["reveal"]
    assert reveal["round"] == 1 and reveal["teams"] == 2 and reveal["aligned"] == 0
    assert reveal["headline"] == "Round 1 closed: no team aligned."
    assert reveal["lines"][0] == "The facilitator closed the round."
    assert reveal["lines"][1].startswith("The room's average scorecard: ")
    assert reveal["fresh"] is True
    later = projector_state(session=Session.objects.get(pk=two_teams.pk),
                            now=timezone.now() + timedelta(seconds=REVEAL_SECONDS + 1))
    assert later["reveal"]["fresh"] is False


def test_a_finished_session_shows_its_final_reveal_and_no_names(started_session, facilitator):
    for number in (1, 2):
        rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=number)
    state = state_of(started_session)
    assert state["session"]["state"] == "finished" and state["session"]["joining_open"] is False
    assert state["status"] == "The workshop has ended"
    assert state["reveal"]["round"] == 2 and state["reveal"]["fresh"] is True
    assert state["people"] == [] and state["people_count"] == 0
    assert "Player" not in json.dumps(state)


def test_unknown_join_code_is_refused_in_words(db):
    with pytest.raises(NotFound) as exc:
        projector_session(join_code="zzzzzz")
    assert exc.value.code == "unknown_code" and "No workshop has the code 'ZZZZZZ'" in exc.value.message


def test_join_code_is_read_in_any_case(lobby_session):
    assert projector_session(join_code=f" {lobby_session.join_code.lower()} ").pk == lobby_session.pk


def test_a_scheduled_disruption_shows_only_once_its_round_opens_and_a_cancelled_one_never(two_teams, facilitator):
    from game.services.disruptions import disruption_cancel, disruption_schedule

    planned = disruption_schedule(session_id=two_teams.id, user=facilitator, spec=ANNOUNCED, round_number=2)
    dropped = disruption_schedule(session_id=two_teams.id, user=facilitator,
                                  spec={**ANNOUNCED, "kind": "energy_price_spike", "magnitude": 3.0}, round_number=2)
    in_play = disruption_schedule(session_id=two_teams.id, user=facilitator, spec=SURPRISE, round_number=1)
    disruption_cancel(session_id=two_teams.id, user=facilitator, disruption_id=dropped.id)
    disruption_cancel(session_id=two_teams.id, user=facilitator, disruption_id=in_play.id)
    state = state_of(two_teams)
    assert state["round"]["number"] == 1 and state["disruptions"] == []
    assert "demand" not in json.dumps(state).lower() and "supplier" not in json.dumps(state).lower()
    rounds.round_advance(session_id=two_teams.id, user=facilitator, round_number=1)
    state = state_of(two_teams)
    assert state["round"]["number"] == 2
    assert [(d["id"], d["title"]) for d in state["disruptions"]] == [(planned.id, "Demand spike")]
    assert "energy" not in json.dumps(state).lower()
