"""Scripted strategies: the plays the lesson tests, charts and CLI examples use.

A strategy is f(round_number, history) -> partial lever package; play() fills in the scenario
defaults and funds the finance envelopes at what the package implies (plus a repair allowance).
"""
from __future__ import annotations

import math

from .budget import planned_spend
from .levers import LEVERS, PROJECTS, default_levers, validate_package
from .model import simulate_round
from .state import initial_state

REQUIRED_PM = [16, 16, 20, 16, 16]
# scripted plays never let repairs wait for money (a worn plant's repair bill is several times the planning
# reserve), so the lessons show the plant's answer, not the budget's; budget cuts have tests of their own
REPAIR_ALLOWANCE = 60_000


def funded(partial: dict, scenario) -> dict:
    """Full package with every envelope raised to what the other levers imply."""
    lv = default_levers(scenario)
    lv.update(partial)
    need = planned_spend(lv, scenario.params)
    need["maintenance_budget"] += REPAIR_ALLOWANCE
    for env, amount in need.items():
        if env not in partial:
            lv[env] = min(max(lv[env], math.ceil(amount)), LEVERS[env].max)
    validate_package(lv, scenario)
    return lv


def play(strategies, scenario, seed: int, rounds: int = 8, disruptions=None, alignment=None):
    """Run each strategy as one team of the same session (common random numbers).

    disruptions(round_number, team_index) -> list[Disruption] adds to the scenario schedule.
    Returns one history per team: [{"round", "decisions", "kpis"}, ...]."""
    n = len(strategies)
    state = initial_state(scenario, n)
    hist = [[] for _ in range(n)]
    for r in range(1, rounds + 1):
        decs = [funded(f(r, hist[t]), scenario) for t, f in enumerate(strategies)]
        dis = [list(scenario.disruptions_for_round(r)) + (list(disruptions(r, t)) if disruptions else [])
               for t in range(n)]
        state, kpis = simulate_round(state, decs, scenario, dis, seed=seed, round_number=r, alignment=alignment)
        for t in range(n):
            hist[t].append({"round": r, "decisions": decs[t], "kpis": kpis[t]})
    return hist


def keep_staffed(history, target=62):
    """Hire to replace last round's quits (arrive a round later). A seat without HR's dashboard (a bot) does not
    see the pipeline: it counts as empty."""
    if not history:
        return 0
    k = history[-1]["kpis"]
    return int(max(0, min(30, target - k["headcount"] - k.get("hiring_pipeline", 0))))


# ---- the plays ---------------------------------------------------------------------------------
def do_nothing(r, h):
    return {}


def balanced(r, h):
    """Strengthen the system: PM at the recommended level plus catch-up, training, staffing."""
    return {"pm_hours": [24, 24, 30, 24, 24], "technicians": 4, "training_hours": 4, "cross_training": 0.3,
            "hires": keep_staffed(h), "quality_program": 0.5}


def chase_output(r, h):
    """Push volume: overtime, defer maintenance, no training, no hiring, higher target."""
    return {"pm_hours": [0, 0, 0, 0, 0], "technicians": 3, "overtime_share": 0.3, "training_hours": 0,
            "production_target": 16_000, "cross_training": 0.0}


def pm_required(r, h):
    return {"pm_hours": REQUIRED_PM, "technicians": 4, "hires": keep_staffed(h)}


def pm_deferred(r, h):
    return {"pm_hours": [0, 0, 0, 0, 0], "technicians": 4, "hires": keep_staffed(h)}


def pm_deferred_then_catch_up(r, h, switch=4):
    if r < switch:
        return pm_deferred(r, h)
    return {"pm_hours": [48, 48, 60, 48, 48], "technicians": 4, "hires": keep_staffed(h)}


def overtime(share):
    def f(r, h):
        return {"overtime_share": share, "production_target": 16_000, "hires": keep_staffed(h),
                "pm_hours": REQUIRED_PM, "technicians": 4}
    return f


def no_overtime(r, h):
    return overtime(0.0)(r, h)


BIG_PORTFOLIO = ["debottleneck_s3", "new_equipment_s2", "second_supplier", "automation"]


def capex_concurrent(r, h):
    base = pm_required(r, h) | {"engineering_hours": 500}
    done = set(h[-1]["kpis"]["projects_completed"]) if h else set()
    return base | {"projects": [p for p in BIG_PORTFOLIO if p not in done]}


def capex_staged(r, h, hours=500):
    """A credible sequence: start projects only while engineering can carry them (load <= 1)."""
    base = pm_required(r, h) | {"engineering_hours": hours}
    done = set(h[-1]["kpis"]["projects_completed"]) if h else set()
    todo = [p for p in BIG_PORTFOLIO if p not in done]
    ramping = h[-1]["kpis"]["ramping_stations"] if h else 0
    load = ramping * 80.0
    chosen = []
    for code in todo:  # one project at a time gets every hour; a second only if it fits beside it
        need = PROJECTS[code].effort_hours / PROJECTS[code].nominal_rounds / hours_share(len(chosen))
        if load + need <= hours or not chosen:
            chosen.append(code)
            load += need
    return base | {"projects": chosen}


def hours_share(n_before):
    """The first project can absorb twice its nominal pace (crashing); later ones are planned at nominal."""
    return 0.5 if n_before == 0 else 1.0


def resilient_labor(r, h):
    """Cross-training on a chain, training, and a relief pool of about 10% over the 60 posts."""
    return pm_required(r, h) | {"cross_training": 0.7, "cross_training_scheme": "chain", "training_hours": 6,
                                "hires": keep_staffed(h, 66)}


def fragile_labor(r, h):
    return pm_required(r, h) | {"cross_training": 0.0, "training_hours": 0}


def single_source(r, h):
    return pm_required(r, h) | {"raw_material_cover_days": 2.0}


def networked(r, h):
    done = set(h[-1]["kpis"]["projects_completed"]) if h else set()
    todo = [p for p in ("second_supplier", "backup_line") if p not in done]
    return pm_required(r, h) | {"projects": todo, "engineering_hours": 400, "raw_material_cover_days": 5.0}


def debottleneck(station):
    code = f"debottleneck_s{station}"

    def f(r, h):
        done = set(h[-1]["kpis"]["projects_completed"]) if h else set()
        return pm_required(r, h) | {"projects": [] if code in done else [code], "engineering_hours": 300,
                                    "production_target": 16_000}
    return f
