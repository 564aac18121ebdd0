"""python -m game.engine simulate: experiments from the command line (--set, --scenario-file, --disruption,
--teams, --json); bad input gives `error: ...` in plain words and exit code 2."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.engine.cli import main, run
from game.engine.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def sim(capsys, *args):
    """Run `simulate ARGS --json` in-process; returns {(team, round): kpis} and the whole document."""
    code = main(["simulate", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    return {(x["team"], x["round"]): x["kpis"] for x in doc["results"]}, doc


def fails(capsys, *args):
    """Run `simulate ARGS` expecting exit 2; returns stderr."""
    code = main(["simulate", *args])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "error:" in err and "Traceback" not in err
    return err


def test_smoke_subprocess():
    r = subprocess.run([sys.executable, "-m", "game.engine", "simulate", "--json", "--rounds", "1"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["results"]
    assert [(x["team"], x["round"]) for x in rows] == [(0, 1)]
    assert "good_units" in rows[0]["kpis"]


def test_simulate_json_per_round_decisions(tmp_path, capsys):
    f = tmp_path / "d.json"
    f.write_text(json.dumps({"teams": [
        [{"overtime_share": 0.2}, {"overtime_share": 0.0}],  # per-round list: last one carries forward
        {"pm_hours": [16, 16, 20, 16, 16], "technicians": 4},
    ]}))
    k, _ = sim(capsys, "--scenario", "demo", "--rounds", "3", "--seed", "5", "--decisions", str(f))
    assert sorted(k) == [(t, n) for t in (0, 1) for n in (1, 2, 3)]
    assert k[(0, 1)]["fatigue"] > k[(1, 1)]["fatigue"]  # round-1 overtime shows
    assert k[(0, 3)]["fatigue"] < k[(0, 1)]["fatigue"]  # and recovers after it stops
    assert "scorecard" in k[(1, 3)]


def test_same_seed_same_output(capsys):
    _, a = sim(capsys, "--rounds", "2", "--seed", "3")
    _, b = sim(capsys, "--rounds", "2", "--seed", "3")
    assert a == b


def test_set_demand_lowers_demand(capsys):
    base, _ = sim(capsys, "--rounds", "1", "--seed", "2")
    low, doc = sim(capsys, "--rounds", "1", "--seed", "2", "--set", "demand=5000")
    assert low[(0, 1)]["demand"] < 0.6 * base[(0, 1)]["demand"]
    assert doc["overrides"] == {"demand": 5000.0}


def test_set_price_changes_revenue(capsys):
    base, _ = sim(capsys, "--rounds", "1", "--seed", "2")
    from game.engine.params import DEFAULT_PARAMS
    dear, _ = sim(capsys, "--rounds", "1", "--seed", "2", "--set", f"price={DEFAULT_PARAMS['price'] * 1.3}")
    assert dear[(0, 1)]["revenue"] == pytest.approx(base[(0, 1)]["revenue"] * 1.3, rel=1e-6)


def test_set_list_and_object_values_are_coerced(capsys):
    _, doc = sim(capsys, "--rounds", "1", "--set", "rate=[52,50,48,50,54]",
                 "--set", 'inspection_catch={"light": 0.6, "standard": 0.8, "full": 0.95}',
                 "--set", "days_per_round=20.0")
    assert doc["overrides"] == {"rate": [52.0, 50.0, 48.0, 50.0, 54.0],
                                "inspection_catch": {"light": 0.6, "standard": 0.8, "full": 0.95},
                                "days_per_round": 20}
    assert isinstance(doc["overrides"]["days_per_round"], int)  # an int parameter stays an int


def test_run_from_python_with_scenario_overrides_and_disruptions():
    sc = load_scenario("demo")
    rows = run("ignored", 1, 0, {"teams": [{}, {}]}, scenario=sc, overrides={"demand": 4000},
               disruptions=[{"round": 1, "teams": [1], "kind": "site_outage", "duration_days": 10}])
    k = {x["team"]: x["kpis"] for x in rows}
    assert k[0]["demand"] < 6000 and k[1]["good_units"] < k[0]["good_units"]
    assert sc.params["demand"] == 11_000.0  # the cached scenario is not modified


def test_scenario_file(tmp_path, capsys):
    f = tmp_path / "small_market.json"
    f.write_text(json.dumps({"rounds": 2, "params": {"demand": 4000}, "default_levers": {"capex_budget": 20000.0},
                             "disruption_schedule": []}))  # name, title, description may be left out
    k, doc = sim(capsys, "--scenario-file", str(f), "--seed", "1")
    assert sorted(k) == [(0, 1), (0, 2)]  # the file's round count
    assert doc["scenario"] == "small_market"
    assert k[(0, 1)]["demand"] < 6000
    k2, _ = sim(capsys, "--scenario-file", str(f), "--seed", "1", "--set", "demand=8000")  # --set applies on top
    assert k2[(0, 1)]["demand"] > k[(0, 1)]["demand"]


def test_per_team_disruption_hits_only_that_team(capsys):
    outage = json.dumps({"round": 1, "teams": [1], "kind": "site_outage", "start_day": 2, "duration_days": 8,
                         "magnitude": 1.0})
    k, doc = sim(capsys, "--teams", "2", "--rounds", "1", "--seed", "4", "--disruption", outage)
    assert k[(1, 1)]["good_units"] < 0.8 * k[(0, 1)]["good_units"]
    assert doc["disruptions"][0]["kind"] == "site_outage"


def test_file_and_command_line_disruptions_add_up(tmp_path, capsys):
    f = tmp_path / "d.json"
    f.write_text(json.dumps({"teams": [{}], "disruptions": [
        {"round": 1, "teams": [0], "kind": "site_outage", "duration_days": 8},
        {"round": 9, "kind": "site_outage"},  # beyond this run: skipped
    ]}))
    cli_dis = json.dumps({"round": 1, "teams": [1], "kind": "site_outage", "duration_days": 8})
    k, _ = sim(capsys, "--decisions", str(f), "--teams", "3", "--rounds", "1", "--disruption", cli_dis)
    free = k[(2, 1)]["good_units"]
    assert k[(0, 1)]["good_units"] < 0.8 * free and k[(1, 1)]["good_units"] < 0.8 * free


def test_teams_copies_single_package(tmp_path, capsys):
    f = tmp_path / "d.json"
    f.write_text(json.dumps({"technicians": 4}))
    k, _ = sim(capsys, "--decisions", str(f), "--teams", "3", "--rounds", "1")
    assert sorted(k) == [(0, 1), (1, 1), (2, 1)]


def test_params_lists_parameter_names(capsys):
    assert main(["params"]) == 0
    assert "demand = 11000" in capsys.readouterr().out


@pytest.mark.parametrize("args, words", [
    (["--set", "demnd=5000"], ["unknown parameter", "demnd", "demand"]),
    (["--set", "rate=[52,50]"], ["rate", "list of 5", "got a list of 2"]),
    (["--set", "demand=[1,2]"], ["demand", "must be a number"]),
    (["--set", "demand=lots"], ["demand", "must be a number", "lots"]),
    (["--set", "days_per_round=21.5"], ["days_per_round", "whole number"]),
    (["--set", 'inspection_catch={"light": 0.5}'], ["inspection_catch", "missing standard, full"]),
    (["--set", 'inspection_catch={"light": 0.5, "standard": 0.7, "full": 0.9, "x": 1}'], ["unknown x"]),
    (["--set", "inspection_catch={light:0.5}"], ["inspection_catch", "not valid JSON", "Quote"]),
    (["--set", "demand"], ["NAME=VALUE"]),
    (["--disruption", "{round: 1"], ["--disruption", "not valid JSON"]),
    (["--disruption", '{"round": 1, "kind": "meteor"}'], ["meteor", "site_outage"]),
    (["--disruption", '{"kind": "site_outage"}'], ["round"]),
    (["--disruption", '{"round": 1, "kind": "site_outage", "magnitude": 5}'], ["magnitude", "between 0 and 1"]),
    (["--disruption", '{"round": 1, "kind": "site_outage", "magnitud": 1}'], ["unknown key", "magnitud"]),
    (["--disruption", '{"round": 1, "teams": [1], "kind": "site_outage"}'], ["teams", "0 to 0"]),
    (["--disruption", '{"round": 5, "kind": "site_outage"}'], ["round 5", "last round"]),
    (["--scenario-file", "/no/such/scenario.json"], ["cannot read scenario file", "No such file"]),
    (["--decisions", "/no/such/decisions.json"], ["cannot read decisions file"]),
    (["--scenario", "nope"], ["unknown scenario", "nope"]),
])
def test_bad_input_exits_2_with_clear_message(capsys, args, words):
    err = fails(capsys, "--rounds", "1", *args)
    for w in words:
        assert w in err, err


def test_bad_scenario_files(tmp_path, capsys):
    f = tmp_path / "s.json"
    f.write_text("{not json")
    assert "not valid JSON" in fails(capsys, "--scenario-file", str(f))
    f.write_text(json.dumps({"params": {"rate": [1, 2, 3]}}))
    err = fails(capsys, "--scenario-file", str(f))
    assert "params.rate" in err and "list of 5" in err
    f.write_text(json.dumps({"params": {"no_such_param": 1}}))
    assert "no_such_param" in fails(capsys, "--scenario-file", str(f))


def test_scenario_and_scenario_file_are_exclusive(tmp_path, capsys):
    assert main(["simulate", "--scenario", "demo", "--scenario-file", str(tmp_path / "x.json")]) == 2
    assert "not allowed with" in capsys.readouterr().err


def test_teams_must_match_a_multi_team_file(tmp_path, capsys):
    f = tmp_path / "d.json"
    f.write_text(json.dumps({"teams": [{}, {}]}))
    assert "2 teams" in fails(capsys, "--decisions", str(f), "--teams", "3", "--rounds", "1")


def test_invalid_decision_names_the_field(tmp_path, capsys):
    f = tmp_path / "d.json"
    f.write_text(json.dumps({"overtime_share": 0.9}))
    err = fails(capsys, "--rounds", "1", "--decisions", str(f))
    assert "overtime_share" in err and "0.3" in err


def test_malformed_decision_shapes(tmp_path, capsys):
    f = tmp_path / "d.json"
    for doc, words in (({"teams": []}, "teams"), ({"rounds": [[{}], [{}, {}]]}, "same number of teams"),
                       ({"teams": [{}], "disruptions": {"round": 1}}, "disruptions")):
        f.write_text(json.dumps(doc))
        assert words in fails(capsys, "--rounds", "1", "--decisions", str(f))
