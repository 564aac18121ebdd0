"""What-if preview: bands ordered, reproducible, centred on what the plant actually does."""
import numpy as np

from game.engine import default_levers, initial_state, load_scenario, preview, simulate_round, state_to_team_dicts
from game.engine.strategies import funded

SC = load_scenario("demo")
TEAM = state_to_team_dicts(initial_state(SC, 1))[0]


def test_bands_are_ordered_and_spread():
    out = preview(TEAM, default_levers(SC), SC, n_samples=200, seed=4)
    assert out["n_samples"] == 200
    for name, b in out["kpis"].items():
        assert b["p10"] <= b["p50"] <= b["p90"], name
    assert out["kpis"]["good_units"]["p90"] > out["kpis"]["good_units"]["p10"]


def test_reproducible_for_a_seed():
    lv = default_levers(SC)
    assert preview(TEAM, lv, SC, n_samples=50, seed=9) == preview(TEAM, lv, SC, n_samples=50, seed=9)


def test_mean_matches_simulated_rounds():
    lv = default_levers(SC)
    pv = preview(TEAM, lv, SC, n_samples=200, seed=1)["kpis"]["good_units"]["mean"]
    real = np.mean([simulate_round(initial_state(SC, 1), [lv], SC, [[]], seed=s, round_number=1)[1][0]["good_units"]
                    for s in range(40)])
    assert abs(pv / real - 1) < 0.03, (pv, real)


def test_preview_tells_overtime_from_no_overtime():
    base = preview(TEAM, funded({}, SC), SC, n_samples=100)["kpis"]["good_units"]["mean"]
    ot = preview(TEAM, funded({"overtime_share": 0.25, "production_target": 16000}, SC), SC, n_samples=100)
    assert ot["kpis"]["good_units"]["mean"] > 1.08 * base


def test_impact_compares_the_same_futures_without_and_with_the_disruption():
    from game.engine import Disruption, preview_impact

    lv = default_levers(SC)
    down = Disruption.from_dict({"kind": "site_outage", "start_day": 2, "duration_days": 5, "magnitude": 1.0})
    [one] = preview_impact([TEAM], [lv], SC, down, n_samples=100, seed=4, round_number=2)
    calm = preview(TEAM, lv, SC, n_samples=100, seed=4, round_number=2)["kpis"]
    for key in ("good_units", "cash", "scorecard"):
        k = one["kpis"][key]
        assert k["without"] == calm[key]  # the 'without' run is the team's own preview
        for part in ("without", "with", "difference"):
            assert k[part]["p10"] <= k[part]["p50"] <= k[part]["p90"], (key, part)
        assert k["difference"]["p90"] < 0 and k["with"]["p50"] < k["without"]["p50"], key
    # A disruption that changes nothing differs by nothing, in every sampled future (common random numbers).
    nothing = Disruption.from_dict({"kind": "machine_breakdown", "duration_days": 5, "magnitude": 0.0})
    [same] = preview_impact([TEAM], [lv], SC, nothing, n_samples=50, seed=4)
    assert all(v["difference"]["p10"] == v["difference"]["p90"] == 0.0 for v in same["kpis"].values())
    # Several teams in one run, each with its own package and the disruptions already set for it (in both runs).
    two = preview_impact([TEAM, TEAM], [lv, {**lv, "overtime_share": 0.25}], SC, down, n_samples=50, seed=4,
                         base_disruptions=[[], [down]])
    assert len(two) == 2 and two[1]["kpis"]["good_units"]["without"]["p50"] < one["kpis"]["good_units"]["without"]["p50"]
