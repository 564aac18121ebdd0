"""Plant state: one NumPy array per stock, leading axis = team (batched across a session)."""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .levers import N_STATIONS, PROJECT_CODES

S = N_STATIONS
P = len(PROJECT_CODES)

# field -> trailing shape (() = one number per team). Order is the serialisation order.
STATE_SHAPES: dict[str, tuple[int, ...]] = {
    "round": (),  # rounds already simulated
    "rate": (S,),  # ideal units/h per station (projects change it)
    "wip": (S,),  # units waiting in front of each station (index 0 unused: raw material is apart)
    "raw": (),  # raw material units
    "fg": (),  # finished good units
    "backlog": (),  # orders received and not shipped
    "age": (S,),  # virtual age h (Kijima II)
    "eta": (S,),  # Weibull scale h
    "beta": (S,),  # Weibull shape
    "down": (S,),  # repair hours still to go (a repair can run into next round)
    "pm_backlog": (S,),  # PM hours overdue
    "defect_base": (S,),  # station defect rate before fatigue, skill, age, program
    "ramp_gap": (S,),  # performance gap of new equipment (0 = mature)
    "ramp_units": (S,),  # learning units accumulated since install
    "headcount": (),  # production workers on payroll
    "skill": (),  # 0-1
    "fatigue": (),  # 0-1
    "quit_intent": (),  # 0-1, slow stock following fatigue
    "cross": (),  # share of workers cross-trained
    "cross_breadth": (),  # extra station skills of a cross-trained worker: 1 (chain) .. 4 (full flexibility)
    "novices": (),  # recent hires still learning (they idle first when the line is fully staffed)
    "pipeline": (),  # hires arriving next round
    "injured": (),  # workers away injured at the start of the round (worker-equivalents)
    "quality_cap": (),  # quality-program capability 0-1
    "proj_done_h": (P,),  # engineering hours done per project
    "proj_status": (P,),  # 0 idle, 1 active, 2 done, 3 cancelled
    "proj_spent": (P,),  # capex spent per project
    "perf_mult": (),  # performance multiplier from automation
    "crew_mult": (),  # crew multiplier from automation
    "backup_ready": (),  # 1 if the backup line exists
    "supplier2_ready": (),  # 1 once the second supplier is qualified
    "cash": (),
    "escapes_prev": (),  # escaped defects shipped last round (warranty due now)
    "goodwill": (),  # demand multiplier (1 = normal), hurt by escapes
    "oee_hist": (3,),  # line OEE of the last three rounds (trend KPI)
}


@dataclass
class PlantState:
    round: np.ndarray
    rate: np.ndarray
    wip: np.ndarray
    raw: np.ndarray
    fg: np.ndarray
    backlog: np.ndarray
    age: np.ndarray
    eta: np.ndarray
    beta: np.ndarray
    down: np.ndarray
    pm_backlog: np.ndarray
    defect_base: np.ndarray
    ramp_gap: np.ndarray
    ramp_units: np.ndarray
    headcount: np.ndarray
    skill: np.ndarray
    fatigue: np.ndarray
    quit_intent: np.ndarray
    cross: np.ndarray
    cross_breadth: np.ndarray
    novices: np.ndarray
    pipeline: np.ndarray
    injured: np.ndarray
    quality_cap: np.ndarray
    proj_done_h: np.ndarray
    proj_status: np.ndarray
    proj_spent: np.ndarray
    perf_mult: np.ndarray
    crew_mult: np.ndarray
    backup_ready: np.ndarray
    supplier2_ready: np.ndarray
    cash: np.ndarray
    escapes_prev: np.ndarray
    goodwill: np.ndarray
    oee_hist: np.ndarray

    @property
    def n_teams(self) -> int:
        return self.cash.shape[0]

    def copy(self) -> "PlantState":
        return PlantState(**{f.name: getattr(self, f.name).copy() for f in fields(self)})

    def take(self, idx) -> "PlantState":
        """Teams `idx` (array of indices, repeats allowed: used to replicate one team for previews)."""
        return PlantState(**{f.name: getattr(self, f.name)[idx].copy() for f in fields(self)})


assert [f.name for f in fields(PlantState)] == list(STATE_SHAPES)


def initial_state(scenario, n_teams: int) -> PlantState:
    p = scenario.params
    T = int(n_teams)

    def per_team(v, shape):
        return np.broadcast_to(np.asarray(v, dtype=float), (T, *shape)).copy()

    vals = {
        "round": 0.0, "rate": p["rate"], "wip": p["initial_wip"], "raw": p["demand"] / p["days_per_round"] * p["initial_raw_days"],
        "fg": p["initial_fg"], "backlog": p["initial_backlog"], "age": p["initial_age"], "eta": p["eta"],
        "beta": p["beta"], "down": 0.0, "pm_backlog": p["initial_pm_backlog"], "defect_base": p["defect_base"],
        "ramp_gap": 0.0, "ramp_units": 0.0, "headcount": p["initial_headcount"], "skill": p["initial_skill"],
        "fatigue": 0.05, "quit_intent": 0.05, "cross": 0.1, "cross_breadth": 1.0, "novices": 0.0, "pipeline": 0.0, "injured": 0.0,
        "quality_cap": 0.0, "proj_done_h": 0.0, "proj_status": 0.0, "proj_spent": 0.0, "perf_mult": 1.0,
        "crew_mult": 1.0, "backup_ready": 0.0, "supplier2_ready": 0.0, "cash": p["initial_cash"],
        "escapes_prev": 0.0, "goodwill": 1.0, "oee_hist": np.nan,
    }
    return PlantState(**{k: per_team(vals[k], STATE_SHAPES[k]) for k in STATE_SHAPES})


def _jsonable(x: float):
    return None if np.isnan(x) else float(x)


def state_to_team_dicts(state: PlantState) -> list[dict]:
    out = []
    for t in range(state.n_teams):
        d = {}
        for k, shape in STATE_SHAPES.items():
            a = getattr(state, k)[t]
            d[k] = _jsonable(a) if shape == () else [_jsonable(x) for x in a.tolist()]
        out.append(d)
    return out


def state_from_team_dicts(dicts: list[dict], scenario=None) -> PlantState:
    """Batched state from stored team dicts. With a scenario, a field added to the model since the state was
    stored takes its starting value (a session running across an upgrade keeps going)."""
    if not dicts:
        raise ValueError("need at least one team")
    fresh = state_to_team_dicts(initial_state(scenario, 1))[0] if scenario is not None else {}
    cols = {}
    for k, shape in STATE_SHAPES.items():
        try:
            rows = [d[k] if k in d or k not in fresh else fresh[k] for d in dicts]
        except KeyError:
            raise ValueError(f"team state is missing {k!r}") from None
        arr = np.array([[np.nan if x is None else x for x in r] if shape else (np.nan if r is None else r)
                        for r in rows], dtype=float)
        if arr.shape != (len(dicts), *shape):
            raise ValueError(f"team state field {k!r} has shape {arr.shape[1:]}, expected {shape}")
        cols[k] = arr
    return PlantState(**cols)
