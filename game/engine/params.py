"""Model parameters: value and the reason for it. Scenarios override any of them.

PARAM_DOCS is rendered into docs/model.md, so every number the model uses has a stated source.
"""
from __future__ import annotations

import difflib

# name -> (value, source or reason)
PARAM_DOCS: dict[str, tuple[object, str]] = {
    # time
    "days_per_round": (22, "one month of working days (MODEL.md)"),
    "hours_per_shift": (8, "two 8 h shifts: 352 planned hours a month (MODEL.md)"),
    "weeks_per_round": (4, "PM is scheduled weekly"),
    # flow
    "rate": ([52.0, 50.0, 44.0, 50.0, 54.0], "ideal units/h, 40-60, bottleneck 12% slower (MODEL.md)"),
    "buffer_cap": ([0.0, 100.0, 100.0, 100.0, 100.0], "about 2 h of WIP in front of stations 2-5 (MODEL.md: 1-4 h)"),
    "initial_wip": ([0.0, 60.0, 60.0, 60.0, 60.0], "buffers start a little over half full"),
    "speed_factor": (0.95, "speed loss: machines run 5% under rated speed (Nakajima 1988, one of the six big losses)"),
    "skill_speed_floor": (0.6, "operator speed = floor + gain * skill: a crew at skill 0.65 runs at 89%"),
    "skill_speed_gain": (0.45, "a fully skilled crew (0.9) runs at rated speed"),
    "minor_stop_base": (0.05, "share of run time lost to minor stops (< 10 min) on a maintained line (Nakajima 1988: 5-15%)"),
    "minor_stop_backlog_gain": (0.03, "minor stops grow by 3 points per month of PM overdue (dirt, wear, loose parts)"),
    "setpoint_gain": (0.05, "line speed +/-5% when the director weights throughput fully over quality or the reverse"),
    "setpoint_defect_elasticity": (3.0, "defects x setpoint^3: running a line faster than its stable speed makes "
                                   "defects grow faster than output"),
    "changeover_hours_per_day": (1.5, "two product changeovers a day of 45 min per station (Shingo 1985: 0.5-2 h before SMED)"),
    # equipment (Weibull, Kijima II)
    "eta": ([1300.0, 1400.0, 1100.0, 1300.0, 1500.0], "wear-out mode: Weibull scale, h (MODEL.md: 500-1500)"),
    "beta": ([2.2, 2.4, 2.5, 2.3, 2.0], "wear-out mode: Weibull shape 2-2.5 (MODEL.md: 1.8-3)"),
    "random_mtbf": ([260.0, 300.0, 220.0, 280.0, 320.0], "random mode (shape 1, PM cannot prevent it): mean run hours between "
                    "failures; Nowlan & Heap 1978 found most failure modes random"),
    "random_mttr": (2.0, "mean repair h of a random failure (jams, sensors, electrical: short)"),
    "induced_failure_prob": (0.04, "chance that a PM intervention on a station introduces a fault (Reason & Hobbs 2003: "
                             "maintenance error behind a large share of failures)"),
    "induced_window_hours": (48.0, "a maintenance-induced fault shows within this many run hours (infant mortality)"),
    "induced_mttr": (4.0, "mean repair h of a maintenance-induced failure"),
    "initial_age": ([1100.0, 1100.0, 1250.0, 1000.0, 1000.0], "virtual age h: a neglected plant starts worn"),
    "pm_age_reduction_per_hour": (0.05, "Kijima II: v <- v*exp(-k*h); 16 h of PM removes 55% (MODEL.md: 40-70% per PM unit)"),
    "pm_required": ([16.0, 16.0, 20.0, 16.0, 16.0], "OEM-recommended PM hours per station per 352 run hours (a month of two "
                    "shifts); PM intervals count run hours, so overtime and Saturdays raise what is due"),
    "pm_downtime_share": (0.6, "60% of PM needs the station stopped; the rest fits in breaks and changeovers"),
    "mttr": (8.0, "mean repair time h of a wear-out failure (lognormal, sigma 0.6) with a crew free"),
    "unfunded_repair_wait_hours": (24.0, "a repair the maintenance envelope cannot pay waits a day for parts bought "
                                   "through normal purchasing instead of expedited"),
    "repair_reserve": (15_000.0, "money per round a maintenance plan sets aside for repair parts (planning figure)"),
    "mttr_sigma": (0.6, "lognormal spread of repair times"),
    "techs_per_repair": (2.0, "two technicians per breakdown"),
    "tech_hours_per_month": (168.0, "one technician's paid hours a month"),
    "initial_pm_backlog": ([40.0, 30.0, 60.0, 30.0, 20.0], "neglected plant: PM hours overdue"),
    # labor
    "crew_per_station": (6.0, "operators per station per shift: 60 direct workers at two shifts"),
    "initial_headcount": (62, "a thin 3% margin over the 60 required"),
    "initial_skill": (0.65, "MODEL.md: skill 0.6-0.9"),
    "skill_tau": (4.0, "rounds: skill time constant (MODEL.md: 3-6 months)"),
    "new_hire_skill": (0.35, "new hires dilute skill"),
    "temp_skill": (0.4, "agency workers"),
    "base_absenteeism": (0.05, "share absent on a typical day (noise added per day)"),
    "fatigue_build_days": (30.0, "working days: chronic fatigue builds over 6-12 weeks of long hours (Business "
                           "Roundtable 1980: productivity keeps falling for about two months)"),
    "fatigue_recover_days": (5.0, "working days: a return to normal hours clears most fatigue within one to two weeks"),
    "fatigue_speed_loss": (0.6, "output per hour x (1 - 0.6 fatigue): after months of 50 h weeks about 15% less "
                           "per hour (MODEL.md: 0.6-0.8 x fatigue; Hanna et al. 2005: 10-20% at 50 h)"),
    "output_linear_hours": (48.0, "Pencavel 2015: weekly output proportional to hours up to the high 40s"),
    "output_flat_hours": (62.0, "Pencavel 2015: output nearly flat from the upper 50s (70 h give hardly more than 56 h)"),
    "fatigue_defect_gain": (1.0, "defect rate x (1 + fatigue): tired crews make more mistakes"),
    "fatigue_absence_gain": (0.8, "absence x (1 + 0.8 fatigue): long hours raise sickness absence"),
    "base_quit_rate": (0.015, "monthly quits at normal hours (MODEL.md: 1-2%; BLS JOLTS manufacturing 2-2.5%)"),
    "quit_fatigue_gain": (2.0, "quit rate x (1 + 2 quit intention): sustained 60 h weeks about double quits over months"),
    "quit_intent_tau": (3.0, "rounds: quit intention follows fatigue slowly (months)"),
    "injury_rate_per_1000h": (0.012, "recordable injuries per 1000 worker hours (manufacturing ~3 per 100 FTE-year)"),
    "injury_long_hours_gain": (0.61, "Dembe et al. 2005: +61% injury hazard per hour on overtime schedules, reached at 50 h"),
    "injury_days_lost": (10.0, "days away per injury"),
    "cross_train_tau": (3.0, "rounds to build cross-training coverage"),
    "off_station_efficiency": (0.8, "a worker off their home station works at 80% (Hopp, Tekin & Van Oyen 2004)"),
    # quality
    "defect_base": ([0.006, 0.005, 0.010, 0.004, 0.003], "defect rate per station (MODEL.md: 0.5-3%)"),
    "defect_skill_gain": (1.5, "defect x (1 + 1.5*(0.85 - skill)+): low skill makes defects"),
    "defect_age_gain": (0.25, "defect x (1 + 0.25*age/eta): worn equipment drifts"),
    "quality_program_tau": (2.5, "rounds: quality capability builds slowly (MODEL.md: 2-3 rounds)"),
    "quality_program_effect": (0.55, "a mature program removes 55% of defects"),
    "inspection_catch": ({"light": 0.5, "standard": 0.75, "full": 0.92}, "share of defects caught at final inspection"),
    "inspection_rate_loss": ({"light": 0.0, "standard": 0.0, "full": 0.04}, "full inspection slows the last station"),
    "escape_demand_penalty": (3.0, "next round demand x (1 - 3*escape share): customers notice"),
    "goodwill_tau": (2.0, "rounds for lost goodwill to recover"),
    # projects and engineering
    "switching_loss": (0.15, "engineering productivity / (1 + 0.15*(n-1)) with n concurrent projects "
                       "(Wheelwright & Clark 1992: value-adding time falls with each extra project)"),
    "overload_loss": (0.5, "productivity / (1 + 0.5*(load-1)+) when load > 1 (firefighting, Repenning 2001)"),
    "project_crash_share": (0.5, "a project can absorb at most twice its nominal pace of engineering hours "
                            "(Brooks 1975: more hands stop helping)"),
    "ramp_initial_gap": (0.35, "new equipment starts at 65% of rated speed (MODEL.md: 60-70%)"),
    "learning_progress_ratio": (0.85, "unit time x 0.85 per doubling of cumulative output (Dutton & Thomas 1984: 80-90%)"),
    "learning_unit": (3000.0, "units that make the first doubling; rated speed after about 5 more (2-4 months with support)"),
    "ramp_support_hours": (80.0, "engineering hours per round a ramping station needs for full learning speed"),
    "ramp_defect_gain": (1.0, "start-up defects x (1 + gap * (2 - confidence)) (Terwiesch & Bohn 2001)"),
    "debottleneck_gain": (0.2, "rate +20% at the station"),
    "new_equipment_gain": (0.25, "rate +25%, eta x1.4, defect x0.6, age 0"),
    "automation_perf_gain": (0.08, "+8% performance on all stations"),
    "automation_crew_cut": (0.2, "-20% crew needed"),
    "project_install_hours": (16.0, "station stopped to install a station project"),
    # network
    "supplier_cover_rate": (2.5, "a supplier can deliver 2.5x the plant's daily usage"),
    "supplier2_surge": (1.5, "supplier 2 can deliver up to 1.5x its contracted volume in a crisis (Tomlin 2006: "
                        "contingency volume is limited)"),
    "supplier2_surge_days": (7.0, "working days for supplier 2 to ramp to its surge volume (Tomlin 2006: response lag)"),
    "site_outage_prob": (0.01, "chance of a site outage in a month (fire, flood, power), for the risk KPI"),
    "site_outage_days": (5.0, "mean days a site outage lasts, for the risk KPI"),
    "absence_wave_prob": (0.1, "chance of an absence wave in a month (flu season, transport strike), for the risk KPI"),
    "absence_wave_share": (0.15, "extra share absent in such a wave, for the risk KPI"),
    "random_supplier_failure_prob": (0.03, "a long supplier disruption hits a single-sourced firm about every 3.7 years (MGI 2020)"),
    "random_supplier_failure_days": (6.0, "mean days of a random supplier failure (exponential)"),
    "backup_capacity_share": (0.6, "a backup line carries 60% of bottleneck rate"),
    "backup_activation_hours": (32.0, "hours before a ready backup line produces"),
    # market and money
    "demand": (11_000.0, "units per round; above today's output, so capacity matters"),
    "demand_noise": (0.04, "sd of demand per round"),
    "backlog_cap_rounds": (1.0, "orders beyond one month of backlog are lost"),
    "normal_lead_days": (5.0, "working days customers accept waiting for an order"),
    "late_order_cancel_rate": (0.3, "share of the orders waiting beyond the normal lead time that customers cancel "
                               "each month (Corsten & Gruen 2003: about 31% of customers facing a stock-out buy "
                               "elsewhere)"),
    "price": (200.0, "money per good unit; with these costs materials are 47% and production wages about 16% of "
              "sales (US Census Annual Survey of Manufactures: materials about half, payroll 15-20% of shipments)"),
    "material_cost": (95.0, "money per unit from the main supplier (volume price)"),
    "second_supplier_premium": (6.65, "extra money per unit on supplier 2's share (7%: a smaller volume, a second "
                                "qualification to keep)"),
    "wage": (28.0, "money per worker hour"),
    "overtime_premium": (0.5, "overtime paid at 150%"),
    "saturday_premium": (0.25, "Saturday shifts paid at 125%"),
    "temp_wage": (40.0, "money per agency-worker hour"),
    "hire_cost": (3_000.0, "recruiting per hire"),
    "severance": (8_000.0, "per exit"),
    "tech_wage": (35.0, "money per technician hour"),
    "pm_parts_per_hour": (80.0, "parts per PM hour"),
    "corrective_cost_multiplier": (2.5, "corrective work costs 2.5x planned work per hour (MODEL.md: 2-3x)"),
    "trainer_cost_per_hour": (20.0, "trainer and material per training hour"),
    "cross_training_cost_per_worker": (400.0, "per worker of target coverage and per extra station skill, per round"),
    "quality_program_cost": (40_000.0, "per round at full intensity"),
    "inspection_cost": ({"light": 0.3, "standard": 0.6, "full": 1.2}, "money per unit inspected"),
    "engineering_cost_per_hour": (70.0, "engineering hour"),
    "warranty_cost": (150.0, "per escaped defect, paid the next round"),
    "outsourcing_unit_cost": (170.0, "money per outsourced finished unit (a subcontractor's price: 85% of ours)"),
    "holding_rate": (0.02, "per round on material value of raw, WIP and finished stock"),
    "energy_cost_per_machine_hour": (9.0, "about 60 kW at 0.15 per kWh"),
    "backup_standby_cost": (8_000.0, "per round once the backup line exists"),
    "injury_cost": (15_000.0, "per injury (claims, investigation)"),
    "overhead": (520_000.0, "fixed cost per round: salaried staff, depreciation, site (the neglected plant earns a thin "
                 "margin)"),
    "initial_cash": (1_000_000.0, "opening cash"),
    "initial_backlog": (1_500.0, "orders already late"),
    "initial_fg": (500.0, "finished goods on hand"),
    "initial_raw_days": (3.0, "raw material on hand, days of demand (the default cover)"),
}

