"""One chart per lesson (docs/charts/L1.png ... L7.png), from the same scripted plays as the tests.

    .venv/bin/python bench/engine/lesson_charts.py [--seeds 20]

Lines are means over seeds, bands the 10-90% range across seeds.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from game.engine import Disruption, load_scenario  # noqa: E402
from game.engine import strategies as S  # noqa: E402
from game.engine.scenario import scenario_from_dict  # noqa: E402

OUT = ROOT / "docs" / "charts"
SC = load_scenario("demo")


def collect(strats, seeds, keys, sc=SC, disruptions=None):
    data = {k: [[] for _ in strats] for k in keys}
    for seed in seeds:
        H = S.play(strats, sc, seed, disruptions=disruptions)
        for i, h in enumerate(H):
            for k in keys:
                data[k][i].append([x["kpis"][k] for x in h])
    return {k: [np.array(v) for v in data[k]] for k in keys}


def band(ax, arr, label, cum=False, scale=1.0):
    a = (np.cumsum(arr, 1) if cum else arr) * scale
    x = np.arange(1, a.shape[1] + 1)
    ax.plot(x, a.mean(0), marker="o", ms=3, label=label)
    ax.fill_between(x, np.percentile(a, 10, 0), np.percentile(a, 90, 0), alpha=0.2)
    ax.set_xlabel("round (month)")
    ax.set_xticks(x)


def figure(name, title, panels):
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.4))
    axes = np.atleast_1d(axes)
    for ax, (ylabel, series) in zip(axes, panels):
        for label, arr, kw in series:
            band(ax, arr, label, **kw)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(OUT / f"{name}.png", dpi=90)
    plt.close(fig)


def main(seeds):
    OUT.mkdir(parents=True, exist_ok=True)
    d = collect([S.balanced, S.chase_output], seeds, ["good_units", "net_cash_flow"])
    figure("L1", "L1 Chasing output (overtime + no PM) vs a balanced plan", [
        ("good units per round", [("balanced", d["good_units"][0], {}), ("chase output", d["good_units"][1], {})]),
        ("cumulative cash flow (k)", [("balanced", d["net_cash_flow"][0], {"cum": True, "scale": 1e-3}),
                                      ("chase output", d["net_cash_flow"][1], {"cum": True, "scale": 1e-3})])])

    d = collect([S.pm_required, S.pm_deferred, S.pm_deferred_then_catch_up], seeds,
                ["good_units", "maintenance_backlog", "unplanned_hours"])
    names = ["PM as recommended", "PM deferred", "deferred, catch-up from round 4"]
    figure("L2", "L2 Deferred maintenance: output looks fine, capacity erodes", [
        ("good units", [(n, d["good_units"][i], {}) for i, n in enumerate(names)]),
        ("maintenance backlog (h)", [(n, d["maintenance_backlog"][i], {}) for i, n in enumerate(names)]),
        ("unplanned downtime (h)", [(n, d["unplanned_hours"][i], {}) for i, n in enumerate(names)])])

    d = collect([S.overtime(0.25), S.no_overtime], seeds, ["good_units", "fatigue", "quits"])
    gain = d["good_units"][0] / d["good_units"][1] - 1
    figure("L3", "L3 25% overtime: a tactic, not a structure", [
        ("output gain vs no overtime", [("25% overtime", gain, {})]),
        ("fatigue", [("25% overtime", d["fatigue"][0], {}), ("none", d["fatigue"][1], {})]),
        ("cumulative quits", [("25% overtime", d["quits"][0], {"cum": True}), ("none", d["quits"][1], {"cum": True})])])

    d = collect([S.capex_concurrent, S.capex_staged], seeds, ["engineering_load", "execution_confidence", "projects_done"])
    figure("L4", "L4 Four projects at once vs a credible sequence", [
        ("engineering load", [("all at once", d["engineering_load"][0], {}), ("staged", d["engineering_load"][1], {})]),
        ("execution confidence", [("all at once", d["execution_confidence"][0], {}),
                                  ("staged", d["execution_confidence"][1], {})]),
        ("projects delivered", [("all at once", d["projects_done"][0], {}),
                                ("staged", d["projects_done"][1], {})])])

    shock = lambda r, t: [Disruption("absenteeism", (), 0, 22, 0.15)] if r in (5, 6) else []
    d = collect([S.resilient_labor, S.fragile_labor], seeds, ["good_units", "cross_training"], disruptions=shock)
    figure("L5", "L5 Absenteeism (+15%, rounds 5-6) with and without cross-training/training", [
        ("good units", [("cross-trained, trained", d["good_units"][0], {}), ("fragile", d["good_units"][1], {})]),
        ("cross-trained share", [("cross-trained, trained", d["cross_training"][0], {}),
                                 ("fragile", d["cross_training"][1], {})])])

    calm = scenario_from_dict({"name": "calm", "title": "", "description": "",
                               "params": {"random_supplier_failure_prob": 0.0}})

    def net_shocks(r, t):
        if r == 5:
            return [Disruption("supplier_failure", (0,), 2, 12, 1.0)]
        if r == 7:
            return [Disruption("site_outage", (), 4, 6, 1.0)]
        return []
    d = collect([S.networked, S.single_source], seeds, ["net_cash_flow", "good_units"], sc=calm, disruptions=net_shocks)
    figure("L6", "L6 Second supplier + backup line vs single source (supplier fails r5, site out r7)", [
        ("cash flow per round (k)", [("networked", d["net_cash_flow"][0], {"scale": 1e-3}),
                                     ("single source/site", d["net_cash_flow"][1], {"scale": 1e-3})]),
        ("good units", [("networked", d["good_units"][0], {}), ("single source/site", d["good_units"][1], {})])])

    d = collect([S.debottleneck(1), S.debottleneck(3), S.pm_required], seeds, ["good_units", "bottleneck_station"])
    figure("L7", "L7 +20% rate at a non-bottleneck (station 1) vs the bottleneck (station 3)", [
        ("good units", [("station 1", d["good_units"][0], {}), ("station 3", d["good_units"][1], {}),
                        ("no project", d["good_units"][2], {})]),
        ("bottleneck station", [("station 1", d["bottleneck_station"][0], {}),
                                ("station 3", d["bottleneck_station"][1], {})])])
    print(f"wrote {sorted(p.name for p in OUT.glob('L*.png'))}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    main(range(ap.parse_args().seeds))
