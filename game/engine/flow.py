"""Flow: the hourly loop of one round for all teams at once. docs/model.md "Flow".

Per working day: weekly PM (technician hours and maintenance money permitting), material deliveries,
order arrivals; per hour: every station moves min(capacity, units waiting, room downstream) (Goldratt's
dice game with buffers), stations fail and wait for a repair crew; at day end: inspection and shipping.
"""
from __future__ import annotations

import numpy as np

from .equipment import INDUCED, RANDOM, WEAR, hours_to_wear_failure, repair_hours
from .noise import FAIL_SLOTS, PM_EVENTS


def _team_draws(a, T):
    return a if a.shape[0] == T else np.broadcast_to(a, (T, *a.shape[1:]))


def run_month(s, lv, p, fund, nz, cal, day_cap, fpy_day, catch, supply, dem_day):
    T, S = s.rate.shape
    working, hpd, n_days, pm_day = cal["working"], cal["hpd"], cal["n_days"], cal["pm_day"]
    D = working.shape[1]
    K = int(np.ceil(hpd.max() - 1e-9))
    haz, ttr = _team_draws(nz.hazard, T), _team_draws(nz.ttr, T)
    rgap, rttr = _team_draws(nz.random_gap, T), _team_draws(nz.random_ttr, T)
    induced_u = _team_draws(nz.induced, T)
    mtbf = np.asarray(p["random_mtbf"], float)[None, :]

    bufcap = np.append(np.asarray(p["buffer_cap"], float)[1:], np.inf)  # space after each station
    q = np.zeros((T, S + 1))
    q[:, 1:S] = s.wip[:, 1:]
    q[:, 0] = s.raw
    release_left = np.maximum(lv["production_target"], 0.0)
    down = s.down.copy()
    # run hours to the next failure of each mode; the station fails when the nearest reaches zero
    n_wear = np.zeros((T, S), dtype=int)
    n_rand = np.zeros((T, S), dtype=int)
    n_ind = np.zeros((T, S), dtype=int)
    ar_t, ar_s = np.indices((T, S))
    to_wear = hours_to_wear_failure(s.age, s.eta, s.beta, haz[:, :, 0])
    to_rand = rgap[:, :, 0] * mtbf
    to_ind = np.full((T, S), np.inf)
    run_clock = np.zeros((T, S))  # run hours so far this round
    processed = np.zeros((T, S))
    downh = np.zeros((T, S))
    up_hours = np.zeros((T, S))
    corr_h = np.zeros(T)
    corr_week = np.zeros(T)
    pm_done = np.zeros((T, S))
    pm_frac = np.zeros((T, S))
    pm_busy = np.zeros(T)
    unfunded = np.zeros(T)
    maint_money = fund["maint_parts_money"].copy()
    repair_cost_per_h = p["corrective_cost_multiplier"] * (p["pm_parts_per_hour"] + p["tech_wage"])
    techs_on_shift = lv["technicians"] / 2.0
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

    for d in range(D):
        wk = working[:, d]
        if pm_day[:, d].any():  # weekly PM with the technician hours and money repairs left
            m = pm_day[:, d]
            avail = np.maximum(tech_week - corr_week, 0.0)
            money_week = np.maximum(maint_money, 0.0) / np.maximum(weeks_left, 1.0)
            plan = pm_week_plan.sum(1)
            frac = np.minimum(1.0, np.minimum(avail, money_week / p["pm_parts_per_hour"]) / np.maximum(plan, 1e-9))
            done = pm_week_plan * (frac * m)[:, None]
            pm_done += done
            maint_money -= done.sum(1) * p["pm_parts_per_hour"]
            week_h = np.maximum(hpd * n_days / p["weeks_per_round"], 1.0)
            pm_frac = np.where(m[:, None], np.minimum(p["pm_downtime_share"] * done / week_h[:, None], 0.9), pm_frac)
            # technicians busy on PM during production hours are not free for repairs
            pm_busy = np.where(m, pm_frac.sum(1) / 2.0, pm_busy)
            corr_week = np.where(m, 0.0, corr_week)
            weeks_left = np.where(m, weeks_left - 1.0, weeks_left)
            # maintenance-induced faults: more PM work per intervention, more chances to leave one
            ev = np.minimum(pm_event, PM_EVENTS - 1)
            u = induced_u[np.arange(T), ev]  # [T, S, 2]
            due_week = np.maximum(np.asarray(p["pm_required"], float) / p["weeks_per_round"], 1e-9)
            chance = p["induced_failure_prob"] * np.minimum(done / due_week, 2.0)
            hit = m[:, None] & (done > 0) & (u[:, :, 0] < chance)
            to_ind = np.where(hit, np.minimum(to_ind, u[:, :, 1] * p["induced_window_hours"]), to_ind)
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
        for k in range(K):
            if not act_d[k].any():
                break
            act = act_d[k]
            up = down <= 0.0
            cap = capd * (up * act)
            np.minimum(cap[:, 0], release_left, out=cap[:, 0])
            # two passes: a cautious move on start-of-hour stocks, then one that also counts what the
            # neighbours move within the hour; pass 2 never undercuts pass 1, so buffers stay in 0..cap
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
            run = up * act
            up_hours += run
            downh += act - run
            down -= act
            to_wear -= run
            to_rand -= run
            to_ind -= run
            run_clock += run
            fail = up & ((to_wear <= 0) | (to_rand <= 0) | (to_ind <= 0))
            if not fail.any():
                continue
            tt, ss = np.nonzero(fail)
            mode = np.where(to_wear[tt, ss] <= 0, WEAR, np.where(to_ind[tt, ss] <= 0, INDUCED, RANDOM))
            draw = np.where(mode == WEAR, ttr[tt, ss, np.minimum(n_wear[tt, ss], FAIL_SLOTS - 1)],
                            rttr[tt, ss, np.minimum(n_rand[tt, ss] + n_ind[tt, ss], FAIL_SLOTS - 1)])
            busy = (down[tt] > 0).sum(1)
            crews = np.maximum((techs_on_shift[tt] - pm_busy[tt]) / p["techs_per_repair"], 0.25)  # free repair crews
            wait = 1.0 + 0.5 * np.maximum(0.0, busy + 1 - crews)  # queueing for a free crew
            rep = repair_hours(mode, draw, p) * wait
            cost = rep * repair_cost_per_h
            # repairs the maintenance envelope cannot pay wait for parts bought the slow way
            broke = maint_money[tt] < cost
            np.add.at(unfunded, tt, broke * 1.0)
            np.subtract.at(maint_money, tt, cost)
            down[tt, ss] = rep + np.where(broke, p["unfunded_repair_wait_hours"], 0.0)
            np.add.at(corr_h, tt, rep * p["techs_per_repair"])
            np.add.at(corr_week, tt, rep * p["techs_per_repair"])
            w, r, i = mode == WEAR, mode == RANDOM, mode == INDUCED
            n_wear[tt[w], ss[w]] += 1
            n_rand[tt[r], ss[r]] += 1
            n_ind[tt[i], ss[i]] += 1
            age_now = s.age[tt[w], ss[w]] + run_clock[tt[w], ss[w]]
            nxt = haz[tt[w], ss[w], np.minimum(n_wear[tt[w], ss[w]], FAIL_SLOTS - 1)]
            to_wear[tt[w], ss[w]] = hours_to_wear_failure(age_now, s.eta[tt[w], ss[w]], s.beta[tt[w], ss[w]], nxt)
            to_rand[tt[r], ss[r]] = rgap[tt[r], ss[r], np.minimum(n_rand[tt[r], ss[r]], FAIL_SLOTS - 1)] * mtbf[0, ss[r]]
            to_ind[tt[i], ss[i]] = np.inf
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
    return {
        "q": q, "fg": fg, "backlog": backlog, "down": np.maximum(down, 0.0), "processed": processed, "downh": downh,
        "up_hours": up_hours, "nfail": n_wear + n_rand + n_ind, "nfail_wear": n_wear, "nfail_random": n_rand,
        "nfail_induced": n_ind, "corr_h": corr_h, "pm_done": pm_done, "shipped": shipped, "good": good,
        "scrap": scrap, "escapes": escapes, "purchased": purchased, "purchased2": purchased2,
        "outsourced": outsourced, "demand": demand_total, "unfunded_repairs": unfunded,
        "maint_money_left": maint_money, "run_hours": run_clock,
    }
