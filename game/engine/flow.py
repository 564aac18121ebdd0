"""Flow: the hourly loop of one round for all teams at once. docs/model.md "Flow".

Per working day: weekly PM (technician hours and maintenance money permitting), material deliveries,
order arrivals; per hour: every station moves min(capacity, units waiting, room downstream) (Goldratt's
dice game with buffers), stations fail and wait for a repair crew; at day end: inspection and shipping.
"""
from __future__ import annotations

import numpy as np

from .equipment import hours_to_wear_failure
from .noise import FAIL_SLOTS, PM_EVENTS


def _team_draws(a, T):
    return a if a.shape[0] == T else np.broadcast_to(a, (T, *a.shape[1:]))


def failure_schedule(s, p, nz, T):
    """Run-clock times of each station's wear-out and random failures this round [T or 1, S, K], with their
    repair hours before any queueing.

    Minimal repair makes this exact ahead of time: the k-th wear-out failure comes when virtual age reaches
    eta ((v0/eta)^beta + E_1 + .. + E_k)^(1/beta); random failures are a Poisson process in run hours (with
    common random numbers they are the same for every team, so they stay one row)."""
    haz, ttr = _team_draws(nz.hazard, T), _team_draws(nz.ttr, T)
    wear_at = hours_to_wear_failure(s.age[:, :, None], s.eta[:, :, None], s.beta[:, :, None], np.cumsum(haz, axis=2))
    rand_at = np.cumsum(nz.random_gap, axis=2) * np.asarray(p["random_mtbf"], float)[None, :, None]
    wear_at[:, :, -1] = np.inf  # past the last drawn failure nothing more happens this round
    rand_at[:, :, -1] = np.inf
    return wear_at, p["mttr"] * ttr, rand_at, p["random_mttr"] * nz.random_ttr


