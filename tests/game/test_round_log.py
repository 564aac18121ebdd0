"""The round's log of a team's package (game/round_log.py), the `log` entries the package broadcasts carry,
and what the director's reopen does to alignment and approvals."""
import pytest

from classroom.errors import LabError
from classroom.events import team_group
from classroom.i18n_text import render
from game import engine
from game.models import Approval, PackageVersion, Round, RoundResult
from game.round_log import round_log
from game.services.packages import package_approve, package_edit, package_reopen
from game.services.rounds import round_advance
from game.snapshots import team_snapshot
from tests import factories

# Real commits, so the broadcasts (sent on commit) and closing an all-aligned round happen as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(monkeypatch):
    """Every group message the services send, in order: (group, message)."""
    out = []
    monkeypatch.setattr("classroom.events._send", lambda group, message: out.append((group, message)))
    return out


def updates(sent, team):
    return [m for g, m in sent if g == team_group(team.id) and m["type"] == "package.updated"]


@pytest.fixture
def two_teams(lobby_session, facilitator):
    """Two full teams, so one team aligning does not close round 1."""
    factories.join_many(lobby_session, 8)
    factories.start(lobby_session, facilitator)
    factories.committed(lobby_session)
    teams = list(lobby_session.teams.order_by("number"))
    seats = [{s.role: s.participant for s in t.seats.select_related("participant")} for t in teams]
    return {"session": lobby_session, "teams": teams, "team1": seats[0], "team2": seats[1]}


def approve_all(seats, version, tag=""):
    for role, person in seats.items():
        package_approve(participant_id=person.id, version=version, client_msg_id=f"a-{role}-{version}{tag}")


def current_round(session):
    return factories.open_round(session)


def team_log(team, session):
    """The log as an English reader's socket sends it (an edit's label is a message: docs/i18n.md)."""
    return render(round_log(team_id=team.id, game_round=current_round(session)), "en")


def test_the_log_lists_edits_approvals_and_a_reopen_in_order(two_teams):
    session, (team1, _), seats = two_teams["session"], two_teams["teams"], two_teams["team1"]
    hr, eng, director, finance = seats["hr"], seats["engineering"], seats["director"], seats["finance"]
    assert team_log(team1, session) == []  # version 1 only opens the round
    defaults = engine.default_levers(engine.load_scenario("demo"))

    package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="e1")
    package_edit(participant_id=eng.id, lever="technicians", value=defaults["technicians"] + 2, base_version=2,
                 client_msg_id="e2")
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.2, base_version=3, client_msg_id="e3")
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.2, base_version=4, client_msg_id="e4")  # same
    approve_all({"director": director, "finance": finance, "engineering": eng, "hr": hr}, 4)
    package_reopen(participant_id=director.id, client_msg_id="r1")
    package_approve(participant_id=finance.id, version=5, client_msg_id="a-again")

    log = team_log(team1, session)
    assert [e["kind"] for e in log] == ["edit"] * 3 + ["approve"] * 4 + ["reopen", "approve"]
    edits = [{k: e[k] for k in ("version", "lever", "label", "old", "new", "by", "role")} for e in log[:3]]
    assert edits == [
        {"version": 2, "lever": "overtime_share", "label": "Overtime share", "old": defaults["overtime_share"],
         "new": 0.1, "by": hr.display_name, "role": "hr"},
        {"version": 3, "lever": "technicians", "label": "Maintenance technicians", "old": defaults["technicians"],
         "new": defaults["technicians"] + 2, "by": eng.display_name, "role": "engineering"},
        {"version": 4, "lever": "overtime_share", "label": "Overtime share", "old": 0.1, "new": 0.2,
         "by": hr.display_name, "role": "hr"},
    ]
    assert [(e["role"], e["by"], e["version"]) for e in log[3:7]] == [
        ("director", director.display_name, 4), ("finance", finance.display_name, 4),
        ("engineering", eng.display_name, 4), ("hr", hr.display_name, 4)]
    assert {k: log[7][k] for k in ("kind", "version", "by", "role")} == {
        "kind": "reopen", "version": 5, "by": director.display_name, "role": "director"}
    assert (log[8]["role"], log[8]["version"]) == ("finance", 5)
    assert [e["at"] for e in log] == sorted(e["at"] for e in log)
    # The room's snapshot carries the same log.
    assert render(team_snapshot(participant_id=hr.id)["log"], "en") == log


