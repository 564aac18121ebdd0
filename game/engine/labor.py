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

BISECTION_STEPS = 7  # from the no-cover pace up to 1: well under 0.1% of the pace


def _deficits(a, need, chain, pool, eff):
    """Deficit per station after the chain has moved what it can, the pool supply, and what each station
    has left over. Arrays are station-first [S, ...] (contiguous per station: this runs in the bisection)."""
    S = a.shape[0]
    surplus = a - need
    movable = chain * a
    flow = np.empty_like(a)
    inflow = np.zeros(a.shape[1:])
    for _ in range(2):  # a closed chain: the second pass feeds station 1 from station S
        for s in range(S):
            room = surplus[s] + eff * inflow
            np.minimum(np.maximum(room, 0.0), movable[s], out=flow[s])
            inflow = flow[s]
    left = surplus - flow
    left[1:] += eff * flow[:-1]
    left[0] += eff * flow[-1]
    deficit = np.maximum(-left, 0.0)
    np.maximum(left, 0.0, out=left)
    pool_supply = eff * np.minimum(pool * a, left).sum(0)
    return deficit, pool_supply, left


def line_pace(a, u, chain, pool, temps, eff):
    """Highest feasible pace x [...] in 0..1 (station-first arrays). Without any cover the worst-staffed
    station sets it, so the search starts there."""
    lo = np.minimum(1.0, (a / u).min(0))
    hi = np.ones(a.shape[1:])
    for _ in range(BISECTION_STEPS):
        x = 0.5 * (lo + hi)
        deficit, pool_supply, _ = _deficits(a, u * x, chain, pool, eff)
        ok = deficit.sum(0) <= temps + pool_supply + 1e-12
        lo = np.where(ok, x, lo)
        hi = np.where(ok, hi, x)
    return lo


def station_labor(a, u, chain, pool, temps, eff):
    """Labor factor per station [..., S] (share of its rate it can run at) and temp crews at work [...].

    a [..., S] crews present per crew needed; u [..., S] crew share needed to keep pace; chain, pool [...]
    shares of a station's people cross-trained on the next station / on every station; temps [...] crews."""
    a = np.ascontiguousarray(np.moveaxis(a, -1, 0))
    u = np.ascontiguousarray(np.moveaxis(np.broadcast_to(u, a.shape[1:] + a.shape[:1]), -1, 0))
    x = line_pace(a, u, chain, pool, temps, eff)
    need = u * x
    deficit, _, left = _deficits(a, need, chain, pool, eff)
    total_deficit = deficit.sum(0)
    temps_used = np.minimum(temps, total_deficit)
    # covered stations run at the pace; the others keep their own people, minus what the pool took
    pool_taken = np.maximum(total_deficit - temps_used, 0.0) / eff
    giveable = np.minimum(pool * a, left)
    given = giveable.sum(0)
    share = np.where(given > 0, pool_taken / np.maximum(given, 1e-12), 0.0)
    own = np.minimum(1.0, need + left - giveable * share)
    labor = np.where(deficit > 1e-12, need, np.maximum(own, need))
    return np.moveaxis(np.minimum(labor, 1.0), 0, -1), temps_used
