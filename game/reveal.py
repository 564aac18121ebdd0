"""The results reveal: what a room shows at the top when a month closes, for the roles a seat holds.

Pure functions of plain dicts (result payloads as game.selectors.result_payload builds them); no database.

`round_reveal` gives the latest month: a one-sentence headline, the seat's key KPIs with their change
and whether that change is good news (the catalogue's `better`), the disruptions that hit, the mistakes
the plant revealed, and what drove the change. The drivers explain the balanced scorecard from its
weighted parts (engine/kpis.py): a part's points are SCORECARD_WEIGHTS[part] x part x 100 (divided by
0.9 in a month without an alignment figure, as the engine does), so the points of the parts add up to
the scorecard and their changes add up to the scorecard's change. The biggest movers are named, each
with the figures behind it, then one line on cash (not part of the scorecard, so not ranked with it).
In round 1 there is no previous month: the parts are explained by the points they are short of a
perfect score instead.

Information asymmetry: a driver sentence quotes only figures the seat may receive (`_allowed`): the
KPIs of dashboards.visible_kpis(roles), the per-station lists for engineering, the cash-flow lines for
finance, the risk breakdown for the director. Where a part's figures are all private to other roles the
sentence names the dashboard that has them. Every driver carries the keys it quotes (`kpis`).

`visible_result` is the same filter for a whole result payload, applied before a result leaves the
server for a socket.
"""
from __future__ import annotations

import copy
import math

from game.dashboards import KPIS, ROLE_DASHBOARDS, visible_kpis
from game.engine import ROLES
from game.engine.kpis import SCORECARD_WEIGHTS
from game.money_format import money

MAX_DRIVERS = 4
MAX_FACTS = 3  # figures quoted per driver sentence
MIN_POINTS = 0.05  # a part moving less than this shows as 0.0 points: not a driver

# Breakdowns inside a result's KPIs and the role that receives them (besides visible_kpis).
BREAKDOWN_ROLES = {"scorecard_parts": "director", "risk_parts": "director", "cash_flows": "finance"}
STATION_ROLE = "engineering"  # station_failures, station_downtime_hours, station_pm_hours, station_output

ROLE_NAMES = {"director": "director's", "finance": "finance", "engineering": "engineering", "hr": "HR"}

PART_LABELS = {"throughput": "Throughput", "execution": "Execution confidence", "oee": "OEE",
               "quality": "Quality", "reliability": "Reliability", "alignment": "Leadership alignment",
               "risk": "Operational risk"}
# Whose levers move a part (MODEL.md, roles table); execution and risk are decided per month below.
PART_ROLES = {"throughput": "director", "oee": "engineering", "quality": "engineering",
              "reliability": "engineering", "alignment": "director"}
# Operational risk's exposures (kpis.operational_risk): how to name each, and whose levers reduce it.
RISK_AREAS = {"equipment": ("equipment", "engineering"), "supplier": ("supplier", "finance"),
              "site": ("single-site", "director"), "labor": ("labor", "hr"),
              "quality": ("quality-escape", "engineering")}

CASH_LINES = {"revenue": "revenue", "materials": "materials", "wages": "wages", "overtime": "overtime",
              "temps": "temporary labor", "hiring": "hiring", "technicians": "technicians", "pm_parts": "PM parts",
              "corrective": "corrective repairs", "training": "training", "quality": "the quality program",
              "warranty": "warranty", "outsourcing": "outsourcing", "energy": "energy",
              "holding": "inventory holding", "injuries": "injuries", "engineering": "engineering hours",
              "capex": "capex", "backup_standby": "backup-line standby", "overhead": "overhead"}

NOUNS = {"good_units": "good units shipped", "oee_line": "line OEE", "oee_bottleneck": "OEE at the bottleneck",
         "availability": "bottleneck availability", "minor_stop_loss": "minor stops",
         "expected_unplanned_hours_next": "expected downtime next month", "maintenance_backlog": "PM backlog",
         "repairs_waiting_for_money": "repairs that waited for money", "failures": "breakdowns",
         "first_pass_yield": "first-pass yield", "operational_risk": "operational risk"}


