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

The headline and the driver sentences are messages (classroom/i18n_text.py): the reveal goes to a team's group
once, and each socket renders it in its reader's language, numbers included. Comparisons ("held at") are made
on the English text, so every language says the same thing.
"""
from __future__ import annotations

import copy
import math

from django.utils.translation import gettext_noop

from classroom.i18n_text import message, number
from game.dashboards import KPIS, ROLE_DASHBOARDS, visible_kpis
from game.engine import ROLES
from game.engine.kpis import SCORECARD_WEIGHTS
from game.engine.messages import english
from game.money_format import money, money_message

MAX_DRIVERS = 4
MAX_FACTS = 3  # figures quoted per driver sentence
MIN_POINTS = 0.05  # a part moving less than this shows as 0.0 points: not a driver

# Breakdowns inside a result's KPIs and the role that receives them (besides visible_kpis).
BREAKDOWN_ROLES = {"scorecard_parts": "director", "risk_parts": "director", "cash_flows": "finance"}
STATION_ROLE = "engineering"  # station_failures, station_downtime_hours, station_pm_hours, station_output

# Words below are English marked for the catalogue; the sentences carry them as messages.
ROLE_NAMES = {"director": gettext_noop("the director's dashboard"), "finance": gettext_noop("the finance dashboard"),
              "engineering": gettext_noop("the engineering dashboard"), "hr": gettext_noop("the HR dashboard")}

PART_LABELS = {"throughput": gettext_noop("Throughput"), "execution": gettext_noop("Execution confidence"),
               "oee": gettext_noop("OEE"), "quality": gettext_noop("Quality"), "reliability": gettext_noop("Reliability"),
               "alignment": gettext_noop("Leadership alignment"), "risk": gettext_noop("Operational risk")}
# Whose levers move a part (MODEL.md, roles table); execution and risk are decided per month below.
PART_ROLES = {"throughput": "director", "oee": "engineering", "quality": "engineering",
              "reliability": "engineering", "alignment": "director"}
# Operational risk's exposures (kpis.operational_risk): how to name each, and whose levers reduce it.
RISK_AREAS = {"equipment": (gettext_noop("equipment"), "engineering"), "supplier": (gettext_noop("supplier"), "finance"),
              "site": (gettext_noop("single-site"), "director"), "labor": (gettext_noop("labor"), "hr"),
              "quality": (gettext_noop("quality-escape"), "engineering")}

CASH_LINES = {"revenue": gettext_noop("revenue"), "materials": gettext_noop("materials"),
              "wages": gettext_noop("wages"), "overtime": gettext_noop("overtime"),
              "temps": gettext_noop("temporary labor"), "hiring": gettext_noop("hiring"),
              "technicians": gettext_noop("technicians"), "pm_parts": gettext_noop("PM parts"),
              "corrective": gettext_noop("corrective repairs"), "training": gettext_noop("training"),
              "quality": gettext_noop("the quality program"), "warranty": gettext_noop("warranty"),
              "outsourcing": gettext_noop("outsourcing"), "energy": gettext_noop("energy"),
              "holding": gettext_noop("inventory holding"), "injuries": gettext_noop("injuries"),
              "engineering": gettext_noop("engineering hours"), "capex": gettext_noop("capex"),
              "backup_standby": gettext_noop("backup-line standby"), "overhead": gettext_noop("overhead")}

# How a sentence names each KPI it quotes (the catalogue's label in lower case where no noun is given).
NOUNS = {"good_units": gettext_noop("good units shipped"), "oee_line": gettext_noop("line OEE"),
         "oee_bottleneck": gettext_noop("OEE at the bottleneck"), "availability": gettext_noop("bottleneck availability"),
         "minor_stop_loss": gettext_noop("minor stops"),
         "expected_unplanned_hours_next": gettext_noop("expected downtime next month"),
         "maintenance_backlog": gettext_noop("PM backlog"),
         "repairs_waiting_for_money": gettext_noop("repairs that waited for money"), "failures": gettext_noop("breakdowns"),
         "first_pass_yield": gettext_noop("first-pass yield"), "operational_risk": gettext_noop("operational risk"),
         "demand": gettext_noop("demand"), "throughput_strength": gettext_noop("throughput strength (shipped / demand)"),
         "execution_confidence": gettext_noop("execution confidence"), "engineering_load": gettext_noop("engineering load"),
         "fatigue": gettext_noop("fatigue"), "skill": gettext_noop("skill"),
         "unplanned_hours": gettext_noop("unplanned downtime"), "cost_of_poor_quality": gettext_noop("cost of poor quality"),
         "margin": gettext_noop("margin"), "leadership_alignment": gettext_noop("leadership alignment"),
         "scorecard": gettext_noop("balanced scorecard"), "cash": gettext_noop("cash"),
         "net_cash_flow": gettext_noop("net cash flow")}


# ---- formatting -------------------------------------------------------------------------------------

def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _fixed(value: float, digits: int) -> dict:
    """A number for a message; no "-0.0"."""
    return number(0.0 if round(value, digits) == 0 else round(value, digits), digits)


def _as_text(value) -> dict:
    """A bare number as a message (not marked: there is nothing to translate but the number's format)."""
    return message("%(value)s", value=value)


def kpi_message(key: str, value, *, currency: str = "EUR") -> dict:
    """A KPI value as the reveal's sentences write it, from the catalogue's unit and digits."""
    v = _number(value)
    if v is None:
        return message(gettext_noop("n/a"))
    kpi = KPIS[key]
    d = kpi.digits
    return {
        "money": lambda: money_message(v, currency) if d == 0 else message(
            gettext_noop("%(amount)s %(currency)s"), amount=_fixed(v, d), currency=currency),
        "money_per_unit": lambda: message(gettext_noop("%(amount)s %(currency)s/unit"), amount=_fixed(v, d),
                                          currency=currency),
        "share": lambda: message(gettext_noop("%(value)s%%"), value=_fixed(100.0 * v, d)),
        "percent": lambda: message(gettext_noop("%(value)s%%"), value=_fixed(v, d)),
        "hours": lambda: message(gettext_noop("%(value)s h"), value=_fixed(v, d)),
        "hours_week": lambda: message(gettext_noop("%(value)s h/week"), value=_fixed(v, d)),
        "station": lambda: message(gettext_noop("station %(number)s"), number=int(round(v))),
        "ratio": lambda: _as_text(_fixed(v, d)),
        "score": lambda: _as_text(_fixed(v, d)),
    }.get(kpi.unit, lambda: _as_text(_fixed(v, d)))()


def format_kpi(key: str, value, *, currency: str = "EUR") -> str:
    """kpi_message in English (what comparisons read)."""
    return english(kpi_message(key, value, currency=currency))


def _points_text(points: float) -> dict:
    return message(gettext_noop("%(points)s points"), points=_fixed(abs(points), 1))


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
        rows.append({"kpi": key, "label": message(kpi.label), "unit": kpi.unit, "digits": kpi.digits, "better": kpi.better,
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

    def fmt(self, key, value) -> dict:
        return kpi_message(key, value, currency=self.currency)

    def move(self, key, noun=None, fmt=None):
        """'unplanned downtime rose from 40 h to 105 h' (or 'unplanned downtime 105 h' without a previous
        month), if the seat may see the KPI; else None. The text is a message."""
        v = self.value(key)
        if not self.may(key) or v is None:
            return None
        fmt = fmt or (lambda x: self.fmt(key, x))
        noun = message(noun or NOUNS.get(key) or KPIS[key].label.lower())
        b = self.was(key)
        if b is None:
            return message(gettext_noop("%(noun)s %(value)s"), noun=noun, value=fmt(v)), {key}
        if english(fmt(v)) == english(fmt(b)):
            return message(gettext_noop("%(noun)s held at %(value)s"), noun=noun, value=fmt(v)), {key}
        if v > b:
            return message(gettext_noop("%(noun)s rose from %(before)s to %(value)s"), noun=noun, before=fmt(b),
                           value=fmt(v)), {key}
        return message(gettext_noop("%(noun)s fell from %(before)s to %(value)s"), noun=noun, before=fmt(b),
                       value=fmt(v)), {key}


def _share_of_demand(x: float) -> dict:
    return message(gettext_noop("%(value)s%%"), value=_fixed(100.0 * x, 0))


def _facts_throughput(m: _Month):
    goods, demand = m.move("good_units"), m.value("demand")
    if goods is not None and demand is not None and m.may("demand"):
        goods = (message(gettext_noop("%(fact)s against demand of %(demand)s"), fact=goods[0],
                         demand=m.fmt("demand", demand)), goods[1] | {"demand"})
    return [goods, m.move("throughput_strength", gettext_noop("share of demand shipped"), _share_of_demand)]


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
    return (message(gettext_noop("%(fact)s, %(n)s of them at station %(station)s"), fact=fact[0],
                    n=_fixed(counts[worst], 0), station=worst + 1), fact[1] | {"station_failures"})


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
    facts = [(message(gettext_noop("%(fact)s of a month's contribution"), fact=risk[0]), risk[1]) if risk else None]
    area = _risk_area(m)
    if area is not None:
        name = message(RISK_AREAS[area][0])
        v = _number(m.now["risk_parts"][area])
        b = _number(((m.before or {}).get("risk_parts") or {}).get(area))
        if not m.may("risk_parts"):
            words = (gettext_noop("mostly %(area)s exposure") if m.before is None
                     else gettext_noop("driven by %(area)s exposure"))
            facts.append((message(words, area=name), set()))
        elif b is None:
            facts.append((message(gettext_noop("mostly %(area)s exposure, %(money)s at stake"), area=name,
                                  money=money_message(v, m.currency)), {"risk_parts"}))
        else:
            words = (gettext_noop("%(area)s exposure rose from %(before)s to %(value)s") if v > b
                     else gettext_noop("%(area)s exposure fell from %(before)s to %(value)s"))
            facts.append((message(words, area=name, before=money_message(b, m.currency),
                                  value=money_message(v, m.currency)), {"risk_parts"}))
    return facts


def _facts_alignment(m: _Month):
    words = (gettext_noop("every role approved the same plan") if m.aligned
             else gettext_noop("no plan had every role's approval, so the last aligned plan ran again"))
    return [m.move("leadership_alignment", fmt=lambda x: message(gettext_noop("%(value)s/100"), value=_fixed(x, 0))),
            (message(words), set())]


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


def _listed(items: list[dict]) -> dict:
    """'a; b; c' as one message (each item a message)."""
    if len(items) == 1:
        return items[0]
    return message(gettext_noop("%(first)s; %(rest)s"), first=items[0], rest=_listed(items[1:]))


def _join(items: list[dict]) -> dict:
    """'a, b and c' as one message."""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return message(gettext_noop("%(first)s and %(last)s"), first=items[0], last=items[1])
    return message(gettext_noop("%(first)s, %(rest)s"), first=items[0], rest=_join(items[1:]))


def _part_driver(part: str, points: float, m: _Month) -> dict:
    role = _part_role(part, m)
    facts = [f for f in FACTS[part](m) if f is not None][:MAX_FACTS]
    label = message(PART_LABELS[part])
    if m.before is None:
        head = message(gettext_noop("%(part)s is %(points)s short of a perfect score"), part=label,
                       points=_points_text(points))
    else:
        head = message(gettext_noop("%(part)s added %(points)s") if points > 0 else gettext_noop("%(part)s cost %(points)s"),
                       part=label, points=_points_text(points))
    if facts:
        text = message(gettext_noop("%(head)s: %(facts)s."), head=head, facts=_listed([t for t, _ in facts]))
    else:
        text = message(gettext_noop("%(head)s; the figures are on %(dashboard)s."), head=head,
                       dashboard=message(ROLE_NAMES[role]))
    keys = sorted(set().union(*(k for _, k in facts))) if facts else []
    return {"text": text, "role": role, "part": part, "points": round(points, 3), "kpis": keys}


def _cash_driver(m: _Month) -> dict | None:
    net, cash = m.value("net_cash_flow"), m.value("cash")
    if net is None or cash is None:
        return None
    cur = m.currency
    if money(net, cur).lstrip("-") == money(0.0, cur):
        head = message(gettext_noop("Cash held at %(cash)s"), cash=money_message(cash, cur))
    else:
        head = message(gettext_noop("Cash rose by %(amount)s to %(cash)s") if net > 0
                       else gettext_noop("Cash fell by %(amount)s to %(cash)s"),
                       amount=money_message(abs(net), cur), cash=money_message(cash, cur))
    keys = {"net_cash_flow", "cash"}
    last = m.was("net_cash_flow")
    if last is not None:
        head = message(gettext_noop("%(head)s (last month it rose by %(amount)s)") if last > 0
                       else gettext_noop("%(head)s (last month it fell by %(amount)s)"),
                       head=head, amount=money_message(abs(last), cur))
    flows = m.now.get("cash_flows") or {}
    before = (m.before or {}).get("cash_flows") or {}
    lines = {k: _number(v) for k, v in flows.items() if k in CASH_LINES and _number(v) is not None}
    if m.may("cash_flows") and lines:
        keys.add("cash_flows")
        if before:
            moves = {k: v - (_number(before.get(k)) or 0.0) for k, v in lines.items()}
            big = [k for k in sorted(moves, key=lambda k: -abs(moves[k])) if abs(moves[k]) >= 0.5][:MAX_FACTS]
            said = [message(gettext_noop("%(line)s up %(amount)s") if (moves[k] > 0) == (k == "revenue")
                            else gettext_noop("%(line)s down %(amount)s"),
                            line=message(CASH_LINES[k]), amount=money_message(abs(moves[k]), cur)) for k in big]
            text = (message(gettext_noop("%(head)s: against last month, %(changes)s."), head=head, changes=_join(said))
                    if said else message(gettext_noop("%(head)s."), head=head))
        else:
            costs = [k for k in sorted(lines, key=lambda k: lines[k]) if k != "revenue" and lines[k] <= -0.5]
            said = [message(gettext_noop("%(line)s %(amount)s"), line=message(CASH_LINES[k]),
                            amount=money_message(-lines[k], cur)) for k in costs[:MAX_FACTS]]
            text = (message(gettext_noop("%(head)s: revenue %(revenue)s against %(costs)s."), head=head,
                            revenue=money_message(lines.get("revenue", 0.0), cur), costs=_join(said))
                    if said else message(gettext_noop("%(head)s."), head=head))
    else:
        margin = m.move("margin")
        text = (message(gettext_noop("%(head)s; %(margin)s."), head=head, margin=margin[0]) if margin
                else message(gettext_noop("%(head)s."), head=head))
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


def _headline(n: int, m: _Month) -> dict:
    score, before = m.value("scorecard"), m.was("scorecard")
    if score is None:
        text = message(gettext_noop("Round %(n)s: results are in"), n=n)
    elif before is None:
        text = message(gettext_noop("Round %(n)s: the scorecard stands at %(score)s"), n=n,
                       score=m.fmt("scorecard", score))
    elif english(m.fmt("scorecard", score)) == english(m.fmt("scorecard", before)):
        text = message(gettext_noop("Round %(n)s: the scorecard held at %(score)s"), n=n,
                       score=m.fmt("scorecard", score))
    else:
        text = message(gettext_noop("Round %(n)s: the scorecard rose %(points)s to %(score)s") if score > before
                       else gettext_noop("Round %(n)s: the scorecard fell %(points)s to %(score)s"),
                       n=n, points=_points_text(score - before), score=m.fmt("scorecard", score))
    shipped = m.value("throughput_strength")
    if shipped is not None:
        return message(gettext_noop("%(head)s; %(shipped)s of demand shipped."), head=text,
                       shipped=_share_of_demand(shipped))
    return message(gettext_noop("%(head)s."), head=text)


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
