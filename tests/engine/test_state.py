"""State serialisation: JSON-safe, compact, exact round trip."""
import json

import numpy as np

from game.engine import default_levers, initial_state, load_scenario, simulate_round, state_from_team_dicts, state_to_team_dicts
from game.engine.state import STATE_SHAPES

SC = load_scenario("demo")


def test_round_trip_is_exact_after_a_round():
    st = initial_state(SC, 3)
    lv = default_levers(SC)
    st, _ = simulate_round(st, [lv] * 3, SC, [[]] * 3, seed=5, round_number=1)
    dicts = json.loads(json.dumps(state_to_team_dicts(st)))
    back = state_from_team_dicts(dicts, SC)
    for k in STATE_SHAPES:
        np.testing.assert_array_equal(getattr(back, k), getattr(st, k), err_msg=k)


def test_missing_field_is_named():
    d = state_to_team_dicts(initial_state(SC, 1))[0]
    del d["fatigue"]
    try:
        state_from_team_dicts([d])
    except ValueError as e:
        assert "fatigue" in str(e)
    else:
        raise AssertionError("accepted a state without fatigue")


def test_a_state_stored_before_a_field_existed_takes_the_starting_value():
    d = state_to_team_dicts(initial_state(SC, 1))[0]
    d["fatigue"] = 0.3
    del d["cross_breadth"]
    st = state_from_team_dicts([d], SC)
    assert st.cross_breadth[0] == 1.0 and st.fatigue[0] == 0.3


def test_every_shipped_scenario_loads_validates_and_runs():
    from game.engine import scenario_names, validate_package
    assert "demo" in scenario_names()
    for name in scenario_names():
        sc = load_scenario(name)
        assert sc.rounds >= 1 and sc.minutes_per_round >= 1 and sc.title and sc.description
        lv = default_levers(sc)
        validate_package(lv, sc)
        st = initial_state(sc, 2)
        for r in range(1, sc.rounds + 1):
            dis = [list(sc.disruptions_for_round(r))] * 2
            st, k = simulate_round(st, [lv, lv], sc, dis, seed=1, round_number=r)
        assert k[0]["round"] == sc.rounds
