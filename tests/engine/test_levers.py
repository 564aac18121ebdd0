"""Decision schema: every lever validated with the field named; package rules; defaults valid."""
import pytest
from hypothesis import given, settings, strategies as st

from game.engine import (LEVERS, ROLES, DecisionError, default_levers, lever_specs_json, load_scenario,
                         validate_lever, validate_package)
from game.engine.budget import package_cuts

SC = load_scenario("demo")


def test_every_lever_has_one_known_role_and_all_roles_own_some():
    assert {s.role for s in LEVERS.values()} == set(ROLES)
    assert 15 <= len(LEVERS) <= 25


def test_defaults_form_a_valid_package():
    validate_package(default_levers(SC), SC)


def test_specs_json_is_json_safe_and_complete():
    import json
    specs = lever_specs_json()
    assert [s["name"] for s in specs] == list(LEVERS)
    json.dumps(specs)


@pytest.mark.parametrize("name,value", [
    ("overtime_share", 0.31), ("overtime_share", "0.1"), ("overtime_share", True), ("overtime_share", None),
    ("overtime_share", float("nan")), ("technicians", 2.5), ("technicians", 0), ("pm_hours", [8, 8, 8, 8]),
    ("pm_hours", [8, 8, 8, 8, 121]), ("pm_hours", [8, 8, 8, 8, "8"]), ("inspection_level", "extreme"),
    ("projects", ["debottleneck_s3", "debottleneck_s3"]), ("projects", ["teleporter"]), ("projects", "automation"),
])
def test_invalid_lever_rejected_with_field_named(name, value):
    with pytest.raises(DecisionError) as e:
        validate_lever(name, value)
    assert e.value.field == name
    assert str(e.value).startswith(f"{name}: ")


def test_error_message_names_range():
    with pytest.raises(DecisionError) as e:
        validate_lever("overtime_share", 0.5)
    assert str(e.value) == "overtime_share: must be a number between 0 and 0.3"


def test_unknown_lever():
    with pytest.raises(DecisionError) as e:
        validate_lever("bribes", 1)
    assert e.value.field == "bribes"


def test_weights_must_sum_to_100():
    lv = default_levers(SC) | {"priority_weights": [50, 20, 20, 20, 20]}
    with pytest.raises(DecisionError) as e:
        validate_package(lv, SC)
    assert e.value.field == "priority_weights"


@pytest.mark.parametrize("lever,value,envelope", [
    ("technicians", 12, "maintenance_budget"),
    ("training_hours", 16, "training_budget"),
    ("quality_program", 1.0, "quality_budget"),
    ("projects", ["new_equipment_s3", "automation"], "capex_budget"),
])
def test_spending_beyond_an_envelope_is_allowed_and_the_cut_is_named(lever, value, envelope):
    lv = default_levers(SC) | {lever: value}
    validate_package(lv, SC)  # a choice with consequences, not an error
    cuts = package_cuts(lv, SC.params)
    assert [c["envelope"] for c in cuts] == [envelope]
    cut = cuts[0]
    assert cut["role"] == "finance" and cut["shortfall"] == pytest.approx(cut["planned"] - cut["cap"], abs=0.01)
    assert cut["shortfall"] > 0 and cut["cut"]
    lv[envelope] = LEVERS[envelope].max
    assert package_cuts(lv, SC.params) == []


def test_default_package_is_fully_funded():
    assert package_cuts(default_levers(SC), SC.params) == []


def test_hiring_and_firing_at_once_is_refused():
    with pytest.raises(DecisionError) as e:
        validate_package(default_levers(SC) | {"hires": 2, "exits": 1}, SC)
    assert e.value.field == "exits"


def test_missing_lever_named():
    lv = default_levers(SC)
    del lv["hires"]
    with pytest.raises(DecisionError) as e:
        validate_package(lv, SC)
    assert e.value.field == "hires"


numbers = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                    st.text(max_size=3), st.none(), st.lists(st.integers(-5, 200), max_size=6))


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(list(LEVERS)), value=numbers)
def test_validate_lever_accepts_only_in_range(name, value):
    spec = LEVERS[name]
    try:
        out = validate_lever(name, value)
    except DecisionError as e:
        assert e.field == name
        return
    if spec.kind in ("int", "float"):
        assert not isinstance(value, (bool, str)) and spec.min <= out <= spec.max
    elif spec.kind == "int_list":
        assert len(out) == spec.length and all(spec.min <= v <= spec.max for v in out)
    elif spec.kind in ("choice",):
        assert out in spec.choices
    else:
        assert set(out) <= set(spec.choices)
