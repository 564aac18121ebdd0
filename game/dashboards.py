"""Every KPI a person sees, in one place: its label, unit and direction, and which role sees it in full.

The browser receives this catalogue and formats with it, so the room, the reveal, the console and the
charts show the same labels and units and copy no rule. A unit is one of:
money (the scenario's currency), money_per_unit, share (0..1 shown as a percentage), hours, units
(pieces), count (people, events), score (0..100), ratio (shipped / demand and the like), hours_week,
station (a station number), percent (already in percent).

Information asymmetry (../shared/MODEL.md, "sees first"): each role's dashboard is its `detail` list,
sent only to sockets holding that role; everyone sees every role's `summary` list (asymmetry, not a wall).
"""
from dataclasses import asdict, dataclass

from django.utils.translation import gettext, gettext_noop as _


@dataclass(frozen=True)
class Kpi:
    label: str  # English, marked for the catalogue: read it through kpi_label() or kpi_catalog_json()
    unit: str
    digits: int = 0
    better: str = ""  # "up" if higher is better, "down" if lower is better, "" if neither


KPIS: dict[str, Kpi] = {
    # the director's scorecard and the market
    "scorecard": Kpi(_("Balanced scorecard"), "score", 1, "up"),
    "good_units": Kpi(_("Good units shipped"), "units", 0, "up"),
    "demand": Kpi(_("Demand"), "units", 0, ""),
    "lost_orders": Kpi(_("Orders lost to late delivery"), "units", 0, "down"),
    "order_backlog": Kpi(_("Orders waiting"), "units", 0, "down"),
    "throughput_strength": Kpi(_("Throughput strength (shipped / demand)"), "ratio", 2, "up"),
    "oee_line": Kpi(_("OEE, line"), "share", 1, "up"),
    "execution_confidence": Kpi(_("Execution confidence"), "score", 0, "up"),
    "operational_risk": Kpi(_("Operational risk (share of a month's contribution at stake)"), "percent", 1, "down"),
    "leadership_alignment": Kpi(_("Leadership alignment"), "score", 0, "up"),
    "margin": Kpi(_("Margin"), "share", 1, "up"),
    # finance
    "cash": Kpi(_("Cash"), "money", 0, "up"),
    "revenue": Kpi(_("Revenue"), "money", 0, "up"),
    "opex": Kpi(_("Operating cost"), "money", 0, "down"),
    "net_cash_flow": Kpi(_("Net cash flow"), "money", 0, "up"),
    "cost_per_unit": Kpi(_("Cost per good unit"), "money_per_unit", 2, "down"),
    "cost_of_poor_quality": Kpi(_("Cost of poor quality"), "money", 0, "down"),
    "capex": Kpi(_("Capex spent"), "money", 0, "down"),
    "repairs_waiting_for_money": Kpi(_("Repairs that waited for money"), "count", 0, "down"),
    "training_funded": Kpi(_("Share of the training plan funded"), "share", 0, "up"),
    # engineering
    "bottleneck_station": Kpi(_("Bottleneck station"), "station", 0, ""),
    "oee_bottleneck": Kpi(_("OEE at the bottleneck"), "share", 1, "up"),
    "availability": Kpi(_("Availability"), "share", 1, "up"),
    "failures": Kpi(_("Breakdowns"), "count", 0, "down"),
    "minor_stop_loss": Kpi(_("Minor stops (share of run time)"), "share", 1, "down"),
    "unplanned_hours": Kpi(_("Unplanned downtime"), "hours", 0, "down"),
    "expected_unplanned_hours_next": Kpi(_("Expected downtime next month"), "hours", 0, "down"),
    "maintenance_backlog": Kpi(_("Preventive maintenance backlog"), "hours", 0, "down"),
    "pm_compliance": Kpi(_("PM compliance"), "share", 0, "up"),
    "first_pass_yield": Kpi(_("First-pass yield"), "share", 1, "up"),
    "engineering_load": Kpi(_("Engineering load"), "share", 0, "down"),
    # HR
    "headcount": Kpi(_("Headcount"), "count", 0, ""),
    "skill": Kpi(_("Skill"), "share", 0, "up"),
    "fatigue": Kpi(_("Fatigue"), "share", 0, "down"),
    "absenteeism": Kpi(_("Absenteeism"), "share", 1, "down"),
    "quits": Kpi(_("Quits"), "count", 0, "down"),
    "injuries": Kpi(_("Injuries"), "count", 0, "down"),
    "hiring_pipeline": Kpi(_("Hires in the pipeline"), "count", 0, ""),
    "cross_training": Kpi(_("Cross-trained share"), "share", 0, "up"),
    "hours_per_week": Kpi(_("Hours per week"), "hours_week", 1, ""),
}

# Each role's dashboard: `detail` only to that role's seats, `summary` to everyone.
ROLE_DASHBOARDS: dict[str, dict[str, list[str]]] = {
    "director": {
        "summary": ["scorecard", "good_units", "demand", "throughput_strength"],
        "detail": ["scorecard", "good_units", "demand", "throughput_strength", "lost_orders", "order_backlog",
                   "oee_line", "execution_confidence", "operational_risk", "leadership_alignment", "margin"],
    },
    "finance": {
        "summary": ["cash", "net_cash_flow", "margin"],
        "detail": ["cash", "revenue", "opex", "net_cash_flow", "margin", "cost_per_unit", "cost_of_poor_quality",
                   "capex", "repairs_waiting_for_money", "training_funded"],
    },
    "engineering": {
        "summary": ["bottleneck_station", "failures", "unplanned_hours"],
        "detail": ["bottleneck_station", "oee_bottleneck", "availability", "failures", "minor_stop_loss",
                   "unplanned_hours", "expected_unplanned_hours_next", "maintenance_backlog", "pm_compliance",
                   "first_pass_yield", "engineering_load"],
    },
    "hr": {
        "summary": ["headcount", "fatigue", "quits"],
        "detail": ["headcount", "skill", "fatigue", "absenteeism", "quits", "injuries", "hiring_pipeline",
                   "cross_training", "hours_per_week"],
    },
}


def summary_kpis() -> set[str]:
    """What every seat sees, whatever its roles."""
    return {k for rows in ROLE_DASHBOARDS.values() for k in rows["summary"]}


def visible_kpis(roles) -> set[str]:
    """The KPI keys a person holding `roles` may receive: every summary, plus their own dashboards."""
    keys = summary_kpis()
    for role in roles:
        keys.update(ROLE_DASHBOARDS[role]["detail"])
    return keys


def kpi_label(key: str) -> str:
    """A KPI's label in the active language."""
    return gettext(KPIS[key].label)


def kpi_catalog_json() -> dict:
    """The catalogue in the active language (the page or socket it is built for)."""
    return {key: {**asdict(kpi), "label": gettext(kpi.label)} for key, kpi in KPIS.items()}


def dashboards_json() -> dict:
    return ROLE_DASHBOARDS


# The optional third KPI a team may forecast: figures every seat sees (so a forecast's error never tells a
# seat a figure its roles do not receive), except the two every forecast states and the bottleneck's number.
FORECAST_EXTRA_KPIS: tuple[str, ...] = tuple(
    k for k in KPIS if k in summary_kpis() and k not in ("good_units", "cash", "bottleneck_station"))
