"""A commitment with every package: the director's forecast and rationale, each role's line, and what the round
close keeps of them (game/services/commitments.py, docs/model.md "Credibility")."""
import pytest

from classroom.errors import Forbidden, LabError
from classroom.models import LedgerEntry
from game import engine
from game.models import Approval, PackageVersion, Round, RoundResult
from game.selectors import leaderboard, package_latest, result_payload
from game.services.commitments import package_commit, package_note
from game.services.packages import package_approve, package_edit, package_reopen
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

FORECAST = {"good_units": 9500, "cash": 1_050_000.0, "extra": {"kpi": "unplanned_hours", "value": 40}}
WHY = "Steady output; we accept a breakdown at station 3 rather than pay overtime."


def latest(session):
    return PackageVersion.objects.filter(round__session=session).order_by("-version").first()


def commit(session, forecast=FORECAST, rationale=WHY, base=1, msg="c1", role="director"):
    return package_commit(participant_id=factories.holder(session, role).id, forecast=forecast, rationale=rationale,
                          base_version=base, client_msg_id=msg)


def approve_all(session, version):
    for role in engine.ROLES:
        package_approve(participant_id=factories.holder(session, role).id, version=version,
                        client_msg_id=f"a-{role}-{version}")


def test_no_approval_without_a_forecast_and_a_rationale(started_session):
    director = factories.holder(started_session, "director")
    with pytest.raises(LabError) as exc:
        package_approve(participant_id=director.id, version=1, client_msg_id="a")
    assert exc.value.code == "no_commitment" and exc.value.field == "forecast"
    assert exc.value.message == ("The director has not stated the team's forecast and rationale yet: the package "
                                 "cannot be approved without them.")
    commit(started_session, rationale="   ")  # numbers stated, no reason yet: still refused
    with pytest.raises(LabError) as exc:
        package_approve(participant_id=director.id, version=2, client_msg_id="a2")
    assert exc.value.code == "no_commitment"
    assert not Approval.objects.exists()


@pytest.mark.parametrize("role", ["finance", "engineering", "hr"])
def test_only_the_director_commits(started_session, role):
    with pytest.raises(Forbidden) as exc:
        commit(started_session, role=role)
    assert exc.value.code == "not_your_decision" and exc.value.field == "forecast"
    assert latest(started_session).version == 1 and latest(started_session).forecast is None
    assert not LedgerEntry.objects.filter(kind="edit").exists()


def test_a_commitment_is_a_new_version_with_the_same_levers_and_no_approvals(started_session):
    before = latest(started_session)
    out = commit(started_session)
    assert out["version"] == 2 and out["approvals"] == {} and out["levers"] == before.levers
    assert out["forecast"] == {"good_units": 9500, "cash": 1_050_000.0,
                               "extra": {"kpi": "unplanned_hours", "value": 40.0}}
    assert out["rationale"] == WHY and out["notes"] == {} and out["author_role"] == "director"
    entry = LedgerEntry.objects.get(kind="edit")
    assert entry.counted and entry.role == "director" and entry.detail["commit"] is True


def test_changing_the_forecast_starts_approvals_again_and_edits_keep_it(started_session):
    commit(started_session)
    package_approve(participant_id=factories.holder(started_session, "finance").id, version=2, client_msg_id="f2")
    changed = commit(started_session, forecast={**FORECAST, "good_units": 9000}, base=2, msg="c2")
    assert changed["version"] == 3 and changed["approvals"] == {}
    assert Approval.objects.filter(package_version__version=2).count() == 1  # history is kept
    edited = package_edit(participant_id=factories.holder(started_session, "hr").id, lever="overtime_share",
                          value=0.1, base_version=3, client_msg_id="e")
    assert edited["forecast"]["good_units"] == 9000 and edited["rationale"] == WHY  # the commitment stays
    approve_all(started_session, 4)
    assert PackageVersion.objects.get(version=4, round__number=1).aligned_at is not None


def test_reopening_keeps_the_commitment(two_teams_started):
    session = two_teams_started
    commit(session)
    approve_all(session, 2)
    reopened = package_reopen(participant_id=factories.holder(session, "director").id, client_msg_id="r")
    assert reopened["version"] == 3 and reopened["forecast"]["good_units"] == 9500 and reopened["rationale"] == WHY


@pytest.fixture
def two_teams_started(lobby_session, facilitator):
    factories.join_many(lobby_session, 8)
    return factories.start(lobby_session, facilitator)


