"""Counterfactual replay (game/counterfactual.py): with no change it reproduces the stored results exactly
(several teams, several rounds, injected disruptions, different packages per team, aligned and carried);
a change moves the rounds from its start and none before; a round not played or a bad lever is refused at
its field and nothing is written."""
import pytest

from classroom.errors import LabError, NotFound
from classroom.models import Session, Team
from game.counterfactual import counterfactual
from game.dashboards import KPIS
from game.models import PackageVersion, RoundResult
from game.selectors import package_latest
from game.services import rounds
from game.services.disruptions import disruption_inject
from game.services.packages import package_approve, package_edit
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _decide(team: Team, levers: dict, *, align: bool = True) -> None:
    """Team `team` edits `levers` (each by the role that owns it) in the open round and, if `align`, approves."""
    from game import engine

    game_round = factories.open_round(team.session)
    seats = {s.role: s.participant_id for s in team.seats.all()}
    for n, (lever, value) in enumerate(levers.items()):
        version = package_latest(team=team, game_round=game_round).version
        package_edit(participant_id=seats[engine.LEVERS[lever].role], lever=lever, value=value,
                     base_version=version, client_msg_id=f"e{team.id}-{game_round.number}-{n}")
    if align:
        factories.committed(team.session)
        version = package_latest(team=team, game_round=game_round).version
        for role, pid in seats.items():
            package_approve(participant_id=pid, version=version, client_msg_id=f"a{team.id}-{game_round.number}-{role}")


def _close(session, facilitator) -> None:
    number = factories.open_round(session).number
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=number)


@pytest.fixture
def played(facilitator):
    """Three teams, four rounds of which three are played: different packages per team (one on Saturday
    shifts with overtime, one deferring maintenance with a short envelope, one left at the defaults), aligned
    in some rounds and carried forward in others, and disruptions injected for one team and for all."""
    session = factories.make_session(facilitator, rounds_count=4, seed=2024)
    factories.join_many(session, 12)
    session = factories.start(session, facilitator)
    t1, t2, t3 = session.teams.order_by("number")

    _decide(t1, {"overtime_share": 0.25, "shift_pattern": "6x2", "production_target": 14_000})
    _decide(t2, {"pm_hours": [0, 0, 0, 0, 0], "maintenance_budget": 30_000.0, "hires": 3})
    disruption_inject(session_id=session.id, user=facilitator, team_ids=[t2.id],
                      spec={"kind": "machine_breakdown", "targets": [2], "start_day": 3, "duration_days": 4,
                            "magnitude": 1.0})
    _close(session, facilitator)

    _decide(t2, {"training_hours": 6}, align=False)  # not aligned: round 1's package carries forward
    _decide(t3, {"quality_program": 0.5, "inspection_level": "full", "quality_budget": 60_000.0})
    disruption_inject(session_id=session.id, user=facilitator, team_ids=[],
                      spec={"kind": "supplier_failure", "targets": [0], "start_day": 5, "duration_days": 6,
                            "magnitude": 0.7})
    _close(session, facilitator)

    _decide(t1, {"overtime_share": 0.1})
    disruption_inject(session_id=session.id, user=facilitator, team_ids=[t1.id, t3.id],
                      spec={"kind": "absenteeism", "targets": [], "start_day": 0, "duration_days": 8,
                            "magnitude": 0.2})
    _close(session, facilitator)
    session.refresh_from_db()
    assert session.state == Session.State.RUNNING and factories.open_round(session).number == 4
    return session


def _stored(team, number) -> dict:
    return RoundResult.objects.get(team=team, round__number=number).kpis


def test_a_replay_with_no_change_reproduces_every_stored_kpi_exactly(played):
    teams = list(played.teams.order_by("number"))
    # the fixture did what it says: the packages differ, and the disruptions are on record
    r1 = {t.number: RoundResult.objects.get(team=t, round__number=1) for t in teams}
    assert r1[1].decisions["shift_pattern"] == "6x2" and r1[2].decisions["pm_hours"] == [0] * 5
    assert [d["kind"] for d in r1[2].disruptions] == ["machine_breakdown"] and r1[1].disruptions == []
    r2 = RoundResult.objects.get(team=teams[1], round__number=2)
    assert not r2.aligned and r2.decisions["training_hours"] == r1[2].decisions["training_hours"]
    for team in teams:
        answer = counterfactual(session=played, team=team, from_round=1)
        assert answer["change"].startswith("No change")
        assert [r["round"] for r in answer["rounds"]] == [1, 2, 3]
        for row in answer["rounds"]:
            stored = _stored(team, row["round"])
            assert set(row["counterfactual"]) == set(KPIS)
            assert row["actual"] == {k: stored.get(k) for k in KPIS}
            assert row["counterfactual"] == row["actual"], f"team {team.number}, round {row['round']}"
            assert row["changed_levers"] == {}


