"""KPIs: pure functions of the state before, the state after and the round totals (Mesa DataCollector).

The balanced scorecard (0-100, the leaderboard number) is the seven KPIs a production director is
judged by (../shared/MODEL.md), each mapped to 0..1 and weighted by SCORECARD_WEIGHTS:

    throughput  0.5 min(1, shipped/demand) + 0.5 min(1, sustainable capacity/demand)
    execution   execution confidence / 100
    oee         0.5 clip(OEE/0.85) + 0.5 clip(0.5 + OEE trend per round / 0.10)
    quality     0.5 clip((FPY - 0.85)/0.15) + 0.5 (1 - clip(escape rate/0.02))
    reliability 0.5 clip((bottleneck availability - 0.60)/0.35) + 0.5 (1 - clip(expected unplanned h next / 176))
    alignment   leadership alignment / 100
    risk        1 - clip(operational risk / 25)

Without an alignment figure (the engine on its own) its weight is spread over the others.
Operational risk = expected loss next month from five named exposures, as a percent of the month's
contribution (see operational_risk).
"""
from __future__ import annotations

import math

import numpy as np

from .levers import PROJECT_CODES

SCORECARD_WEIGHTS = {"throughput": 0.20, "execution": 0.10, "oee": 0.15, "quality": 0.15, "reliability": 0.15,
                     "alignment": 0.10, "risk": 0.15}
W = SCORECARD_WEIGHTS


def expected_unplanned_hours_by_station(state, p, run_hours) -> np.ndarray:
    """Leading indicator [T, S]: expected repair hours next round from today's virtual ages, with no PM."""
    run = np.asarray(run_hours, float)
    run = run[:, None] if run.ndim == 1 else run
    mtbf = np.asarray(p["random_mtbf"], float)
    wear = ((state.age + run) / state.eta) ** state.beta - (state.age / state.eta) ** state.beta
    return wear * p["mttr"] + run / mtbf * p["random_mttr"]


def expected_unplanned_hours(state, p, run_hours=None) -> np.ndarray:
    if run_hours is None:
        run_hours = np.full(state.cash.shape[0], 2 * p["hours_per_shift"] * p["days_per_round"])
    return expected_unplanned_hours_by_station(state, p, run_hours).sum(1)


def operational_risk(state, p, daily_units, escape_rate, share2, run_hours) -> tuple:
    """Expected money lost next month from named exposures, and that as a percent of monthly contribution.

    equipment: expected repair hours x contribution per hour (the bottleneck's in full, others' 30%:
               buffers absorb most of a short stop upstream or downstream);
    supplier:  P(main supplier fails) x expected days beyond the raw-material cover (exponential
               duration) x share the second supplier cannot surge to cover x contribution per day;
    site:      P(site outage) x mean days x contribution per day x (1 - backup share if ready);
    labor:     P(absence wave) x absent share x 10 days x contribution per day x (1 - cross-training),
               plus expected quits x replacement cost;
    quality:   escapes next month x (warranty + contribution of the demand customers withdraw)."""
    contribution = p["price"] - p["material_cost"]
    day_value = np.maximum(daily_units, 1.0) * contribution
    hour_value = day_value / (2 * p["hours_per_shift"])
    exp_h = expected_unplanned_hours_by_station(state, p, run_hours)
    bott = np.argmin(state.rate * (1.0 - state.ramp_gap), axis=1)
    is_b = np.arange(state.rate.shape[1])[None, :] == bott[:, None]
    equipment = (exp_h * np.where(is_b, 1.0, 0.3)).sum(1) * hour_value
    cover = np.maximum(p["demand"] / p["days_per_round"], 1.0)
    raw_days = state.raw / cover
    mean_len = p["random_supplier_failure_days"]
    uncovered = mean_len * np.exp(-raw_days / mean_len)
    short = 1.0 - np.minimum(1.0, share2 * p["supplier2_surge"])
    supplier = p["random_supplier_failure_prob"] * uncovered * short * day_value
    site = p["site_outage_prob"] * p["site_outage_days"] * day_value * (1.0 - p["backup_capacity_share"] * state.backup_ready)
    quit_rate = p["base_quit_rate"] * (1.0 + p["quit_fatigue_gain"] * state.quit_intent)
    labor = p["absence_wave_prob"] * p["absence_wave_share"] * 10.0 * day_value * (1.0 - np.minimum(state.cross, 0.9)) \
        + state.headcount * quit_rate * p["hire_cost"]
    monthly_units = daily_units * p["days_per_round"]
    quality = escape_rate * monthly_units * (p["warranty_cost"] + p["escape_demand_penalty"] * contribution)
    parts = {"equipment": equipment, "supplier": supplier, "site": site, "labor": labor, "quality": quality}
    loss = sum(parts.values())
    risk = np.minimum(100.0, 100.0 * loss / np.maximum(day_value * p["days_per_round"], 1.0))
    return risk, parts


