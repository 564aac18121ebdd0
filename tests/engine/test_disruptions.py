"""Disruptions: validated from JSON with the field named, and each kind moves the KPI it should."""
import pytest

from game.engine import DISRUPTION_KINDS, DecisionError, Disruption, load_scenario
from game.engine import strategies as S

SC = load_scenario("demo")


def test_round_trip():
    d = Disruption.from_dict({"kind": "machine_breakdown", "targets": [2], "start_day": 3, "duration_days": 4,
                              "magnitude": 1.0})
    assert Disruption.from_dict(d.to_dict()) == d


@pytest.mark.parametrize("bad,field", [
    ({"kind": "meteor"}, "kind"),
    ({"kind": "machine_breakdown", "targets": [7]}, "targets"),
    ({"kind": "supplier_failure", "targets": [2]}, "targets"),
    ({"kind": "machine_breakdown", "start_day": 22}, "start_day"),
    ({"kind": "machine_breakdown", "start_day": "1"}, "start_day"),
    ({"kind": "absenteeism", "duration_days": 0}, "duration_days"),
    ({"kind": "absenteeism", "magnitude": 0.9}, "magnitude"),
    ({"kind": "energy_price_spike", "magnitude": True}, "magnitude"),
])
def test_invalid_named(bad, field):
    with pytest.raises(DecisionError) as e:
        Disruption.from_dict(bad)
    assert e.value.field == field


CASES = {
    "machine_breakdown": ({"targets": (2,), "duration_days": 5}, "good_units", -1),
    "supplier_failure": ({"targets": (0,), "duration_days": 8}, "good_units", -1),
    "demand_spike": ({"magnitude": 0.5, "duration_days": 10}, "demand", +1),
    "absenteeism": ({"magnitude": 0.3, "duration_days": 10}, "good_units", -1),
    "quality_escape": ({"magnitude": 0.1, "duration_days": 10}, "first_pass_yield", -1),
    "energy_price_spike": ({"magnitude": 4.0, "duration_days": 10}, "net_cash_flow", -1),
    "site_outage": ({"duration_days": 4}, "good_units", -1),
}


def test_every_kind_is_tested():
    assert set(CASES) == set(DISRUPTION_KINDS)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_moves_its_kpi(kind):
    kw, kpi, sign = CASES[kind]
    ev = Disruption(kind=kind, start_day=kw.pop("start_day", 2), **kw)
    for seed in (1, 2):
        calm, hit = S.play([S.pm_required, S.pm_required], SC, seed, rounds=2,
                           disruptions=lambda r, t: [ev] if (r == 2 and t == 1) else [])
        a, b = calm[1]["kpis"][kpi], hit[1]["kpis"][kpi]
        assert (b - a) * sign > 0, (kind, kpi, a, b)
