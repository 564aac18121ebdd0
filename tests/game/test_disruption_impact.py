"""A disruption's expected impact (game/services/disruption_impact.py): each targeted team's package run over
the same sampled futures without and with it; validated like scheduling; read-only."""
import pytest

from classroom.errors import Forbidden, LabError
from classroom.models import Session
from game.models import Disruption
from game.services import rounds
from game.services.disruption_impact import IMPACT_SAMPLES, disruption_impact
from game.services.disruptions import disruption_schedule
from game.services.packages import package_edit
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

SUPPLIER_DOWN = {"kind": "supplier_failure", "targets": [0], "start_day": 2, "duration_days": 10, "magnitude": 1.0}
BREAKDOWN = {"kind": "machine_breakdown", "targets": [], "start_day": 0, "duration_days": 8, "magnitude": 1.0}
DEMAND = {"kind": "demand_spike", "targets": [], "start_day": 0, "duration_days": 10, "magnitude": 0.5}


@pytest.fixture
def two_teams(lobby_session, facilitator):
    Session.objects.filter(pk=lobby_session.pk).update(rounds=3)
    factories.join_many(lobby_session, 8)
    return factories.start(lobby_session, facilitator)


def figures(answer, team_index=0) -> dict:
    return {row["kpi"]: row for row in answer["teams"][team_index]["kpis"]}


def assert_ordered(cell):
    assert cell["p10"] <= cell["p50"] <= cell["p90"], cell


@pytest.mark.parametrize("spec", [SUPPLIER_DOWN, BREAKDOWN])
def test_a_supplier_failure_or_breakdown_costs_output_cash_and_score(two_teams, facilitator, spec):
    team1 = two_teams.teams.order_by("number").first()
    answer = disruption_impact(session_id=two_teams.id, user=facilitator, spec=spec, team_ids=[team1.id])
    assert answer["round"] == 1 and answer["n_samples"] == IMPACT_SAMPLES and answer["disruption"]["kind"] == spec["kind"]
    [team] = answer["teams"]
    assert team["team_id"] == team1.id and team["team"] == "Team 1" and "version 1" in team["package"]
    rows = figures(answer)
    assert [r["kpi"] for r in answer["teams"][0]["kpis"]] == ["good_units", "cash", "scorecard"]
    for key in ("good_units", "cash", "scorecard"):
        for part in ("without", "with", "difference"):
            assert_ordered(rows[key][part])
        assert rows[key]["with"]["p50"] < rows[key]["without"]["p50"], key
        assert rows[key]["difference"]["p90"] < 0, key  # worse in (almost) every sampled future
    good = rows["good_units"]
    assert good["with"]["p50"] < 0.9 * good["without"]["p50"]
    assert good["label"] == "Good units shipped" and " to " in good["without"]["text"]
    assert good["difference"]["text"].startswith("\u2212")
    assert rows["cash"]["without"]["text"].endswith(")") and "EUR" in rows["cash"]["without"]["text"]
    assert not Disruption.objects.exists()  # sized, not scheduled


def test_every_team_when_none_is_chosen_and_the_same_futures_with_and_without(two_teams, facilitator):
    answer = disruption_impact(session_id=two_teams.id, user=facilitator, spec=DEMAND, round_number=2)
    assert [t["team"] for t in answer["teams"]] == ["Team 1", "Team 2"]
    assert answer["round"] == 2 and "1 month ahead" in answer["when"]
    # Without the disruption, two asks give the same figures: the sampled futures are fixed by the seed.
    again = disruption_impact(session_id=two_teams.id, user=facilitator, spec=BREAKDOWN, round_number=2)
    assert figures(answer)["good_units"]["without"] == figures(again)["good_units"]["without"]


def test_the_difference_is_the_disruptions_own_effect(two_teams, facilitator):
    """Zero magnitude changes nothing, in any sampled future: the runs share their random numbers."""
    answer = disruption_impact(session_id=two_teams.id, user=facilitator, spec={**BREAKDOWN, "magnitude": 0.0})
    for row in answer["teams"][0]["kpis"]:
        assert row["difference"]["p10"] == row["difference"]["p90"] == 0.0
        assert row["with"]["p50"] == row["without"]["p50"]


def test_the_current_package_is_the_one_run(two_teams, facilitator):
    team1 = two_teams.teams.order_by("number").first()
    before = figures(disruption_impact(session_id=two_teams.id, user=facilitator, spec=BREAKDOWN,
                                       team_ids=[team1.id]))
    hr = factories.holder(two_teams, "hr")
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.25, base_version=1, client_msg_id="ot")
    answer = disruption_impact(session_id=two_teams.id, user=facilitator, spec=BREAKDOWN, team_ids=[team1.id])
    assert "version 2" in answer["teams"][0]["package"]
    assert figures(answer)["good_units"]["without"]["p50"] > before["good_units"]["without"]["p50"]


def test_the_other_disruptions_of_that_round_are_in_both_runs(two_teams, facilitator):
    alone = figures(disruption_impact(session_id=two_teams.id, user=facilitator, spec=BREAKDOWN, round_number=2))
    planned = disruption_schedule(session_id=two_teams.id, user=facilitator, spec=SUPPLIER_DOWN, round_number=2)
    both = figures(disruption_impact(session_id=two_teams.id, user=facilitator, spec=BREAKDOWN, round_number=2))
    assert both["good_units"]["without"]["p50"] < alone["good_units"]["without"]["p50"]
    # Editing that one: it is not counted twice (left out of 'without').
    edited = figures(disruption_impact(session_id=two_teams.id, user=facilitator, spec=BREAKDOWN, round_number=2,
                                       disruption_id=planned.id))
    assert edited["good_units"]["without"] == alone["good_units"]["without"]


@pytest.mark.parametrize("body, code, field", [
    ({"spec": {**BREAKDOWN, "kind": "meteor"}}, "invalid_value", "kind"),
    ({"spec": {**BREAKDOWN, "magnitude": 2.0}}, "invalid_value", "magnitude"),
    ({"spec": BREAKDOWN, "round_number": 1, "past": True}, "round_past", "round"),
    ({"spec": BREAKDOWN, "round_number": 9}, "invalid_value", "round"),
    ({"spec": BREAKDOWN, "team_ids": [999_999]}, "unknown_team", "teams"),
    ({"spec": BREAKDOWN, "round_number": 3, "disruption_id": 999_999}, "unknown_disruption", "id"),
])
def test_bad_input_is_refused_at_its_field(two_teams, facilitator, body, code, field):
    if body.pop("past", False):
        rounds.round_advance(session_id=two_teams.id, user=facilitator, round_number=1)
    with pytest.raises(LabError) as exc:
        disruption_impact(session_id=two_teams.id, user=facilitator, **body)
    assert (exc.value.code, exc.value.field) == (code, field)


def test_only_the_sessions_facilitator_sizes_its_disruptions(two_teams):
    with pytest.raises(Forbidden):
        disruption_impact(session_id=two_teams.id, user=factories.make_facilitator(), spec=BREAKDOWN)
