"""The round step: state + decisions + disruptions + random numbers -> new state + raw round results.

simulate_round() is a pure function of its arguments (STYLE item 8): every stock at the end of the
round depends only on the stocks at its start, the decisions and the draws for (seed, round). step()
calls the sub-steps in the order docs/model.md describes them: calendar, budget, people, projects,
capacity, network, quality, the hourly flow, then equipment, projects, people, quality and money
settle at round end.
"""
from __future__ import annotations

import numpy as np

from . import budget, equipment, flow, network, people, projects, quality
from .disruptions import disruption_days
from .levers import PRIORITY_AXES, PROJECT_CODES
from .money import cash_flows, profit_and_loss
from .noise import draw_noise
from .projects import PROJ_INDEX
from .state import PlantState

P = len(PROJECT_CODES)
NOT_LISTED = 10_000


def _lever_arrays(decisions: list[dict]) -> dict[str, np.ndarray]:
    """Team decisions as arrays (the hot loop never touches dicts)."""
    T = len(decisions)
    col = lambda k: np.array([float(d[k]) for d in decisions])
    out = {k: col(k) for k in ("production_target", "outsourcing_units", "raw_material_cover_days",
                               "technicians", "quality_program", "engineering_hours", "hires", "exits",
                               "overtime_share", "training_hours", "cross_training", "temp_labor",
                               "maintenance_budget", "training_budget", "quality_budget", "capex_budget",
                               "second_supplier_share")}
    out["pm_hours"] = np.array([d["pm_hours"] for d in decisions], dtype=float)
    out["weights"] = np.array([d["priority_weights"] for d in decisions], dtype=float).reshape(T, len(PRIORITY_AXES))
    out["insp"] = np.array([quality.INSPECTION.index(d["inspection_level"]) for d in decisions])
    out["six_day"] = np.array([d["shift_pattern"] == "6x2" for d in decisions])
    out["skills"] = np.array([budget.SCHEME_SKILLS[d["cross_training_scheme"]] for d in decisions])
    listed = np.zeros((T, P), dtype=bool)
    order = np.full((T, P), NOT_LISTED)
    for t, d in enumerate(decisions):
        for rank, c in enumerate(d["projects"]):
            listed[t, PROJ_INDEX[c]] = True
            order[t, PROJ_INDEX[c]] = rank
    out["listed"], out["order"] = listed, order
    return out


def _calendar(lv, p, T) -> dict:
    """Working days, hours per day, weekly PM days and the calendar day of each working day."""
    six = lv["six_day"]
    n_days = np.where(six, 26, p["days_per_round"]).astype(int)  # Saturdays: 4 more working days
    D = int(n_days.max())
    hpd = 2 * p["hours_per_shift"] * (1.0 + lv["overtime_share"])  # hours run per working day
    day_idx = np.arange(D)
    working = day_idx[None, :] < n_days[:, None]
    cal = day_idx[None, :] * (p["days_per_round"] / n_days[:, None])
    week = np.floor(cal / (p["days_per_round"] / p["weeks_per_round"])).astype(int)
    pm_day = working & np.concatenate([np.ones((T, 1), bool), week[:, 1:] != week[:, :-1]], axis=1)
    return {"n_days": n_days, "D": D, "hpd": hpd, "working": working, "cal": cal, "pm_day": pm_day,
            "usage": p["demand"] / p["days_per_round"]}


def simulate_round(state: PlantState, decisions: list[dict], scenario, disruptions, seed: int, round_number: int,
                   alignment=None, *, noise_per_team: bool = False):
    """Advance every team one round. Returns (new_state, kpis list) — see kpis.round_kpis."""
    from .kpis import round_kpis  # KPIs are pure functions of state and round totals

    new, tot = step(state, decisions, scenario, disruptions, seed, round_number, noise_per_team)
    return new, round_kpis(state, new, tot, decisions, scenario, alignment)


