"""Mistake detectors: read one team's time series, name the mistake, give the rounds and the numbers.

history: [{"round": n, "decisions": {levers}, "kpis": {...}}, ...] in round order. Each detector
looks for a pattern of decisions *and* the consequence the model shows for it, so a team is only
told about a mistake its own plant paid for (or was exposed to).
"""
from __future__ import annotations

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
    return {"code": "chasing_output", "title": "Chasing output without strengthening the system", "rounds": hit,
            "evidence": f"overtime with PM below 60% of the recommended {REQUIRED_PM:.0f} h and no training in "
                        f"rounds {hit[0]}-{hit[-1]}: good output peaked at {peak:,.0f} and was {good[i1]:,.0f} in "
                        f"round {hit[-1]}; failures went from {fail[i0]} to {fail[i1]}; fatigue reached "
                        f"{_k(h, 'fatigue')[i1]:.2f}."}


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
    return {"code": "maintenance_optional", "title": "Treating maintenance as optional", "rounds": hit,
            "evidence": f"PM at {sum(h[i0]['decisions']['pm_hours']):.0f}-{sum(h[i1]['decisions']['pm_hours']):.0f} h "
                        f"a round against {REQUIRED_PM:.0f} h recommended: maintenance backlog {bl[i0]:.0f} -> "
                        f"{bl[i1]:.0f} h, unplanned downtime {uh[i0]:.0f} -> {uh[i1]:.0f} h, expected next round "
                        f"{exp[i1]:.0f} h."}


def overtime_as_structure(h):
    rounds = [x["round"] for x in h]
    ot = [d["overtime_share"] >= 0.15 or d["shift_pattern"] == "6x2" for d in _d_all(h)]
    hit = _runs(ot, rounds, 3)
    if not hit:
        return None
    i0, i1 = rounds.index(hit[0]), rounds.index(hit[-1])
    fat, quits, fpy = _k(h, "fatigue"), _k(h, "quits"), _k(h, "first_pass_yield")
    return {"code": "overtime_as_structure", "title": "Overtime as structure, not a tactic", "rounds": hit,
            "evidence": f"overtime of {h[i0]['decisions']['overtime_share']:.0%} or Saturday shifts for {len(hit)} "
                        f"rounds: fatigue {fat[i0]:.2f} -> {fat[i1]:.2f}, {sum(quits[i0:i1 + 1])} quits, "
                        f"first-pass yield {fpy[i0]:.1%} -> {fpy[i1]:.1%}."}


def capex_without_sequence(h):
    rounds = [x["round"] for x in h]
    over = [k["engineering_load"] > 1.2 for k in (x["kpis"] for x in h)]
    hit = _runs(over, rounds, 2)
    if not hit:
        return None
    i0 = rounds.index(hit[0])
    conf = _k(h, "execution_confidence")
    n = max(len(x["kpis"]["projects_active"]) for x in h[i0:])
    return {"code": "capex_without_sequence", "title": "Large capex without a credible sequence", "rounds": hit,
            "evidence": f"up to {n} projects at once, engineering load {max(_k(h, 'engineering_load')):.2f} "
                        f"(above 1 means lead times stretch), execution confidence as low as {min(conf[i0:]):.0f}/100."}


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
    return {"code": "ignoring_labor_resilience", "title": "Ignoring labor resilience", "rounds": hit,
            "evidence": f"cross-training below 20% and no training for {len(hit)} rounds: skill {skill[i0]:.2f} -> "
                        f"{skill[i1]:.2f}, headcount {head[i0]:.0f} -> {head[i1]:.0f} after {sum(quits[i0:i1 + 1])} quits; "
                        f"any absence now hits the bottleneck directly."}


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
    return {"code": "local_efficiency_over_resilience", "title": "Local efficiency over network resilience",
            "rounds": exposed,
            "evidence": f"one supplier, one site and {min(cover):.1f}-{max(cover):.1f} days of raw material: an expected "
                        f"{min(network):,.0f}-{max(network):,.0f} a month at stake from supplier and site failures; worst round {rounds[worst]} shipped "
                        f"{good[worst]:,.0f} good units against a typical {med:,.0f}."}


DETECTORS = (chasing_output, maintenance_optional, overtime_as_structure, capex_without_sequence,
             ignoring_labor_resilience, local_efficiency)


def detect_mistakes(history: list[dict]) -> list[dict]:
    h = sorted(history, key=lambda x: x["round"])
    return [m for m in (f(h) for f in DETECTORS) if m]