def test_the_log_is_per_team(two_teams):
    session, (team1, team2), seats = two_teams["session"], two_teams["teams"], two_teams["team1"]
    package_edit(participant_id=seats["hr"].id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="e")
    assert len(team_log(team1, session)) == 1
    assert team_log(team2, session) == []


def test_edit_and_approve_broadcasts_carry_the_entries_they_add_to_the_log(two_teams, sent):
    session, (team1, team2), seats = two_teams["session"], two_teams["teams"], two_teams["team1"]
    sent.clear()
    package_edit(participant_id=seats["hr"].id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="e1")
    package_edit(participant_id=seats["engineering"].id, lever="technicians", value=6, base_version=2,
                 client_msg_id="e2")
    package_edit(participant_id=seats["hr"].id, lever="overtime_share", value=0.1, base_version=1,
                 client_msg_id="e1")  # a retry: answered again, not broadcast again
    package_approve(participant_id=seats["finance"].id, version=3, client_msg_id="a1")
    events = updates(sent, team1)
    assert [e["package"]["version"] for e in events] == [2, 3, 3]
    assert [[x["kind"] for x in e["log"]] for e in events] == [["edit"], ["edit"], ["approve"]]
    assert events[0]["log"][0]["lever"] == "overtime_share" and events[0]["log"][0]["new"] == 0.1
    assert events[1]["log"][0]["lever"] == "technicians" and events[1]["log"][0]["new"] == 6
    assert events[2]["log"][0]["role"] == "finance" and events[2]["log"][0]["by"] == seats["finance"].display_name
    # Old log + the events' entries == the fresh log (what a reconnect would show).
    assert render([x for e in events for x in e["log"]], "en") == team_log(team1, session)
    assert updates(sent, team2) == []
    # The console hears neither the package's levers nor the log: only its summary, coalesced.
    assert not [m for g, m in sent if m["type"] == "package.updated" and g != team_group(team1.id)]


def test_one_person_approving_for_two_roles_adds_two_entries(lobby_session, facilitator, sent):
    factories.join_many(lobby_session, 3)  # one team of three: somebody holds two roles
    factories.start(lobby_session, facilitator)
    team = lobby_session.teams.get()
    holders = {}
    for seat in team.seats.select_related("participant"):
        holders.setdefault(seat.participant_id, (seat.participant, []))[1].append(seat.role)
    person, roles = next(v for v in holders.values() if len(v[1]) == 2)
    factories.committed(lobby_session)
    sent.clear()
    package_approve(participant_id=person.id, version=1, client_msg_id="a")
    (event,) = updates(sent, team)
    assert sorted(x["role"] for x in event["log"]) == sorted(roles)
    assert {x["by"] for x in event["log"]} == {person.display_name}
    assert event["log"] == team_log(team, lobby_session)


def test_reopen_broadcast_carries_its_entry(two_teams, sent):
    session, (team1, _), seats = two_teams["session"], two_teams["teams"], two_teams["team1"]
    approve_all(seats, 1)
    sent.clear()
    package_reopen(participant_id=seats["director"].id, client_msg_id="r")
    (event,) = updates(sent, team1)
    assert event["package"]["version"] == 2 and event["package"]["reopened"] is True
    assert [x["kind"] for x in event["log"]] == ["reopen"]
    assert event["log"][0] == team_log(team1, session)[-1]


# ---- what a reopen does --------------------------------------------------------------------------------

