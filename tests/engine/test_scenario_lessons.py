"""Each scenario of the library teaches what its teaching note says: the note's strong team beats the note's
trap over the scenario's rounds on at least 75% of 20 seeds (effect sizes print with -s). The demo plant's
lessons are tests/engine/test_lessons.py."""
import numpy as np
import pytest

from game.engine import load_scenario, scenario_names
from game.engine import strategies as S
from game.engine.scenario import TEACHING_NOTE_KEYS, TEACHING_NOTE_TEXT_KEYS

SEEDS = range(20)
MAJORITY = 0.75


def total(hist, key, rounds=None):
    xs = [x["kpis"][key] for x in hist]
    return float(np.sum(xs if rounds is None else [xs[r - 1] for r in rounds]))


def done(h):
    return set(h[-1]["kpis"]["projects_completed"]) if h else set()


def one_at_a_time(codes, hours=500):
    """Projects in order, the next one only once the last is finished."""
    def pick(h):
        left = [c for c in codes if c not in done(h)]
        return {"projects": left[:1], "engineering_hours": hours if left else 100}
    return pick


# ---- the plays each teaching note names -------------------------------------------------------------------
def growth_trap(r, h):
    return {"pm_hours": S.REQUIRED_PM, "technicians": 4, "overtime_share": 0.25, "production_target": 16_000,
            "hires": S.keep_staffed(h)}


def growth_strong(r, h):
    build = one_at_a_time(["debottleneck_s3", "debottleneck_s2", "debottleneck_s4"])(h)
    return {"pm_hours": S.REQUIRED_PM, "technicians": 4, "production_target": 16_000, "hires": S.keep_staffed(h),
            "overtime_share": 0.15 if r >= 7 else 0.0} | build


def network_trap(r, h):
    return S.pm_required(r, h) | {"raw_material_cover_days": 1.5}


def network_strong(r, h):
    build = one_at_a_time(["second_supplier"])(h)
    return S.pm_required(r, h) | build | {"raw_material_cover_days": 4.0, "second_supplier_share": 0.4}


def quality_trap(r, h):
    return S.pm_required(r, h) | {"inspection_level": "light", "quality_program": 0.0}


def quality_strong(r, h):
    return S.pm_required(r, h) | {"inspection_level": "full", "quality_program": 1.0, "training_hours": 4}


def shocks_trap(r, h):
    return S.pm_required(r, h) | {"cross_training": 0.0, "raw_material_cover_days": 2.0}


def shocks_strong(r, h):
    build = one_at_a_time(["second_supplier"])(h)
    return S.pm_required(r, h) | build | {"raw_material_cover_days": 5.0, "second_supplier_share": 0.3,
                                          "cross_training": 0.4, "hires": S.keep_staffed(h, 64)}


LESSONS = {
    # scenario: (strong, trap, [(kpi, rounds or None, strong must be higher?)], what)
    "growth_squeeze": (growth_strong, growth_trap, [("shipped_units", range(5, 9), True), ("net_cash_flow", None, True)],
                       "building bottleneck capacity beats permanent overtime as orders grow"),
    "fragile_network": (network_strong, network_trap, [("net_cash_flow", None, True), ("lost_orders", (4, 5, 6, 7), False)],
                        "a second supplier and stock pay for themselves through the shocks"),
    "quality_crisis": (quality_strong, quality_trap, [("escapes", None, False), ("net_cash_flow", None, True)],
                       "building quality in beats inspecting less"),
    "shocks": (shocks_strong, shocks_trap, [("good_units", (4, 5, 7), True), ("net_cash_flow", None, True)],
               "resilience bought before the shocks pays through them"),
}


def test_every_scenario_has_a_teaching_note_and_a_lesson():
    for name in scenario_names():
        note = load_scenario(name).teaching_note
        assert set(note) == set(TEACHING_NOTE_KEYS), name
        assert all(len(note[k]) > 40 for k in TEACHING_NOTE_TEXT_KEYS), name
    assert set(LESSONS) | {"demo"} == set(scenario_names())


@pytest.mark.parametrize("name", sorted(LESSONS))
def test_scenario_teaches_its_lesson(name):
    sc = load_scenario(name)
    strong, trap, checks, what = LESSONS[name]
    flags, eff = [], []
    for seed in SEEDS:
        good, bad = S.play([strong, trap], sc, seed, rounds=sc.rounds)
        ok, row = True, []
        for kpi, rounds, higher in checks:
            a, b = total(good, kpi, rounds), total(bad, kpi, rounds)
            ok &= (a > b) if higher else (a < b)
            row.append((a, b))
        flags.append(ok)
        eff.append(row)
    e = np.mean(eff, 0)
    effect = "; ".join(f"{kpi}{'' if r is None else ' rounds ' + str(list(r))}: strong {a:,.0f} vs trap {b:,.0f}"
                       for (kpi, r, _), (a, b) in zip(checks, e))
    share = float(np.mean(flags))
    print(f"\n  {name}: {what}: held on {share:.0%} of seeds; {effect}")
    assert share >= MAJORITY, (name, share, effect)