def test_a_preset_changes_the_rounds_from_its_start_and_none_before(played):
    team = played.teams.get(number=1)  # ran overtime every round
    answer = counterfactual(session=played, team=team.id, from_round=2, preset="no_overtime")
    assert answer["from_round"] == 2 and "No overtime, from round 2 on" in answer["change"]
    assert [r["round"] for r in answer["rounds"]] == [2, 3]
    for row in answer["rounds"]:
        assert row["changed_levers"]["overtime_share"]["counterfactual"] == 0.0
        assert row["counterfactual"]["hours_per_week"] < row["actual"]["hours_per_week"]
        assert row["counterfactual"]["good_units"] != row["actual"]["good_units"]
    # round 1 was not changed: replayed from round 1 with the change from round 2, round 1 is as stored,
    # and the state carried into round 2 was the stored one (the change from round 1 differs from it).
    from_one = counterfactual(session=played, team=team, from_round=1, preset="no_overtime")
    assert from_one["rounds"][0]["counterfactual"] != from_one["rounds"][0]["actual"]
    assert from_one["rounds"][1]["counterfactual"] != answer["rounds"][0]["counterfactual"]
    # the other teams' replays are untouched by this team's change
    other = played.teams.get(number=3)
    assert all(r["counterfactual"] == r["actual"] for r in counterfactual(session=played, team=other,
                                                                           from_round=1)["rounds"])


def test_recommended_pm_and_no_cuts_fund_what_they_plan(played):
    team = played.teams.get(number=2)  # deferred all PM on a short maintenance envelope
    pm = counterfactual(session=played, team=team, from_round=1, preset="recommended_pm")
    first = pm["rounds"][0]
    assert first["changed_levers"]["pm_hours"] == {"actual": [0] * 5, "counterfactual": [16, 16, 20, 16, 16]}
    assert first["changed_levers"]["technicians"]["counterfactual"] == 4
    assert first["changed_levers"]["maintenance_budget"]["counterfactual"] > 30_000
    assert first["counterfactual"]["maintenance_backlog"] < first["actual"]["maintenance_backlog"]
    assert "recommended preventive maintenance (16, 16, 20, 16, 16 h" in pm["change"].lower()
    cuts = counterfactual(session=played, team=team, from_round=3, preset="no_cuts")
    assert cuts["rounds"][0]["changed_levers"]["maintenance_budget"]["counterfactual"] > 30_000


def test_lever_edits_apply_on_top_of_a_preset(played):
    team = played.teams.get(number=1)
    answer = counterfactual(session=played, team=team, from_round=3, preset="no_overtime",
                            levers={"overtime_share": 0.05, "technicians": 6})
    row = answer["rounds"][0]
    assert row["changed_levers"]["overtime_share"]["counterfactual"] == 0.05  # the edit wins over the preset
    assert row["changed_levers"]["technicians"] == {"actual": 3, "counterfactual": 6}
    assert "technicians set to 6 people" in answer["change"].lower()


def _nothing_written(before):
    return (RoundResult.objects.count(), PackageVersion.objects.count(),
            list(Team.objects.order_by("id").values_list("engine_state", flat=True))) == before


def _snapshot():
    return (RoundResult.objects.count(), PackageVersion.objects.count(),
            list(Team.objects.order_by("id").values_list("engine_state", flat=True)))


@pytest.mark.parametrize("from_round", [4, 9, 0, -1])
def test_a_round_not_played_is_refused_at_the_field_and_nothing_changes(played, from_round):
    before = _snapshot()
    with pytest.raises(LabError) as caught:
        counterfactual(session=played, team=played.teams.first(), from_round=from_round, preset="no_overtime")
    assert caught.value.code == "round_not_played" and caught.value.field == "from_round"
    assert "from 1 to 3" in caught.value.message
    if from_round == 4:
        assert caught.value.message.startswith("Round 4 has not been played yet")
    assert _nothing_written(before)


def test_no_round_played_yet_is_refused_in_words(started_session):
    with pytest.raises(LabError) as caught:
        counterfactual(session=started_session, team=started_session.teams.first(), from_round=1)
    assert caught.value.code == "round_not_played" and caught.value.field == "from_round"
    assert "No round has been played yet" in caught.value.message


@pytest.mark.parametrize("levers, field, words", [
    ({"overtime_share": 0.9}, "overtime_share", "Overtime share must be a number from 0 to 30 % of planned hours"),
    ({"technicians": "many"}, "technicians", "Maintenance technicians must be a whole number"),
    ({"warp_drive": 1}, "warp_drive", "There is no lever called 'warp_drive'"),
    ({"priority_weights": [50, 50, 50, 0, 0]}, "priority_weights", "Priority weights must sum to 100"),
    ({"exits": 2}, "exits", "round 1 could not run"),  # team 2 hired in round 1: hiring and firing at once
    (["overtime_share"], "levers", "must map a lever to its new value"),
])
def test_a_bad_lever_is_refused_at_its_field_in_words(played, levers, field, words):
    before = _snapshot()
    with pytest.raises(LabError) as caught:
        counterfactual(session=played, team=played.teams.get(number=2), from_round=1, levers=levers)
    assert caught.value.code == "invalid_value" and caught.value.field == field
    assert words in caught.value.message
    assert _nothing_written(before)


def test_an_unknown_preset_and_a_foreign_team_are_refused(played, facilitator):
    with pytest.raises(LabError) as caught:
        counterfactual(session=played, team=played.teams.first(), from_round=1, preset="win_everything")
    assert caught.value.code == "unknown_preset" and caught.value.field == "preset"
    assert "no overtime" in caught.value.message
    other = factories.make_session(facilitator)
    factories.join_many(other, 4)
    factories.start(other, facilitator)
    with pytest.raises(NotFound):
        counterfactual(session=played, team=other.teams.first(), from_round=1)
    with pytest.raises(NotFound):
        counterfactual(session=played, team=other.teams.first().id, from_round=1)
    with pytest.raises(LabError) as caught:
        counterfactual(session=played, team="one", from_round=1)
    assert caught.value.field == "team"