# The demo plant at the start: bottleneck 44 units/h x (26 days x 2 shifts x 8 h x 1.3) = 23,795.2 units, plus
# 4 x 60 units waiting in the line = 24,035; revenue at full rate 24,035 x 200 = 4,807,000 EUR; cash may stray
# 3 x that = 14,421,000 from today's 1,000,000.
@pytest.mark.parametrize("forecast, rationale, field, words", [
    ({**FORECAST, "good_units": "9500"}, WHY, "forecast.good_units", "whole number"),
    ({**FORECAST, "good_units": -1}, WHY, "forecast.good_units", "0 or more"),
    ({**FORECAST, "good_units": 9500.5}, WHY, "forecast.good_units", "whole number"),
    ({**FORECAST, "good_units": float("nan")}, WHY, "forecast.good_units", "whole number"),
    ({**FORECAST, "good_units": float("inf")}, WHY, "forecast.good_units", "whole number"),
    ({**FORECAST, "good_units": 10 ** 400}, WHY, "forecast.good_units", "whole number"),
    ({**FORECAST, "good_units": 24_036}, WHY, "forecast.good_units", "at most 24,035 units"),
    ({**FORECAST, "good_units": True}, WHY, "forecast.good_units", "whole number"),
    ({**FORECAST, "cash": None}, WHY, "forecast.cash", "number of EUR"),
    ({**FORECAST, "cash": float("-inf")}, WHY, "forecast.cash", "number of EUR"),
    ({**FORECAST, "cash": 15_421_001}, WHY, "forecast.cash", "between -13,421,000 EUR and 15,421,000 EUR"),
    ({**FORECAST, "cash": -13_421_001}, WHY, "forecast.cash", "between -13,421,000 EUR and 15,421,000 EUR"),
    ({**FORECAST, "extra": {"kpi": "engine_state", "value": 1}}, WHY, "forecast.extra.kpi", "Unplanned downtime"),
    ({**FORECAST, "extra": {"kpi": "cost_per_unit", "value": 1}}, WHY, "forecast.extra.kpi", "one of"),
    ({**FORECAST, "extra": {"kpi": "quits", "value": "two"}}, WHY, "forecast.extra.value", "Quits must be a number"),
    ({**FORECAST, "extra": {"kpi": "quits", "value": -2}}, WHY, "forecast.extra.value", "0 or more"),
    ([9500, 1], WHY, "forecast", "good units and cash"),
    (FORECAST, "x" * 401, "rationale", "at most 400 characters; this one has 401"),
    (FORECAST, 12, "rationale", "must be text"),
    (FORECAST, "why\x00", "rationale", "NUL"),
])
def test_bad_input_is_refused_at_its_field_and_nothing_changes(started_session, forecast, rationale, field, words):
    with pytest.raises(LabError) as exc:
        commit(started_session, forecast=forecast, rationale=rationale)
    assert exc.value.code == "invalid_value" and exc.value.field == field
    assert words in exc.value.message
    assert latest(started_session).version == 1 and latest(started_session).forecast is None
    assert not LedgerEntry.objects.filter(kind="edit").exists()


def test_the_limits_are_accepted_exactly(started_session):
    out = commit(started_session, forecast={"good_units": 24_035, "cash": -13_421_000, "extra": None})
    assert out["forecast"] == {"good_units": 24_035, "cash": -13_421_000.0, "extra": None}


def test_a_retry_is_applied_once_and_a_commitment_that_changes_nothing_is_not_counted(started_session):
    first = commit(started_session)
    again = commit(started_session)  # same client message id
    assert first == again and latest(started_session).version == 2
    same = commit(started_session, base=2, msg="c-same")
    assert same["version"] == 2
    assert list(LedgerEntry.objects.filter(kind="edit").order_by("id").values_list("counted", flat=True)) == [True,
                                                                                                          False]


