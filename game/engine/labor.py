"""Staffing: how the people present each day become station capacity, with and without cross-training.

A line only needs each station to keep pace with the bottleneck: station s needs u_s = r_min / r_s of
its crew. Each station keeps its own people (a = crews present / crews needed). When a station is short,
cross-trained workers cover it, working off their home station at efficiency e:

* chain (one extra skill): workers of station s can work at s+1, and s+1's can back-fill s+2, round the
  line (a closed chain, Jordan & Graves 1995; Hopp, Tekin & Van Oyen 2004);
* full flexibility: a worker can go to any station (a pool);
* temps fill whatever is still short (their lower skill is counted where they work: see skill_on_posts).

The plant runs at the highest pace x (share of bottleneck rate) its people can staff, found by
bisection. With nobody short, nobody moves: cross-training then costs only its training time.
"""
from __future__ import annotations

import numpy as np

BISECTION_STEPS = 12


def _deficits(a, need, chain, pool, eff):
    """Deficit per station after the chain has moved what it can ([..., S]) and the pool supply [...]."""
    S = a.shape[-1]
    surplus = a - need
    movable = chain * a
    inflow_last = np.zeros(a.shape[:-1])
    flows = [None] * S
    for _ in range(2):  # a closed chain: the second pass feeds station 1 from station S
        inflow = inflow_last
        for s in range(S):
            room = surplus[..., s] + eff * inflow
            flows[s] = np.clip(room, 0.0, movable[..., s])
            inflow = flows[s]
        inflow_last = flows[S - 1]
    flow = np.stack(flows, -1)
    received = eff * np.roll(flow, 1, axis=-1)
    left = surplus + received - flow
    deficit = np.maximum(-left, 0.0)
    pool_supply = eff * np.minimum(pool * a, np.maximum(left, 0.0)).sum(-1)
    return deficit, pool_supply, np.maximum(left, 0.0)


def line_pace(a, u, chain, pool, temps, eff):
    """Highest feasible pace x [...] in 0..1, and the temp crews it uses."""
    lo = np.zeros(a.shape[:-1])
    hi = np.ones(a.shape[:-1])
    for _ in range(BISECTION_STEPS):
        x = 0.5 * (lo + hi)
        deficit, pool_supply, _ = _deficits(a, u * x[..., None], chain, pool, eff)
        ok = deficit.sum(-1) <= temps + pool_supply + 1e-12
        lo = np.where(ok, x, lo)
        hi = np.where(ok, hi, x)
    return lo


def station_labor(a, u, chain, pool, temps, eff):
    """Labor factor per station [..., S] (share of its rate it can run at) and temp crews at work [...].

    a [..., S] crews present per crew needed; u [..., S] crew share needed to keep pace; chain, pool [..., 1]
    shares of a station's people cross-trained on the next station / on every station; temps [...] crews."""
    x = line_pace(a, u, chain, pool, temps, eff)
    need = u * x[..., None]
    deficit, _, left = _deficits(a, need, chain, pool, eff)
    temps_used = np.minimum(temps, deficit.sum(-1))
    # covered stations run at the pace; the others keep their own people, minus what the pool took
    pool_taken = np.maximum(deficit.sum(-1) - temps_used, 0.0) / eff
    giveable = np.minimum(pool * a, left)
    share = np.where(giveable.sum(-1) > 0, pool_taken / np.maximum(giveable.sum(-1), 1e-12), 0.0)
    own = np.minimum(1.0, need + left - giveable * share[..., None])
    labor = np.where(deficit > 1e-12, need, np.maximum(own, need))
    return np.minimum(labor, 1.0), temps_used
