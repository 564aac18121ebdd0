"""What-if preview: one team's package run forward over many sampled futures (own draws per sample)."""
from __future__ import annotations

import numpy as np

from .model import simulate_round
from .state import state_from_team_dicts

PREVIEW_KEYS = ("good_units", "shipped_units", "throughput_strength", "oee_line", "oee_bottleneck",
                "availability", "first_pass_yield", "unplanned_hours", "expected_unplanned_hours_next",
                "maintenance_backlog", "execution_confidence", "operational_risk", "cash", "margin",
                "cost_per_unit", "fatigue", "headcount", "quits", "injuries", "skill", "scorecard")


def preview(team_state_dict: dict, decisions: dict, scenario, n_samples: int = 200, seed: int = 0,
            round_number: int = 1, disruptions=None) -> dict:
    """Expected KPIs with p10/p50/p90 over n_samples futures of the next round.

    Each sample gets its own random numbers (not common ones): the bands show the spread of outcomes
    the plant could see, scheduled disruptions included if given."""
    n = int(n_samples)
    if n < 1:
        raise ValueError("n_samples must be at least 1")
    one = state_from_team_dicts([team_state_dict], scenario)
    state = one.take(np.zeros(n, dtype=int))
    dis = [list(disruptions or [])] * n
    _, kpis = simulate_round(state, [decisions] * n, scenario, dis, seed=seed ^ 0x5EED, round_number=round_number,
                             noise_per_team=True)
    out = {"n_samples": n, "round": round_number, "kpis": {}}
    for k in PREVIEW_KEYS:
        v = np.array([x[k] for x in kpis], dtype=float)
        p10, p50, p90 = np.percentile(v, [10, 50, 90])
        out["kpis"][k] = {"mean": float(v.mean()), "p10": float(p10), "p50": float(p50), "p90": float(p90)}
    return out