# ---- formatting -------------------------------------------------------------------------------------

def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _fixed(value: float, digits: int, sep: bool = True) -> str:
    text = f"{value:,.{digits}f}" if sep else f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text  # no "-0.0"


def format_kpi(key: str, value, *, currency: str = "EUR") -> str:
    """A KPI value as the reveal's sentences write it, from the catalogue's unit and digits."""
    v = _number(value)
    if v is None:
        return "n/a"
    kpi = KPIS[key]
    d = kpi.digits
    return {
        "money": lambda: money(v, currency) if d == 0 else f"{_fixed(v, d)} {currency}",
        "money_per_unit": lambda: f"{_fixed(v, d)} {currency}/unit",
        "share": lambda: f"{_fixed(100.0 * v, d)}%",
        "percent": lambda: f"{_fixed(v, d)}%",
        "hours": lambda: f"{_fixed(v, d)} h",
        "hours_week": lambda: f"{_fixed(v, d)} h/week",
        "station": lambda: f"station {int(round(v))}",
        "ratio": lambda: _fixed(v, d, sep=False),
        "score": lambda: _fixed(v, d, sep=False),
    }.get(kpi.unit, lambda: _fixed(v, d))()


def _points_text(points: float) -> str:
    return f"{abs(points):.1f} points"


# ---- roles and what they may receive -----------------------------------------------------------------

def _roles(roles) -> tuple[str, ...]:
    held = set(roles or ())
    unknown = sorted(held - set(ROLES))
    if unknown:
        raise ValueError(f"unknown role(s) {', '.join(map(repr, unknown))}; roles are {', '.join(ROLES)}")
    return tuple(r for r in ROLES if r in held)


def _is_station_list(key: str, value) -> bool:
    return key.startswith("station_") and isinstance(value, list)


def _allowed(roles: tuple[str, ...]) -> set[str]:
    """KPI keys and breakdowns a seat holding `roles` may receive."""
    keep = visible_kpis(roles) | {k for k, role in BREAKDOWN_ROLES.items() if role in roles}
    if STATION_ROLE in roles:
        keep.add("station_lists")
    return keep


def visible_result(*, result: dict, roles) -> dict:
    """A copy of one result payload with only the KPIs these roles may receive (plus "round"): the
    breakdowns go to their role only (scorecard_parts and risk_parts to the director, cash_flows to
    finance, the station_* lists to engineering); every other key outside the catalogue is dropped."""
    held = _roles(roles)
    allowed = _allowed(held)
    out = {k: copy.deepcopy(v) for k, v in result.items() if k != "kpis"}
    out["kpis"] = {
        k: copy.deepcopy(v) for k, v in (result.get("kpis") or {}).items()
        if k == "round" or k in allowed or (_is_station_list(k, v) and "station_lists" in allowed)
    }
    return out


# ---- the reveal ----------------------------------------------------------------------------------

def _key_kpis(roles: tuple[str, ...]) -> list[str]:
    lists = [ROLE_DASHBOARDS[r]["detail"] for r in roles] if roles else \
        [ROLE_DASHBOARDS[r]["summary"] for r in ROLES]
    return list(dict.fromkeys(k for keys in lists for k in keys))


def _verdict(key: str, change: float | None) -> str | None:
    kpi = KPIS[key]
    if change is None or not kpi.better:
        return None
    shown = change * 100.0 if kpi.unit == "share" else change
    if round(shown, kpi.digits) == 0:
        return "same"
    return "better" if (change > 0) == (kpi.better == "up") else "worse"


def _kpi_rows(keys: list[str], now: dict, before: dict | None) -> list[dict]:
    rows = []
    for key in keys:
        kpi = KPIS[key]
        value = now.get(key)
        previous = before.get(key) if before is not None else None
        v, p = _number(value), _number(previous)
        change = round(v - p, 6) if v is not None and p is not None else None
        rows.append({"kpi": key, "label": kpi.label, "unit": kpi.unit, "digits": kpi.digits, "better": kpi.better,
                     "value": value, "previous": previous, "change": change, "verdict": _verdict(key, change)})
    return rows


