import numpy as np
import pytest

from game.engine import initial_state, load_scenario, state_to_team_dicts
from game.engine.stations import station_view


@pytest.fixture
def demo_state():
    return state_to_team_dicts(initial_state(load_scenario("demo"), 1))[0]


def test_the_bottleneck_is_the_slowest_effective_station(demo_state):
    view = station_view(demo_state)
    slowest = int(np.argmin(np.asarray(demo_state["rate"]) * (1 - np.asarray(demo_state["ramp_gap"]))))
    assert [s["bottleneck"] for s in view].index(True) == slowest
    assert sum(s["bottleneck"] for s in view) == 1


def test_a_ramping_station_can_become_the_bottleneck(demo_state):
    state = {**demo_state, "ramp_gap": [0.0, 0.0, 0.0, 0.0, 0.5]}
    view = station_view(state)
    assert view[4]["bottleneck"] and view[4]["effective_rate"] == pytest.approx(state["rate"][4] * 0.5, abs=0.1)


def test_older_equipment_expects_more_failures(demo_state):
    young = {**demo_state, "age": [100.0] * 5}
    old = {**demo_state, "age": [3000.0] * 5}
    for y, o in zip(station_view(young), station_view(old)):
        assert o["expected_failures_next_month"] > y["expected_failures_next_month"] > 0
        assert o["wear"] > y["wear"]


def test_the_buffer_after_a_station_is_the_wip_waiting_in_front_of_the_next(demo_state):
    state = {**demo_state, "wip": [0.0, 12.0, 34.5, 0.0, 78.26]}
    view = station_view(state)
    assert [s["buffer_after"] for s in view] == [12.0, 34.5, 0.0, 78.3, None]  # the last feeds finished goods
    assert {"station", "rate", "effective_rate", "wear", "pm_backlog_hours", "expected_failures_next_month",
            "bottleneck", "buffer_after", "buffer_capacity"} <= set(view[0])


def test_the_buffer_capacity_is_the_cap_the_flow_applies_after_each_station(demo_state):
    params = {**load_scenario("demo").params, "buffer_cap": [0.0, 80.0, 90.0, 100.0, 110.0]}
    view = station_view(demo_state, params=params)
    assert [s["buffer_capacity"] for s in view] == [80.0, 90.0, 100.0, 110.0, None]
