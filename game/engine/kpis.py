"""KPIs: pure functions of the state before, the state after and the round totals (Mesa DataCollector).

The scorecard (0-100) is the leaderboard number:
    scorecard = 100 * (0.25*T + 0.15*Q + 0.15*R + 0.15*X + 0.20*C + 0.10*A)
T throughput = min(1, shipped / demand); Q quality = clip((FPY - 0.80) / 0.20); R reliability = bottleneck
availability; X resilience = 1 - operational_risk/100; C cost = clip((margin + 0.2) / 0.5); A alignment / 100.
Without an alignment figure its weight is spread over the others.
"""
from __future__ import annotations

import math

import numpy as np

from .levers import PROJECT_CODES

W = {"throughput": 0.25, "quality": 0.15, "reliability": 0.15, "resilience": 0.15, "cost": 0.20, "alignment": 0.10}


def expected_unplanned_hours(state, p, run_hours: float | np.ndarray | None = None) -> np.ndarray:
    """Leading indicator: expected repair hours next round from today's virtual ages, with no PM."""
    if run_hours is None:
        run_hours = 2 * p["hours_per_shift"] * p["days_per_round"]
    run = np.asarray(run_hours, float)
    run = run[:, None] if run.ndim == 1 else run
    h = ((state.age + run) / state.eta) ** state.beta - (state.age / state.eta) ** state.beta
    return (h * p["mttr"]).sum(1)


def operational_risk(state, p, contribution_per_unit: float, daily_units: np.ndarray, escape_rate) -> tuple:
    """Expected money at risk next round, relative to a quarter of the monthly contribution, as 0-100."""
    day_value = np.maximum(daily_units, 1.0) * contribution_per_unit
    hour_value = day_value / (2 * p["hours_per_shift"])
    equipment = expected_unplanned_hours(state, p) * hour_value * 0.6  # buffers absorb part of it
    cover = np.maximum(p["demand"] / p["days_per_round"], 1.0)
    raw_days = state.raw / cover
    single = 1.0 - state.supplier2_share / max(p["second_supplier_share"], 1e-9) * 0.8
    supplier = p["random_supplier_failure_prob"] * np.maximum(p["random_supplier_failure_days"] * 2 - raw_days, 0) \
        * day_value * single * 3  # long tail: rare events are larger
    site = 0.01 * 5 * day_value * (1.0 - 0.6 * state.backup_ready) * 4
    labor = day_value * p["days_per_round"] * 0.15 * (1.0 - state.cross) * (0.3 + state.fatigue + state.quit_intent)
    quality = escape_rate * daily_units * p["days_per_round"] * p["warranty_cost"]
    loss = equipment + supplier + site + labor + quality
    monthly = day_value * p["days_per_round"]
    risk = 100.0 * (1.0 - np.exp(-loss / np.maximum(0.25 * monthly, 1.0)))
    parts = {"equipment": equipment, "supplier": supplier, "site": site, "labor": labor, "quality": quality}
    return risk, parts


