"""What-if preview: one team's package run forward over many sampled futures (own draws per sample)."""
from __future__ import annotations

import numpy as np

from .model import simulate_round
from .state import state_from_team_dicts

PREVIEW_KEYS = ("good_units", "shipped_units", "throughput_strength", "oee_line", "oee_bottleneck",
                "availability", "first_pass_yield", "unplanned_hours", "expected_unplanned_hours_next",
                "maintenance_backlog", "execution_confidence", "operational_risk", "cash", "margin",
                "cost_per_unit", "fatigue", "headcount", "quits", "injuries", "skill", "scorecard")
IMPACT_KEYS = ("good_units", "cash", "scorecard")


def _sampled(team_states: list[dict], decisions: list[dict], scenario, n: int, seed: int, round_number: int,
             disruptions: list[list]) -> list[list[dict]]:
    """Per team, the KPIs of n sampled futures of the next round, all teams in one batched run (team t's
    samples are rows t*n .. t*n+n-1). A row draws the same random numbers whatever the package or the
    disruptions (they come from seed, round and row only), so two runs compare like for like."""
    if n < 1:
        raise ValueError("n_samples must be at least 1")
    teams = state_from_team_dicts(list(team_states), scenario)
    T = len(team_states)
    state = teams.take(np.repeat(np.arange(T), n))
    dis = [list(disruptions[t] or []) for t in range(T) for _ in range(n)]
    dec = [decisions[t] for t in range(T) for _ in range(n)]
    _, kpis = simulate_round(state, dec, scenario, dis, seed=seed ^ 0x5EED, round_number=round_number,
                             noise_per_team=True)
    return [kpis[t * n:(t + 1) * n] for t in range(T)]


def _bands(v: np.ndarray) -> dict:
    p10, p50, p90 = np.percentile(v, [10, 50, 90])
    return {"mean": float(v.mean()), "p10": float(p10), "p50": float(p50), "p90": float(p90)}


def preview(team_state_dict: dict, decisions: dict, scenario, n_samples: int = 200, seed: int = 0,
            round_number: int = 1, disruptions=None) -> dict:
    """Expected KPIs with p10/p50/p90 over n_samples futures of the next round.

    Each sample gets its own random numbers (not common ones): the bands show the spread of outcomes
    the plant could see, scheduled disruptions included if given."""
    n = int(n_samples)
    [kpis] = _sampled([team_state_dict], [decisions], scenario, n, seed, round_number, [disruptions])
    out = {"n_samples": n, "round": round_number, "kpis": {}}
    for k in PREVIEW_KEYS:
        out["kpis"][k] = _bands(np.array([x[k] for x in kpis], dtype=float))
    return out


def preview_impact(team_states: list[dict], decisions: list[dict], scenario, disruption, n_samples: int = 200,
                   seed: int = 0, round_number: int = 1, base_disruptions=None, keys=IMPACT_KEYS) -> list[dict]:
    """What one disruption would do to each team's month: its package run over the same n_samples futures
    without it (only the team's `base_disruptions`, those already set for the round) and with it.

    Per team (in the order given): {"n_samples", "round", "kpis": {kpi: {"without": bands, "with": bands,
    "difference": bands}}}. A sample sees the same random numbers in both runs (common random numbers), so
    `difference` is the disruption's own effect, sample by sample, with the bands of that effect."""
    n, T = int(n_samples), len(team_states)
    base = [list(b or []) for b in (base_disruptions or [[]] * T)]
    without = _sampled(team_states, decisions, scenario, n, seed, round_number, base)
    hit = _sampled(team_states, decisions, scenario, n, seed, round_number, [b + [disruption] for b in base])
    out = []
    for t in range(T):
        team = {"n_samples": n, "round": round_number, "kpis": {}}
        for k in keys:
            a = np.array([x[k] for x in without[t]], dtype=float)
            b = np.array([x[k] for x in hit[t]], dtype=float)
            team["kpis"][k] = {"without": _bands(a), "with": _bands(b), "difference": _bands(b - a)}
        out.append(team)
    return out
