"""Mistake detectors: read one team's time series, name the mistake, give the rounds and the numbers.

history: [{"round": n, "decisions": {levers}, "kpis": {...}}, ...] in round order. Each detector
looks for a pattern of decisions *and* the consequence the model shows for it, so a team is only
told about a mistake its own plant paid for (or was exposed to).

Titles and evidence are messages (engine/messages.py): game renders them in each reader's language.
"""
from __future__ import annotations

from .messages import gettext_noop, message, number
from .params import DEFAULT_PARAMS

REQUIRED_PM = float(sum(DEFAULT_PARAMS["pm_required"]))
NETWORK_EXPOSURE = 3_000.0  # money a month expected to be lost to supplier and site failures (kpis.operational_risk)


def _runs(flags: list[bool], rounds: list[int], min_len: int) -> list[int]:
    """Rounds belonging to runs of consecutive True of at least min_len."""
    out, cur = [], []
    for f, r in zip(flags, rounds):
        if f:
            cur.append(r)
        else:
            if len(cur) >= min_len:
                out += cur
            cur = []
    if len(cur) >= min_len:
        out += cur
    return out


def _whole(value) -> int:
    """Hours, people and percentages the evidence writes without thousands separators, as before."""
    return int(round(value))


def _k(h, key):
    return [x["kpis"].get(key) for x in h]


def _d(h, key):
    return [x["decisions"].get(key) for x in h]


def chasing_output(h):
    rounds = [x["round"] for x in h]
    push = [(d["overtime_share"] >= 0.15 or d["shift_pattern"] == "6x2")
            and sum(d["pm_hours"]) < 0.6 * REQUIRED_PM and d["training_hours"] <= 1 for d in _d_all(h)]
    hit = _runs(push, rounds, 2)
    if not hit:
        return None
    good = _k(h, "good_units")
    i0, i1 = rounds.index(hit[0]), rounds.index(hit[-1])
    peak = max(good[i0:i1 + 1])
    if good[i1] >= 0.97 * peak and i1 - i0 < 3:
        return None  # not yet paying for it
    fail = _k(h, "failures")
    return {"code": "chasing_output", "title": message(gettext_noop("Chasing output without strengthening the system")),
            "rounds": hit,
            "evidence": message(gettext_noop(
                "overtime with PM below 60%% of the recommended %(pm)s h and no training in rounds %(first)s-%(last)s: "
                "good output peaked at %(peak)s and was %(good)s in round %(last)s; failures went from %(fail_from)s "
                "to %(fail_to)s; fatigue reached %(fatigue)s."),
                pm=_whole(REQUIRED_PM), first=hit[0], last=hit[-1], peak=number(peak), good=number(good[i1]),
                fail_from=number(fail[i0]), fail_to=number(fail[i1]), fatigue=number(_k(h, "fatigue")[i1], 2))}


def _d_all(h):
    return [x["decisions"] for x in h]


def maintenance_optional(h):
    rounds = [x["round"] for x in h]
    low = [sum(d["pm_hours"]) < 0.6 * REQUIRED_PM for d in _d_all(h)]
    hit = _runs(low, rounds, 2)
    if not hit:
        return None
    bl = _k(h, "maintenance_backlog")
    i0, i1 = rounds.index(hit[0]), rounds.index(hit[-1])
    if bl[i1] <= bl[i0]:
        return None
    uh, exp = _k(h, "unplanned_hours"), _k(h, "expected_unplanned_hours_next")
    return {"code": "maintenance_optional", "title": message(gettext_noop("Treating maintenance as optional")),
            "rounds": hit,
            "evidence": message(gettext_noop(
                "PM at %(pm_from)s-%(pm_to)s h a round against %(pm)s h recommended: maintenance backlog "
                "%(backlog_from)s -> %(backlog_to)s h, unplanned downtime %(down_from)s -> %(down_to)s h, expected "
                "next round %(expected)s h."),
                pm_from=_whole(sum(h[i0]["decisions"]["pm_hours"])), pm_to=_whole(sum(h[i1]["decisions"]["pm_hours"])),
                pm=_whole(REQUIRED_PM), backlog_from=_whole(bl[i0]), backlog_to=_whole(bl[i1]),
                down_from=_whole(uh[i0]), down_to=_whole(uh[i1]), expected=_whole(exp[i1]))}