def scorecard_points(kpis: dict) -> dict[str, float]:
    """Each scorecard part's points in one month's scorecard; they add up to kpis["scorecard"]."""
    parts = kpis.get("scorecard_parts") or {}
    norm = 1.0 if _number(parts.get("alignment")) is not None else 1.0 - SCORECARD_WEIGHTS["alignment"]
    return {k: 100.0 * SCORECARD_WEIGHTS[k] * _number(v) / norm
            for k, v in parts.items() if k in SCORECARD_WEIGHTS and _number(v) is not None}


class _Month:
    """The month being revealed, the one before it (or None) and what the seat may quote."""

    def __init__(self, now: dict, before: dict | None, roles: tuple[str, ...], aligned: bool, currency: str):
        self.now, self.before, self.roles, self.aligned, self.currency = now, before, roles, aligned, currency
        self.allowed = _allowed(roles)

    def value(self, key):
        return _number(self.now.get(key))

    def was(self, key):
        return _number(self.before.get(key)) if self.before is not None else None

    def may(self, key) -> bool:
        return key in self.allowed

    def fmt(self, key, value) -> str:
        return format_kpi(key, value, currency=self.currency)

    def move(self, key, noun=None, fmt=None):
        """'unplanned downtime rose from 40 h to 105 h' (or 'unplanned downtime 105 h' without a previous
        month), if the seat may see the KPI; else None."""
        v = self.value(key)
        if not self.may(key) or v is None:
            return None
        fmt = fmt or (lambda x: self.fmt(key, x))
        noun = noun or NOUNS.get(key) or KPIS[key].label.lower()
        b = self.was(key)
        if b is None:
            return f"{noun} {fmt(v)}", {key}
        if fmt(v) == fmt(b):
            return f"{noun} held at {fmt(v)}", {key}
        return f"{noun} {'rose' if v > b else 'fell'} from {fmt(b)} to {fmt(v)}", {key}


def _share_of_demand(x: float) -> str:
    return f"{_fixed(100.0 * x, 0)}%"


def _facts_throughput(m: _Month):
    goods, demand = m.move("good_units"), m.value("demand")
    if goods is not None and demand is not None and m.may("demand"):
        goods = f"{goods[0]} against demand of {m.fmt('demand', demand)}", goods[1] | {"demand"}
    return [goods, m.move("throughput_strength", "share of demand shipped", _share_of_demand)]


def _facts_execution(m: _Month):
    return [m.move("execution_confidence"), m.move("engineering_load"), m.move("fatigue"), m.move("skill")]


def _facts_oee(m: _Month):
    return [m.move("oee_line"), m.move("oee_bottleneck"), m.move("availability"), m.move("minor_stop_loss"),
            m.move("unplanned_hours")]


def _facts_quality(m: _Month):
    return [m.move("first_pass_yield"), m.move("cost_of_poor_quality"), m.move("skill"), m.move("fatigue")]


def _breakdowns(m: _Month):
    fact = m.move("failures")
    per_station = m.now.get("station_failures")
    if fact is None or not m.may("station_lists") or not isinstance(per_station, list) or not per_station:
        return fact
    counts = [_number(x) or 0.0 for x in per_station]
    worst = max(range(len(counts)), key=lambda i: counts[i])
    if counts[worst] < 1:
        return fact
    return f"{fact[0]}, {counts[worst]:.0f} of them at station {worst + 1}", fact[1] | {"station_failures"}


def _facts_reliability(m: _Month):
    return [m.move("unplanned_hours"), _breakdowns(m), m.move("expected_unplanned_hours_next"),
            m.move("availability"), m.move("maintenance_backlog"), m.move("repairs_waiting_for_money")]


