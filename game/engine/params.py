"""Model parameters: value and the reason for it. Scenarios override any of them.

PARAM_DOCS is rendered into docs/model.md, so every number the model uses has a stated source.
"""
from __future__ import annotations

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
    "perf_base": (0.75, "speed and minor-stop losses of a neglected line; calibrates OEE to about 55%"),
    # equipment (Weibull, Kijima II)
    "eta": ([1300.0, 1400.0, 1100.0, 1300.0, 1500.0], "Weibull scale, h (MODEL.md: 500-1500)"),
    "beta": ([2.2, 2.4, 2.5, 2.3, 2.0], "Weibull shape: wear-out parts 1.2-4 (MODEL.md notes)"),
    "initial_age": ([1100.0, 1100.0, 1250.0, 1000.0, 1000.0], "virtual age h: a neglected plant starts worn"),
    "pm_age_reduction_per_hour": (0.05, "Kijima II: v <- v*exp(-k*h); 16 h of PM removes 55% (MODEL.md: 40-70% per PM unit)"),
    "pm_required": ([16.0, 16.0, 20.0, 16.0, 16.0], "OEM-recommended PM hours per station per month; defines backlog and compliance"),
    "pm_downtime_share": (0.5, "half of PM needs the station stopped; the rest fits in breaks and changeovers"),
    "mttr": (8.0, "mean repair time h (lognormal, sigma 0.6) with a technician free"),
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
    "overtime_hour_efficiency": (0.85, "an overtime hour yields 85% of a planned one: support functions lag (Thomas & Raynar 1997)"),
    "fatigue_tau": (1.5, "rounds: fatigue first-order delay (MODEL.md: 1-2 months)"),
    "fatigue_speed_loss": (0.6, "hours worked are scaled by 1 - 0.6*fatigue (MODEL.md: 0.6-0.8; machine-paced, low end)"),
    "fatigue_defect_gain": (2.0, "defect rate x (1 + 2*fatigue): machine-paced plants show fatigue in quality"),
    "base_quit_rate": (0.015, "monthly quits at normal hours (MODEL.md: 1-2%)"),
    "quit_fatigue_gain": (0.35, "extra monthly quit rate per unit of quit intention squared (mild overtime barely moves it)"),
    "quit_intent_tau": (2.0, "rounds: quit intention follows fatigue slowly (months)"),
    "injury_rate_per_1000h": (0.012, "recordable injuries per 1000 worker hours (manufacturing ~3 per 100 FTE-year)"),
    "injury_long_hours_gain": (0.6, "Dembe et al. 2005: +61% hazard on overtime schedules"),
    "injury_days_lost": (10.0, "days away per injury"),
    "cross_train_tau": (3.0, "rounds to build cross-training coverage"),
    "off_station_efficiency": (0.8, "cross-trained workers are slower off their home station (Jordan & Graves 1995 note)"),
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
    "switching_loss": (0.12, "engineering productivity / (1 + 0.12*(n-1)) with n concurrent projects (multitasking)"),
    "overload_loss": (0.5, "productivity / (1 + 0.5*(load-1)+) when load > 1 (firefighting, Repenning 2001)"),
    "ramp_initial_gap": (0.35, "new equipment starts at 65% performance (MODEL.md: 60-70%)"),
    "learning_progress_ratio": (0.85, "gap x ratio per doubling of cumulative output (MODEL.md: 85-90%)"),
    "learning_unit": (800.0, "units that count as the first doubling"),
    "ramp_support_hours": (80.0, "engineering hours per round a ramping station needs for full learning speed"),
    "ramp_defect_gain": (1.0, "defects x (1 + gap): pushing a new machine costs yield (Terwiesch & Bohn 2001)"),
    "debottleneck_gain": (0.2, "rate +20% at the station"),
    "new_equipment_gain": (0.25, "rate +25%, eta x1.4, defect x0.6, age 0"),
    "automation_perf_gain": (0.08, "+8% performance on all stations"),
    "automation_crew_cut": (0.2, "-20% crew needed"),
    "project_install_hours": (16.0, "station stopped to install a station project"),
    # network
    "supplier_cover_rate": (2.5, "a supplier can deliver 2.5x the plant's daily usage"),
    "second_supplier_share": (0.4, "after qualification 40% of volume moves to supplier 2"),
    "random_supplier_failure_prob": (0.03, "a long supplier disruption hits a single-sourced firm about every 3.7 years (MGI 2020)"),
    "random_supplier_failure_days": (6.0, "mean days of a random supplier failure (exponential)"),
    "backup_capacity_share": (0.6, "a backup line carries 60% of bottleneck rate"),
    "backup_activation_hours": (32.0, "hours before a ready backup line produces"),
    # market and money
    "demand": (11_000.0, "units per round; above today's output, so capacity matters"),
    "demand_noise": (0.04, "sd of demand per round"),
    "backlog_cap_rounds": (1.0, "orders beyond one month of backlog are lost"),
    "price": (92.0, "money per good unit"),
    "material_cost": (30.0, "money per unit from the main supplier (volume price)"),
    "second_supplier_premium": (2.0, "extra money per unit on supplier 2's share"),
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
    "cross_training_cost_per_worker": (400.0, "per worker of target coverage per round"),
    "quality_program_cost": (40_000.0, "per round at full intensity"),
    "inspection_cost": ({"light": 0.3, "standard": 0.6, "full": 1.2}, "money per unit inspected"),
    "engineering_cost_per_hour": (70.0, "engineering hour"),
    "warranty_cost": (150.0, "per escaped defect, paid the next round"),
    "outsourcing_unit_cost": (78.0, "money per outsourced finished unit"),
    "holding_rate": (0.02, "per round on material value of raw, WIP and finished stock"),
    "energy_cost_per_machine_hour": (9.0, "about 60 kW at 0.15 per kWh"),
    "backup_standby_cost": (8_000.0, "per round once the backup line exists"),
    "injury_cost": (15_000.0, "per injury (claims, investigation)"),
    "overhead": (110_000.0, "fixed cost per round"),
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
