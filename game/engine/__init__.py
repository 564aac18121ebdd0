"""The plant simulation engine: pure Python + NumPy, no Django.

Public interface (the game app integrates against these names):
levers and validation, scenarios, disruptions, batched state, the round step, KPIs,
mistake detectors and the what-if preview.
"""
from .capacity import monthly_capacity
from .disruptions import DISRUPTION_KINDS, Disruption
from .levers import (LEVERS, PROJECTS, ROLES, DecisionError, LeverSpec, default_levers, lever_specs_json,
                     validate_lever, validate_levers, validate_package)
from .mistakes import detect_mistakes
from .model import simulate_round
from .preview import preview, preview_impact  # rebinds the name: engine.preview is the function, not the module
from .scenario import Scenario, load_scenario, scenario_names
from .state import PlantState, initial_state, state_from_team_dicts, state_to_team_dicts
from .stations import station_view

__all__ = [
    "ROLES", "LEVERS", "PROJECTS", "LeverSpec", "lever_specs_json", "DecisionError", "validate_lever",
    "validate_levers", "validate_package", "default_levers", "Scenario", "load_scenario", "scenario_names",
    "Disruption", "DISRUPTION_KINDS", "PlantState", "initial_state", "state_to_team_dicts",
    "state_from_team_dicts", "station_view", "simulate_round", "detect_mistakes", "preview", "preview_impact",
    "monthly_capacity",
]

