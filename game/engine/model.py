"""The round step: state + decisions + disruptions + random numbers -> new state + raw round results.

simulate_round() is a pure function of its arguments (STYLE item 8): every stock at the end of the
round depends only on the stocks at its start, the decisions and the draws for (seed, round).
One hourly loop runs all teams at once; quantities that change by the day are computed per day
outside the hourly loop, and slower stocks (fatigue, skill, quality capability) move once a round
as first-order delays.
"""
from __future__ import annotations

import math

import numpy as np

from .disruptions import Disruption
from .levers import N_STATIONS, PROJECT_CODES, PROJECTS
from .labor import station_labor
from .noise import FAIL_SLOTS, draw_noise
from .state import PlantState

S = N_STATIONS
P = len(PROJECT_CODES)
PROJ_INDEX = {c: i for i, c in enumerate(PROJECT_CODES)}
PROJ_EFFORT = np.array([PROJECTS[c].effort_hours for c in PROJECT_CODES])
PROJ_CAPEX = np.array([PROJECTS[c].capex for c in PROJECT_CODES])
PROJ_NOMINAL = np.array([PROJECTS[c].nominal_rounds for c in PROJECT_CODES], dtype=float)
INSPECTION = ("light", "standard", "full")


def _lever_arrays(decisions: list[dict], p: dict) -> dict[str, np.ndarray]:
    """Team decisions as arrays (the hot loop never touches dicts)."""
    T = len(decisions)
    col = lambda k: np.array([float(d[k]) for d in decisions])
    out = {k: col(k) for k in ("production_target", "outsourcing_units", "raw_material_cover_days",
                               "technicians", "quality_program", "engineering_hours", "hires", "exits",
                               "overtime_share", "training_hours", "cross_training", "temp_labor",
                               "maintenance_budget", "training_budget", "quality_budget", "capex_budget")}
    out["pm_hours"] = np.array([d["pm_hours"] for d in decisions], dtype=float)
    out["insp"] = np.array([INSPECTION.index(d["inspection_level"]) for d in decisions])
    out["six_day"] = np.array([d["shift_pattern"] == "6x2" for d in decisions])
    listed = np.zeros((T, P), dtype=bool)
    for t, d in enumerate(decisions):
        for c in d["projects"]:
            listed[t, PROJ_INDEX[c]] = True
    out["listed"] = listed
    return out


def _disruption_arrays(disruptions, T, D, cal, p, bottleneck):
    """Per-day multipliers [T, D, ...] from the disruptions hitting each team."""
    cap = np.ones((T, D, S))
    supplier = np.ones((T, D, 2))
    demand = np.ones((T, D))
    absence = np.zeros((T, D))
    defect = np.zeros((T, D, S))
    energy = np.ones((T, D))
    outage = np.zeros((T, D))
    for t, items in enumerate(disruptions):
        for ev in items:
            on = (cal[t] >= ev.start_day) & (cal[t] < ev.start_day + ev.duration_days)
            m = ev.magnitude
            if ev.kind == "machine_breakdown":
                for s in (ev.targets or (bottleneck,)):
                    cap[t, on, s] *= 1.0 - m
            elif ev.kind == "supplier_failure":
                for j in (ev.targets or (0,)):
                    supplier[t, on, j] *= 1.0 - m
            elif ev.kind == "demand_spike":
                demand[t, on] += m
            elif ev.kind == "absenteeism":
                absence[t, on] += m
            elif ev.kind == "quality_escape":
                for s in (ev.targets or tuple(range(S))):
                    defect[t, on, s] += m
            elif ev.kind == "energy_price_spike":
                energy[t, on] *= m
            elif ev.kind == "site_outage":
                outage[t, on] = np.maximum(outage[t, on], m)
    return cap, supplier, demand, np.clip(absence, 0, 0.95), defect, energy, outage


