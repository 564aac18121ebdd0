"""Scenarios to and from their JSON form: files are checked strictly, stored snapshots leniently."""
import json

import pytest

from game.engine import load_scenario, scenario_names
from game.engine.params import DEFAULT_PARAMS
from game.engine.scenario import scenario_from_dict, scenario_to_dict


@pytest.mark.parametrize("name", scenario_names())
def test_snapshot_round_trips(name):
    scenario = load_scenario(name)
    snapshot = scenario_to_dict(scenario)
    assert json.loads(json.dumps(snapshot)) == snapshot  # plain JSON
    again = scenario_from_dict(snapshot, strict=False)
    assert again == scenario
    assert again.params == scenario.params
    assert again.disruption_schedule == scenario.disruption_schedule
    assert again.default_levers == scenario.default_levers
    assert again.teaching_note == scenario.teaching_note
    assert scenario_to_dict(again) == snapshot


def test_snapshot_holds_every_parameter_not_only_overrides():
    snapshot = scenario_to_dict(load_scenario("demo"))
    assert set(snapshot["params"]) == set(DEFAULT_PARAMS)


def test_snapshot_is_a_copy():
    scenario = load_scenario("demo")
    snapshot = scenario_to_dict(scenario)
    snapshot["params"]["rate"][0] = -1.0
    assert scenario.params["rate"][0] != -1.0
    assert DEFAULT_PARAMS["rate"][0] != -1.0


def test_scheduled_disruptions_round_trip():
    scenario = load_scenario("shocks")
    assert scenario.disruption_schedule
    again = scenario_from_dict(scenario_to_dict(scenario))
    assert again.disruption_schedule == scenario.disruption_schedule
    assert [d.round for d in again.disruption_schedule] == [d.round for d in scenario.disruption_schedule]


def test_old_snapshot_with_a_removed_parameter_still_loads():
    snapshot = scenario_to_dict(load_scenario("demo"))
    snapshot["params"]["a_parameter_since_removed"] = 3.0
    snapshot["params"]["demand"] = 9_000.0
    del snapshot["params"]["price"]  # a parameter added after the snapshot was taken
    scenario = scenario_from_dict(snapshot, strict=False)
    assert "a_parameter_since_removed" not in scenario.params
    assert scenario.params["demand"] == 9_000.0
    assert scenario.params["price"] == DEFAULT_PARAMS["price"]


def test_scenario_files_stay_strict():
    with pytest.raises(ValueError, match="a_typo"):
        scenario_from_dict({"name": "x", "title": "", "description": "", "params": {"a_typo": 1}})
    with pytest.raises(ValueError, match="teaching_note"):
        scenario_from_dict({"name": "x", "title": "", "description": "", "teaching_note": {"abuot": "x"}})


def test_teaching_note():
    d = {"name": "x", "title": "", "description": "",
         "teaching_note": {"about": "PM pays back", "trap": "overtime", "strong_team": "fixes the bottleneck"}}
    scenario = scenario_from_dict(d)
    assert scenario.teaching_note["trap"] == "overtime"
    assert scenario_to_dict(scenario)["teaching_note"] == d["teaching_note"]
    assert scenario_from_dict({"name": "x", "title": "", "description": ""}).teaching_note == {}
    with pytest.raises(ValueError):
        scenario_from_dict({**d, "teaching_note": {"about": 3}})
    lenient = scenario_from_dict({**d, "teaching_note": {"about": "a", "later_key": "b"}}, strict=False)
    assert lenient.teaching_note == {"about": "a"}
