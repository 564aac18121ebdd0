"""The debrief selectors (game/debrief.py): the leaderboard ranks by the mean scorecard over the closed
rounds (ties, tie-breaks, the ranking in words), the alignment story is the stored versions, approvals
and chat, and the whole read is a handful of SELECTs. Sessions are played through the real services."""
from datetime import timedelta
from statistics import mean

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from classroom.i18n_text import render
from classroom.models import LedgerEntry
from game.debrief import (SCORECARD_PARTS, debrief_leaderboard, debrief_series, debrief_teams, kpi_text,
                          lever_text, session_debrief)
from game.lever_display import room_lever_specs
from game.models import Approval, PackageVersion, Round, RoundResult
from game.selectors import leaderboard
from game.services import rounds
from game.services.chat import chat_send
from tests import factories
from tests.played import play_two_months, seat

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def played(facilitator):
    session = factories.make_session(facilitator, rounds_count=2)
    teams = play_two_months(session, facilitator)
    session.refresh_from_db()
    return session, teams


def set_kpi(team, number, **values):
    result = RoundResult.objects.get(team=team, round__number=number)
    result.kpis.update(values)
    result.save(update_fields=["kpis"])


def test_the_leaderboard_ranks_by_the_mean_scorecard_and_ties_share_a_place(played):
    session, (team1, team2, team3) = played
    stored = {t.id: [r.kpis["scorecard"] for r in t.results.order_by("round__number")] for t in (team1, team2, team3)}
    assert stored[team2.id] == stored[team3.id]  # same package, same random numbers
    board = debrief_leaderboard(session=session)
    assert board["months"] == 2
    rows = {r["team"]: r for r in board["rows"]}
    for team in (team1, team2, team3):
        assert rows[team.name]["scorecard_mean"] == pytest.approx(mean(stored[team.id]))
        assert rows[team.name]["months"] == 2
    assert [r["team"] for r in board["rows"]] == sorted(rows, key=lambda n: (-round(rows[n]["scorecard_mean"], 1), n))
    assert rows["Team 2"]["rank"] == rows["Team 3"]["rank"]
    assert rows["Team 2"]["tied_with"] == ["Team 3"] and rows["Team 3"]["tied_with"] == ["Team 2"]
    assert "shares" in rows["Team 2"]["sentence"] and "with Team 3" in rows["Team 2"]["sentence"]
    # Only team 1 aligned: it leads alignment, and alignment is where the others are weakest.
    assert "alignment" in rows["Team 1"]["led"] and "alignment" not in rows["Team 2"]["led"]
    assert "weakest was alignment (0.0 / 100)" in rows["Team 2"]["sentence"]


def test_the_parts_are_the_means_of_the_stored_scorecard_parts(played):
    session, teams = played
    board = debrief_leaderboard(session=session)
    for row in board["rows"]:
        results = list(RoundResult.objects.filter(team_id=row["team_id"]).order_by("round__number"))
        for part in SCORECARD_PARTS:
            expected = 100 * mean(r.kpis["scorecard_parts"][part] for r in results)
            assert row["parts"][part] == pytest.approx(expected)
            assert row["points"][part] == pytest.approx(board["weights"][part] * expected)
        # the weighted parts add up to the mean scorecard
        assert sum(row["points"].values()) == pytest.approx(row["scorecard_mean"], abs=0.01)


def test_a_good_last_month_does_not_beat_a_better_session(played):
    session, (team1, team2, team3) = played
    set_kpi(team1, 1, scorecard=100.0)
    set_kpi(team1, 2, scorecard=40.0)  # mean 70, but the worst last month
    board = debrief_leaderboard(session=session)
    first = board["rows"][0]
    assert first["team"] == "Team 1" and first["rank"] == 1
    assert first["rank_last_month"] == 3  # teams 2 and 3 share the last month's first place
    assert first["sentence"].startswith("Team 1 ranks first: its scorecard averaged 70.0 over 2 months")
    assert "On the last month alone it would rank third (scorecard 40.0)." in first["sentence"]
    # the console's live leaderboard (last month only) puts it last: a different question
    assert leaderboard(session=session)[-1]["team"] == "Team 1"


def test_a_tie_on_the_mean_goes_to_more_good_units_and_says_so(played):
    session, (team1, team2, team3) = played
    good = RoundResult.objects.get(team=team3, round__number=1).kpis["good_units"]
    set_kpi(team3, 1, good_units=good + 250)
    rows = debrief_leaderboard(session=session)["rows"]
    order = [r["team"] for r in rows]
    assert order.index("Team 3") + 1 == order.index("Team 2")
    team2_row = rows[order.index("Team 2")]
    assert team2_row["rank"] == rows[order.index("Team 3")]["rank"] + 1 and team2_row["tied_with"] == []
    assert "level with Team 3 on the scorecard; Team 3 shipped more good units" in team2_row["sentence"]


