import pytest

from classroom.errors import Forbidden, LabError
from classroom.models import Session
from game.models import Disruption, RoundResult
from game.services import rounds
from game.services.disruptions import (disruption_cancel, disruption_edit, disruption_inject, disruption_schedule,
                                       disruptions_for_session, disruptions_for_team)
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


# Scheduled for a later round: lands in its round only, told to the teams when that round opens

BREAKDOWN = {"kind": "machine_breakdown", "targets": [], "start_day": 0, "duration_days": 8, "magnitude": 1.0}


@pytest.fixture
def sent(monkeypatch):
    """Every group message the services send (after commit), as (group, message)."""
    out = []
    monkeypatch.setattr("classroom.events._send", lambda group, message: out.append((group, message)))
    return out


def team_events(sent, team, kind):
    return [m for g, m in sent if g == f"team.{team.id}" and m["type"] == kind]


def kinds_that_hit(team, round_number):
    return [d["kind"] for d in RoundResult.objects.get(team=team, round__number=round_number).disruptions]


@pytest.fixture
def three_rounds(lobby_session, facilitator):
    Session.objects.filter(pk=lobby_session.pk).update(rounds=3)
    factories.join_many(lobby_session, 8)
    return factories.start(lobby_session, facilitator)


def test_scheduled_for_a_later_round_lands_there_and_not_before(three_rounds, facilitator, sent):
    team1, team2 = three_rounds.teams.order_by("number")
    d = disruption_schedule(session_id=three_rounds.id, user=facilitator, spec=SUPPLIER_DOWN, round_number=2,
                            team_ids=[team1.id])
    assert d.round_number == 2 and d.start_day == 2
    # Round 1: nobody is told, nothing lands.
    assert team_events(sent, team1, "disruption.announced") == []
    assert disruptions_for_team(team=team1) == []
    rounds.round_advance(session_id=three_rounds.id, user=facilitator, round_number=1)
    assert kinds_that_hit(team1, 1) == [] and kinds_that_hit(team2, 1) == []
    # Round 2 opens: team 1 is told now, team 2 never.
    [told] = team_events(sent, team1, "disruption.announced")
    assert told["disruption"]["id"] == d.id and told["disruption"]["round"] == 2
    assert team_events(sent, team2, "disruption.announced") == []
    assert [x["id"] for x in disruptions_for_team(team=team1)] == [d.id] and disruptions_for_team(team=team2) == []
    rounds.round_advance(session_id=three_rounds.id, user=facilitator, round_number=2)
    assert kinds_that_hit(team1, 2) == ["supplier_failure"] and kinds_that_hit(team2, 2) == []
    hit, spared = (RoundResult.objects.get(team=t, round__number=2) for t in (team1, team2))
    assert hit.kpis["good_units"] < spared.kpis["good_units"] * 0.9
    assert kinds_that_hit(team1, 1) == []
    assert {x["id"]: x["state"] for x in disruptions_for_session(session=three_rounds)} == {d.id: "landed"}


def test_a_scheduled_surprise_is_never_told_and_still_lands(three_rounds, facilitator, sent):
    team1 = three_rounds.teams.order_by("number").first()
    disruption_schedule(session_id=three_rounds.id, user=facilitator, spec=BREAKDOWN, round_number=2, announce=False)
    rounds.round_advance(session_id=three_rounds.id, user=facilitator, round_number=1)
    rounds.round_advance(session_id=three_rounds.id, user=facilitator, round_number=2)
    assert [m for g, m in sent if m["type"].startswith("disruption.") and g.startswith("team.")] == []
    assert disruptions_for_team(team=team1) == []
    assert kinds_that_hit(team1, 2) == ["machine_breakdown"]