def simulate_round(state: PlantState, decisions: list[dict], scenario, disruptions: list[list[Disruption]],
                   seed: int, round_number: int, alignment=None, *, noise_per_team: bool = False):
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
    lv = _lever_arrays(decisions, p)
    nz = draw_noise(seed, round_number, T if noise_per_team else 1, p["mttr_sigma"])
    s = state.copy()
    tot: dict[str, np.ndarray] = {}

    # ---- calendar -----------------------------------------------------------------------------
    six = lv["six_day"]
    n_days = np.where(six, 26, p["days_per_round"]).astype(int)  # Saturdays: 4 more working days
    D = int(n_days.max())
    hpd = 2 * p["hours_per_shift"] * (1.0 + lv["overtime_share"])  # hours run per working day
    K = int(math.ceil(hpd.max() - 1e-9))
    day_idx = np.arange(D)
    working = day_idx[None, :] < n_days[:, None]  # [T, D]
    cal = day_idx[None, :] * (p["days_per_round"] / n_days[:, None])  # calendar day of a working day
    sched_hours = hpd * n_days
    tot["sched_hours"] = sched_hours
    week = np.floor(cal / (p["days_per_round"] / p["weeks_per_round"])).astype(int)
    pm_day = working & np.concatenate([np.ones((T, 1), bool), week[:, 1:] != week[:, :-1]], axis=1)

    # ---- workforce at the start of the round ---------------------------------------------------
    arrivals = s.pipeline.copy()
    s.skill = np.where(s.headcount + arrivals > 0,
                       (s.skill * s.headcount + p["new_hire_skill"] * arrivals) / np.maximum(s.headcount + arrivals, 1e-9),
                       s.skill)
    s.headcount = s.headcount + arrivals
    exits = np.minimum(lv["exits"], np.maximum(s.headcount - 1, 0))
    s.headcount = s.headcount - exits
    s.pipeline = lv["hires"].copy()
    tot["exits"], tot["arrivals"] = exits, arrivals

    hours_week = 40.0 * (1.0 + lv["overtime_share"]) * np.where(six, 1.2, 1.0)
    fatigue_target = np.clip((hours_week - 40.0) / 40.0, 0.0, 1.0)
    a_f = math.exp(-1.0 / p["fatigue_tau"])
    fatigue_avg = fatigue_target + (s.fatigue - fatigue_target) * p["fatigue_tau"] * (1 - a_f)
    s.fatigue = fatigue_target + (s.fatigue - fatigue_target) * a_f
    tot["fatigue_avg"], tot["hours_week"] = fatigue_avg, hours_week

    temps = lv["temp_labor"]
    workers = np.maximum(s.headcount - s.injured, 0.0)
    skill_eff = (s.skill * workers + p["temp_skill"] * temps) / np.maximum(workers + temps, 1e-9)
    tot["skill_eff"] = skill_eff

    # ---- projects and engineering --------------------------------------------------------------
    listed = lv["listed"]
    active_before = s.proj_status == 1
    cancel = active_before & ~listed
    s.proj_status = np.where(cancel, 3.0, s.proj_status)
    s.proj_done_h = np.where(cancel, 0.0, s.proj_done_h)  # cancelled work is lost; money is sunk
    start = listed & ((s.proj_status == 0) | (s.proj_status == 3))
    s.proj_status = np.where(start, 1.0, s.proj_status)
    active = s.proj_status == 1
    n_active = active.sum(1)
    ramping = s.ramp_gap > 0.005
    support_need = ramping.sum(1) * p["ramp_support_hours"]
    proj_need = (active * (PROJ_EFFORT / PROJ_NOMINAL)).sum(1)
    E = lv["engineering_hours"]
    load = (proj_need + support_need) / np.maximum(E, 1.0)
    productivity = 1.0 / (1.0 + p["switching_loss"] * np.maximum(n_active - 1, 0)) \
        / (1.0 + p["overload_loss"] * np.maximum(load - 1.0, 0.0))
    effective = E * productivity
    # hours are shared in proportion to need: overload starves ramp-up support as much as projects
    share = np.minimum(1.0, effective / np.maximum(proj_need + support_need, 1e-9))
    support_ratio = np.where(support_need > 0, share, 1.0)
    proj_hours = active * (PROJ_EFFORT / PROJ_NOMINAL) * share[:, None]
    proj_hours = np.minimum(proj_hours, PROJ_EFFORT - s.proj_done_h)
    capex_room = np.maximum(lv["capex_budget"] - E * p["engineering_cost_per_hour"], 0.0)
    spend = proj_hours * PROJ_CAPEX / PROJ_EFFORT
    scale = np.minimum(1.0, capex_room / np.maximum(spend.sum(1), 1e-9))
    proj_hours *= scale[:, None]
    spend *= scale[:, None]
    s.proj_done_h = s.proj_done_h + proj_hours
    s.proj_spent = s.proj_spent + spend
    done_now = active & (s.proj_done_h >= PROJ_EFFORT - 1e-6)
    tot.update(eng_load=load, n_active=n_active, support_ratio=support_ratio, capex_spent=spend.sum(1),
               proj_progress=proj_hours, done_now=done_now, eng_productivity=productivity)

    # ---- per-day labor, capacity, supply, demand --------------------------------------------------
    bott0 = int(np.argmin(np.asarray(p["rate"])))
    d_cap, d_sup, d_dem, d_abs, d_def, d_energy, d_out = _disruption_arrays(disruptions, T, D, cal, p, bott0)
    # random supplier failures (a few percent a month, mostly short)
    for j in range(2):
        hit = nz.supplier_u[:, j] < p["random_supplier_failure_prob"]
        st = np.floor(nz.supplier_start[:, j] * p["days_per_round"])
        ln = nz.supplier_len[:, j] * p["random_supplier_failure_days"]
        on = hit[:, None] & (cal >= st[:, None]) & (cal < (st + ln)[:, None])
        d_sup[:, :, j] *= np.where(on, 0.0, 1.0)
    crew = p["crew_per_station"] * s.crew_mult  # per station per shift
    absent = np.clip(p["base_absenteeism"] * (1.0 + 0.8 * fatigue_avg)[:, None] * (1 + 0.3 * nz.absence_day[:, :D])
                     + d_abs, 0.0, 0.95)  # [T, D]
    absent_avg = (absent * working).sum(1) / n_days
    train_off = lv["training_hours"] / (p["hours_per_shift"] * p["days_per_round"])
    home = workers / (2 * S)  # workers per station per shift
    sd = np.sqrt(absent * (1 - absent) / np.maximum(home, 1.0)[:, None])  # binomial spread per station
    present = home[:, None, None] * (1.0 - np.clip(absent[:, :, None] + sd[:, :, None] * nz.absence[:, :D, :], 0, 1))
    r = present * (1.0 - train_off)[:, None, None] / crew[:, None, None]  # staffing ratio [T, D, S]
    util = np.minimum(1.0, s.rate.min(1, keepdims=True) / s.rate)  # crew share a station needs to keep pace
    labor = station_labor(r, util[:, None, :], np.broadcast_to(s.cross[:, None], r.shape[:2]),
                          np.broadcast_to((temps / (2 * crew))[:, None], r.shape[:2]), p["off_station_efficiency"])
    tot["labor_factor"] = (labor * working[:, :, None]).sum(1) / n_days[:, None]

    perf = p["perf_base"] * s.perf_mult * (0.55 + 0.5 * skill_eff) * (1.0 - p["fatigue_speed_loss"] * fatigue_avg)
    perf = np.minimum(perf, 1.0)
    tot["perf_team"] = perf
    insp = lv["insp"]
    last_loss = np.array([p["inspection_rate_loss"][k] for k in INSPECTION])[insp]
    rate_eff = s.rate * perf[:, None] * (1.0 - s.ramp_gap)
    rate_eff[:, -1] *= 1.0 - last_loss
    act_hours = np.maximum(0.0, p["backup_activation_hours"] / hpd)  # days until backup runs
    since = np.zeros((T, D))  # days since the outage started (for the activation delay)
    for t in range(T):
        run = 0.0
        for d in range(D):
            run = run + 1.0 if d_out[t, d] > 0 else 0.0
            since[t, d] = run
    backup_on = (s.backup_ready[:, None] > 0) & (since > act_hours[:, None])
    site = 1.0 - d_out * (1.0 - np.where(backup_on, p["backup_capacity_share"], 0.0))
    day_cap = rate_eff[:, None, :] * labor * d_cap * site[:, :, None] * working[:, :, None]  # [T, D, S]

    daily_demand = p["demand"] * s.goodwill * (1.0 + p["demand_noise"] * nz.demand) / n_days  # [T]
    dem_day = daily_demand[:, None] * d_dem * working
    usage = p["demand"] / p["days_per_round"]
    raw_target = lv["raw_material_cover_days"] * usage
    share2 = s.supplier2_share
    sup_cap = p["supplier_cover_rate"] * usage * ((1 - share2)[:, None] * d_sup[:, :, 0] + share2[:, None] * d_sup[:, :, 1])
    out_daily = lv["outsourcing_units"] / n_days

    # quality per day: defect rate per station from skill, fatigue, age, program, ramp, disruptions
    dq = (s.defect_base * (1 + p["fatigue_defect_gain"] * fatigue_avg)[:, None]
          * (1 + p["defect_skill_gain"] * np.maximum(0.85 - skill_eff, 0))[:, None]
          * (1 + p["defect_age_gain"] * s.age / s.eta)
          * (1 - p["quality_program_effect"] * s.quality_cap)[:, None]
          * (1 + p["ramp_defect_gain"] * s.ramp_gap))
    fpy_day = np.prod(1.0 - np.clip(dq[:, None, :] + d_def, 0, 1), axis=2)  # [T, D]
    catch = np.array([p["inspection_catch"][k] for k in INSPECTION])[insp]

    # ---- hourly loop state ----------------------------------------------------------------------
    bufcap = np.append(np.asarray(p["buffer_cap"], float)[1:], np.inf)  # space after each station
    q = np.zeros((T, S + 1))
    q[:, 1:S] = s.wip[:, 1:]
    q[:, 0] = s.raw
    q[:, S] = 0.0  # units finished this day (moved to fg at day end)
    release_left = np.maximum(lv["production_target"], 0.0)
    age, down = s.age, s.down
    inv_b = 1.0 / s.beta
    haz = nz.hazard if nz.hazard.shape[0] == T else np.broadcast_to(nz.hazard, (T, S, FAIL_SLOTS))
    ttrs = nz.ttr if nz.ttr.shape[0] == T else np.broadcast_to(nz.ttr, (T, S, FAIL_SLOTS))
    nfail = np.zeros((T, S), dtype=int)
    vfail = s.eta * ((age / s.eta) ** s.beta + haz[:, :, 0]) ** inv_b  # virtual age at next failure
    processed = np.zeros((T, S))
    downh = np.zeros((T, S))
    up_hours = np.zeros((T, S))
    corr_h = np.zeros(T)
    corr_week = np.zeros(T)
    pm_done = np.zeros((T, S))
    pm_frac = np.zeros((T, S))
    techs = lv["technicians"]
    techs_on_shift = techs / 2.0
    tech_week = techs * p["tech_hours_per_month"] / p["weeks_per_round"]
    pm_week_plan = lv["pm_hours"] / p["weeks_per_round"]
    k_pm = p["pm_age_reduction_per_hour"]
    pm_share = p["pm_downtime_share"]
    fg, backlog = s.fg.copy(), s.backlog.copy()
    shipped = np.zeros(T)
    good = np.zeros(T)
    scrap = np.zeros(T)
    escapes = np.zeros(T)
    purchased = np.zeros(T)
    outsourced = np.zeros(T)
    slot_active = np.clip(hpd[None, :] - np.arange(K)[:, None], 0.0, 1.0)  # [K, T]
    slot_active_c = slot_active[:, :, None]
    # overtime hours run with support functions (maintenance, material, engineering) on day shift
    # only, so they yield less (Thomas & Raynar 1997)
    ot_slot = np.arange(K) >= 2 * p["hours_per_shift"]
    slot_cap_c = (slot_active * np.where(ot_slot, p["overtime_hour_efficiency"], 1.0)[:, None])[:, :, None]
    demand_total = np.zeros(T)

    for d in range(D):
        wk = working[:, d]
        # PM at the start of each week with what technicians have left after last week's repairs
        if pm_day[:, d].any():
            m = pm_day[:, d]
            avail = np.maximum(tech_week - corr_week, 0.0)
            plan = pm_week_plan
            frac = np.minimum(1.0, avail / np.maximum(plan.sum(1), 1e-9))
            done = plan * frac[:, None] * m[:, None]
            pm_done += done
            week_h = np.maximum(hpd * n_days / p["weeks_per_round"], 1.0)
            pm_frac = np.where(m[:, None], np.minimum(pm_share * done / week_h[:, None], 0.9), pm_frac)
            corr_week = np.where(m, 0.0, corr_week)
        # materials and orders at the start of the day
        deliver = np.minimum(sup_cap[:, d], np.maximum(raw_target + usage - q[:, 0], 0.0)) * wk
        q[:, 0] += deliver
        purchased += deliver
        backlog += dem_day[:, d]
        demand_total += dem_day[:, d]
        capd = day_cap[:, d, :] * (1.0 - pm_frac)
        # a team's clock only runs on its own working days (5x2 teams idle while 6x2 teams work Saturdays)
        act_d = slot_active_c * wk[None, :, None]
        cap_d = slot_cap_c * wk[None, :, None]
        for k in range(K):
            if not act_d[k].any():
                break
            up = down <= 0.0
            cap = capd * (up * cap_d[k])
            np.minimum(cap[:, 0], release_left, out=cap[:, 0])
            # two passes: a cautious move on start-of-hour stocks, then a second that also counts what
            # the neighbours move within the hour (room freed downstream; half of what arrives from
            # upstream can still be worked). Pass 2 only uses pass-1 flows, which it never undercuts,
            # so buffers stay within 0..cap.
            qin = q[:, :S]
            room = bufcap - q[:, 1:]
            m1 = np.minimum(np.minimum(cap, qin), room)
            room[:, :-1] += m1[:, 1:]
            avail = qin.copy()
            avail[:, 1:] += 0.5 * m1[:, :-1]
            moved = np.minimum(np.minimum(cap, avail), room)
            q[:, :S] -= moved
            q[:, 1:] += moved
            release_left -= moved[:, 0]
            processed += moved
            run = up * act_d[k]
            up_hours += run
            age += run  # equipment ages while scheduled and up (minimal repair: failures do not reset it)
            downh += act_d[k] - run
            down -= act_d[k]
            fail = (age >= vfail) & up
            if fail.any():
                tt, ss = np.nonzero(fail)
                idx = np.minimum(nfail[tt, ss], FAIL_SLOTS - 1)
                busy = (down[tt] > 0).sum(1)
                crews = np.maximum(techs_on_shift[tt] / p["techs_per_repair"], 0.25)  # repair crews on shift
                wait = 1.0 + 0.5 * np.maximum(0.0, busy + 1 - crews)  # queueing for a free crew
                rep = p["mttr"] * ttrs[tt, ss, idx] * wait
                down[tt, ss] = rep
                np.add.at(corr_h, tt, rep * p["techs_per_repair"])
                np.add.at(corr_week, tt, rep * p["techs_per_repair"])
                nfail[tt, ss] += 1
                idx2 = np.minimum(nfail[tt, ss], FAIL_SLOTS - 1)
                a_ = age[tt, ss]
                e_, b_ = s.eta[tt, ss], s.beta[tt, ss]
                vfail[tt, ss] = e_ * ((a_ / e_) ** b_ + haz[tt, ss, idx2]) ** (1.0 / b_)
        # end of day: inspect, outsource, ship
        made = q[:, S].copy()
        q[:, S] = 0.0
        defects = made * (1.0 - fpy_day[:, d])
        caught = defects * catch
        good += made - defects
        scrap += caught
        escapes += defects - caught
        fg += made - caught + out_daily * wk
        outsourced += out_daily * wk
        ship = np.minimum(fg, backlog)
        fg -= ship
        backlog -= ship
        shipped += ship
    # Kijima II at round end: PM scales down virtual age. Its effect on failures shows from next round
    # on (failures this month were already developing: the P-F interval), so PM is worse-before-better.
    s.age = np.where(pm_done > 0, age * np.exp(-k_pm * pm_done), age)
    s.down = np.maximum(down, 0.0)
    s.wip = np.concatenate([np.zeros((T, 1)), q[:, 1:S]], axis=1)
    s.raw = q[:, 0]
    demand_cap = p["backlog_cap_rounds"] * p["demand"] * s.goodwill
    lost = np.maximum(backlog - demand_cap, 0.0)
    s.backlog = backlog - lost
    s.fg = fg
    tot.update(processed=processed, downh=downh, up_hours=up_hours, nfail=nfail, corr_h=corr_h, pm_done=pm_done,
               shipped=shipped, good=good, scrap=scrap, escapes=escapes, purchased=purchased,
               outsourced=outsourced, demand=demand_total, lost_orders=lost, arrivals_raw=purchased,
               energy_factor=(d_energy * working).sum(1) / n_days, n_days=n_days.astype(float), hpd=hpd,
               fpy=np.where(processed[:, -1] > 0, good / np.maximum(processed[:, -1], 1e-9), fpy_day[:, 0]),
               defect_rates=dq, catch=catch)

    # ---- maintenance backlog ------------------------------------------------------------------
    req = np.asarray(p["pm_required"], float)
    s.pm_backlog = np.maximum(s.pm_backlog + req - pm_done, 0.0)

    # ---- new equipment learning (support-weighted cumulative output) --------------------------
    ramping = s.ramp_gap > 0.005
    s.ramp_units = s.ramp_units + ramping * processed * support_ratio[:, None]
    b = math.log2(p["learning_progress_ratio"])
    s.ramp_gap = np.where(ramping, p["ramp_initial_gap"] * (1.0 + s.ramp_units / p["learning_unit"]) ** b, 0.0)
    s.ramp_gap = np.where(s.ramp_gap < 0.01, 0.0, s.ramp_gap)

    # ---- completed projects take effect from next round ----------------------------------------
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
            g = p["new_equipment_gain"]
            s.rate[m, st] *= 1.0 + g
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
            s.supplier2_share[m] = p["second_supplier_share"]
        elif c == "automation":
            s.perf_mult[m] *= 1.0 + p["automation_perf_gain"]
            s.crew_mult[m] *= 1.0 - p["automation_crew_cut"]

    # ---- people: quits, injuries, skill, cross-training -----------------------------------------
    a_q = math.exp(-1.0 / p["quit_intent_tau"])
    s.quit_intent = fatigue_avg + (s.quit_intent - fatigue_avg) * a_q
    quit_rate = p["base_quit_rate"] + p["quit_fatigue_gain"] * s.quit_intent ** 2
    u = nz.round_u if nz.round_u.shape[0] == T else np.broadcast_to(nz.round_u, (T, 4))
    quits = np.floor(s.headcount * quit_rate + u[:, 0])
    worker_hours = workers * hours_week * p["days_per_round"] / 5.0 * (1.0 - absent_avg)
    long_hours = np.clip((hours_week - 40.0) / 10.0, 0.0, 1.0)
    inj_rate = p["injury_rate_per_1000h"] / 1000.0 * (1 + p["injury_long_hours_gain"] * long_hours) * (1 + fatigue_avg)
    injuries = np.floor(worker_hours * inj_rate + u[:, 1])
    s.injured = injuries * p["injury_days_lost"] / p["days_per_round"]
    cross_trained_left = s.cross * (s.headcount - quits)
    s.headcount = np.maximum(s.headcount - quits, 0.0)
    s.cross = np.where(s.headcount > 0, cross_trained_left / np.maximum(s.headcount, 1e-9), 0.0)
    a_x = math.exp(-1.0 / p["cross_train_tau"])
    s.cross = lv["cross_training"] + (s.cross - lv["cross_training"]) * a_x
    skill_target = 0.55 + 0.35 * (1.0 - np.exp(-lv["training_hours"] / 6.0))
    s.skill = skill_target + (s.skill - skill_target) * math.exp(-1.0 / p["skill_tau"])
    a_qc = math.exp(-1.0 / p["quality_program_tau"])
    s.quality_cap = lv["quality_program"] + (s.quality_cap - lv["quality_program"]) * a_qc
    tot.update(quits=quits, injuries=injuries, worker_hours=worker_hours, absent=absent_avg, temps=temps)

    # ---- money ----------------------------------------------------------------------------------
    money = _cash_flows(p, lv, s, state, tot, workers, temps, hours_week, n_days, hpd, exits)
    s.cash = state.cash + money["net"]
    tot["money"] = money

    # goodwill: escapes that customers see cost demand next round; recovers with a delay
    esc_share = escapes / np.maximum(shipped, 1.0)
    a_g = math.exp(-1.0 / p["goodwill_tau"])
    s.goodwill = np.clip(1.0 + (s.goodwill - 1.0) * a_g - p["escape_demand_penalty"] * esc_share, 0.5, 1.0)
    s.escapes_prev = escapes
    s.round = s.round + 1.0
    return s, tot


