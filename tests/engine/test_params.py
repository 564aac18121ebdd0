"""The parameter schema for authored scenarios: every parameter has a range, the defaults and the shipped
scenarios lie in it, bad values are named, and the plant still runs at every bound."""
import dataclasses
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from game.engine import load_scenario, scenario_names
from game.engine.params import (DEFAULT_PARAMS, PARAM_RANGES, ParamError, param_check, param_range_text,
                                params_cross_check)
from game.engine.strategies import do_nothing, play


def test_every_parameter_has_a_range_holding_its_default():
    assert set(PARAM_RANGES) == set(DEFAULT_PARAMS)
    for name, default in DEFAULT_PARAMS.items():
        assert param_check(name, default) == default, name
    params_cross_check(DEFAULT_PARAMS)


@pytest.mark.parametrize("name", scenario_names())
def test_shipped_scenarios_lie_in_the_ranges(name):
    params = load_scenario(name).params
    for key, value in params.items():
        param_check(key, value)
    params_cross_check(params)


@pytest.mark.parametrize("name, value, words", [
    ("demand", 100.0, "demand: must be a number between 500 and 40,000 (default 11,000)"),
    ("demand", "12000", "demand: must be a number between 500"),
    ("demand", True, "demand: must be a number"),
    ("demand", float("nan"), "demand: must be a number"),
    ("initial_headcount", 62.5, "initial_headcount: must be a whole number between 5 and 500"),
    ("rate", [50, 50, 50, 50], "rate: must be a list of 5 numbers (one per station), each between 5 and 200"),
    ("rate", [50, 50, 500, 50, 50], "rate: must be a list of 5 numbers"),
    ("inspection_catch", {"light": 0.5, "standard": 0.8}, "inspection_catch: must be an object with the keys light"),
    ("inspection_catch", {"light": 0.5, "standard": 0.8, "full": 1.5}, "each a number between 0 and 1"),
    ("days_per_round", 20, "days_per_round: is fixed at 22"),
    ("demnd", 12000, "demnd: unknown parameter (did you mean demand?)"),
])
def test_bad_values_are_named_with_what_is_allowed(name, value, words):
    with pytest.raises(ParamError) as caught:
        param_check(name, value)
    assert caught.value.field == name
    assert words in str(caught.value) and str(caught.value).startswith(name)


def test_values_take_the_defaults_type():
    assert param_check("initial_headcount", 70.0) == 70 and isinstance(param_check("initial_headcount", 70.0), int)
    assert param_check("demand", 12_000) == 12_000.0 and isinstance(param_check("demand", 12_000), float)
    assert param_check("rate", [40, 41, 42, 43, 44]) == [40.0, 41.0, 42.0, 43.0, 44.0]


def test_cross_checks():
    with pytest.raises(ParamError, match="output_flat_hours: must be above output_linear_hours"):
        params_cross_check({**DEFAULT_PARAMS, "output_linear_hours": 60.0, "output_flat_hours": 50.0})
    with pytest.raises(ParamError, match="initial_wip: station 3 starts with 150 units"):
        params_cross_check({**DEFAULT_PARAMS, "initial_wip": [0.0, 60.0, 150.0, 60.0, 60.0]})
    with pytest.raises(ParamError, match="price: must be above material_cost"):
        params_cross_check({**DEFAULT_PARAMS, "price": 90.0})


def test_range_text():
    assert param_range_text("speed_factor") == "a number between 0.5 and 1"
    assert param_range_text("weeks_per_round") == "fixed at 4"


def _at(name, which):
    default = DEFAULT_PARAMS[name]
    bound = PARAM_RANGES[name][which]
    if isinstance(default, list):
        return [bound] * len(default)
    if isinstance(default, dict):
        return {k: bound for k in default}
    return type(default)(bound)


def _runnable(params: dict) -> dict:
    """Bring the partner of a cross-checked pair along, so a bound is tried on its own."""
    if params["output_flat_hours"] <= params["output_linear_hours"]:
        params["output_flat_hours"] = params["output_linear_hours"] + 1.0
    if params["price"] <= params["material_cost"]:
        params["material_cost"] = params["price"] / 2
    params["initial_wip"] = [min(w, c) if i else w for i, (w, c) in
                             enumerate(zip(params["initial_wip"], params["buffer_cap"]))]
    return params


@pytest.mark.filterwarnings("error::RuntimeWarning")  # a division by zero is a bound too wide
@pytest.mark.parametrize("which", [0, 1], ids=["low", "high"])
def test_the_plant_runs_at_every_bound(which):
    base = load_scenario("demo")
    failures = []
    for name in PARAM_RANGES:
        params = _runnable({**base.params, name: _at(name, which)})
        params_cross_check(params)
        scenario = dataclasses.replace(base, params=params)
        try:
            (history,) = play([do_nothing], scenario, seed=3, rounds=1)
        except Exception as exc:  # noqa: BLE001 - collect every failing bound, then report them all
            failures.append(f"{name}={_at(name, which)}: {type(exc).__name__}: {exc}")
            continue
        for row in history:
            bad = [k for k, v in row["kpis"].items()
                   if isinstance(v, (float, np.floating)) and not math.isfinite(v)]
            if bad:
                failures.append(f"{name}={_at(name, which)}: round {row['round']} not finite: {bad}")
    assert not failures, "\n".join(failures)


def test_docs_list_every_range():
    """docs/scenarios.md holds the table bench/engine/doc_tables.py --ranges prints from PARAM_RANGES."""
    root = Path(__file__).resolve().parents[2]
    table = subprocess.run([sys.executable, "bench/engine/doc_tables.py", "--ranges"], cwd=root, check=True,
                           capture_output=True, text=True).stdout.strip()
    assert table.count("\n") == len(PARAM_RANGES) + 1
    assert table in (root / "docs" / "scenarios.md").read_text(), (
        "docs/scenarios.md is behind the parameter ranges: paste `.venv/bin/python bench/engine/doc_tables.py "
        "--ranges` into it")