def test_scheduling_in_the_lobby_for_round_one(lobby_session, facilitator, sent):
    factories.join_many(lobby_session, 4)
    d = disruption_schedule(session_id=lobby_session.id, user=facilitator, spec=BREAKDOWN, round_number=1)
    team = lobby_session.teams.get()
    assert team_events(sent, team, "disruption.announced") == []
    factories.start(lobby_session, facilitator)
    assert [m["disruption"]["id"] for m in team_events(sent, team, "disruption.announced")] == [d.id]
    rounds.round_advance(session_id=lobby_session.id, user=facilitator, round_number=1)
    assert kinds_that_hit(team, 1) == ["machine_breakdown"]


def test_the_round_being_played_by_number_is_an_injection(two_teams, facilitator, sent):
    d = disruption_schedule(session_id=two_teams.id, user=facilitator, spec=SUPPLIER_DOWN, round_number=1)
    for team in two_teams.teams.all():
        assert [m["disruption"]["id"] for m in team_events(sent, team, "disruption.announced")] == [d.id]


def test_a_cancelled_disruption_never_lands(three_rounds, facilitator, sent):
    team1 = three_rounds.teams.order_by("number").first()
    later = disruption_schedule(session_id=three_rounds.id, user=facilitator, spec=BREAKDOWN, round_number=2)
    now = disruption_inject(session_id=three_rounds.id, user=facilitator, spec=SUPPLIER_DOWN)
    disruption_cancel(session_id=three_rounds.id, user=facilitator, disruption_id=now.id)
    disruption_cancel(session_id=three_rounds.id, user=facilitator, disruption_id=later.id)
    # The teams that had been told of the one in play hear it is gone; nobody ever hears of the later one.
    assert [m["id"] for m in team_events(sent, team1, "disruption.cancelled")] == [now.id]
    assert disruptions_for_team(team=team1) == []
    rounds.round_advance(session_id=three_rounds.id, user=facilitator, round_number=1)
    rounds.round_advance(session_id=three_rounds.id, user=facilitator, round_number=2)
    assert kinds_that_hit(team1, 1) == [] and kinds_that_hit(team1, 2) == []
    assert [m["disruption"]["id"] for m in team_events(sent, team1, "disruption.announced")] == [now.id]
    assert {x["id"]: x["state"] for x in disruptions_for_session(session=three_rounds)} == {
        now.id: "cancelled", later.id: "cancelled"}
    with pytest.raises(LabError) as exc:
        disruption_cancel(session_id=three_rounds.id, user=facilitator, disruption_id=later.id)
    assert exc.value.code == "disruption_cancelled"


def test_an_edit_changes_what_lands(three_rounds, facilitator):
    team1, team2 = three_rounds.teams.order_by("number")
    d = disruption_schedule(session_id=three_rounds.id, user=facilitator, spec=SUPPLIER_DOWN, round_number=2,
                            team_ids=[team1.id])
    disruption_edit(session_id=three_rounds.id, user=facilitator, disruption_id=d.id,
                    spec={**BREAKDOWN, "start_day": 3}, team_ids=[team2.id], round_number=3)
    row = Disruption.objects.get()
    assert (row.kind, row.round_number, row.start_day, row.edited_at is not None) == ("machine_breakdown", 3, 3, True)
    for n in (1, 2, 3):
        rounds.round_advance(session_id=three_rounds.id, user=facilitator, round_number=n)
    assert [kinds_that_hit(t, n) for t in (team1, team2) for n in (1, 2, 3)] == [
        [], [], [], [], [], ["machine_breakdown"]]
    stored = RoundResult.objects.get(team=team2, round__number=3).disruptions[0]
    assert stored["start_day"] == 3 and stored["duration_days"] == 8


