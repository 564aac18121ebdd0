"""Per-station view of one team's plant, for the engineering dashboard (pure, from a state dict).

Expected failures next month use the same model as the step (equipment.expected_failures): the
wear-out mode's Weibull cumulative hazard from the station's virtual age, plus the random mode's
run hours / MTBF, which no PM removes.

`buffer_after` is the work-in-progress waiting between a station and the next one: the state's `wip[i]`
counts units waiting in front of station i (index 0 unused, raw material is apart), so the buffer after
station i is `wip[i + 1]`; the last station feeds finished goods, so it has none (None). `buffer_capacity`
is the room of that buffer (params `buffer_cap[i + 1]`, the cap the flow applies), None after the last.
"""
import numpy as np

from .equipment import expected_failures
from .params import DEFAULT_PARAMS

NOMINAL_MONTH_HOURS = 352.0  # 22 days x 2 shifts x 8 h (MODEL.md)


def station_view(team_state: dict, hours: float = NOMINAL_MONTH_HOURS, params: dict | None = None) -> list[dict]:
    p = params or DEFAULT_PARAMS
    rate = np.asarray(team_state["rate"], float)
    gap = np.asarray(team_state["ramp_gap"], float)
    age = np.asarray(team_state["age"], float)
    eta = np.asarray(team_state["eta"], float)
    beta = np.asarray(team_state["beta"], float)
    effective = rate * (1.0 - gap)
    failures = expected_failures(age, eta, beta, np.asarray(p["random_mtbf"], float), hours)
    bottleneck = int(np.argmin(effective))
    wip = np.asarray(team_state["wip"], float)  # None (NaN) reads as no figure
    n = len(rate)
    cap = np.asarray(p["buffer_cap"], float)
    return [
        {
            "station": i + 1,
            "rate": round(float(rate[i]), 1),
            "effective_rate": round(float(effective[i]), 1),
            "wear": round(float(age[i] / eta[i]), 2),
            "pm_backlog_hours": round(float(team_state["pm_backlog"][i]), 1),
            "expected_failures_next_month": round(float(failures[i]), 2),
            "bottleneck": i == bottleneck,
            "buffer_after": round(float(wip[i + 1]), 1) if i + 1 < n and np.isfinite(wip[i + 1]) else None,
            "buffer_capacity": round(float(cap[i + 1]), 1) if i + 1 < n and np.isfinite(cap[i + 1]) else None,
        }
        for i in range(n)
    ]