def test_each_role_writes_its_own_line(started_session):
    hr = factories.holder(started_session, "hr")
    out = package_note(participant_id=hr.id, role="hr", text="  No overtime: fatigue is high. ", base_version=1,
                       client_msg_id="n1")
    assert out["version"] == 2 and out["notes"] == {"hr": "No overtime: fatigue is high."} and out["approvals"] == {}
    with pytest.raises(Forbidden) as exc:
        package_note(participant_id=hr.id, role="finance", text="not mine", base_version=2, client_msg_id="n2")
    assert exc.value.code == "not_your_role" and exc.value.field == "note"
    with pytest.raises(LabError) as exc:
        package_note(participant_id=hr.id, role="hr", text="x" * 161, base_version=2, client_msg_id="n3")
    assert exc.value.field == "note" and "160" in exc.value.message
    with pytest.raises(LabError) as exc:
        package_note(participant_id=hr.id, role="hr", text="one\ntwo", base_version=2, client_msg_id="n4")
    assert exc.value.field == "note"
    commit(started_session, base=2)
    assert latest(started_session).notes == {"hr": "No overtime: fatigue is high."}  # a commitment keeps the notes
    cleared = package_note(participant_id=hr.id, role="hr", text="", base_version=3, client_msg_id="n5")
    assert cleared["notes"] == {} and cleared["forecast"]["good_units"] == 9500


def rows_cred(rows, at, team_id, session):
    return {r["team_id"]: r["credibility"]["score"] for r in leaderboard(session=session)}[team_id]


def test_the_round_close_keeps_the_forecast_and_shows_its_errors(two_teams_started, facilitator):
    session = two_teams_started
    commit(session)
    approve_all(session, 2)  # team 1 aligned; team 2 never does
    from game.services import rounds

    rounds.round_advance(session_id=session.id, user=facilitator, round_number=1)
    team1, team2 = session.teams.order_by("number")
    aligned = RoundResult.objects.get(team=team1, round__number=1)
    assert aligned.forecast == {"good_units": 9500, "cash": 1_050_000.0,
                                "extra": {"kpi": "unplanned_hours", "value": 40.0}}
    payload = result_payload(result=aligned)
    good, cash, hours = (payload["forecast_error"][k] for k in ("good_units", "cash", "unplanned_hours"))
    actual = aligned.kpis["good_units"]
    assert good["forecast"] == 9500 and good["actual"] == actual and good["error"] == 9500 - actual
    assert good["error_pct"] == round(100 * (9500 - actual) / actual, 2)
    assert cash["error"] == 1_050_000 - aligned.kpis["cash"] and hours["actual"] == aligned.kpis["unplanned_hours"]
    unaligned = RoundResult.objects.get(team=team2, round__number=1)
    assert unaligned.forecast is None and result_payload(result=unaligned)["forecast_error"] is None
    rows = {r["team_id"]: r["credibility"] for r in leaderboard(session=session)}
    assert rows[team1.id]["rounds"] == 1 and rows[team2.id] == {"score": None, "mape": None, "bias": None,
                                                                 "rounds": 0}
    mape = (abs(good["error_pct"]) + abs(cash["error_pct"])) / 2
    assert rows[team1.id]["mape"] == pytest.approx(mape, abs=0.01)
    # The results export carries the commitment and the credibility so far.
    from game.debrief import results_table

    columns, rows = results_table(session=session)
    at = {c.header: i for i, c in enumerate(columns)}
    row1, row2 = (r for r in rows if r[at["Month (round)"]] == 1)
    assert row1[at["Forecast: good units"]] == 9500 and row1[at["Rationale"]] == WHY
    assert row1[at["Forecast error: good units (%)"]] == good["error_pct"]
    assert row1[at["Forecast: one more KPI"]] == "Unplanned downtime"
    assert row1[at["Credibility so far (0-100)"]] == rows_cred(rows, at, team1.id, session)
    assert row2[at["Forecast: good units"]] is None and row2[at["Credibility so far (0-100)"]] is None
    # The new month starts without a forecast: each round, a new commitment.
    assert package_latest(team=team1, game_round=Round.objects.get(session=session, number=2)).forecast is None


def test_hr_counts_the_forecasts_and_lines_each_person_wrote(started_session):
    from classroom.models import Session
    from classroom.reports import participation_rows

    hr = factories.holder(started_session, "hr")
    commit(started_session)  # counted: a statement
    commit(started_session, base=2, msg="c-same")  # changes nothing: not counted
    package_note(participant_id=hr.id, role="hr", text="No overtime.", base_version=2, client_msg_id="n1")
    package_note(participant_id=hr.id, role="hr", text="", base_version=3, client_msg_id="n2")  # an edit, no line
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=4, client_msg_id="e1")
    rows = {r["participant"]: r for r in participation_rows(kind="people",
                                                             sessions=Session.objects.filter(pk=started_session.pk))}
    director = factories.holder(started_session, "director").display_name
    assert (rows[director]["edits"], rows[director]["statements"]) == (1, 1)
    assert (rows[hr.display_name]["edits"], rows[hr.display_name]["statements"]) == (3, 1)
