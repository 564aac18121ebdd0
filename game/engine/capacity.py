"""What the plant could make in one month at full rate: the ceiling a forecast is checked against.

A generous bound, on purpose (a forecast above it is impossible, not merely optimistic): the bottleneck's
ideal rate (no ramp-up gap, no minor stops, every worker present and fresh) run for the longest month the
levers allow (the 6x2 pattern's 26 days, two shifts, the most overtime), plus every unit already waiting in
the line, which needs only the stations after it. Revenue at full rate prices that many units.
"""
import math

import numpy as np

from .levers import LEVERS

SIX_DAY_WORKING_DAYS = 26  # model._calendar: 5x2 has days_per_round, 6x2 adds four Saturdays


def monthly_capacity(team_state: dict, params: dict) -> dict:
    """{"units", "bottleneck_rate", "hours", "revenue"} for one team's state dict."""
    rate = float(np.min(np.asarray(team_state["rate"], float)))
    hours = SIX_DAY_WORKING_DAYS * 2 * params["hours_per_shift"] * (1.0 + LEVERS["overtime_share"].max)
    wip = np.asarray(team_state.get("wip", []), float)
    waiting = float(np.nansum(wip[1:])) if wip.size else 0.0
    units = math.floor(rate * hours + waiting)
    return {"units": units, "bottleneck_rate": rate, "hours": hours, "revenue": units * float(params["price"])}