def _cash_flows(p, lv, s, s0, tot, workers, temps, hours_week, n_days, hpd, exits) -> dict:
    """Every money flow of the round, one line each (cash moves only through these)."""
    hours_month_worker = hours_week * p["days_per_round"] / 5.0
    base_hours = 40.0 * p["days_per_round"] / 5.0
    ot_hours = lv["overtime_share"] * 40.0 * p["days_per_round"] / 5.0
    sat_hours = np.maximum(hours_month_worker - base_hours - ot_hours, 0.0)
    f = {}
    f["revenue"] = p["price"] * tot["shipped"]
    f["materials"] = -(p["material_cost"] * tot["purchased"]
                       + p["second_supplier_premium"] * s0.supplier2_share * tot["purchased"])
    f["wages"] = -p["wage"] * s0.headcount * base_hours  # salaried on planned hours, injured included
    f["overtime"] = -p["wage"] * workers * (ot_hours * (1 + p["overtime_premium"]) + sat_hours * (1 + p["saturday_premium"]))
    f["temps"] = -p["temp_wage"] * temps * hours_month_worker
    f["hiring"] = -p["hire_cost"] * lv["hires"] - p["severance"] * exits
    f["technicians"] = -p["tech_wage"] * lv["technicians"] * p["tech_hours_per_month"]
    f["pm_parts"] = -p["pm_parts_per_hour"] * tot["pm_done"].sum(1)
    f["corrective"] = -p["corrective_cost_multiplier"] * (p["pm_parts_per_hour"] + p["tech_wage"]) * tot["corr_h"] / p["techs_per_repair"]
    f["training"] = -lv["training_hours"] * s0.headcount * (p["wage"] + p["trainer_cost_per_hour"]) \
        - lv["cross_training"] * s0.headcount * p["cross_training_cost_per_worker"]
    f["quality"] = -lv["quality_program"] * p["quality_program_cost"] \
        - np.array([p["inspection_cost"][k] for k in INSPECTION])[lv["insp"]] * tot["processed"][:, -1]
    f["warranty"] = -p["warranty_cost"] * s0.escapes_prev
    f["outsourcing"] = -p["outsourcing_unit_cost"] * tot["outsourced"]
    f["energy"] = -p["energy_cost_per_machine_hour"] * tot["up_hours"].sum(1) * tot["energy_factor"]
    stock_units = s0.raw + s0.wip.sum(1) + s0.fg
    f["holding"] = -p["holding_rate"] * p["material_cost"] * stock_units
    f["injuries"] = -p["injury_cost"] * tot["injuries"]
    f["engineering"] = -p["engineering_cost_per_hour"] * lv["engineering_hours"]
    f["capex"] = -tot["capex_spent"]
    f["backup_standby"] = -p["backup_standby_cost"] * s0.backup_ready
    f["overhead"] = -p["overhead"] * np.ones_like(s0.cash)
    f["net"] = sum(v for k, v in f.items())
    return f
