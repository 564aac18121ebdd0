"""Projects and engineering: who gets the engineering hours and capex, in what order, how fast projects
finish, what a finished project changes, and how new equipment learns its way to rated speed.
docs/model.md "Projects and execution".
"""
from __future__ import annotations

import math

import numpy as np

from .levers import PROJECT_CODES, PROJECTS

P = len(PROJECT_CODES)
PROJ_INDEX = {c: i for i, c in enumerate(PROJECT_CODES)}
PROJ_EFFORT = np.array([PROJECTS[c].effort_hours for c in PROJECT_CODES])
PROJ_CAPEX = np.array([PROJECTS[c].capex for c in PROJECT_CODES])
PROJ_NOMINAL = np.array([PROJECTS[c].nominal_rounds for c in PROJECT_CODES], dtype=float)
COST_PER_HOUR = PROJ_CAPEX / PROJ_EFFORT


def execution_confidence(load, n_active, skill, fatigue) -> np.ndarray:
    """0..1: falls as a logistic function of engineering load (MODEL.md), scaled by skill and fatigue."""
    people = (0.6 + 0.4 * skill) * (1.0 - 0.4 * fatigue)
    logistic = 1.0 / (1.0 + np.exp(np.minimum(5.0 * (load - 1.1), 50.0)))
    return np.where(n_active > 0, logistic * people, people)


def productivity(n_active, load, p):
    """Engineering hours that become progress: switching between projects and firefighting cost time."""
    return 1.0 / (1.0 + p["switching_loss"] * np.maximum(n_active - 1, 0)) \
        / (1.0 + p["overload_loss"] * np.maximum(load - 1.0, 0.0))


def allocate(order, nominal, remaining, hours, money, crash_share):
    """Hours per project [T, P]: in portfolio order, every active project first gets its nominal pace, then
    the first ones may absorb up to 1/crash_share times it, as long as hours and capex money last."""
    T = order.shape[0]
    out = np.zeros((T, P))
    ar = np.arange(T)
    left, money = hours.copy(), money.copy()
    by_priority = np.argsort(order, axis=1, kind="stable")
    for cap in (nominal, nominal / crash_share):
        for k in range(P):
            j = by_priority[:, k]
            want = np.minimum(cap[ar, j], remaining[ar, j]) - out[ar, j]
            want = np.clip(np.minimum(want, money / COST_PER_HOUR[j]), 0.0, None)
            give = np.minimum(want, left)
            out[ar, j] += give
            left = left - give
            money = money - give * COST_PER_HOUR[j]
    return out


def planned_hours(order, eng_hours, p):
    """What a fresh portfolio would get this round with unlimited capex (the plan the envelope must fund)."""
    listed = order < 1_000
    nominal = listed * (PROJ_EFFORT / PROJ_NOMINAL)
    n = listed.sum(1)
    load = nominal.sum(1) / np.maximum(eng_hours, 1.0)
    usable = eng_hours * productivity(n, load, p)
    return allocate(order, nominal, listed * PROJ_EFFORT, usable, np.full(order.shape[0], np.inf), p["project_crash_share"])


def engineering(s, lv, fund, p, tot) -> None:
    """Start and cancel projects, share the funded engineering hours, spend capex in portfolio order."""
    listed = lv["listed"]
    cancel = (s.proj_status == 1) & ~listed
    s.proj_status = np.where(cancel, 3.0, s.proj_status)
    s.proj_done_h = np.where(cancel, 0.0, s.proj_done_h)  # cancelled work is lost; money is sunk
    start = listed & ((s.proj_status == 0) | (s.proj_status == 3))
    s.proj_status = np.where(start, 1.0, s.proj_status)
    active = s.proj_status == 1
    n_active = active.sum(1)
    ramping = s.ramp_gap > 0.005
    support_need = ramping.sum(1) * p["ramp_support_hours"]
    nominal = active * (PROJ_EFFORT / PROJ_NOMINAL)
    E = fund["eng_hours"]
    load = (nominal.sum(1) + support_need) / np.maximum(E, 1.0)
    prod = productivity(n_active, load, p)
    left = E * prod
    support = np.minimum(support_need, left)  # the running plant's new machines come first
    left = left - support
    support_ratio = np.where(support_need > 0, support / np.maximum(support_need, 1e-9), 1.0)
    remaining = np.maximum(PROJ_EFFORT - s.proj_done_h, 0.0) * active
    hours = allocate(lv["order"], nominal, remaining, left, fund["project_money"], p["project_crash_share"])
    spend = hours * COST_PER_HOUR
    s.proj_done_h = s.proj_done_h + hours
    s.proj_spent = s.proj_spent + spend
    done_now = active & (s.proj_done_h >= PROJ_EFFORT - 1e-6)
    conf = execution_confidence(load, n_active, tot["skill_eff"], tot["fatigue_avg"])
    tot.update(eng_load=load, n_active=n_active, support_ratio=support_ratio, capex_spent=spend.sum(1),
               proj_progress=hours, done_now=done_now, eng_productivity=prod, exec_conf=conf,
               eng_hours_paid=E)


def ramp_learning(s, p, processed, support_ratio, conf) -> None:
    """Unit time falls by the progress ratio per doubling of cumulative output (learning curve); output
    counts fully only with engineering support and execution confidence. Speed = (1 - gap0) (1 + n/n0)^-b."""
    ramping = s.ramp_gap > 0.005
    s.ramp_units = s.ramp_units + ramping * processed * (support_ratio * conf)[:, None]
    b = -math.log2(p["learning_progress_ratio"])
    speed = (1.0 - p["ramp_initial_gap"]) * (1.0 + s.ramp_units / p["learning_unit"]) ** b
    gap = np.where(ramping, np.maximum(0.0, 1.0 - speed), 0.0)
    s.ramp_gap = np.where(gap < 0.005, 0.0, gap)


def complete(s, p, done_now) -> None:
    """Finished projects change the plant from next round."""
    s.proj_status = np.where(done_now, 2.0, s.proj_status)
    for c, j in PROJ_INDEX.items():
        m = done_now[:, j]
        if not m.any():
            continue
        st = PROJECTS[c].station
        if c.startswith("debottleneck"):
            s.rate[m, st] *= 1.0 + p["debottleneck_gain"]
            s.down[m, st] += p["project_install_hours"]
        elif c.startswith("new_equipment"):
            s.rate[m, st] *= 1.0 + p["new_equipment_gain"]
            s.eta[m, st] *= 1.4
            s.age[m, st] = 0.0
            s.defect_base[m, st] *= 0.6
            s.ramp_gap[m, st] = p["ramp_initial_gap"]
            s.ramp_units[m, st] = 0.0
            s.pm_backlog[m, st] = 0.0
            s.down[m, st] += p["project_install_hours"]
        elif c == "backup_line":
            s.backup_ready[m] = 1.0
        elif c == "second_supplier":
            s.supplier2_ready[m] = 1.0
        elif c == "automation":
            s.perf_mult[m] *= 1.0 + p["automation_perf_gain"]
            s.crew_mult[m] *= 1.0 - p["automation_crew_cut"]