def test_editing_news_in_play_tells_the_teams_that_see_it(two_teams, facilitator, sent):
    team1, team2 = two_teams.teams.order_by("number")
    d = disruption_inject(session_id=two_teams.id, user=facilitator, spec=SUPPLIER_DOWN, team_ids=[team1.id])
    disruption_edit(session_id=two_teams.id, user=facilitator, disruption_id=d.id,
                    spec={**SUPPLIER_DOWN, "magnitude": 0.5}, team_ids=[team1.id, team2.id])
    [changed] = team_events(sent, team1, "disruption.changed")
    assert changed["disruption"]["magnitude"] == 0.5
    assert [m["disruption"]["magnitude"] for m in team_events(sent, team2, "disruption.announced")] == [0.5]
    # Made a surprise: withdrawn from both rooms' news (it will still land).
    disruption_edit(session_id=two_teams.id, user=facilitator, disruption_id=d.id, spec=SUPPLIER_DOWN,
                    team_ids=[], announce=False)
    assert len(team_events(sent, team1, "disruption.cancelled")) == len(team_events(sent, team2,
                                                                                   "disruption.cancelled")) == 1
    assert disruptions_for_team(team=team1) == []


def test_nothing_changes_once_its_round_has_closed(two_teams, facilitator):
    d = disruption_inject(session_id=two_teams.id, user=facilitator, spec=SUPPLIER_DOWN)
    rounds.round_advance(session_id=two_teams.id, user=facilitator, round_number=1)
    before = Disruption.objects.values().get()
    for change in (lambda: disruption_cancel(session_id=two_teams.id, user=facilitator, disruption_id=d.id),
                   lambda: disruption_edit(session_id=two_teams.id, user=facilitator, disruption_id=d.id,
                                           spec=BREAKDOWN, round_number=2)):
        with pytest.raises(LabError) as exc:
            change()
        assert exc.value.code == "disruption_landed" and exc.value.field == "id"
    assert Disruption.objects.values().get() == before


@pytest.mark.parametrize("round_number, code", [(1, "round_past"), (0, "round_past"), (4, "invalid_value"),
                                                ("2", "invalid_value"), (True, "invalid_value")])
def test_a_past_or_unknown_round_is_refused_at_the_field(three_rounds, facilitator, round_number, code):
    rounds.round_advance(session_id=three_rounds.id, user=facilitator, round_number=1)
    with pytest.raises(LabError) as exc:
        disruption_schedule(session_id=three_rounds.id, user=facilitator, spec=BREAKDOWN, round_number=round_number)
    assert (exc.value.code, exc.value.field) == (code, "round")
    if code == "round_past":
        assert exc.value.message == f"Round {round_number} has already been played: pick round 2 to 3."
    assert not Disruption.objects.exists()


@pytest.mark.parametrize("spec, field", [
    ({**BREAKDOWN, "kind": "meteor"}, "kind"),
    ({**BREAKDOWN, "magnitude": 1.5}, "magnitude"),
    ({"kind": "energy_price_spike", "magnitude": 0.5}, "magnitude"),
    ({**BREAKDOWN, "start_day": -1}, "start_day"),
])
def test_scheduling_or_editing_with_bad_fields_changes_nothing(three_rounds, facilitator, spec, field):
    with pytest.raises(LabError) as exc:
        disruption_schedule(session_id=three_rounds.id, user=facilitator, spec=spec, round_number=2)
    assert exc.value.field == field
    assert not Disruption.objects.exists()
    d = disruption_schedule(session_id=three_rounds.id, user=facilitator, spec=SUPPLIER_DOWN, round_number=2)
    before = Disruption.objects.values().get()
    with pytest.raises(LabError) as exc:
        disruption_edit(session_id=three_rounds.id, user=facilitator, disruption_id=d.id, spec=spec)
    assert exc.value.field == field
    with pytest.raises(LabError) as exc:
        disruption_edit(session_id=three_rounds.id, user=facilitator, disruption_id=d.id, spec=SUPPLIER_DOWN,
                        round_number=0)
    assert (exc.value.code, exc.value.field) == ("round_past", "round")
    assert Disruption.objects.values().get() == before


def test_edit_and_cancel_need_one_of_this_sessions_disruptions(three_rounds, facilitator):
    other = factories.make_session(facilitator)
    factories.join_many(other, 1)
    theirs = disruption_schedule(session_id=other.id, user=facilitator, spec=BREAKDOWN, round_number=1)
    for bad in (theirs.id, None, "1"):
        with pytest.raises(LabError) as exc:
            disruption_cancel(session_id=three_rounds.id, user=facilitator, disruption_id=bad)
        assert exc.value.field == "id"
    assert Disruption.objects.get().cancelled_at is None