def test_after_a_reopen_approvals_start_from_zero_and_edits_are_open_again(two_teams):
    session, (team1, _), seats = two_teams["session"], two_teams["teams"], two_teams["team1"]
    package_edit(participant_id=seats["hr"].id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="e")
    approve_all(seats, 2)
    reopened = package_reopen(participant_id=seats["director"].id, client_msg_id="r")
    assert reopened["version"] == 3 and reopened["approvals"] == {} and reopened["aligned"] is False
    assert reopened["levers"] == PackageVersion.objects.get(team=team1, version=2, round__number=1).levers
    assert not PackageVersion.objects.filter(team=team1, round__number=1, aligned_at__isnull=False).exists()
    assert Approval.objects.filter(package_version__team=team1, package_version__version=2).count() == 4  # history
    assert not Approval.objects.filter(package_version__team=team1, package_version__version=3).exists()

    one = package_approve(participant_id=seats["hr"].id, version=3, client_msg_id="a-hr-3")
    assert set(one["approvals"]) == {"hr"} and one["aligned"] is False
    # No longer locked: a role can change its levers again (which clears the new approval).
    edited = package_edit(participant_id=seats["engineering"].id, lever="technicians", value=6, base_version=3,
                          client_msg_id="e2")
    assert edited["version"] == 4 and edited["approvals"] == {}
    # Approving an old version is stale.
    with pytest.raises(LabError) as exc:
        package_approve(participant_id=seats["finance"].id, version=2, client_msg_id="old")
    assert exc.value.code == "stale_version"


def test_a_retried_reopen_is_applied_once(two_teams):
    session, (team1, _), seats = two_teams["session"], two_teams["teams"], two_teams["team1"]
    approve_all(seats, 1)
    first = package_reopen(participant_id=seats["director"].id, client_msg_id="r")
    again = package_reopen(participant_id=seats["director"].id, client_msg_id="r")
    assert first == again
    assert PackageVersion.objects.filter(team=team1, round__number=1).count() == 2


def test_a_reopened_team_no_longer_counts_as_aligned_when_the_round_closes(two_teams, facilitator):
    session, (team1, team2), seats = two_teams["session"], two_teams["teams"], two_teams["team1"]
    default = engine.default_levers(engine.load_scenario("demo"))["overtime_share"]
    package_edit(participant_id=seats["hr"].id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="e")
    approve_all(seats, 2)
    package_reopen(participant_id=seats["director"].id, client_msg_id="r")
    # Team 2 aligning is not enough any more: team 1 is not aligned.
    approve_all(two_teams["team2"], 1)
    round1 = Round.objects.get(session=session, number=1)
    assert round1.state == Round.State.OPEN
    round_advance(session_id=session.id, user=facilitator, round_number=1)
    result1 = RoundResult.objects.get(team=team1, round__number=1)
    result2 = RoundResult.objects.get(team=team2, round__number=1)
    assert result1.aligned is False and result2.aligned is True
    # The reopened plan did not run: without an aligned plan the defaults ran again.
    assert result1.decisions["overtime_share"] == default != 0.1
    assert result1.kpis["leadership_alignment"] == 0


def test_a_reopened_team_that_aligns_again_closes_the_round_with_its_new_plan(two_teams):
    session, (team1, _), seats = two_teams["session"], two_teams["teams"], two_teams["team1"]
    approve_all(two_teams["team2"], 1)
    approve_all(seats, 1)  # both aligned: round 1 closes at once
    assert Round.objects.get(session=session, number=1).state == Round.State.CLOSED
    factories.committed(session)
    # In round 2 team 1 aligns, reopens, changes its mind and aligns again.
    approve_all(seats, 1, tag="r2")
    package_reopen(participant_id=seats["director"].id, client_msg_id="r2-reopen")
    package_edit(participant_id=seats["hr"].id, lever="overtime_share", value=0.1, base_version=2,
                 client_msg_id="r2-e")
    assert Round.objects.get(session=session, number=2).state == Round.State.OPEN
    approve_all(two_teams["team2"], 1, tag="r2")
    assert Round.objects.get(session=session, number=2).state == Round.State.OPEN  # team 1 is not aligned
    approve_all(seats, 3, tag="r2")
    round2 = Round.objects.get(session=session, number=2)
    assert round2.state == Round.State.CLOSED and round2.closed_by == Round.ClosedBy.ALL_ALIGNED
    result = RoundResult.objects.get(team=team1, round=round2)
    assert result.aligned is True and result.decisions["overtime_share"] == 0.1
