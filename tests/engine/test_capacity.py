"""The plant's full-rate month (game/engine/capacity.py), the ceiling a forecast is checked against."""
from game.engine import initial_state, load_scenario, monthly_capacity, state_to_team_dicts


def test_the_demo_plant_at_full_rate_by_hand():
    scenario = load_scenario("demo")
    state = state_to_team_dicts(initial_state(scenario, 1))[0]
    cap = monthly_capacity(state, scenario.params)
    # bottleneck 44 units/h x (26 days x 2 shifts x 8 h x 1.3) = 23,795.2, plus 4 x 60 units waiting = 24,035
    assert cap["bottleneck_rate"] == 44.0 and round(cap["hours"], 1) == 540.8
    assert cap["units"] == 24_035 and cap["revenue"] == 24_035 * 200.0


def test_a_faster_bottleneck_and_an_empty_line():
    scenario = load_scenario("demo")
    state = state_to_team_dicts(initial_state(scenario, 1))[0]
    state = {**state, "rate": [52.0, 50.0, 50.0, 50.0, 54.0], "wip": [0.0] * 5}
    assert monthly_capacity(state, scenario.params)["units"] == 27_040  # 50 x 540.8