def test_only_the_sessions_facilitator_schedules_edits_or_cancels(three_rounds, facilitator):
    d = disruption_schedule(session_id=three_rounds.id, user=facilitator, spec=BREAKDOWN, round_number=2)
    intruder = factories.make_facilitator()
    with pytest.raises(Forbidden):
        disruption_schedule(session_id=three_rounds.id, user=intruder, spec=BREAKDOWN, round_number=2)
    with pytest.raises(Forbidden):
        disruption_edit(session_id=three_rounds.id, user=intruder, disruption_id=d.id, spec=SUPPLIER_DOWN)
    with pytest.raises(Forbidden):
        disruption_cancel(session_id=three_rounds.id, user=intruder, disruption_id=d.id)
    assert Disruption.objects.values_list("kind", "cancelled_at").get() == ("machine_breakdown", None)


def test_the_console_lists_every_disruption_with_its_state(three_rounds, facilitator):
    now = disruption_inject(session_id=three_rounds.id, user=facilitator, spec=SUPPLIER_DOWN)
    later = disruption_schedule(session_id=three_rounds.id, user=facilitator, spec=BREAKDOWN, round_number=3,
                                announce=False)
    gone = disruption_schedule(session_id=three_rounds.id, user=facilitator, spec=BREAKDOWN, round_number=2)
    disruption_cancel(session_id=three_rounds.id, user=facilitator, disruption_id=gone.id)
    rows = {r["id"]: r for r in disruptions_for_session(session=three_rounds)}
    assert [r["id"] for r in disruptions_for_session(session=three_rounds)] == [now.id, gone.id, later.id]
    assert (rows[now.id]["state"], rows[now.id]["editable"], rows[now.id]["round"]) == ("scheduled", True, 1)
    assert (rows[later.id]["state"], rows[later.id]["announced"], rows[later.id]["round"]) == ("scheduled", False, 3)
    assert rows[later.id]["team_ids"] == [] and rows[later.id]["teams"] == "all"
    assert (rows[gone.id]["state"], rows[gone.id]["editable"]) == ("cancelled", False)
    rounds.round_advance(session_id=three_rounds.id, user=facilitator, round_number=1)
    rows = {r["id"]: r for r in disruptions_for_session(session=three_rounds)}
    assert (rows[now.id]["state"], rows[now.id]["editable"]) == ("landed", False)
    from game.services.lifecycle import session_end

    session_end(session_id=three_rounds.id, user=facilitator)
    rows = {r["id"]: r for r in disruptions_for_session(session=Session.objects.get(pk=three_rounds.pk))}
    assert rows[later.id]["state"] == "not_played" and rows[now.id]["state"] == "landed"


def test_a_round_that_is_closing_takes_no_more_changes(two_teams, facilitator):
    """The engine may be running the month: what it runs is what the facilitator was told."""
    from game.models import Round

    d = disruption_inject(session_id=two_teams.id, user=facilitator, spec=SUPPLIER_DOWN)
    Round.objects.filter(session=two_teams, number=1).update(state=Round.State.CLOSING)
    with pytest.raises(LabError) as exc:
        disruption_cancel(session_id=two_teams.id, user=facilitator, disruption_id=d.id)
    assert exc.value.code == "disruption_landed"
    with pytest.raises(LabError) as exc:
        disruption_schedule(session_id=two_teams.id, user=facilitator, spec=BREAKDOWN, round_number=1)
    assert (exc.value.code, exc.value.field) == ("round_past", "round")
    with pytest.raises(LabError) as exc:
        disruption_inject(session_id=two_teams.id, user=facilitator, spec=BREAKDOWN)
    assert exc.value.code == "no_open_round"
    assert Disruption.objects.count() == 1 and Disruption.objects.get().cancelled_at is None
    assert disruption_schedule(session_id=two_teams.id, user=facilitator, spec=BREAKDOWN, round_number=2)