def overtime_as_structure(h):
    rounds = [x["round"] for x in h]
    ot = [d["overtime_share"] >= 0.15 or d["shift_pattern"] == "6x2" for d in _d_all(h)]
    hit = _runs(ot, rounds, 3)
    if not hit:
        return None
    i0, i1 = rounds.index(hit[0]), rounds.index(hit[-1])
    fat, quits, fpy = _k(h, "fatigue"), _k(h, "quits"), _k(h, "first_pass_yield")
    return {"code": "overtime_as_structure", "title": message(gettext_noop("Overtime as structure, not a tactic")),
            "rounds": hit,
            "evidence": message(gettext_noop(
                "overtime of %(overtime)s%% or Saturday shifts for %(n)s rounds: fatigue %(fatigue_from)s -> "
                "%(fatigue_to)s, %(quits)s quits, first-pass yield %(fpy_from)s%% -> %(fpy_to)s%%."),
                overtime=_whole(100.0 * h[i0]["decisions"]["overtime_share"]), n=len(hit),
                fatigue_from=number(fat[i0], 2), fatigue_to=number(fat[i1], 2), quits=number(sum(quits[i0:i1 + 1])),
                fpy_from=number(100.0 * fpy[i0], 1), fpy_to=number(100.0 * fpy[i1], 1))}


def capex_without_sequence(h):
    rounds = [x["round"] for x in h]
    over = [k["engineering_load"] > 1.2 for k in (x["kpis"] for x in h)]
    hit = _runs(over, rounds, 2)
    if not hit:
        return None
    i0 = rounds.index(hit[0])
    conf = _k(h, "execution_confidence")
    n = max(len(x["kpis"]["projects_active"]) for x in h[i0:])
    return {"code": "capex_without_sequence", "title": message(gettext_noop("Large capex without a credible sequence")),
            "rounds": hit,
            "evidence": message(gettext_noop(
                "up to %(n)s projects at once, engineering load %(load)s (above 1 means lead times stretch), "
                "execution confidence as low as %(confidence)s/100."),
                n=n, load=number(max(_k(h, "engineering_load")), 2), confidence=_whole(min(conf[i0:])))}


def ignoring_labor_resilience(h):
    rounds = [x["round"] for x in h]
    weak = [d["cross_training"] < 0.2 and d["training_hours"] <= 1 for d in _d_all(h)]
    hit = _runs(weak, rounds, 3)
    if not hit:
        return None
    i0, i1 = rounds.index(hit[0]), rounds.index(hit[-1])
    skill, head, quits = _k(h, "skill"), _k(h, "headcount"), _k(h, "quits")
    if skill[i1] >= skill[i0] and sum(quits[i0:i1 + 1]) < 3:
        return None
    return {"code": "ignoring_labor_resilience", "title": message(gettext_noop("Ignoring labor resilience")),
            "rounds": hit,
            "evidence": message(gettext_noop(
                "cross-training below 20%% and no training for %(n)s rounds: skill %(skill_from)s -> %(skill_to)s, "
                "headcount %(head_from)s -> %(head_to)s after %(quits)s quits; any absence now hits the bottleneck "
                "directly."),
                n=len(hit), skill_from=number(skill[i0], 2), skill_to=number(skill[i1], 2),
                head_from=_whole(head[i0]), head_to=_whole(head[i1]), quits=number(sum(quits[i0:i1 + 1])))}


def local_efficiency(h):
    if len(h) < 4:
        return None
    built = set()
    for x in h:
        built |= set(x["kpis"]["projects_completed"]) | set(x["kpis"]["projects_active"])
    if "second_supplier" in built or "backup_line" in built:
        return None
    cover = [d["raw_material_cover_days"] for d in _d_all(h)]
    network = [x["kpis"]["risk_parts"]["supplier"] + x["kpis"]["risk_parts"]["site"] for x in h]
    rounds = [x["round"] for x in h]
    exposed = [r for r, c, k in zip(rounds, cover, network) if c <= 3.0 and k >= NETWORK_EXPOSURE]
    if len(exposed) < 3:
        return None
    good = _k(h, "good_units")
    worst = min(range(len(good)), key=lambda i: good[i])
    med = sorted(good)[len(good) // 2]
    return {"code": "local_efficiency_over_resilience",
            "title": message(gettext_noop("Local efficiency over network resilience")), "rounds": exposed,
            "evidence": message(gettext_noop(
                "one supplier, one site and %(cover_min)s-%(cover_max)s days of raw material: an expected "
                "%(risk_min)s-%(risk_max)s a month at stake from supplier and site failures; worst round %(round)s "
                "shipped %(worst)s good units against a typical %(typical)s."),
                cover_min=number(min(cover), 1), cover_max=number(max(cover), 1), risk_min=number(min(network)),
                risk_max=number(max(network)), round=rounds[worst], worst=number(good[worst]), typical=number(med))}


DETECTORS = (chasing_output, maintenance_optional, overtime_as_structure, capex_without_sequence,
             ignoring_labor_resilience, local_efficiency)


def detect_mistakes(history: list[dict]) -> list[dict]:
    h = sorted(history, key=lambda x: x["round"])
    return [m for m in (f(h) for f in DETECTORS) if m]
