"""Equipment: failure modes, preventive maintenance, wear and minor stops. docs/model.md "Equipment".

Each station has three failure modes (Nowlan & Heap 1978; Moubray 1997):
* wear-out: Weibull (eta, beta > 1) in virtual age, minimal repair, PM rejuvenates it (Kijima II);
* random: constant hazard (shape 1) in run hours; PM cannot prevent it;
* maintenance-induced: a PM intervention sometimes leaves a fault that shows within a few run hours.
The hourly loop (flow.py) runs a clock of run hours per station and fails it at the nearest deadline of
any mode; the draws come from noise.py.
"""
from __future__ import annotations

import numpy as np

NOMINAL_RUN_HOURS = 352.0  # 22 days x 2 shifts x 8 h: the month pm_required is stated for


def hours_to_wear_failure(age, eta, beta, budget) -> np.ndarray:
    """Run hours until the wear-out mode fails, given an Exp(1) hazard budget (exact NHPP draw)."""
    return eta * ((age / eta) ** beta + budget) ** (1.0 / beta) - age


def expected_failures(age, eta, beta, mtbf, hours) -> np.ndarray:
    """Expected failures over the next `hours` run hours: wear-out (Weibull cumulative hazard) + random."""
    return ((age + hours) / eta) ** beta - (age / eta) ** beta + hours / mtbf


def pm_due(p, run_hours) -> np.ndarray:
    """PM hours due per station this round [T, S]: OEM intervals count run hours."""
    return np.asarray(p["pm_required"], float)[None, :] * (np.asarray(run_hours, float)[:, None] / NOMINAL_RUN_HOURS)


def minor_stop_loss(s, p) -> np.ndarray:
    """Share of run time lost to minor stops per station [T, S]: grows with PM overdue (months of it)."""
    due = np.asarray(p["pm_required"], float)
    months_overdue = np.minimum(s.pm_backlog / due, 4.0)
    return np.minimum(p["minor_stop_base"] + p["minor_stop_backlog_gain"] * months_overdue, 0.4)


def kijima_end(s, p, pm_done, run_hours) -> None:
    """Virtual age grows with run hours; PM scales it down at round end (Kijima II). Its effect on failures
    shows from next round on (failures this month were already developing: the P-F interval)."""
    age = s.age + run_hours
    s.age = np.where(pm_done > 0, age * np.exp(-p["pm_age_reduction_per_hour"] * pm_done), age)


def backlog_end(s, p, pm_done, sched_run_hours) -> np.ndarray:
    due = pm_due(p, sched_run_hours)
    s.pm_backlog = np.maximum(s.pm_backlog + due - pm_done, 0.0)
    return due
