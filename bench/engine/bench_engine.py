"""Engine speed: 50 and 1,000 teams x one round, a 200-sample preview, and the speed-up over SimPy.

    .venv/bin/python bench/engine/bench_engine.py [--repeat 15] [--simpy-reps 10]

Teams get varied packages (overtime, PM, projects, staffing) so the loop sees realistic failures.
Times are the median of --repeat runs after one warm-up, on one core.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from game.engine import initial_state, load_scenario, simulate_round, state_to_team_dicts  # noqa: E402
from game.engine.preview import preview  # noqa: E402
from game.engine.strategies import funded  # noqa: E402

VARIANTS = [
    {}, {"overtime_share": 0.25}, {"pm_hours": [24, 24, 30, 24, 24], "technicians": 5},
    {"pm_hours": [0] * 5}, {"projects": ["debottleneck_s3"], "engineering_hours": 300},
    {"cross_training": 0.6, "training_hours": 6}, {"shift_pattern": "6x2"}, {"temp_labor": 8, "hires": 4},
]


def packages(sc, n):
    base = [funded(v, sc) for v in VARIANTS]
    return [base[i % len(base)] for i in range(n)]


def timed(fn, repeat):
    fn()
    xs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        xs.append(time.perf_counter() - t)
    return statistics.median(xs)


def bench_round(sc, n, repeat):
    st = initial_state(sc, n)
    decs = packages(sc, n)
    dis = [[] for _ in range(n)]
    return timed(lambda: simulate_round(st, decs, sc, dis, seed=7, round_number=1), repeat)


def bench_preview(sc, repeat):
    d = state_to_team_dicts(initial_state(sc, 1))[0]
    lv = funded({"overtime_share": 0.1}, sc)
    return timed(lambda: preview(d, lv, sc, n_samples=200), repeat)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--simpy-reps", type=int, default=10)
    a = ap.parse_args()
    sc = load_scenario("demo")
    t50 = bench_round(sc, 50, a.repeat)
    t1000 = bench_round(sc, 1000, max(3, a.repeat // 3))
    tprev = bench_preview(sc, a.repeat)
    print(f"50 teams x 1 round:    {t50 * 1e3:7.1f} ms   (target <= 20 ms)")
    print(f"1000 teams x 1 round:  {t1000 * 1e3:7.1f} ms   (target <= 150 ms)")
    print(f"preview, 200 samples:  {tprev * 1e3:7.1f} ms   (target <= 50 ms)")
    if a.simpy_reps:
        import crosscheck
        r = crosscheck.compare(a.simpy_reps)
        des = r["des_s_per_team_round"]
        print(f"SimPy, 1 team x 1 round (flow + breakdowns only): {des * 1e3:.0f} ms")
        print(f"per-team speed-up over SimPy: {des / (t50 / 50):.0f}x at 50 teams, "
              f"{des / (t1000 / 1000):.0f}x at 1000 teams, {r['speedup_single']:.0f}x for a single team")


if __name__ == "__main__":
    main()