def test_the_alignment_story_is_the_stored_versions_and_approvals(played):
    session, (team1, team2, team3) = played
    month1 = session.round_set.get(number=1)
    aligned = PackageVersion.objects.get(team=team1, round=month1, aligned_at__isnull=False)
    # the round opened 4 min 30 s before the package aligned (shifted, so the figure is exact)
    Round.objects.filter(pk=month1.pk).update(opens_at=aligned.aligned_at - timedelta(minutes=4, seconds=30))
    month1.refresh_from_db()
    story = next(t for t in debrief_teams(session=session) if t["team_id"] == team1.id)["alignment"][0]
    assert story["round"] == 1 and story["aligned"] is True
    assert story["versions"] == PackageVersion.objects.filter(team=team1, round=month1).count() == 3
    assert story["aligned_version"] == aligned.version == 3
    assert story["seconds_to_align"] == pytest.approx(270.0)
    assert story["time_to_align"] == "4 min 30 s"
    assert story["edits"] == 2 and story["edits_by_role"] == {"director": 0, "finance": 1, "engineering": 0, "hr": 1}
    stored = list(Approval.objects.filter(package_version__team=team1, package_version__round=month1)
                  .select_related("participant", "package_version").order_by("at", "id"))
    assert [(a["role"], a["by"], a["version"], a["at"]) for a in story["approvals"]] == \
        [(a.role, a.participant.display_name, a.package_version.version, a.at) for a in stored]
    assert [a["seconds"] for a in story["approvals"]] == [(a.at - month1.opens_at).total_seconds() for a in stored]
    # HR's approval of version 2 was cleared by finance's edit; the four of version 3 aligned the package
    assert [(a["role"], a["version"], a["counted"]) for a in story["approvals"]][0] == ("hr", 2, False)
    assert sorted(a["role"] for a in story["approvals"] if a["counted"]) == ["director", "engineering", "finance", "hr"]
    result = RoundResult.objects.get(team=team1, round=month1)
    assert story["alignment_score"] == result.kpis["leadership_alignment"]

    lonely = next(t for t in debrief_teams(session=session) if t["team_id"] == team2.id)["alignment"][0]
    assert lonely["aligned"] is False and lonely["time_to_align"] == "did not align"
    assert lonely["versions"] == 1 and lonely["edits"] == 0
    assert [(a["role"], a["version"], a["counted"]) for a in lonely["approvals"]] == [("director", 1, False)]
    assert lonely["alignment_score"] == 0.0


def test_chat_is_told_by_role_and_by_month(played):
    session, (team1, team2, team3) = played
    teams = {t["team_id"]: t for t in debrief_teams(session=session)}
    month1 = teams[team1.id]["alignment"][0]
    assert month1["chat_by_role"] == {"director": 1, "finance": 0, "engineering": 0, "hr": 1}
    assert [(c["roles"], c["name"], c["text"]) for c in month1["chat"]] == [
        (["director"], seat(team1, "director").display_name, "Where do we stand on overtime?"),
        (["hr"], seat(team1, "hr").display_name, "Ten percent, and approve please")]
    assert teams[team1.id]["alignment"][1]["chat"] == []
    assert teams[team3.id]["alignment"][1]["chat_by_role"] == {"director": 0, "finance": 0, "engineering": 1, "hr": 0}
    stored = LedgerEntry.objects.filter(session=session, kind="chat").count()
    assert sum(s["chat_lines"] for t in teams.values() for s in t["alignment"]) == stored == 3


def test_a_person_holding_several_roles_speaks_for_each(facilitator):
    session = factories.make_session(facilitator, rounds_count=1)
    ana, ben = factories.join_many(session, 2)
    factories.start(session, facilitator)
    ana_roles = sorted(ana.seats.values_list("role", flat=True))
    assert len(ana_roles) >= 2  # two people share the four roles
    chat_send(participant_id=ana.id, text="I hold several roles", client_msg_id="c-ana")
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=1)
    story = debrief_teams(session=session)[0]["alignment"][0]
    assert {r for r, n in story["chat_by_role"].items() if n} == set(ana_roles)
    assert story["chat"][0]["roles"] == [r for r in ("director", "finance", "engineering", "hr") if r in ana_roles]


def test_decisions_and_kpis_read_in_a_managers_units(played):
    session, (team1, team2, team3) = played
    team = next(t for t in debrief_teams(session=session) if t["team_id"] == team1.id)
    decisions = {d["name"]: d["cells"] for d in team["decisions"]}
    assert decisions["overtime_share"][0] == {"text": "10 % of planned hours", "changed": False}
    assert decisions["maintenance_budget"][0]["text"] == "60,000 EUR per month"
    assert decisions["pm_hours"][0]["text"] == "S1 8, S2 8, S3 8, S4 8, S5 8 h per month"
    assert decisions["projects"][0]["text"] == "none"
    kpis = {k["key"]: k["cells"] for k in team["kpis"]}
    first = RoundResult.objects.get(team=team1, round__number=1).kpis
    assert kpis["oee_line"][0] == f"{first['oee_line'] * 100:,.1f} %"
    assert kpis["good_units"][0] == f"{first['good_units']:,.0f} units"
    assert kpis["cash"][0] == f"{first['cash']:,.0f} EUR"
    assert kpis["scorecard"][0] == f"{first['scorecard']:.1f} / 100"