def _risk_area(m: _Month) -> str | None:
    now = m.now.get("risk_parts") or {}
    before = (m.before or {}).get("risk_parts") or {}
    moves = {k: _number(v) - (_number(before.get(k)) or 0.0) if before else _number(v)
             for k, v in now.items() if k in RISK_AREAS and _number(v) is not None}
    return max(moves, key=lambda k: abs(moves[k])) if moves else None


def _facts_risk(m: _Month):
    risk = m.move("operational_risk")
    facts = [(f"{risk[0]} of a month's contribution", risk[1]) if risk else None]
    area = _risk_area(m)
    if area is not None:
        name = RISK_AREAS[area][0]
        v = _number(m.now["risk_parts"][area])
        b = _number(((m.before or {}).get("risk_parts") or {}).get(area))
        if not m.may("risk_parts"):
            facts.append((f"{'mostly' if m.before is None else 'driven by'} {name} exposure", set()))
        elif b is None:
            facts.append((f"mostly {name} exposure, {money(v, m.currency)} at stake", {"risk_parts"}))
        else:
            facts.append((f"{name} exposure {'rose' if v > b else 'fell'} from {money(b, m.currency)} to "
                          f"{money(v, m.currency)}", {"risk_parts"}))
    return facts


def _facts_alignment(m: _Month):
    words = ("every role approved the same plan" if m.aligned
             else "no plan had every role's approval, so the last aligned plan ran again")
    return [m.move("leadership_alignment", fmt=lambda x: f"{x:.0f}/100"), (words, set())]


FACTS = {"throughput": _facts_throughput, "execution": _facts_execution, "oee": _facts_oee,
         "quality": _facts_quality, "reliability": _facts_reliability, "alignment": _facts_alignment,
         "risk": _facts_risk}


def _part_role(part: str, m: _Month) -> str:
    if part == "risk":
        area = _risk_area(m)
        return RISK_AREAS[area][1] if area else "director"
    if part == "execution":  # the project portfolio when projects load engineering, else people
        busy = (_number(m.now.get("engineering_load")) or 0.0) >= 0.5 or bool(m.now.get("projects_active"))
        return "director" if busy else "hr"
    return PART_ROLES[part]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _part_driver(part: str, points: float, m: _Month) -> dict:
    role = _part_role(part, m)
    facts = [f for f in FACTS[part](m) if f is not None][:MAX_FACTS]
    if m.before is None:
        head = f"{PART_LABELS[part]} is {_points_text(points)} short of a perfect score"
    else:
        head = f"{PART_LABELS[part]} {'added' if points > 0 else 'cost'} {_points_text(points)}"
    if facts:
        text = f"{head}: {'; '.join(t for t, _ in facts)}."
    else:
        text = f"{head}; the figures are on the {ROLE_NAMES[role]} dashboard."
    keys = sorted(set().union(*(k for _, k in facts))) if facts else []
    return {"text": text, "role": role, "part": part, "points": round(points, 3), "kpis": keys}


def _cash_driver(m: _Month) -> dict | None:
    net, cash = m.value("net_cash_flow"), m.value("cash")
    if net is None or cash is None:
        return None
    cur = m.currency
    if money(net, cur).lstrip("-") == money(0.0, cur):
        head = f"Cash held at {money(cash, cur)}"
    else:
        head = f"Cash {'rose' if net > 0 else 'fell'} by {money(abs(net), cur)} to {money(cash, cur)}"
    keys = {"net_cash_flow", "cash"}
    last = m.was("net_cash_flow")
    if last is not None:
        head += f" (last month it {'rose' if last > 0 else 'fell'} by {money(abs(last), cur)})"
    flows = m.now.get("cash_flows") or {}
    before = (m.before or {}).get("cash_flows") or {}
    lines = {k: _number(v) for k, v in flows.items() if k in CASH_LINES and _number(v) is not None}
    if m.may("cash_flows") and lines:
        keys.add("cash_flows")
        if before:
            moves = {k: v - (_number(before.get(k)) or 0.0) for k, v in lines.items()}
            big = [k for k in sorted(moves, key=lambda k: -abs(moves[k])) if abs(moves[k]) >= 0.5][:MAX_FACTS]
            said = [f"{CASH_LINES[k]} {'up' if (moves[k] > 0) == (k == 'revenue') else 'down'} "
                    f"{money(abs(moves[k]), cur)}" for k in big]
            tail = f": against last month, {_join(said)}" if said else ""
        else:
            costs = [k for k in sorted(lines, key=lambda k: lines[k]) if k != "revenue" and lines[k] <= -0.5]
            said = [f"{CASH_LINES[k]} {money(-lines[k], cur)}" for k in costs[:MAX_FACTS]]
            tail = f": revenue {money(lines.get('revenue', 0.0), cur)} against {_join(said)}" if said else ""
        text = head + tail + "."
    else:
        margin = m.move("margin")
        text = head + (f"; {margin[0]}." if margin else ".")
        if margin:
            keys |= margin[1]
    return {"text": text, "role": "finance", "part": "cash", "points": None, "kpis": sorted(keys)}


