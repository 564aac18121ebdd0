"""Disruptions: events {kind, targets, start day, duration, magnitude} the hourly loop applies."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .levers import DecisionError, N_STATIONS
from .messages import gettext_noop, message

MAX_DAY = 21
N_SUPPLIERS = 2

# kind -> (description, target meaning, magnitude meaning, magnitude range). The descriptions are English marked for
# game's catalogue (gettext_noop): game shows them through gettext, or as a message in a frame for many readers.
DISRUPTION_KINDS: dict[str, dict] = {
    "machine_breakdown": {
        "description": gettext_noop("A major machine failure stops stations for the days given."),
        "targets": "station indices 0-4 (empty: the scenario's bottleneck)",
        "magnitude": "share of the station's capacity lost, 0-1 (1 = stopped)", "range": (0.0, 1.0)},
    "supplier_failure": {
        "description": gettext_noop("A supplier cannot deliver."),
        "targets": "supplier indices 0-1 (empty: the main supplier 0)",
        "magnitude": "share of that supplier's deliveries lost, 0-1", "range": (0.0, 1.0)},
    "demand_spike": {
        "description": gettext_noop("Customers order more than usual."),
        "targets": "ignored",
        "magnitude": "extra demand as a share of normal daily demand during the days, 0-3", "range": (0.0, 3.0)},
    "absenteeism": {
        "description": gettext_noop("Flu season or a transport strike: workers absent."),
        "targets": "ignored",
        "magnitude": "extra share of the workforce absent, 0-0.8", "range": (0.0, 0.8)},
    "quality_escape": {
        "description": gettext_noop("A material or process problem makes defects."),
        "targets": "station indices 0-4 (empty: all stations)",
        "magnitude": "extra defect rate at the targeted stations, 0-0.5", "range": (0.0, 0.5)},
    "energy_price_spike": {
        "description": gettext_noop("Energy costs jump."),
        "targets": "ignored",
        "magnitude": "multiplier on the energy price, 1-10", "range": (1.0, 10.0)},
    "site_outage": {
        "description": gettext_noop("The site is shut (flood, fire, power); a ready backup line takes over after activation."),
        "targets": "ignored (the main site)",
        "magnitude": "share of the site's capacity lost, 0-1", "range": (0.0, 1.0)},
}

# What people call each kind in a sentence (marked for game's catalogue, like the descriptions).
DISRUPTION_NAMES: dict[str, str] = {
    "machine_breakdown": gettext_noop("machine breakdown"), "supplier_failure": gettext_noop("supplier failure"),
    "demand_spike": gettext_noop("demand spike"), "absenteeism": gettext_noop("absenteeism"),
    "quality_escape": gettext_noop("quality escape"), "energy_price_spike": gettext_noop("energy price spike"),
    "site_outage": gettext_noop("site outage"),
}


@dataclass(frozen=True)
class Disruption:
    kind: str
    targets: tuple[int, ...] = ()
    start_day: int = 0
    duration_days: float = 1.0
    magnitude: float = 1.0
    round: int | None = None  # set for scenario-scheduled disruptions

    @classmethod
    def from_dict(cls, d: dict) -> "Disruption":
        if not isinstance(d, dict):
            raise DecisionError("disruption", message(gettext_noop("must be an object")))
        kind = d.get("kind")
        if kind not in DISRUPTION_KINDS:
            raise DecisionError("kind", message(gettext_noop("must be one of %(choices)s"), choices=", ".join(DISRUPTION_KINDS)))
        spec = DISRUPTION_KINDS[kind]
        targets = d.get("targets", [])
        n_max = N_SUPPLIERS if kind == "supplier_failure" else N_STATIONS
        if not isinstance(targets, (list, tuple)) or any(
                isinstance(t, bool) or not isinstance(t, int) or not 0 <= t < n_max for t in targets):
            raise DecisionError("targets", message(gettext_noop("must be a list of integers between 0 and %(high)s"),
                                                   high=n_max - 1))
        start = d.get("start_day", 0)
        if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start <= MAX_DAY:
            raise DecisionError("start_day", message(gettext_noop("must be an integer between %(low)s and %(high)s"),
                                                     low=0, high=MAX_DAY))
        dur = d.get("duration_days", 1)
        if not _num(dur) or not 0 < dur <= 22:
            raise DecisionError("duration_days", message(gettext_noop("must be a number between 0 (exclusive) and 22")))
        lo, hi = spec["range"]
        mag = d.get("magnitude", 1.0 if kind != "energy_price_spike" else 2.0)
        if not _num(mag) or not lo <= mag <= hi:
            raise DecisionError("magnitude", message(gettext_noop("must be a number between %(low)s and %(high)s"),
                                                     low=f"{lo:g}", high=f"{hi:g}"))
        rnd = d.get("round")
        if rnd is not None and (isinstance(rnd, bool) or not isinstance(rnd, int) or rnd < 1):
            raise DecisionError("round", message(gettext_noop("must be a positive integer")))
        return cls(kind, tuple(sorted(set(targets))), start, float(dur), float(mag), rnd)

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "targets": list(self.targets), "start_day": self.start_day,
             "duration_days": self.duration_days, "magnitude": self.magnitude}
        if self.round is not None:
            d["round"] = self.round
        return d


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def disruption_days(disruptions, T, D, cal, bottleneck):
    """Per-day multipliers [T, D, ...] from the disruptions hitting each team."""
    S = N_STATIONS
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
