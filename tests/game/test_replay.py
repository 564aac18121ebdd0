"""A session replays exactly from its seed, its stored decisions and the disruptions that hit it:
everything the round close fed the engine is on record in the results."""
import pytest

from game import engine
from game.models import RoundResult
from game.services import rounds
from game.services.disruptions import disruption_inject
from game.services.packages import package_approve, package_edit
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_stored_results_replay_exactly(lobby_session, facilitator):
    factories.join_many(lobby_session, 8)
    factories.start(lobby_session, facilitator)
    team1, team2 = lobby_session.teams.order_by("number")
    hr1 = team1.seats.get(role="hr").participant
    package_edit(participant_id=hr1.id, lever="overtime_share", value=0.25, base_version=1, client_msg_id="ot")
    for seat in team1.seats.all():
        package_approve(participant_id=seat.participant_id, version=2, client_msg_id=f"a{seat.id}")
    disruption_inject(session_id=lobby_session.id, user=facilitator, team_ids=[team2.id],
                      spec={"kind": "machine_breakdown", "targets": [2], "start_day": 3, "duration_days": 4,
                            "magnitude": 1.0})
    rounds.round_advance(session_id=lobby_session.id, user=facilitator, round_number=1)
    rounds.round_advance(session_id=lobby_session.id, user=facilitator, round_number=2)

    scenario = engine.load_scenario(lobby_session.scenario_name)
    state = engine.initial_state(scenario, 2)
    for number in (1, 2):
        stored = [RoundResult.objects.get(team=t, round__number=number) for t in (team1, team2)]
        state, kpis = engine.simulate_round(
            state, [r.decisions for r in stored], scenario,
            [[engine.Disruption.from_dict(d) for d in r.disruptions] for r in stored],
            seed=lobby_session.seed, round_number=number,
            alignment=[r.kpis["leadership_alignment"] for r in stored],
        )
        for replayed, result in zip(kpis, stored):
            assert replayed["good_units"] == result.kpis["good_units"]
            assert replayed["cash"] == result.kpis["cash"]
            assert replayed["scorecard"] == result.kpis["scorecard"]
    assert RoundResult.objects.get(team=team2, round__number=1).disruptions[0]["kind"] == "machine_breakdown"
    assert RoundResult.objects.get(team=team1, round__number=2).decisions["overtime_share"] == 0.25  # carried