def _drivers(m: _Month) -> list[dict]:
    now = scorecard_points(m.now)
    if m.before is None:  # round 1: what each part is short of a perfect score (a negative number)
        full = scorecard_points({"scorecard_parts": {k: 1.0 for k in (m.now.get("scorecard_parts") or {})
                                                     if _number(m.now["scorecard_parts"][k]) is not None}})
        moves = {k: now[k] - full[k] for k in now}
    else:
        was = scorecard_points(m.before)
        moves = {k: now.get(k, 0.0) - was.get(k, 0.0) for k in SCORECARD_WEIGHTS if k in now or k in was}
    ranked = [k for k in sorted(moves, key=lambda k: -abs(moves[k])) if abs(moves[k]) >= MIN_POINTS]
    cash = _cash_driver(m)
    room = MAX_DRIVERS - (1 if cash else 0)
    drivers = [_part_driver(k, moves[k], m) for k in ranked[:room]]
    return drivers + ([cash] if cash else [])


def _headline(n: int, m: _Month) -> str:
    score, before = m.value("scorecard"), m.was("scorecard")
    if score is None:
        text = f"Round {n}: results are in"
    elif before is None:
        text = f"Round {n}: the scorecard stands at {m.fmt('scorecard', score)}"
    elif m.fmt("scorecard", score) == m.fmt("scorecard", before):
        text = f"Round {n}: the scorecard held at {m.fmt('scorecard', score)}"
    else:
        text = (f"Round {n}: the scorecard {'rose' if score > before else 'fell'} "
                f"{_points_text(score - before)} to {m.fmt('scorecard', score)}")
    shipped = m.value("throughput_strength")
    if shipped is not None:
        text += f"; {_share_of_demand(shipped)} of demand shipped"
    return text + "."


def round_reveal(*, results: list[dict], roles, currency: str = "EUR") -> dict | None:
    """The latest month's reveal for a seat holding `roles` (empty: a seat without a role), from the team's
    result payloads so far in any order; None before the first result.

    {"round", "aligned", "headline",
     "kpis": [{"kpi", "label", "unit", "digits", "better", "value", "previous", "change", "verdict"}],
     "drivers": [{"text", "role", "part", "points", "kpis"}],  # at most 4: parts biggest first, then cash
     "disruptions": [...], "mistakes": [...]}"""
    if not results:
        return None
    held = _roles(roles)
    by_round = {int(r["round"]): r for r in results}
    n = max(by_round)
    latest = by_round[n]
    earlier = [r for r in by_round if r < n]
    previous = by_round[max(earlier)] if earlier else None
    now = latest.get("kpis") or {}
    before = (previous.get("kpis") or {}) if previous is not None else None
    month = _Month(now, before, held, bool(latest.get("aligned")), currency)
    return {
        "round": n,
        "aligned": bool(latest.get("aligned")),
        "headline": _headline(n, month),
        "kpis": _kpi_rows(_key_kpis(held), now, before),
        "drivers": _drivers(month),
        "disruptions": copy.deepcopy(list(latest.get("disruptions") or [])),
        "mistakes": copy.deepcopy(list(latest.get("mistakes") or [])),
    }
