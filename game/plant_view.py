"""The picture of the line a person may see: station detail for engineering, a summary for the others.

Built from the team's plant state (engine.station_view) and the last round's per-station figures.
Wear is the share of a station's characteristic life used (Weibull eta): past it most machines of
its kind have failed, so the word "critical"; past half of it, "worn".
"""
WORN_AT, CRITICAL_AT = 0.5, 0.9
SUMMARY_KEYS = ("station", "bottleneck", "failures", "downtime_hours", "health")


def _health(wear: float) -> str:
    return "critical" if wear >= CRITICAL_AT else "worn" if wear >= WORN_AT else "good"


def _at(values, index):
    return values[index] if isinstance(values, list) and index < len(values) else None


def plant_view(*, stations: list[dict], last_kpis: dict | None, roles) -> dict:
    """{"detail": bool, "round": n | None, "stations": [...]}, the contract of frontend/static/lab/plant.js."""
    kpis = last_kpis or {}
    detail = "engineering" in roles
    rows = []
    for i, st in enumerate(stations):
        failures = _at(kpis.get("station_failures"), i)
        row = {
            **st,
            "failures": int(failures) if failures is not None else None,
            "downtime_hours": _at(kpis.get("station_downtime_hours"), i),
            "pm_hours_done": _at(kpis.get("station_pm_hours"), i),
            "output": _at(kpis.get("station_output"), i),
            "health": _health(st["wear"]),
        }
        rows.append(row if detail else {k: row[k] for k in SUMMARY_KEYS})
    return {"detail": detail, "round": kpis.get("round"), "stations": rows}
