"""python -m game.engine simulate ... --json prints per-team, per-round KPIs; bad input names the field."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "game.engine", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_simulate_json_per_round_decisions(tmp_path):
    f = tmp_path / "d.json"
    f.write_text(json.dumps({"teams": [
        [{"overtime_share": 0.2}, {"overtime_share": 0.0}],  # per-round list: last one carries forward
        {"pm_hours": [16, 16, 20, 16, 16], "technicians": 4},
    ]}))
    r = cli("simulate", "--scenario", "demo", "--rounds", "3", "--seed", "5", "--decisions", str(f), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    rows = doc["results"]
    assert sorted((x["team"], x["round"]) for x in rows) == [(t, n) for t in (0, 1) for n in (1, 2, 3)]
    k = {(x["team"], x["round"]): x["kpis"] for x in rows}
    assert k[(0, 1)]["fatigue"] > k[(1, 1)]["fatigue"]  # round-1 overtime shows
    assert k[(0, 3)]["fatigue"] < k[(0, 1)]["fatigue"]  # and recovers after it stops
    assert "scorecard" in k[(1, 3)]


def test_same_seed_same_output(tmp_path):
    a = cli("simulate", "--rounds", "2", "--seed", "3", "--json")
    b = cli("simulate", "--rounds", "2", "--seed", "3", "--json")
    assert a.returncode == 0 and a.stdout == b.stdout


def test_invalid_decision_names_the_field(tmp_path):
    f = tmp_path / "d.json"
    f.write_text(json.dumps({"overtime_share": 0.9}))
    r = cli("simulate", "--rounds", "1", "--decisions", str(f), "--json")
    assert r.returncode == 2
    assert "overtime_share" in r.stderr and "0.3" in r.stderr


def test_unknown_scenario():
    r = cli("simulate", "--scenario", "nope", "--rounds", "1")
    assert r.returncode == 2 and "nope" in r.stderr
