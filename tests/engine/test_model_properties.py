"""Any valid package, any disruption: the step stays finite, conserves units, keeps KPIs in range."""
import math

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from game.engine import DISRUPTION_KINDS, LEVERS, Disruption, initial_state, load_scenario, simulate_round
from game.engine.strategies import funded

SC = load_scenario("demo")


def lever_value(spec):
    if spec.kind == "int":
        return st.integers(int(spec.min), int(spec.max))
    if spec.kind == "float":
        return st.floats(spec.min, spec.max, allow_nan=False)
    if spec.kind == "int_list":
        return st.lists(st.integers(int(spec.min), int(spec.max)), min_size=spec.length, max_size=spec.length)
    if spec.kind == "choice":
        return st.sampled_from(spec.choices)
    return st.lists(st.sampled_from(spec.choices), unique=True, max_size=4)


OPERATIONAL = [n for n, s in LEVERS.items() if s.role != "finance" and n != "priority_weights"] + \
    ["outsourcing_units", "raw_material_cover_days"]
packages = st.fixed_dictionaries({n: lever_value(LEVERS[n]) for n in OPERATIONAL}).map(
    lambda d: funded(d | ({"exits": 0} if d["hires"] else {}), SC))
disruption = st.builds(lambda k, s, d, m: Disruption(k, (), s, d, m), st.sampled_from(sorted(DISRUPTION_KINDS)),
                       st.integers(0, 21), st.floats(0.5, 22), st.floats(0, 1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pk=st.lists(packages, min_size=1, max_size=3), dis=st.lists(disruption, max_size=2), seed=st.integers(0, 99))
def test_any_valid_package_is_safe(pk, dis, seed):
    n = len(pk)
    state = initial_state(SC, n)
    for r in (1, 2):
        before = state
        state, kpis = simulate_round(state, pk, SC, [list(dis)] * n, seed=seed, round_number=r)
        for t, k in enumerate(kpis):
            for name, v in k.items():
                if isinstance(v, float):
                    assert math.isfinite(v), name
            assert 0 <= k["first_pass_yield"] <= 1 and 0 <= k["scorecard"] <= 100
            assert 0 <= k["availability"] <= 1 and k["good_units"] >= 0
            s0 = before.raw[t] + before.wip[t].sum() + before.fg[t]
            s1 = state.raw[t] + state.wip[t].sum() + state.fg[t]
            assert abs(k["purchased_units"] + k["outsourced_units"] - k["shipped_units"] - k["scrap_units"]
                       - (s1 - s0)) < 1e-3
            assert np.all(state.wip[t] >= -1e-9) and np.all(state.wip[t][1:] <= np.asarray(SC.params["buffer_cap"][1:]) + 1e-9)
