"""Finance envelopes: what a package plans to spend in each, and what the plant cuts when a cap is short.

The envelopes are real caps (docs/model.md "Money"): the model reads the funding computed here,
and the room shows the same figures before anyone approves. Functions take plain numbers or NumPy
arrays (one value per team) alike.
"""
from __future__ import annotations

import numpy as np

from .messages import gettext_noop, message, number
from .projects import COST_PER_HOUR, PROJECT_CODES, planned_hours


# extra station skills a cross-trained worker learns under each scheme (5 stations: full = 4 more)
SCHEME_SKILLS = {"chain": 1.0, "full": 4.0}
INSPECTION_LEVELS = ("light", "standard", "full")


def tech_wages(technicians, p):
    return technicians * p["tech_hours_per_month"] * p["tech_wage"]


def training_plan(training_hours, cross, skills, heads, p):
    return training_hours * heads * (p["wage"] + p["trainer_cost_per_hour"]) \
        + cross * heads * p["cross_training_cost_per_worker"] * skills


def inspection_plan(level_cost, p):
    return level_cost * p["demand"]


def planned_spend(levers: dict, params: dict, headcount: float | None = None) -> dict[str, float]:
    """Money each finance envelope must hold for this package to run as planned (UI and scripted plays)."""
    p = params
    heads = p["initial_headcount"] if headcount is None else headcount
    maint = tech_wages(levers["technicians"], p) + sum(levers["pm_hours"]) * p["pm_parts_per_hour"] + p["repair_reserve"]
    train = training_plan(levers["training_hours"], levers["cross_training"],
                          SCHEME_SKILLS[levers.get("cross_training_scheme", "chain")], heads, p)
    quality = levers["quality_program"] * p["quality_program_cost"] + \
        inspection_plan(p["inspection_cost"][levers["inspection_level"]], p)
    capex = levers["engineering_hours"] * p["engineering_cost_per_hour"] + project_capex_plan(levers, p)
    return {"maintenance_budget": float(maint), "training_budget": float(train), "quality_budget": float(quality),
            "capex_budget": float(capex)}


def project_capex_plan(levers: dict, p: dict) -> float:
    """Capex the portfolio would spend this round if every hour it can use were paid (a fresh start)."""
    order = np.full((1, len(PROJECT_CODES)), 10_000)
    for rank, code in enumerate(levers["projects"]):
        order[0, PROJECT_CODES.index(code)] = rank
    return float((planned_hours(order, np.array([float(levers["engineering_hours"])]), p) * COST_PER_HOUR).sum())


def funding(lv: dict, p: dict, heads) -> dict[str, np.ndarray]:
    """What each envelope actually pays for, per team (lv: lever arrays of model._lever_arrays)."""
    wages = tech_wages(lv["technicians"], p)
    plan_train = training_plan(lv["training_hours"], lv["cross_training"], lv["skills"], heads, p)
    train_frac = np.where(plan_train > 0, np.minimum(1.0, lv["training_budget"] / np.maximum(plan_train, 1e-9)), 1.0)
    insp_cost = np.array([p["inspection_cost"][k] for k in INSPECTION_LEVELS])[lv["insp"]]
    insp_plan = inspection_plan(insp_cost, p)
    insp_cover = np.where(insp_plan > 0, np.minimum(1.0, lv["quality_budget"] / np.maximum(insp_plan, 1e-9)), 1.0)
    program = np.minimum(lv["quality_program"],
                         np.maximum(lv["quality_budget"] - insp_plan, 0.0) / p["quality_program_cost"])
    eng_hours = np.minimum(lv["engineering_hours"], lv["capex_budget"] / p["engineering_cost_per_hour"])
    return {
        "maint_parts_money": np.maximum(lv["maintenance_budget"] - wages, 0.0),
        "train_frac": train_frac,
        "insp_cover": insp_cover,
        "quality_program": program,
        "eng_hours": eng_hours,
        "project_money": np.maximum(lv["capex_budget"] - eng_hours * p["engineering_cost_per_hour"], 0.0),
    }


def package_cuts(levers: dict, params: dict, headcount: float | None = None) -> list[dict]:
    """Plain-words list of what the plant will not do because an envelope is short (empty: all funded)."""
    need = planned_spend(levers, params, headcount)
    p = params
    out = []
    for env, planned in need.items():
        cap = float(levers[env])
        if planned <= cap + 0.5:
            continue
        short = planned - cap
        # What the plant will not do, as a message game renders in the reader's language (docs/i18n.md).
        if env == "maintenance_budget":
            paid = max(0.0, cap - tech_wages(levers['technicians'], p) - p['repair_reserve']) / p['pm_parts_per_hour']
            what = message(gettext_noop("repairs beyond the envelope wait a day for parts, and PM gets only what is "
                                        "left: about %(paid)s of %(hours)s PM hours are paid for"),
                           paid=number(paid, 0), hours=sum(levers['pm_hours']))
        elif env == "training_budget":
            what = message(gettext_noop("training and cross-training are cut to %(share)s%% of the plan"),
                           share=number(100.0 * cap / planned, 0))
        elif env == "quality_budget":
            insp = inspection_plan(p["inspection_cost"][levers["inspection_level"]], p)
            what = (message(gettext_noop("inspection covers only part of the output and the quality program gets "
                                         "nothing")) if cap < insp
                    else message(gettext_noop("the quality program runs at %(runs)s instead of %(planned)s"),
                                 runs=number((cap - insp) / p['quality_program_cost'], 2),
                                 planned=number(levers['quality_program'], 2)))
        else:
            what = message(gettext_noop("engineering hours and projects are cut, the last projects of the portfolio "
                                        "first"))
        out.append({"envelope": env, "role": "finance", "planned": round(planned, 2), "cap": cap,
                    "shortfall": round(short, 2), "cut": what})
    return out
