"""Network: what the suppliers can deliver each day, and how much of the site runs during an outage.
docs/model.md "Network".

The main supplier delivers up to `supplier_cover_rate` times its contracted daily volume (it can
rebuild our stock fast). A qualified second supplier takes `second_supplier_share` of the volume at a
premium; when the main supplier fails it can surge, but only to `supplier2_surge` times its contract,
ramping up over `supplier2_surge_days` (Tomlin 2006): dual sourcing insures partially.
"""
from __future__ import annotations

import numpy as np


def supplier_shares(s, lv) -> np.ndarray:
    """Share of volume contracted with supplier 2 (0 until it is qualified)."""
    return s.supplier2_ready * lv["second_supplier_share"]


def random_supplier_failures(d_sup, nz, cal, p) -> None:
    """A long supplier failure hits a single-sourced firm every few years (in place on d_sup [T, D, 2])."""
    for j in range(2):
        hit = nz.supplier_u[:, j] < p["random_supplier_failure_prob"]
        st = np.floor(nz.supplier_start[:, j] * p["days_per_round"])
        ln = nz.supplier_len[:, j] * p["random_supplier_failure_days"]
        on = hit[:, None] & (cal >= st[:, None]) & (cal < (st + ln)[:, None])
        d_sup[:, :, j] *= np.where(on, 0.0, 1.0)


def supply_capacity(share2, d_sup, usage, p):
    """Daily delivery capacity of each supplier [T, D, 2] (d_sup: share of each supplier still working)."""
    T, D, _ = d_sup.shape
    main_out = d_sup[:, :, 0] < 0.5
    since = np.zeros((T, D))  # working days the main supplier has been out (supplier 2 ramps up meanwhile)
    run = np.zeros(T)
    for d in range(D):
        run = np.where(main_out[:, d], run + 1.0, 0.0)
        since[:, d] = run
    surge = 1.0 + (p["supplier2_surge"] - 1.0) * np.minimum(since / p["supplier2_surge_days"], 1.0)
    cap1 = p["supplier_cover_rate"] * usage * (1.0 - share2)[:, None] * d_sup[:, :, 0]
    cap2 = usage * share2[:, None] * surge * d_sup[:, :, 1]
    return np.stack([cap1, cap2], -1)


def site_factor(d_out, backup_ready, hpd, p) -> np.ndarray:
    """Share of the site's capacity running each day [T, D]: an outage stops it, a ready backup line
    takes over part of the bottleneck rate after its activation delay."""
    T, D = d_out.shape
    act_days = p["backup_activation_hours"] / hpd
    run = np.zeros(T)
    since = np.zeros((T, D))
    for d in range(D):
        run = np.where(d_out[:, d] > 0, run + 1.0, 0.0)
        since[:, d] = run
    backup_on = (backup_ready[:, None] > 0) & (since > act_days[:, None])
    return 1.0 - d_out * (1.0 - np.where(backup_on, p["backup_capacity_share"], 0.0))