def test_formatting_follows_the_catalogue():
    specs = {s["name"]: s for s in room_lever_specs(currency="EUR")}
    assert kpi_text(0.553, "oee_line", "EUR") == "55.3 %"
    assert kpi_text(12.34, "operational_risk", "EUR") == "12.3 %"
    assert kpi_text(-1500.4, "cash", "EUR") == "-1,500 EUR"
    assert kpi_text(3, "bottleneck_station", "EUR") == "Station 3"
    assert kpi_text(None, "cash", "EUR") == "–"
    assert lever_text(0.25, specs["overtime_share"], "EUR") == "25 % of planned hours"
    assert lever_text(["second_supplier"], specs["projects"], "EUR") == "Qualify a second supplier"
    assert lever_text("full", specs["inspection_level"], "EUR") == "full"


def test_the_series_holds_every_catalogue_kpi_per_team_and_month(played):
    session, (team1, team2, team3) = played
    series = debrief_series(session=session)
    assert series["rounds"] == [1, 2]
    first = next(t for t in series["teams"] if t["team_id"] == team1.id)
    stored = [r.kpis for r in team1.results.order_by("round__number")]
    assert first["values"]["fatigue"] == [k["fatigue"] for k in stored]
    assert first["values"]["scorecard"] == [k["scorecard"] for k in stored]


def test_the_debrief_is_a_few_selects_whatever_the_number_of_teams(played):
    session, teams = played
    with CaptureQueriesContext(connection) as queries:
        session_debrief(session=session)
    sql = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    assert all(s.startswith("SELECT") for s in sql), sql
    assert len(sql) <= 12, len(sql)


def test_a_session_without_a_closed_month_has_an_empty_debrief(started_session):
    debrief = session_debrief(session=started_session)
    assert debrief["rounds"] == [] and debrief["leaderboard"]["rows"] == []
    assert all(t["alignment"] == [] and t["mistakes"] == [] for t in debrief["teams"])


def test_the_drill_down_shows_the_disruptions_that_hit_and_the_mistakes_with_evidence(facilitator):
    from game.services.disruptions import disruption_inject

    session = factories.make_session(facilitator, rounds_count=2)
    factories.join_many(session, 8)
    factories.start(session, facilitator)
    team1, team2 = session.teams.order_by("number")
    disruption_inject(session_id=session.id, user=facilitator, team_ids=[team2.id],
                      spec={"kind": "supplier_failure", "targets": [0], "start_day": 2, "duration_days": 4,
                            "magnitude": 0.8})
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=1)
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=2)
    teams = {t["team_id"]: t for t in debrief_teams(session=session)}
    hit = teams[team2.id]["disruptions"]
    assert [d["round"] for d in hit] == [1] and len(hit[0]["items"]) >= 1
    assert any(item.startswith("Supplier failure × 0.8, from day 3 for 4") for item in hit[0]["items"])
    assert not any("Supplier failure" in item for d in teams[team1.id]["disruptions"] for item in d["items"])
    last = RoundResult.objects.get(team=team1, round__number=2)
    assert last.mistakes  # two months of the scenario's thin PM: the plant shows it
    assert [(m["code"], m["evidence"]) for m in teams[team1.id]["mistakes"]] == \
        [(m["code"], render(m["evidence"], "en")) for m in last.mistakes]


def test_the_leaderboard_shows_each_teams_credibility(played):
    """Team 1 aligned both months on the committed default forecast (9,000 good units, 1,000,000 cash); teams 2
    and 3 never aligned, so they have no forecast to judge."""
    from game.credibility import credibility, forecast_errors

    session, (team1, team2, _) = played
    rows = {r["team_id"]: r for r in debrief_leaderboard(session=session)["rows"]}
    results = list(team1.results.order_by("round__number"))
    pcts = [100 * (f - r.kpis[k]) / abs(r.kpis[k]) for r in results
            for k, f in (("good_units", 9000), ("cash", 1_000_000))]
    capped = [max(-100, min(100, p)) for p in pcts]
    mape, bias = sum(abs(p) for p in capped) / 4, sum(capped) / 4
    cred = rows[team1.id]["credibility"]
    assert cred["rounds"] == 2 and cred["mape"] == pytest.approx(mape, abs=0.01)
    assert cred["score"] == pytest.approx(max(0, 100 - mape - abs(bias)), abs=0.1)
    assert cred == credibility([forecast_errors(r.forecast, r.kpis) for r in results])
    assert rows[team1.id]["credibility_text"].endswith(", 2 months)")
    assert rows[team2.id]["credibility"]["score"] is None and rows[team2.id]["credibility_text"] == "–"