def _clip(x):
    return np.clip(x, 0.0, 1.0)


def round_kpis(s0, s1, tot, decisions, scenario, alignment=None) -> list[dict]:
    p = scenario.params
    T = s1.n_teams
    sched = tot["sched_hours"]
    proc = tot["processed"]
    ideal = s0.rate  # ideal rates this round (projects finishing now count from next round)
    bott = np.argmin(ideal * (1.0 - s0.ramp_gap), axis=1)
    ar = np.arange(T)
    up_b = tot["up_hours"][ar, bott]
    run_b = np.maximum(up_b - tot["changeover_hours"], 0.0)
    avail_b = run_b / np.maximum(sched, 1e-9)
    perf_b = proc[ar, bott] / np.maximum(ideal[ar, bott] * run_b, 1e-9)
    fpy = np.clip(tot["fpy"], 0, 1)
    oee_b = avail_b * perf_b * fpy
    oee_line = tot["good"] / np.maximum(ideal.min(1) * sched, 1e-9)
    money, pnl = tot["money"], tot["pnl"]
    revenue = money["revenue"]
    good = tot["good"]
    demand = tot["demand"]
    escape_rate = tot["escapes"] / np.maximum(proc[:, -1], 1.0)
    nominal_run = 2 * p["hours_per_shift"] * p["days_per_round"]
    risk, risk_parts = operational_risk(s1, p, good / np.maximum(tot["n_days"], 1), escape_rate, tot["share2"],
                                        tot["hpd"] * tot["n_days"])
    exp_next = expected_unplanned_hours(s1, p, tot["hpd"] * tot["n_days"])
    pm_compliance = np.minimum(tot["pm_done"].sum(1) / np.maximum(tot["pm_due"].sum(1), 1e-9), 9.99)
    exec_conf = 100.0 * tot["exec_conf"]
    capacity_sust = ideal.min(1) * nominal_run * np.clip(oee_line, 0, 1)
    thr = np.minimum(1.0, tot["shipped"] / np.maximum(demand, 1.0))
    sust_ratio = capacity_sust / np.maximum(demand, 1.0)

    hist = np.concatenate([s0.oee_hist[:, 1:], oee_line[:, None]], axis=1)
    s1.oee_hist = hist  # the trend memory is a KPI stock; it never feeds the dynamics
    with np.errstate(invalid="ignore"):
        trend = np.where(np.isnan(hist[:, 0]), np.where(np.isnan(hist[:, 1]), 0.0, hist[:, 2] - hist[:, 1]),
                         (hist[:, 2] - hist[:, 0]) / 2.0)

    align = None if alignment is None else np.asarray([np.nan if a is None else a for a in alignment], float)
    parts = {
        "throughput": 0.5 * thr + 0.5 * np.minimum(1.0, sust_ratio),
        "execution": _clip(exec_conf / 100.0),
        "oee": 0.5 * _clip(oee_line / 0.85) + 0.5 * _clip(0.5 + trend / 0.10),
        "quality": 0.5 * _clip((fpy - 0.85) / 0.15) + 0.5 * (1.0 - _clip(escape_rate / 0.02)),
        "reliability": 0.5 * _clip((avail_b - 0.60) / 0.35) + 0.5 * (1.0 - _clip(exp_next / 176.0)),
        "risk": 1.0 - _clip(risk / 25.0),
    }
    base = sum(W[k] * v for k, v in parts.items())
    unaligned = 100.0 * base / (1.0 - W["alignment"])
    if align is None:
        score = unaligned
    else:
        a = _clip(np.nan_to_num(align) / 100.0)
        score = np.where(np.isnan(align), unaligned, 100.0 * (base + W["alignment"] * a))
        parts["alignment"] = np.where(np.isnan(align), np.nan, a)

    floats = {
        "good_units": good, "shipped_units": tot["shipped"], "demand": demand,
        "lost_orders": tot["lost_orders"], "order_backlog": s1.backlog, "finished_goods": s1.fg,
        "throughput_strength": thr, "sustainable_capacity_ratio": sust_ratio,
        "oee_line": oee_line, "oee_bottleneck": oee_b, "oee_trend": trend,
        "availability": avail_b, "performance": perf_b, "quality": fpy, "first_pass_yield": fpy,
        "scrap_units": tot["scrap"], "purchased_units": tot["purchased"], "outsourced_units": tot["outsourced"],
        "raw_material": s1.raw, "wip": s1.wip.sum(1), "escapes": tot["escapes"],
        "cost_of_poor_quality": tot["scrap"] * p["material_cost"] - money["warranty"],
        "unplanned_hours": tot["downh"].sum(1), "expected_unplanned_hours_next": exp_next,
        "maintenance_backlog": s1.pm_backlog.sum(1), "pm_hours_done": tot["pm_done"].sum(1),
        "pm_hours_due": tot["pm_due"].sum(1), "pm_compliance": pm_compliance,
        "minor_stop_loss": tot["minor_stops"].mean(1), "engineering_load": tot["eng_load"],
        "ramp_support": tot["support_ratio"], "ramp_gap_max": s1.ramp_gap.max(1), "execution_confidence": exec_conf,
        "operational_risk": risk, "cash": s1.cash, "revenue": revenue, "opex": pnl["operating_cost"],
        "materials_used": pnl["materials_used"], "capex": -money["capex"], "net_cash_flow": money["net"],
        "margin": pnl["margin"], "cost_per_unit": pnl["operating_cost"] / np.maximum(good + tot["outsourced"], 1.0),
        "fatigue": s1.fatigue, "fatigue_avg": tot["fatigue_avg"], "hours_per_week": tot["hours_week"],
        "headcount": s1.headcount, "skill": s1.skill, "cross_training": s1.cross, "absenteeism": tot["absent"],
        "hiring_pipeline": s1.pipeline, "temps_at_work": tot["temps_used"], "second_supplier_share": tot["share2"],
        "training_funded": tot["train_frac"], "quality_program_funded": tot["program_funded"],
        "inspection_coverage": tot["insp_cover"], "engineering_hours_funded": tot["eng_hours_paid"],
        "scorecard": score,
    }
    ints = {
        "round": s1.round, "failures": tot["nfail"].sum(1), "ramping_stations": (s1.ramp_gap > 0).sum(1),
        "failures_wear": tot["nfail_wear"].sum(1), "failures_random": tot["nfail_random"].sum(1),
        "failures_induced": tot["nfail_induced"].sum(1), "repairs_waiting_for_money": tot["unfunded_repairs"],
        "quits": tot["quits"], "injuries": tot["injuries"], "projects_done": (s1.proj_status == 2).sum(1),
        "bottleneck_station": np.argmin(s1.rate * (1.0 - s1.ramp_gap), axis=1) + 1,
    }
    per_station = {"station_failures": tot["nfail"], "station_downtime_hours": tot["downh"],
                   "station_pm_hours": tot["pm_done"], "station_output": proc}
    # convert whole columns at once: per-element float() calls dominate at 1,000 teams
    cols = {k: np.round(np.asarray(v, dtype=float), 6).tolist() for k, v in floats.items()}
    cols.update({k: np.asarray(v).astype(int).tolist() for k, v in ints.items()})
    cols.update({k: np.round(np.asarray(v, dtype=float), 3).tolist() for k, v in per_station.items()})
    risk_cols = {k: np.round(v, 6).tolist() for k, v in risk_parts.items()}
    flow_cols = {k: np.round(v, 6).tolist() for k, v in money.items() if k != "net"}
    part_cols = {k: np.round(np.asarray(v, float), 6).tolist() for k, v in parts.items()}
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
        k["scorecard_parts"] = {key: (None if math.isnan(v[t]) else v[t]) for key, v in part_cols.items()}
        k["leadership_alignment"] = None if align_l is None or math.isnan(align_l[t]) else float(align_l[t])
        out.append(k)
    return out