DEFAULT_PARAMS: dict[str, object] = {k: v for k, (v, _) in PARAM_DOCS.items()}


def merge_params(overrides: dict) -> dict:
    unknown = set(overrides) - set(DEFAULT_PARAMS)
    if unknown:
        raise ValueError(f"unknown scenario parameters: {sorted(unknown)}")
    out = dict(DEFAULT_PARAMS)
    out.update(overrides)
    return out


# ---- the parameter schema for authored scenarios ------------------------------------------------
# name -> (low, high): the values a scenario authored in the browser may give a parameter; each item
# of a list (one per station) or of an object (one per inspection level) must lie in the range, and
# the value must have the default's shape and type (a whole number where the default is one). The
# bounds keep the plant runnable and plausible: time constants and divisors above zero, shares within
# 0..1, money and stock not negative, rates and times within an order of magnitude or so of the
# default. low == high: fixed, the engine's calendar (22 working days, 26 with Saturdays, two 8 h
# shifts, PM planned weekly) is built into the model and the disruption days. docs/scenarios.md
# lists them; tests/engine/test_params.py plays one round at every bound.
PARAM_RANGES: dict[str, tuple[float, float]] = {
    # time (fixed)
    "days_per_round": (22, 22), "hours_per_shift": (8, 8), "weeks_per_round": (4, 4),
    # flow
    "rate": (5.0, 200.0), "buffer_cap": (0.0, 1_000.0), "initial_wip": (0.0, 1_000.0),
    "speed_factor": (0.5, 1.0), "skill_speed_floor": (0.0, 1.0), "skill_speed_gain": (0.0, 1.0),
    "minor_stop_base": (0.0, 0.4), "minor_stop_backlog_gain": (0.0, 0.2), "setpoint_gain": (0.0, 0.2),
    "setpoint_defect_elasticity": (0.0, 10.0), "changeover_hours_per_day": (0.0, 8.0),
    # equipment
    "eta": (100.0, 20_000.0), "beta": (0.5, 5.0), "random_mtbf": (20.0, 20_000.0), "random_mttr": (0.1, 48.0),
    "induced_failure_prob": (0.0, 0.5), "induced_window_hours": (1.0, 500.0), "induced_mttr": (0.1, 48.0),
    "initial_age": (0.0, 20_000.0), "pm_age_reduction_per_hour": (0.0, 0.5), "pm_required": (1.0, 120.0),
    "pm_downtime_share": (0.0, 1.0), "mttr": (0.1, 72.0), "unfunded_repair_wait_hours": (0.0, 168.0),
    "repair_reserve": (0.0, 500_000.0), "mttr_sigma": (0.0, 2.0), "techs_per_repair": (1.0, 6.0),
    "tech_hours_per_month": (40.0, 250.0), "initial_pm_backlog": (0.0, 500.0),
    # labor
    "crew_per_station": (1.0, 30.0), "initial_headcount": (5, 500), "initial_skill": (0.1, 1.0),
    "skill_tau": (0.5, 24.0), "new_hire_skill": (0.0, 1.0), "temp_skill": (0.0, 1.0),
    "base_absenteeism": (0.0, 0.5), "fatigue_build_days": (1.0, 200.0), "fatigue_recover_days": (1.0, 100.0),
    "fatigue_speed_loss": (0.0, 1.0), "output_linear_hours": (30.0, 70.0), "output_flat_hours": (40.0, 90.0),
    "fatigue_defect_gain": (0.0, 5.0), "fatigue_absence_gain": (0.0, 5.0), "base_quit_rate": (0.0, 0.2),
    "quit_fatigue_gain": (0.0, 10.0), "quit_intent_tau": (0.5, 24.0), "injury_rate_per_1000h": (0.0, 0.5),
    "injury_long_hours_gain": (0.0, 5.0), "injury_days_lost": (0.0, 60.0), "cross_train_tau": (0.5, 24.0),
    "off_station_efficiency": (0.1, 1.0),
    # quality
    "defect_base": (0.0, 0.5), "defect_skill_gain": (0.0, 10.0), "defect_age_gain": (0.0, 5.0),
    "quality_program_tau": (0.5, 24.0), "quality_program_effect": (0.0, 1.0), "inspection_catch": (0.0, 1.0),
    "inspection_rate_loss": (0.0, 0.5), "escape_demand_penalty": (0.0, 20.0), "goodwill_tau": (0.5, 24.0),
    # projects and engineering
    "switching_loss": (0.0, 2.0), "overload_loss": (0.0, 5.0), "project_crash_share": (0.1, 1.0),
    "ramp_initial_gap": (0.0, 0.9), "learning_progress_ratio": (0.5, 1.0), "learning_unit": (100.0, 100_000.0),
    "ramp_support_hours": (0.0, 500.0), "ramp_defect_gain": (0.0, 10.0), "debottleneck_gain": (0.0, 1.0), "new_equipment_gain": (0.0, 1.0),
    "automation_perf_gain": (0.0, 0.5), "automation_crew_cut": (0.0, 0.8), "project_install_hours": (0.0, 176.0),
    # network
    "supplier_cover_rate": (1.0, 10.0), "supplier2_surge": (1.0, 5.0), "supplier2_surge_days": (1.0, 60.0),
    "site_outage_prob": (0.0, 1.0), "site_outage_days": (0.0, 22.0), "absence_wave_prob": (0.0, 1.0),
    "absence_wave_share": (0.0, 0.8), "random_supplier_failure_prob": (0.0, 1.0),
    "random_supplier_failure_days": (0.5, 22.0), "backup_capacity_share": (0.0, 1.0),
    "backup_activation_hours": (0.0, 176.0),
    # market and money
    "demand": (500.0, 40_000.0), "demand_noise": (0.0, 0.5), "backlog_cap_rounds": (0.0, 6.0),
    "normal_lead_days": (0.0, 22.0), "late_order_cancel_rate": (0.0, 1.0), "price": (1.0, 10_000.0),
    "material_cost": (0.0, 10_000.0), "second_supplier_premium": (0.0, 1_000.0), "wage": (1.0, 500.0),
    "overtime_premium": (0.0, 2.0), "saturday_premium": (0.0, 2.0), "temp_wage": (1.0, 500.0),
    "hire_cost": (0.0, 100_000.0), "severance": (0.0, 500_000.0), "tech_wage": (1.0, 500.0),
    "pm_parts_per_hour": (1.0, 5_000.0), "corrective_cost_multiplier": (1.0, 10.0),
    "trainer_cost_per_hour": (0.0, 1_000.0), "cross_training_cost_per_worker": (0.0, 20_000.0),
    "quality_program_cost": (1.0, 1_000_000.0), "inspection_cost": (0.0, 100.0),
    "engineering_cost_per_hour": (1.0, 1_000.0), "warranty_cost": (0.0, 10_000.0),
    "outsourcing_unit_cost": (0.0, 10_000.0), "holding_rate": (0.0, 0.5), "energy_cost_per_machine_hour": (0.0, 1_000.0),
    "backup_standby_cost": (0.0, 1_000_000.0), "injury_cost": (0.0, 1_000_000.0), "overhead": (0.0, 10_000_000.0),
    "initial_cash": (-10_000_000.0, 100_000_000.0), "initial_backlog": (0.0, 100_000.0),
    "initial_fg": (0.0, 100_000.0), "initial_raw_days": (0.0, 60.0),
}


