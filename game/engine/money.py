"""Money: every cash flow of the round (cash moves only through these) and the accrual P&L.
docs/model.md "Money".

Cash pays what was bought this month; the P&L counts material when it is used (cost of goods on
consumption, IAS 2), wages on the month's actual headcount, and leaves capex out of operating cost.
"""
from __future__ import annotations

import numpy as np

from .budget import INSPECTION_LEVELS, training_plan


def cash_flows(p, lv, fund, s0, tot) -> dict:
    hours_week = tot["hours_week"]
    hours_month_worker = hours_week * p["days_per_round"] / 5.0
    base_hours = 40.0 * p["days_per_round"] / 5.0
    ot_hours = lv["overtime_share"] * 40.0 * p["days_per_round"] / 5.0
    sat_hours = np.maximum(hours_month_worker - base_hours - ot_hours, 0.0)
    workers = tot["workers"]
    heads = tot["heads_month"]
    f = {}
    f["revenue"] = p["price"] * tot["shipped"]
    f["materials"] = -(p["material_cost"] * tot["purchased"] + p["second_supplier_premium"] * tot["purchased2"])
    f["wages"] = -p["wage"] * heads * base_hours  # salaried on planned hours, injured included
    f["overtime"] = -p["wage"] * workers * (ot_hours * (1 + p["overtime_premium"]) + sat_hours * (1 + p["saturday_premium"]))
    f["temps"] = -p["temp_wage"] * lv["temp_labor"] * hours_month_worker
    f["hiring"] = -p["hire_cost"] * lv["hires"] - p["severance"] * tot["exits"]
    f["technicians"] = -p["tech_wage"] * lv["technicians"] * p["tech_hours_per_month"]
    f["pm_parts"] = -p["pm_parts_per_hour"] * tot["pm_done"].sum(1)
    f["corrective"] = -p["corrective_cost_multiplier"] * (p["pm_parts_per_hour"] + p["tech_wage"]) * tot["corr_h"] / p["techs_per_repair"]
    f["training"] = -fund["train_frac"] * training_plan(lv["training_hours"], lv["cross_training"], lv["skills"],
                                                        tot["heads_start"], p)
    insp_cost = np.array([p["inspection_cost"][k] for k in INSPECTION_LEVELS])[lv["insp"]]
    f["quality"] = -fund["quality_program"] * p["quality_program_cost"] \
        - insp_cost * fund["insp_cover"] * tot["processed"][:, -1]
    f["warranty"] = -p["warranty_cost"] * s0.escapes_prev
    f["outsourcing"] = -p["outsourcing_unit_cost"] * tot["outsourced"]
    f["energy"] = -p["energy_cost_per_machine_hour"] * tot["up_hours"].sum(1) * tot["energy_factor"]
    stock_units = s0.raw + s0.wip.sum(1) + s0.fg
    f["holding"] = -p["holding_rate"] * p["material_cost"] * stock_units
    f["injuries"] = -p["injury_cost"] * tot["injuries"]
    f["engineering"] = -p["engineering_cost_per_hour"] * fund["eng_hours"]
    f["capex"] = -tot["capex_spent"]
    f["backup_standby"] = -p["backup_standby_cost"] * s0.backup_ready
    f["overhead"] = -p["overhead"] * np.ones_like(s0.cash)
    f["net"] = sum(v for k, v in f.items())
    return f


def profit_and_loss(p, flows, tot) -> dict:
    """Accrual view: material cost of the units released to the line, not of the units bought."""
    bought = np.maximum(tot["purchased"], 1e-9)
    unit_cost = np.where(tot["purchased"] > 0, -flows["materials"] / bought, p["material_cost"])
    materials_used = unit_cost * tot["processed"][:, 0]
    operating = -(flows["net"] - flows["revenue"] - flows["capex"] - flows["materials"]) + materials_used
    revenue = flows["revenue"]
    return {"materials_used": materials_used, "operating_cost": operating,
            "margin": (revenue - operating) / np.maximum(revenue, 1.0)}
