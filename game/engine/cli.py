"""Command line: python -m game.engine simulate --scenario NAME --rounds N --seed S --decisions FILE --json

FILE (JSON) holds decisions in the lever schema (docs/model.md), in one of these shapes:
  {"teams": [ <package or partial package>, ... ]}                 one package per team, every round
  {"teams": [ [ <round 1 package>, <round 2 package>, ... ], ...]}  per-round packages per team
  {"rounds": [ [ <team 1 package>, ... ], ... ]}                    per round, then per team
  <package>                                                          one team, one package, every round
Packages may be partial: missing levers take the scenario defaults. The last package of a list
carries forward. Optional "disruptions": [{"round": r, "teams": [0, 2] | null, "kind": ...}, ...].
"""
from __future__ import annotations

import argparse
import json
import sys

from .disruptions import Disruption
from .levers import LEVERS, DecisionError, default_levers, validate_package
from .model import simulate_round
from .scenario import load_scenario, scenario_names
from .state import initial_state


def _package(partial: dict, scenario) -> dict:
    if not isinstance(partial, dict):
        raise DecisionError("package", "must be an object")
    full = default_levers(scenario)
    full.update(partial)
    validate_package(full, scenario)
    return {k: full[k] for k in LEVERS}


def decisions_by_round(doc, scenario, rounds: int) -> list[list[dict]]:
    """Normalise FILE to [round][team] -> full, validated package."""
    if isinstance(doc, dict) and "rounds" in doc:
        per_round = doc["rounds"]
        grid = [[per_round[min(r, len(per_round) - 1)][t] for t in range(len(per_round[0]))] for r in range(rounds)]
    else:
        teams = doc["teams"] if isinstance(doc, dict) and "teams" in doc else [doc]
        grid = []
        for r in range(rounds):
            row = []
            for team in teams:
                row.append(team[min(r, len(team) - 1)] if isinstance(team, list) else team)
            grid.append(row)
    return [[_package(x, scenario) for x in row] for row in grid]


def run(scenario_name: str, rounds: int, seed: int, doc) -> list[dict]:
    sc = load_scenario(scenario_name)
    grid = decisions_by_round(doc, sc, rounds)
    n = len(grid[0])
    extra = doc.get("disruptions", []) if isinstance(doc, dict) else []
    state = initial_state(sc, n)
    out = []
    for r in range(1, rounds + 1):
        dis = [list(sc.disruptions_for_round(r)) for _ in range(n)]
        for e in extra:
            if e.get("round") == r:
                ev = Disruption.from_dict({k: v for k, v in e.items() if k != "teams"})
                for t in (e.get("teams") or range(n)):
                    dis[t].append(ev)
        state, kpis = simulate_round(state, grid[r - 1], sc, dis, seed=seed, round_number=r)
        for t, k in enumerate(kpis):
            out.append({"team": t, "round": r, "kpis": k})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m game.engine", description="Plant simulation engine")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sim = sub.add_parser("simulate", help="run a scenario and print per-team, per-round KPIs")
    sim.add_argument("--scenario", default="demo", help=f"one of {', '.join(scenario_names())}")
    sim.add_argument("--rounds", type=int, default=None)
    sim.add_argument("--seed", type=int, default=0)
    sim.add_argument("--decisions", help="JSON file of decisions (default: the scenario's default package)")
    sim.add_argument("--json", action="store_true", help="print JSON (one document)")
    sub.add_parser("levers", help="print the lever schema as JSON")
    sub.add_parser("scenarios", help="list scenarios")
    a = ap.parse_args(argv)
    if a.cmd == "levers":
        from .levers import lever_specs_json
        print(json.dumps(lever_specs_json(), indent=2))
        return 0
    if a.cmd == "scenarios":
        print("\n".join(scenario_names()))
        return 0
    try:
        sc = load_scenario(a.scenario)
        doc = json.load(open(a.decisions)) if a.decisions else {}
        if doc == {}:
            doc = {"teams": [{}]}
        rows = run(a.scenario, a.rounds or sc.rounds, a.seed, doc)
    except (DecisionError, KeyError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if a.json:
        json.dump({"scenario": a.scenario, "seed": a.seed, "results": rows}, sys.stdout)
        print()
    else:
        cols = ("good_units", "oee_line", "availability", "first_pass_yield", "unplanned_hours",
                "maintenance_backlog", "fatigue", "headcount", "cash", "margin", "scorecard")
        print("team round " + " ".join(f"{c[:12]:>12}" for c in cols))
        for row in rows:
            print(f"{row['team']:>4} {row['round']:>5} " + " ".join(f"{row['kpis'][c]:>12.3f}" for c in cols))
    return 0
