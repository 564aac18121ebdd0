"""Staffing: how absences at each station become station capacity, with and without cross-training.

A line only needs each station to keep pace with the bottleneck: station s needs u_s = r_min/r_s of a
crew. Workers trained on one station are stuck there; cross-trained workers (share c) and temps can
move to whichever station is short, at off-station efficiency e (Jordan & Graves 1995: a little
flexibility recovers most of the benefit of pooling). The plant runs at the highest pace x (share of
bottleneck rate) that its people can staff:

    sum_s max(0, u_s x - r_s)  <=  e * ( sum_s max(0, min(c r_s, r_s - u_s x)) + temps )

found by bisection. Without cross-training x = min_s r_s / u_s: the worst-staffed station sets the pace.
"""
from __future__ import annotations

import numpy as np

BISECTION_STEPS = 12


def line_pace(r: np.ndarray, u: np.ndarray, cross: np.ndarray, temps: np.ndarray, eff: float) -> np.ndarray:
    """r [..., S] staffing ratio per station (crews present / crews needed); u [..., S] crew share needed
    to keep pace; cross [...] cross-trained share; temps [...] temp crews. Returns pace x [...] in 0..1."""
    lo = np.zeros(r.shape[:-1])
    hi = np.ones(r.shape[:-1])
    c = cross[..., None]
    movable = c * r
    for _ in range(BISECTION_STEPS):
        x = 0.5 * (lo + hi)
        need = u * x[..., None]
        deficit = np.maximum(need - r, 0.0).sum(-1)
        supply = eff * (np.clip(r - need, 0.0, movable).sum(-1) + temps)
        ok = deficit <= supply
        lo = np.where(ok, x, lo)
        hi = np.where(ok, hi, x)
    return lo


def station_labor(r: np.ndarray, u: np.ndarray, cross: np.ndarray, temps: np.ndarray, eff: float) -> np.ndarray:
    """Labor factor per station (share of its rate it can run at), [..., S]."""
    x = line_pace(r, u, cross, temps, eff)
    # stations keep their own people where they do not need to give them away; short ones are topped
    # up to the pace the pool can hold
    return np.minimum(1.0, np.maximum(r * (1.0 - cross[..., None]), np.minimum(r, u * x[..., None]))
                      + np.maximum(u * x[..., None] - r, 0.0))
