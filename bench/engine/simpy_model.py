"""A unit-by-unit SimPy model of the engine's flow-and-breakdown core, for one team and one round.

Cross-check of game.engine: same stations, rates, buffers, Weibull failures with minimal repair
(virtual age = hours up, including hours starved or blocked, as in the engine), lognormal repair
times, and nothing else (no labor, PM, quality or supply effects). Each station takes a unit from
its input buffer, works 1/rate hours of uptime on it, then blocks until the next buffer has room.
"""
from __future__ import annotations

import bisect
import math

import numpy as np
import simpy


def downtime_schedule(eta, beta, age0, mttr, mttr_sigma, hours, rng):
    """[(start, end)] repair intervals of one station: NHPP failures in virtual age, time frozen in repair."""
    out = []
    t, age = 0.0, age0
    while True:
        target = eta * ((age / eta) ** beta + rng.exponential()) ** (1.0 / beta)
        t += target - age
        age = target
        if t >= hours:
            return out
        ttr = mttr * math.exp(rng.normal(-0.5 * mttr_sigma ** 2, mttr_sigma))
        out.append((t, t + ttr))
        t += ttr


def finish_time(t, work, intervals, starts):
    """Clock time when `work` hours of uptime starting at t are done, skipping repair intervals."""
    i = bisect.bisect_right(starts, t) - 1
    if i >= 0 and intervals[i][1] > t:  # down now: wait for the repair
        t = intervals[i][1]
    i += 1
    while True:
        nxt = intervals[i][0] if i < len(intervals) else math.inf
        if t + work <= nxt:
            return t + work
        work -= nxt - t
        t = intervals[i][1]
        i += 1


def run_des(rates, buffer_caps, initial_wip, eta, beta, age0, mttr, mttr_sigma, hours, seed) -> float:
    """Units finished by the last station in `hours` scheduled hours."""
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    S = len(rates)
    bufs = [None] + [simpy.Container(env, capacity=buffer_caps[s], init=initial_wip[s]) for s in range(1, S)]
    sched = [downtime_schedule(eta[s], beta[s], age0[s], mttr, mttr_sigma, hours, rng) for s in range(S)]
    starts = [[a for a, _ in x] for x in sched]
    done = [0]

    def station(s):
        while True:
            if s > 0:
                yield bufs[s].get(1)
            end = finish_time(env.now, 1.0 / rates[s], sched[s], starts[s])
            yield env.timeout(end - env.now)
            if s < S - 1:
                yield bufs[s + 1].put(1)
            else:
                done[0] += 1

    for s in range(S):
        env.process(station(s))
    env.run(until=hours)
    return float(done[0])