class ParamError(ValueError):
    """A scenario parameter the schema does not allow; names the parameter and what is allowed."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _num(x) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,g}"


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) != float("inf")


def param_range_text(name: str) -> str:
    """What parameter `name` may be, in words: 'a number between 0 and 1', 'fixed at 22', ..."""
    default = DEFAULT_PARAMS[name]
    low, high = PARAM_RANGES[name]
    if low == high:
        return f"fixed at {_num(low)}"
    what = "a whole number" if isinstance(default, int) else "a number"
    span = f"between {_num(low)} and {_num(high)}"
    if isinstance(default, list):
        return f"a list of {len(default)} numbers (one per station), each {span}"
    if isinstance(default, dict):
        return f"an object with the keys {', '.join(default)}, each a number {span}"
    return f"{what} {span}"


def _default_text(default) -> str:
    if isinstance(default, list):
        return "[" + ", ".join(_num(x) for x in default) + "]"
    if isinstance(default, dict):
        return "{" + ", ".join(f"{k}: {_num(x)}" for k, x in default.items()) + "}"
    return _num(default)


def _scalar(value, default, low, high):
    if not _is_number(value) or (isinstance(default, int) and float(value) != int(value)):
        return None
    value = int(value) if isinstance(default, int) else float(value)
    return value if low <= value <= high else None


def param_check(name: str, value):
    """One parameter override, coerced to the default's type; ParamError naming it when the schema does
    not allow it (unknown name, wrong shape or type, out of range)."""
    if name not in DEFAULT_PARAMS:
        close = difflib.get_close_matches(name, list(DEFAULT_PARAMS), n=3) if isinstance(name, str) else []
        hint = f" (did you mean {' or '.join(close[:3])}?)" if close else ""
        raise ParamError(str(name), f"unknown parameter{hint}; the known parameters are listed in docs/scenarios.md")
    default = DEFAULT_PARAMS[name]
    low, high = PARAM_RANGES[name]
    problem = ParamError(name, f"must be {param_range_text(name)} (default {_default_text(default)})")
    if low == high:
        problem = ParamError(name, f"is {param_range_text(name)}: the engine's calendar cannot change")
    if isinstance(default, list):
        if not isinstance(value, list) or len(value) != len(default):
            raise problem
        out = [_scalar(v, d, low, high) for v, d in zip(value, default)]
    elif isinstance(default, dict):
        if not isinstance(value, dict) or set(value) != set(default):
            raise problem
        out = {k: _scalar(value[k], d, low, high) for k, d in default.items()}
    else:
        out = _scalar(value, default, low, high)
    if out is None or (isinstance(out, list) and None in out) or (isinstance(out, dict) and None in out.values()):
        raise problem
    return out


def params_cross_check(params: dict) -> None:
    """Rules between parameters (params: merged with the defaults); ParamError naming the one to change."""
    if params["output_flat_hours"] <= params["output_linear_hours"]:
        raise ParamError("output_flat_hours", "must be above output_linear_hours "
                         f"({_num(params['output_linear_hours'])}): output flattens after it grows linearly")
    if params["price"] <= params["material_cost"]:
        raise ParamError("price", f"must be above material_cost ({_num(params['material_cost'])}): every unit "
                         "would lose money before any other cost")
    for i, (wip, cap) in enumerate(zip(params["initial_wip"], params["buffer_cap"])):
        if i > 0 and wip > cap:
            raise ParamError("initial_wip", f"station {i + 1} starts with {_num(wip)} units waiting, more than its "
                             f"buffer_cap of {_num(cap)}")
