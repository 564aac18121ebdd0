"""A session replays exactly from its seed, its stored decisions and the disruptions that hit it:
everything the round close fed the engine is on record in the results, and the scenario is the
snapshot stored with the session, whatever has become of its file since."""
import pytest

from classroom.models import Session
from game import engine
from game.models import RoundResult
from game.selectors import session_scenario
from game.services import rounds
from game.services.disruptions import disruption_inject
from game.services.packages import package_approve, package_edit
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _replay(session, scenario, teams, numbers):
    """Per round: the stored results and the KPIs the engine gives again from what they record."""
    state = engine.initial_state(scenario, len(teams))
    out = []
    for number in numbers:
        stored = [RoundResult.objects.get(team=t, round__number=number) for t in teams]
        state, kpis = engine.simulate_round(
            state, [r.decisions for r in stored], scenario,
            [[engine.Disruption.from_dict(d) for d in r.disruptions] for r in stored],
            seed=session.seed, round_number=number,
            alignment=[r.kpis["leadership_alignment"] for r in stored],
        )
        out.append((stored, kpis))
    return out


def test_stored_results_replay_exactly(lobby_session, facilitator):
    factories.join_many(lobby_session, 8)
    factories.start(lobby_session, facilitator)
    factories.committed(lobby_session)
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

    for stored, replayed in _replay(lobby_session, session_scenario(session=lobby_session), [team1, team2], (1, 2)):
        for result, kpis in zip(stored, replayed):
            assert kpis["good_units"] == result.kpis["good_units"]
            assert kpis["cash"] == result.kpis["cash"]
            assert kpis["scorecard"] == result.kpis["scorecard"]
    assert RoundResult.objects.get(team=team2, round__number=1).disruptions[0]["kind"] == "machine_breakdown"
    assert RoundResult.objects.get(team=team1, round__number=2).decisions["overtime_share"] == 0.25  # carried


def test_a_changed_scenario_file_changes_neither_the_rounds_nor_their_replay(scenario_files, lobby_session,
                                                                              facilitator):
    original = engine.load_scenario(lobby_session.scenario_name)
    factories.join_many(lobby_session, 8)
    factories.start(lobby_session, facilitator)
    scenario_files("demo", demand=20_000.0, price=150.0)  # an author edits the file mid-session
    changed = engine.load_scenario("demo")
    assert changed.params["price"] == 150.0
    rounds.round_advance(session_id=lobby_session.id, user=facilitator, round_number=1)
    rounds.round_advance(session_id=lobby_session.id, user=facilitator, round_number=2)

    session = Session.objects.get(pk=lobby_session.pk)
    assert session_scenario(session=session).params == original.params
    teams = list(session.teams.order_by("number"))
    for stored, replayed in _replay(session, original, teams, (1, 2)):  # closed with the snapshot
        for key in ("cash", "good_units", "scorecard"):
            assert [r.kpis[key] for r in stored] == [k[key] for k in replayed]
    for stored, replayed in _replay(session, changed, teams, (1, 2)):  # the edited file would have differed
        assert [r.kpis["cash"] for r in stored] != [k["cash"] for k in replayed]