def round_kpis(s0, s1, tot, decisions, scenario, alignment=None) -> list[dict]:
    p = scenario.params
    T = s1.n_teams
    sched = tot["sched_hours"]
    proc = tot["processed"]
    ideal = s0.rate  # ideal rates this round (projects finishing now count from next round)
    bott = np.argmin(ideal * (1.0 - s0.ramp_gap), axis=1)
    ar = np.arange(T)
    up_b = tot["up_hours"][ar, bott]
    avail_b = up_b / np.maximum(sched, 1e-9)
    perf_b = proc[ar, bott] / np.maximum(ideal[ar, bott] * up_b, 1e-9)
    fpy = np.clip(tot["fpy"], 0, 1)
    oee_b = avail_b * perf_b * fpy
    oee_line = tot["good"] / np.maximum(ideal.min(1) * sched, 1e-9)
    money = tot["money"]
    revenue = money["revenue"]
    opex = -(money["net"] - revenue - money["capex"])
    margin = (revenue - opex) / np.maximum(revenue, 1.0)
    good = tot["good"]
    demand = tot["demand"]
    cost_per_unit = opex / np.maximum(good + tot["outsourced"], 1.0)
    escape_rate = tot["escapes"] / np.maximum(proc[:, -1], 1.0)
    contribution = p["price"] - p["material_cost"]
    risk, risk_parts = operational_risk(s1, p, contribution, good / np.maximum(tot["n_days"], 1), escape_rate)
    exp_next = expected_unplanned_hours(s1, p, tot["hpd"] * tot["n_days"])
    req = np.asarray(p["pm_required"], float)
    pm_compliance = np.minimum(tot["pm_done"].sum(1) / req.sum(), 9.99)
    load = tot["eng_load"]
    exec_conf = 100.0 / (1.0 + np.exp(np.minimum(5.0 * (load - 1.1), 50.0))) * (0.6 + 0.4 * tot["skill_eff"]) * (1 - 0.4 * s1.fatigue)
    exec_conf = np.where(tot["n_active"] > 0, exec_conf, 100.0 * (0.6 + 0.4 * tot["skill_eff"]) * (1 - 0.4 * s1.fatigue))
    capacity_sust = ideal.min(1) * 2 * p["hours_per_shift"] * p["days_per_round"] * np.clip(oee_line, 0, 1)
    thr = np.minimum(1.0, tot["shipped"] / np.maximum(demand, 1.0))

    hist = np.concatenate([s0.oee_hist[:, 1:], oee_line[:, None]], axis=1)
    s1.oee_hist = hist  # the trend memory is a KPI stock; it never feeds the dynamics
    with np.errstate(invalid="ignore"):
        trend = np.where(np.isnan(hist[:, 0]), np.where(np.isnan(hist[:, 1]), 0.0, hist[:, 2] - hist[:, 1]),
                         (hist[:, 2] - hist[:, 0]) / 2.0)

    align = None if alignment is None else np.asarray([np.nan if a is None else a for a in alignment], float)
    parts = {"throughput": thr, "quality": np.clip((fpy - 0.80) / 0.20, 0, 1), "reliability": np.clip(avail_b, 0, 1),
             "resilience": 1.0 - risk / 100.0, "cost": np.clip((margin + 0.2) / 0.5, 0, 1)}
    base = sum(W[k] * v for k, v in parts.items())
    if align is None:
        score = 100.0 * base / (1.0 - W["alignment"])
    else:
        a = np.clip(align / 100.0, 0, 1)
        score = np.where(np.isnan(align), 100.0 * base / (1.0 - W["alignment"]), 100.0 * (base + W["alignment"] * np.nan_to_num(a)))

    floats = {
        "good_units": good, "shipped_units": tot["shipped"], "demand": demand,
        "lost_orders": tot["lost_orders"], "order_backlog": s1.backlog, "finished_goods": s1.fg,
        "throughput_strength": thr, "sustainable_capacity_ratio": capacity_sust / np.maximum(demand, 1.0),
        "oee_line": oee_line, "oee_bottleneck": oee_b, "oee_trend": trend,
        "availability": avail_b, "performance": perf_b, "quality": fpy, "first_pass_yield": fpy,
        "scrap_units": tot["scrap"], "purchased_units": tot["purchased"], "outsourced_units": tot["outsourced"],
        "raw_material": s1.raw, "wip": s1.wip.sum(1), "escapes": tot["escapes"],
        "cost_of_poor_quality": tot["scrap"] * p["material_cost"] - money["warranty"],
        "unplanned_hours": tot["downh"].sum(1), "expected_unplanned_hours_next": exp_next,
        "maintenance_backlog": s1.pm_backlog.sum(1), "pm_hours_done": tot["pm_done"].sum(1),
        "pm_compliance": pm_compliance, "engineering_load": load, "ramp_support": tot["support_ratio"],
        "ramp_gap_max": s1.ramp_gap.max(1), "execution_confidence": exec_conf, "operational_risk": risk,
        "cash": s1.cash, "revenue": revenue, "opex": opex, "capex": -money["capex"], "net_cash_flow": money["net"],
        "margin": margin, "cost_per_unit": cost_per_unit, "fatigue": s1.fatigue, "headcount": s1.headcount,
        "skill": s1.skill, "cross_training": s1.cross, "absenteeism": tot["absent"], "hiring_pipeline": s1.pipeline,
        "scorecard": score,
    }
    ints = {
        "round": s1.round, "failures": tot["nfail"].sum(1), "ramping_stations": (s1.ramp_gap > 0).sum(1),
        "quits": tot["quits"], "injuries": tot["injuries"], "projects_done": (s1.proj_status == 2).sum(1),
        "bottleneck_station": np.argmin(s1.rate * (1.0 - s1.ramp_gap), axis=1) + 1,
    }
    # convert whole columns at once: per-element float() calls dominate at 1,000 teams
    cols = {k: np.round(np.asarray(v, dtype=float), 6).tolist() for k, v in floats.items()}
    cols.update({k: np.asarray(v).astype(int).tolist() for k, v in ints.items()})
    risk_cols = {k: np.round(v, 6).tolist() for k, v in risk_parts.items()}
    flow_cols = {k: np.round(v, 6).tolist() for k, v in money.items() if k != "net"}
    codes = np.array(PROJECT_CODES)
    align_l = None if align is None else align.tolist()
    keys = list(cols)
    out = []
    for t in range(T):
        k = {key: cols[key][t] for key in keys}
        k["projects_active"] = codes[s1.proj_status[t] == 1].tolist()
        k["projects_completed"] = codes[s1.proj_status[t] == 2].tolist()
        k["projects_completed_now"] = codes[tot["done_now"][t]].tolist()
        k["risk_parts"] = {key: v[t] for key, v in risk_cols.items()}
        k["cash_flows"] = {key: v[t] for key, v in flow_cols.items()}
        k["leadership_alignment"] = None if align_l is None or math.isnan(align_l[t]) else float(align_l[t])
        out.append(k)
    return out
