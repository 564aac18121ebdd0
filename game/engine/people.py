"""People: the workforce at the start of a round, fatigue day by day, who staffs the line, and the
slow stocks (quits, injuries, skill, cross-training) at the end of the round. docs/model.md "People".
"""
from __future__ import annotations

import math

import numpy as np

from .labor import station_labor

BASE_WEEK = 40.0


def workforce_start(s, lv, p, tot) -> None:
    """Hires of last round arrive (diluting skill), exits leave now."""
    arrivals = s.pipeline.copy()
    total = s.headcount + arrivals
    s.skill = np.where(total > 0, (s.skill * s.headcount + p["new_hire_skill"] * arrivals) / np.maximum(total, 1e-9),
                       s.skill)
    s.headcount = total
    exits = np.minimum(lv["exits"], np.maximum(s.headcount - 1, 0))
    s.headcount = s.headcount - exits
    # newcomers stay novices until training and practice catch them up (the skill time constant)
    s.novices = np.minimum(s.novices * math.exp(-1.0 / p["skill_tau"]) + arrivals, s.headcount)
    s.pipeline = lv["hires"].copy()
    tot["exits"], tot["arrivals"] = exits, arrivals


def weekly_hours(lv) -> np.ndarray:
    """Hours a worker works in a week: 40 x (1 + overtime), x 1.2 with Saturday shifts."""
    return BASE_WEEK * (1.0 + lv["overtime_share"]) * np.where(lv["six_day"], 1.2, 1.0)


def fatigue_target(hours_week) -> np.ndarray:
    """Fatigue a schedule settles at: the share of hours above 40 (MODEL.md), 0..1."""
    return np.clip((hours_week - BASE_WEEK) / BASE_WEEK, 0.0, 1.0)


def acute_loss(hours_week, p) -> np.ndarray:
    """Share of each hour's output lost to this week's hours (rested by the weekend).

    Pencavel (2015): weekly output proportional to hours up to `output_linear_hours`, concave above,
    nearly flat from `output_flat_hours`: E(h) = min(h, h0) + x - x^2 / (2 (h1 - h0)), x = clip(h - h0,
    0, h1 - h0). The loss is 1 - E(h) / h."""
    h = np.asarray(hours_week, float)
    h0, h1 = p["output_linear_hours"], p["output_flat_hours"]
    x = np.clip(h - h0, 0.0, h1 - h0)
    e = np.minimum(h, h0) + x - x * x / (2.0 * (h1 - h0))
    return 1.0 - e / np.maximum(h, 1e-9)


def speed_factor(hours_week, fatigue_day, p) -> np.ndarray:
    """Output per hour worked [T, D]: the week's acute loss times the chronic loss of accumulated fatigue,
    which builds over weeks of long hours (Business Roundtable 1980; Hanna, Taylor & Sullivan 2005)."""
    return (1.0 - acute_loss(hours_week, p))[:, None] * (1.0 - p["fatigue_speed_loss"] * fatigue_day)


def fatigue_days(f0, target, working, p):
    """Chronic fatigue on each day [T, D] and at the end: it builds toward the schedule's target over weeks
    and recovers faster when hours fall (asymmetric first-order delay, per working day)."""
    T, D = working.shape
    up = 1.0 - math.exp(-1.0 / p["fatigue_build_days"])
    down = 1.0 - math.exp(-1.0 / p["fatigue_recover_days"])
    f = f0.copy()
    out = np.empty((T, D))
    for d in range(D):
        out[:, d] = f
        rate = np.where(target > f, up, down)
        f = np.where(working[:, d], f + (target - f) * rate, f)
    return out, f


