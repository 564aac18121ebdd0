import pytest

from classroom.errors import Forbidden, LabError
from game.models import Disruption, RoundResult
from game.services import rounds
from game.services.disruptions import disruption_inject, disruptions_for_team
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

SUPPLIER_DOWN = {"kind": "supplier_failure", "targets": [0], "start_day": 2, "duration_days": 10, "magnitude": 1.0}


@pytest.fixture
def two_teams(lobby_session, facilitator):
    factories.join_many(lobby_session, 8)
    return factories.start(lobby_session, facilitator)


def test_injected_disruption_hits_only_the_chosen_team(two_teams, facilitator):
    team1, team2 = two_teams.teams.order_by("number")
    disruption_inject(session_id=two_teams.id, user=facilitator, spec=SUPPLIER_DOWN, team_ids=[team1.id])
    rounds.round_advance(session_id=two_teams.id, user=facilitator, round_number=1)
    hit = RoundResult.objects.get(team=team1, round__number=1)
    spared = RoundResult.objects.get(team=team2, round__number=1)
    assert [d["kind"] for d in hit.disruptions] == ["supplier_failure"]
    assert spared.disruptions == []
    # Same decisions, same random numbers: the only difference between the teams is the disruption.
    assert hit.decisions == spared.decisions
    assert hit.kpis["good_units"] < spared.kpis["good_units"] * 0.9


def test_disruption_for_all_teams_is_announced_to_each(two_teams, facilitator):
    disruption_inject(session_id=two_teams.id, user=facilitator,
                      spec={"kind": "demand_spike", "start_day": 0, "duration_days": 5, "magnitude": 0.5})
    for team in two_teams.teams.all():
        assert [d["kind"] for d in disruptions_for_team(team=team)] == ["demand_spike"]


def test_unannounced_disruption_is_a_surprise(two_teams, facilitator):
    disruption_inject(session_id=two_teams.id, user=facilitator, spec=SUPPLIER_DOWN, announce=False)
    assert disruptions_for_team(team=two_teams.teams.first()) == []
    assert Disruption.objects.get().announced is False


@pytest.mark.parametrize("spec, field", [
    ({"kind": "meteor"}, "kind"),
    ({"kind": "machine_breakdown", "magnitude": 3.0}, "magnitude"),
    ({"kind": "machine_breakdown", "targets": [9]}, "targets"),
    ({"kind": "machine_breakdown", "start_day": 40}, "start_day"),
    ({"kind": "machine_breakdown", "duration_days": "long"}, "duration_days"),
    ("breakdown", "kind"),
])
def test_bad_disruptions_are_refused_naming_the_field(two_teams, facilitator, spec, field):
    with pytest.raises(LabError) as exc:
        disruption_inject(session_id=two_teams.id, user=facilitator, spec=spec)
    assert exc.value.field == field
    assert not Disruption.objects.exists()


def test_teams_must_belong_to_the_session(two_teams, facilitator):
    other = factories.make_session(facilitator)
    factories.join_many(other, 1)
    stranger = other.teams.get()
    with pytest.raises(LabError) as exc:
        disruption_inject(session_id=two_teams.id, user=facilitator, spec=SUPPLIER_DOWN, team_ids=[stranger.id])
    assert exc.value.code == "unknown_team"
    assert not Disruption.objects.exists()


def test_only_the_sessions_facilitator_injects(two_teams):
    with pytest.raises(Forbidden):
        disruption_inject(session_id=two_teams.id, user=factories.make_facilitator(), spec=SUPPLIER_DOWN)


def test_no_injection_outside_a_round(lobby_session, facilitator):
    with pytest.raises(LabError) as exc:
        disruption_inject(session_id=lobby_session.id, user=facilitator, spec=SUPPLIER_DOWN)
    assert exc.value.code == "no_open_round"
