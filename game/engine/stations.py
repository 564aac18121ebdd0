"""Per-station view of one team's plant, for the engineering dashboard (pure, from a state dict).

Expected failures next month use the same Weibull minimal-repair model as the step: for an
equipment of virtual age a, the expected number of failures over the next h running hours is
((a + h) / eta) ** beta - (a / eta) ** beta.
"""
import numpy as np

NOMINAL_MONTH_HOURS = 352.0  # 22 days x 2 shifts x 8 h (MODEL.md)


def station_view(team_state: dict, hours: float = NOMINAL_MONTH_HOURS) -> list[dict]:
    rate = np.asarray(team_state["rate"], float)
    gap = np.asarray(team_state["ramp_gap"], float)
    age = np.asarray(team_state["age"], float)
    eta = np.asarray(team_state["eta"], float)
    beta = np.asarray(team_state["beta"], float)
    effective = rate * (1.0 - gap)
    failures = ((age + hours) / eta) ** beta - (age / eta) ** beta
    bottleneck = int(np.argmin(effective))
    return [
        {
            "station": i + 1,
            "rate": round(float(rate[i]), 1),
            "effective_rate": round(float(effective[i]), 1),
            "wear": round(float(age[i] / eta[i]), 2),
            "pm_backlog_hours": round(float(team_state["pm_backlog"][i]), 1),
            "expected_failures_next_month": round(float(failures[i]), 2),
            "bottleneck": i == bottleneck,
        }
        for i in range(len(rate))
    ]