def staffing(s, lv, p, working, nz, fatigue_day, d_abs, train_frac, crew):
    """Labor factor per station and day [T, D, S], skill of the people on the posts [T, D], absence."""
    T, D = working.shape
    S = s.rate.shape[1]
    workers = np.maximum(s.headcount - s.injured, 0.0)
    absent = np.clip(p["base_absenteeism"] * (1.0 + p["fatigue_absence_gain"] * fatigue_day)
                     * (1 + 0.3 * nz.absence_day[:, :D]) + d_abs, 0.0, 0.95)  # [T, D]
    train_off = lv["training_hours"] * train_frac / (p["hours_per_shift"] * p["days_per_round"])
    home = workers / (2 * S)  # workers per station per shift
    sd = np.sqrt(absent * (1 - absent) / np.maximum(home, 1.0)[:, None])  # binomial spread per station
    present = home[:, None, None] * (1.0 - np.clip(absent[:, :, None] + sd[:, :, None] * nz.absence[:, :D, :], 0, 1))
    a = present * (1.0 - train_off)[:, None, None] / crew[:, None, None]  # crews present per crew needed
    eff_rate = s.rate * (1.0 - s.ramp_gap)
    u = np.minimum(1.0, eff_rate.min(1, keepdims=True) / eff_rate)[:, None, :]  # crew share to keep pace
    pool_share = np.clip((s.cross_breadth - 1.0) / 3.0, 0.0, 1.0)
    chain = (s.cross * (1.0 - pool_share))[:, None]
    pool = (s.cross * pool_share)[:, None]
    temps = np.broadcast_to((lv["temp_labor"] / (2 * crew))[:, None], (T, D))
    labor, temps_used = station_labor(a, u, chain, pool, temps, p["off_station_efficiency"])
    # the newest hires idle first when more people turn up than there are posts
    posts = np.minimum(a, 1.0).sum(-1) * crew[:, None] * 2  # people on posts (regulars)
    present_total = present.sum(-1) * 2
    idle = np.maximum(present_total - posts, 0.0)
    idle_novices = np.minimum(idle, s.novices[:, None] * (1.0 - absent))
    on_posts = np.maximum(present_total - idle_novices, 1e-9)
    regular_skill = np.clip((s.skill[:, None] * present_total - p["new_hire_skill"] * idle_novices) / on_posts, 0.0, 1.0)
    temp_people = temps_used * 2 * crew[:, None]
    skill_day = (regular_skill * posts + p["temp_skill"] * temp_people) / np.maximum(posts + temp_people, 1e-9)
    n_days = working.sum(1)
    return {"labor": labor, "skill_day": skill_day, "absent_avg": (absent * working).sum(1) / n_days,
            "workers": workers, "temps_used": (temp_people * working).sum(1) / n_days}


def people_end(s, lv, p, tot, fund, nz, hours_week) -> None:
    """Quits, injuries, skill and cross-training move once a round (first-order delays)."""
    T = s.cash.shape[0]
    a_q = math.exp(-1.0 / p["quit_intent_tau"])
    f_avg = tot["fatigue_avg"]
    s.quit_intent = f_avg + (s.quit_intent - f_avg) * a_q
    quit_rate = p["base_quit_rate"] * (1.0 + p["quit_fatigue_gain"] * s.quit_intent)
    u = nz.round_u if nz.round_u.shape[0] == T else np.broadcast_to(nz.round_u, (T, 4))
    quits = np.floor(s.headcount * quit_rate + u[:, 0])
    workers = tot["workers"]
    worker_hours = workers * hours_week * p["days_per_round"] / 5.0 * (1.0 - tot["absent"])
    long_hours = np.clip((hours_week - BASE_WEEK) / 10.0, 0.0, 1.0)
    inj_rate = p["injury_rate_per_1000h"] / 1000.0 * (1 + p["injury_long_hours_gain"] * long_hours)
    injuries = np.floor(worker_hours * inj_rate + u[:, 1])
    s.injured = injuries * p["injury_days_lost"] / p["days_per_round"]
    s.novices = s.novices * np.where(s.headcount > 0, 1.0 - quits / np.maximum(s.headcount, 1e-9), 0.0)
    cross_trained_left = s.cross * (s.headcount - quits)
    s.headcount = np.maximum(s.headcount - quits, 0.0)
    s.cross = np.where(s.headcount > 0, cross_trained_left / np.maximum(s.headcount, 1e-9), 0.0)
    a_x = math.exp(-1.0 / p["cross_train_tau"])
    # underfunded training moves the stocks only part of the way
    f = fund["train_frac"]
    cross_goal = s.cross + f * (lv["cross_training"] - s.cross)
    s.cross = cross_goal + (s.cross - cross_goal) * a_x
    breadth_goal = s.cross_breadth + f * (lv["skills"] - s.cross_breadth)
    s.cross_breadth = breadth_goal + (s.cross_breadth - breadth_goal) * a_x
    hours = lv["training_hours"] * f
    skill_target = 0.55 + 0.35 * (1.0 - np.exp(-hours / 6.0))
    s.skill = skill_target + (s.skill - skill_target) * math.exp(-1.0 / p["skill_tau"])
    tot.update(quits=quits, injuries=injuries, worker_hours=worker_hours, training_done=hours)
