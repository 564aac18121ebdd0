"""Vectorized engine vs the SimPy unit-by-unit model on the flow-and-breakdown core.

    .venv/bin/python bench/engine/crosscheck.py [--reps 40]

Both run the demo plant for one round with labor, PM, quality, supply, random and maintenance-induced
failures, minor stops and changeovers switched off
(see isolated_scenario), over independent seeds; prints mean output of each, their difference
with a 95% interval, and the time per team-round of each.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from game.engine import default_levers, initial_state  # noqa: E402
from game.engine.model import step  # noqa: E402
from game.engine.scenario import load_scenario, scenario_from_dict  # noqa: E402
from simpy_model import run_des  # noqa: E402


def isolated_scenario(age_factor: float = 1.0):
    """Demo plant with only flow and breakdowns left: full staffing, no absence, no supplier trouble.
    age_factor > 1 wears the equipment further so that breakdowns dominate."""
    base = load_scenario("demo")
    over = {"base_absenteeism": 0.0, "random_supplier_failure_prob": 0.0, "initial_headcount": 70,
            "demand": 30_000.0, "initial_skill": 0.9, "random_mtbf": [1e12] * 5, "induced_failure_prob": 0.0,
            "minor_stop_base": 0.0, "minor_stop_backlog_gain": 0.0, "changeover_hours_per_day": 0.0,
            "initial_age": [a * age_factor for a in base.params["initial_age"]]}
    return scenario_from_dict({"name": "crosscheck", "title": "", "description": "", "params": over}), base


def isolated_levers(sc):
    lv = default_levers(sc) | {"pm_hours": [0] * 5, "technicians": 12, "production_target": 30_000,
                               "training_hours": 0, "cross_training": 0.0, "raw_material_cover_days": 20.0,
                               "maintenance_budget": 200_000.0, "training_budget": 0.0}
    return lv


def engine_outputs(sc, lv, seeds):
    """Units through the last station per seed, and seconds per team-round (one team per call)."""
    out = []
    t0 = time.perf_counter()
    for seed in seeds:
        st = initial_state(sc, 1)
        st.fatigue[:] = 0.0
        _, tot = step(st, [lv], sc, [[]], seed=seed, round_number=1)
        out.append(float(tot["processed"][0, -1]))
    return np.array(out), (time.perf_counter() - t0) / len(seeds)


def engine_effective_rates(sc, lv):
    """The per-station rate the engine runs at in this configuration (for the DES to use)."""
    p = sc.params
    skill = p["initial_skill"]
    perf = min(1.0, p["speed_factor"] * (p["skill_speed_floor"] + p["skill_speed_gain"] * skill))
    return np.asarray(p["rate"]) * perf


def des_outputs(sc, lv, seeds):
    p = sc.params
    rates = engine_effective_rates(sc, lv)
    hours = 2 * p["hours_per_shift"] * p["days_per_round"]
    t0 = time.perf_counter()
    out = [run_des(rates, p["buffer_cap"], p["initial_wip"], p["eta"], p["beta"], p["initial_age"], p["mttr"],
                   p["mttr_sigma"], hours, seed=10_000 + s) for s in seeds]
    return np.array(out), (time.perf_counter() - t0) / len(seeds)


def compare(reps: int, age_factor: float = 1.0):
    sc, _ = isolated_scenario(age_factor)
    lv = isolated_levers(sc)
    seeds = range(reps)
    e, te = engine_outputs(sc, lv, seeds)
    d, td = des_outputs(sc, lv, seeds)
    diff = e.mean() / d.mean() - 1
    se = np.sqrt(e.var(ddof=1) / reps + d.var(ddof=1) / reps) / d.mean()
    return {"engine_mean": e.mean(), "des_mean": d.mean(), "rel_diff": diff, "rel_diff_ci95": 1.96 * se,
            "engine_s_per_team_round": te, "des_s_per_team_round": td, "speedup_single": td / te}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=40)
    ap.add_argument("--age-factor", type=float, default=1.0)
    a = ap.parse_args()
    r = compare(a.reps, a.age_factor)
    print(f"age factor {a.age_factor}: engine mean output {r['engine_mean']:.0f}, SimPy mean output {r['des_mean']:.0f}, "
          f"difference {r['rel_diff']:+.2%} +/- {r['rel_diff_ci95']:.2%} (95%)")
    print(f"time per team-round: engine (1 team per call) {r['engine_s_per_team_round'] * 1e3:.2f} ms, "
          f"SimPy {r['des_s_per_team_round'] * 1e3:.1f} ms, speed-up {r['speedup_single']:.0f}x")