def run_month(s, lv, p, fund, nz, cal, day_cap, fpy_day, catch, supply, dem_day):
    T, S = s.rate.shape
    working, hpd, n_days, pm_day = cal["working"], cal["hpd"], cal["n_days"], cal["pm_day"]
    D = working.shape[1]
    K = int(np.ceil(hpd.max() - 1e-9))
    wear_at, wear_rep, rand_at, rand_rep = failure_schedule(s, p, nz, T)
    induced_u = _team_draws(nz.induced, T)

    bufcap = np.append(np.asarray(p["buffer_cap"], float)[1:], np.inf)  # space after each station
    q = np.zeros((T, S + 1))
    q[:, 1:S] = s.wip[:, 1:]
    q[:, 0] = s.raw
    release_left = np.maximum(lv["production_target"], 0.0)
    down = s.down.copy()
    down_f = down.ravel()
    # run hours to the next failure of each mode; the station fails when the nearest reaches zero
    n_wear = np.zeros((T, S), dtype=int)
    n_ind = np.zeros((T, S), dtype=int)
    n_rand = np.zeros((T, S), dtype=int)
    at_wear = wear_at[:, :, 0].copy()
    at_rand = np.broadcast_to(rand_at[:, :, 0], (T, S)).copy()
    at_ind = np.full((T, S), np.inf)  # run-clock time of a maintenance-induced fault, if one was left
    next_fail = np.minimum(at_wear, at_rand)
    KF = wear_at.shape[2]
    rand_per_team = rand_at.shape[0] > 1
    # flat views for the failure path (same memory as the [T, S] arrays)
    at_wear_f, at_rand_f, at_ind_f, next_fail_f = at_wear.ravel(), at_rand.ravel(), at_ind.ravel(), next_fail.ravel()
    n_wear_f, n_rand_f, n_ind_f = n_wear.ravel(), n_rand.ravel(), n_ind.ravel()
    wear_at_f, rand_at_f = wear_at.reshape(-1), rand_at.reshape(-1)
    wear_rep_f, rand_rep_f = np.ascontiguousarray(wear_rep).reshape(-1), np.ascontiguousarray(rand_rep).reshape(-1)
    run_clock = np.zeros((T, S))  # run hours so far this round (up and scheduled)
    processed = np.zeros((T, S))
    corr_h = np.zeros(T)
    corr_week_start = np.zeros(T)  # technician repair hours already spent when this week began
    pm_done = np.zeros((T, S))
    pm_frac = np.zeros((T, S))
    pm_busy = np.zeros(T)
    unfunded = np.zeros(T)
    maint_money = fund["maint_parts_money"].copy()
    repair_cost_per_h = p["corrective_cost_multiplier"] * (p["pm_parts_per_hour"] + p["tech_wage"])
    techs_on_shift = lv["technicians"] / 2.0
    crews_free = np.maximum(techs_on_shift / p["techs_per_repair"], 0.25)  # repair crews free on a shift
    tech_week = lv["technicians"] * p["tech_hours_per_month"] / p["weeks_per_round"]
    pm_week_plan = lv["pm_hours"] / p["weeks_per_round"]
    weeks_left = np.full(T, float(p["weeks_per_round"]))
    pm_event = np.zeros(T, dtype=int)
    fg, backlog = s.fg.copy(), s.backlog.copy()
    shipped, good, scrap, escapes = np.zeros(T), np.zeros(T), np.zeros(T), np.zeros(T)
    purchased, purchased2, outsourced, demand_total = np.zeros(T), np.zeros(T), np.zeros(T), np.zeros(T)
    slot_active = np.clip(hpd[None, :] - np.arange(K)[:, None], 0.0, 1.0)[:, :, None]  # [K, T, 1]
    raw_target = lv["raw_material_cover_days"] * cal["usage"]
    out_daily = lv["outsourcing_units"] / n_days
    share2 = cal["share2"]

    up, fail = np.empty((T, S), bool), np.empty((T, S), bool)  # hourly buffers, reused
    ua, cap, room, m1, avail, moved = (np.empty((T, S)) for _ in range(6))
    half = np.empty((T, S - 1))
    for d in range(D):
        wk = working[:, d]
        if pm_day[:, d].any():  # weekly PM with the technician hours and money repairs left
            m = pm_day[:, d]
            tech_free = np.maximum(tech_week - (corr_h - corr_week_start), 0.0)
            money_week = np.maximum(maint_money, 0.0) / np.maximum(weeks_left, 1.0)
            plan = pm_week_plan.sum(1)
            frac = np.minimum(1.0, np.minimum(tech_free, money_week / p["pm_parts_per_hour"]) / np.maximum(plan, 1e-9))
            done = pm_week_plan * (frac * m)[:, None]
            pm_done += done
            maint_money -= done.sum(1) * p["pm_parts_per_hour"]
            week_h = np.maximum(hpd * n_days / p["weeks_per_round"], 1.0)
            pm_frac = np.where(m[:, None], np.minimum(p["pm_downtime_share"] * done / week_h[:, None], 0.9), pm_frac)
            # technicians busy on PM during production hours are not free for repairs
            pm_busy = np.where(m, pm_frac.sum(1) / 2.0, pm_busy)
            crews_free = np.maximum((techs_on_shift - pm_busy) / p["techs_per_repair"], 0.25)
            corr_week_start = np.where(m, corr_h, corr_week_start)
            weeks_left = np.where(m, weeks_left - 1.0, weeks_left)
            # maintenance-induced faults: more PM work per intervention, more chances to leave one
            ev = np.minimum(pm_event, PM_EVENTS - 1)
            u = induced_u[np.arange(T), ev]  # [T, S, 2]
            due_week = np.maximum(np.asarray(p["pm_required"], float) / p["weeks_per_round"], 1e-9)
            chance = p["induced_failure_prob"] * np.minimum(done / due_week, 2.0)
            hit = m[:, None] & (done > 0) & (u[:, :, 0] < chance)
            at_ind[...] = np.where(hit, np.minimum(at_ind, run_clock + u[:, :, 1] * p["induced_window_hours"]), at_ind)
            np.minimum(next_fail, at_ind, out=next_fail)  # in place: the flat views must stay valid
            pm_event = pm_event + m
        # materials and orders at the start of the day
        need = np.maximum(raw_target + cal["usage"] - q[:, 0], 0.0) * wk
        cap1, cap2 = supply[:, d, 0], supply[:, d, 1]
        deliver = np.minimum(cap1 + cap2, need)
        from2 = np.minimum(cap2, np.maximum(share2 * deliver, deliver - cap1))
        q[:, 0] += deliver
        purchased += deliver
        purchased2 += from2
        backlog += dem_day[:, d]
        demand_total += dem_day[:, d]
        capd = day_cap[:, d, :] * (1.0 - pm_frac)
        act_d = slot_active * wk[None, :, None]
        for k in range(int(np.ceil((hpd * wk).max() - 1e-9))):
            act = act_d[k]
            np.less_equal(down, 0.0, out=up)
            np.multiply(up, act, out=ua)
            np.multiply(capd, ua, out=cap)
            np.minimum(cap[:, 0], release_left, out=cap[:, 0])
            # two passes: a cautious move on start-of-hour stocks, then one that also counts what the
            # neighbours move within the hour; pass 2 never undercuts pass 1, so buffers stay in 0..cap
            np.subtract(bufcap, q[:, 1:], out=room)
            np.minimum(cap, q[:, :S], out=m1)
            np.minimum(m1, room, out=m1)
            room[:, :-1] += m1[:, 1:]
            np.multiply(m1[:, :-1], 0.5, out=half)
            np.copyto(avail, q[:, :S])
            avail[:, 1:] += half
            np.minimum(cap, avail, out=moved)
            np.minimum(moved, room, out=moved)
            q[:, :S] -= moved
            q[:, 1:] += moved
            release_left -= moved[:, 0]
            processed += moved
            run_clock += ua
            down -= act
            np.greater_equal(run_clock, next_fail, out=fail)
            fail &= up
            if not fail.any():
                continue
            fl = np.flatnonzero(fail)  # flat (team, station) indices: cheaper than pairs of index arrays
            tt = fl // S
            nf, ai_, aw_, ar_ = next_fail_f[fl], at_ind_f[fl], at_wear_f[fl], at_rand_f[fl]
            is_i = ai_ <= nf
            is_w = (aw_ <= ar_) & ~is_i
            is_r = ~(is_i | is_w)
            nw, nr = n_wear_f[fl], n_rand_f[fl]
            rfl = fl if rand_per_team else fl % S
            base = np.where(is_i, p["induced_mttr"], np.where(is_w, wear_rep_f[fl * KF + nw], rand_rep_f[rfl * KF + nr]))
            busy = (down[tt] > 0).sum(1)
            rep = base * (1.0 + 0.5 * np.maximum(0.0, busy + 1 - crews_free[tt]))  # queueing for a free crew
            cost = rep * repair_cost_per_h
            # repairs the maintenance envelope cannot pay wait for parts bought the slow way
            broke = maint_money[tt] < cost
            maint_money -= np.bincount(tt, cost, minlength=T)
            if broke.any():
                unfunded += np.bincount(tt, broke, minlength=T)
                rep_down = rep + broke * p["unfunded_repair_wait_hours"]
            else:
                rep_down = rep
            down_f[fl] = rep_down
            corr_h += np.bincount(tt, rep * p["techs_per_repair"], minlength=T)
            n_ind_f[fl] += is_i
            nw += is_w
            nr += is_r
            n_wear_f[fl], n_rand_f[fl] = nw, nr
            aw_, ar_ = wear_at_f[fl * KF + nw], rand_at_f[rfl * KF + nr]
            ai_ = np.where(is_i, np.inf, ai_)
            at_wear_f[fl], at_rand_f[fl], at_ind_f[fl] = aw_, ar_, ai_
            next_fail_f[fl] = np.minimum(np.minimum(aw_, ar_), ai_)
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
    sched = (hpd * n_days)[:, None]
    return {
        "q": q, "fg": fg, "backlog": backlog, "down": np.maximum(down, 0.0), "processed": processed, "downh": sched - run_clock,
        "up_hours": run_clock, "nfail": n_wear + n_rand + n_ind, "nfail_wear": n_wear, "nfail_random": n_rand,
        "nfail_induced": n_ind, "corr_h": corr_h, "pm_done": pm_done, "shipped": shipped, "good": good,
        "scrap": scrap, "escapes": escapes, "purchased": purchased, "purchased2": purchased2,
        "outsourced": outsourced, "demand": demand_total, "unfunded_repairs": unfunded,
        "maint_money_left": maint_money, "run_hours": run_clock,
    }