def step(state: PlantState, decisions: list[dict], scenario, disruptions, seed: int, round_number: int,
         noise_per_team: bool = False):
    p = scenario.params
    T = state.n_teams
    if len(decisions) != T or len(disruptions) != T:
        raise ValueError(f"need one decision package and one disruption list per team ({T} teams)")
    lv = _lever_arrays(decisions)
    nz = draw_noise(seed, round_number, T if noise_per_team else 1, p["mttr_sigma"])
    s = state.copy()
    cal = _calendar(lv, p, T)
    working, n_days, hpd, D = cal["working"], cal["n_days"], cal["hpd"], cal["D"]
    tot: dict = {"sched_hours": hpd * n_days, "n_days": n_days.astype(float), "hpd": hpd}

    # ---- people at the start of the round, and what the envelopes fund -----------------------------
    people.workforce_start(s, lv, p, tot)
    tot["heads_start"] = s.headcount.copy()
    fund = budget.funding(lv, p, s.headcount)
    hours_week = people.weekly_hours(lv)
    fatigue_day, s.fatigue = people.fatigue_days(s.fatigue, people.fatigue_target(hours_week), working, p)
    tot["fatigue_avg"] = (fatigue_day * working).sum(1) / n_days
    tot["hours_week"] = hours_week

    # ---- disruptions and staffing, day by day ------------------------------------------------------
    bott0 = int(np.argmin(np.asarray(p["rate"])))
    d_cap, d_sup, d_dem, d_abs, d_def, d_energy, d_out = disruption_days(disruptions, T, D, cal["cal"], bott0)
    network.random_supplier_failures(d_sup, nz, cal["cal"], p)
    crew = p["crew_per_station"] * s.crew_mult  # per station per shift
    staff = people.staffing(s, lv, p, working, nz, fatigue_day, d_abs, fund["train_frac"], crew)
    skill_day = staff["skill_day"]
    tot["skill_eff"] = (skill_day * working).sum(1) / n_days
    tot.update(workers=staff["workers"], absent=staff["absent_avg"], temps_used=staff["temps_used"],
               labor_factor=(staff["labor"] * working[:, :, None]).sum(1) / n_days[:, None])

    # ---- engineering and projects ----------------------------------------------------------------
    projects.engineering(s, lv, fund, p, tot)
    conf = tot["exec_conf"]

    # ---- capacity of each station and day ------------------------------------------------------------
    setpoint = quality.line_speed_setpoint(lv["weights"], p)
    perf_day = np.minimum(1.0, p["speed_factor"] * s.perf_mult[:, None] * setpoint[:, None]
                          * (p["skill_speed_floor"] + p["skill_speed_gain"] * skill_day)
                          * people.speed_factor(hours_week, fatigue_day, p))
    minor = equipment.minor_stop_loss(s, p)
    last_loss = np.array([p["inspection_rate_loss"][k] for k in quality.INSPECTION])[lv["insp"]]
    rate_eff = s.rate * (1.0 - s.ramp_gap) * (1.0 - minor)
    rate_eff[:, -1] *= 1.0 - last_loss
    changeover = np.minimum(p["changeover_hours_per_day"] / hpd, 0.5)
    site = network.site_factor(d_out, s.backup_ready, hpd, p)
    day_cap = (rate_eff[:, None, :] * perf_day[:, :, None] * staff["labor"] * d_cap * site[:, :, None]
               * (1.0 - changeover)[:, None, None] * working[:, :, None])
    tot.update(perf_team=(perf_day * working).sum(1) / n_days, minor_stops=minor, setpoint=setpoint)

    # ---- market and network ----------------------------------------------------------------------
    daily_demand = p["demand"] * s.goodwill * (1.0 + p["demand_noise"] * nz.demand) / n_days
    dem_day = daily_demand[:, None] * d_dem * working
    share2 = network.supplier_shares(s, lv)
    supply = network.supply_capacity(share2, d_sup, cal["usage"], p)
    cal["share2"] = share2

    # ---- quality --------------------------------------------------------------------------------
    dq = quality.defect_rates(s, p, fatigue_day, skill_day, conf, d_def, setpoint, fund["quality_program"])
    fpy_day = np.prod(1.0 - dq, axis=2)
    catch = quality.inspection_catch(lv, p, fund["insp_cover"])

    # ---- the month, hour by hour -------------------------------------------------------------------
    res = flow.run_month(s, lv, p, fund, nz, cal, day_cap, fpy_day, catch, supply, dem_day)
    tot.update(res)
    S = s.rate.shape[1]
    s.down = res["down"]
    s.wip = np.concatenate([np.zeros((T, 1)), res["q"][:, 1:S]], axis=1)
    s.raw = res["q"][:, 0]
    # customers cancel part of what waits beyond a normal lead time; nobody waits beyond the cap
    normal = p["normal_lead_days"] * p["demand"] / p["days_per_round"]
    cancelled = p["late_order_cancel_rate"] * np.maximum(res["backlog"] - normal, 0.0)
    demand_cap = p["backlog_cap_rounds"] * p["demand"] * s.goodwill
    lost = cancelled + np.maximum(res["backlog"] - cancelled - demand_cap, 0.0)
    s.backlog = res["backlog"] - lost
    s.fg = res["fg"]
    processed = res["processed"]
    tot.update(lost_orders=lost, energy_factor=(d_energy * working).sum(1) / n_days, catch=catch,
               changeover_hours=np.minimum(p["changeover_hours_per_day"], 0.5 * hpd) * n_days,
               fpy=np.where(processed[:, -1] > 0, res["good"] / np.maximum(processed[:, -1], 1e-9), fpy_day[:, 0]),
               defect_rates=dq, share2=share2, train_frac=fund["train_frac"], insp_cover=fund["insp_cover"],
               program_funded=fund["quality_program"])

    # ---- round end: equipment, projects, people, quality ------------------------------------------
    equipment.kijima_end(s, p, res["pm_done"], res["run_hours"])
    tot["pm_due"] = equipment.backlog_end(s, p, res["pm_done"], hpd * n_days)
    projects.ramp_learning(s, p, processed, tot["support_ratio"], conf)
    projects.complete(s, p, tot["done_now"])
    people.people_end(s, lv, p, tot, fund, nz, hours_week)
    quality.quality_program_end(s, p, fund["quality_program"])
    tot["heads_month"] = tot["heads_start"] - 0.5 * tot["quits"]  # leavers go mid-month on average

    # ---- money ----------------------------------------------------------------------------------
    money = cash_flows(p, lv, fund, state, tot)
    s.cash = state.cash + money["net"]
    tot["money"] = money
    tot["pnl"] = profit_and_loss(p, money, tot)

    # goodwill: escapes that customers see cost demand next round; recovers with a delay
    esc_share = res["escapes"] / np.maximum(res["shipped"], 1.0)
    a_g = np.exp(-1.0 / p["goodwill_tau"])
    s.goodwill = np.clip(1.0 + (s.goodwill - 1.0) * a_g - p["escape_demand_penalty"] * esc_share, 0.5, 1.0)
    s.escapes_prev = res["escapes"]
    s.round = s.round + 1.0
    return s, tot
