"""Mistake detectors find the six mistakes in scripted plays, with rounds and numbers, and spare good play."""
import json

import pytest

from game.engine import Disruption, detect_mistakes, load_scenario
from game.engine import strategies as S
from game.engine.messages import english

SC = load_scenario("demo")


@pytest.fixture(scope="module")
def plays():
    names = ["balanced", "chase", "deferred", "overtime", "concurrent", "staged", "fragile", "single"]
    strats = [S.balanced, S.chase_output, S.pm_deferred, S.overtime(0.25), S.capex_concurrent, S.capex_staged,
              S.fragile_labor, S.single_source]
    shock = lambda r, t: [Disruption("supplier_failure", (0,), 2, 10, 1.0)] if r == 5 else []
    return dict(zip(names, S.play(strats, SC, seed=3, disruptions=shock)))


def codes(h):
    return {m["code"] for m in detect_mistakes(h)}


@pytest.mark.parametrize("play,code", [
    ("chase", "chasing_output"), ("chase", "maintenance_optional"), ("chase", "overtime_as_structure"),
    ("deferred", "maintenance_optional"), ("overtime", "overtime_as_structure"),
    ("concurrent", "capex_without_sequence"), ("fragile", "ignoring_labor_resilience"),
    ("single", "local_efficiency_over_resilience"), ("chase", "ignoring_labor_resilience"),
])
def test_mistake_found(plays, play, code):
    found = {m["code"]: m for m in detect_mistakes(plays[play])}
    assert code in found, (play, sorted(found))
    m = found[code]
    assert m["rounds"] and all(1 <= r <= 8 for r in m["rounds"])
    assert any(ch.isdigit() for ch in english(m["evidence"]))
    json.dumps(m)


def test_balanced_play_is_not_blamed_for_the_push_mistakes(plays):
    assert not codes(plays["balanced"]) & {"chasing_output", "maintenance_optional", "overtime_as_structure",
                                            "capex_without_sequence", "ignoring_labor_resilience"}


def test_staged_capex_is_not_flagged(plays):
    assert "capex_without_sequence" not in codes(plays["staged"])


def test_overtime_without_deferral_is_not_chasing(plays):
    assert "chasing_output" not in codes(plays["overtime"])


def test_empty_history():
    assert detect_mistakes([]) == []
