import pytest

from game.services.alignment import alignment_score, priority_mismatch


def test_unaligned_scores_zero():
    assert alignment_score(aligned=False, versions=1, seconds_to_align=10, round_seconds=600) == 0.0


@pytest.mark.parametrize("versions, seconds, expected", [
    (1, 0, 100.0), (1, 600, 70.0), (1, 300, 85.0), (6, 0, 90.0), (50, 600, 50.0),
])
def test_aligned_score_falls_with_time_and_revisions(versions, seconds, expected):
    assert alignment_score(aligned=True, versions=versions, seconds_to_align=seconds, round_seconds=600) == expected


def test_zero_length_round_counts_as_late():
    assert alignment_score(aligned=True, versions=1, seconds_to_align=0, round_seconds=0) == 70.0


BASELINE = {"capex_budget": 20000.0, "quality_budget": 20000.0, "maintenance_budget": 40000.0,
            "training_budget": 10000.0}


def test_balanced_words_and_baseline_money_match():
    levers = {**BASELINE, "priority_weights": [20, 20, 20, 20, 20]}
    assert priority_mismatch(levers=levers, baseline=BASELINE) == pytest.approx(0.0)


def test_money_against_the_stated_priority_is_a_mismatch():
    says_reliability = [0, 0, 100, 0, 0]
    all_to_maintenance = {**BASELINE, "capex_budget": 0, "quality_budget": 0, "training_budget": 0}
    all_to_capex = {**BASELINE, "quality_budget": 0, "maintenance_budget": 0, "training_budget": 0}
    consistent = priority_mismatch(levers={**all_to_maintenance, "priority_weights": says_reliability},
                                   baseline=BASELINE)
    contrary = priority_mismatch(levers={**all_to_capex, "priority_weights": says_reliability}, baseline=BASELINE)
    assert consistent == pytest.approx(0.0) and contrary == pytest.approx(1.0)
    assert alignment_score(aligned=True, versions=1, seconds_to_align=0, round_seconds=600,
                           priority_mismatch=contrary) == 80.0


def test_only_cost_stated_or_nothing_spent_is_no_mismatch():
    assert priority_mismatch(levers={**BASELINE, "priority_weights": [0, 0, 0, 0, 100]}, baseline=BASELINE) == 0.0
    nothing = {k: 0 for k in BASELINE}
    assert priority_mismatch(levers={**nothing, "priority_weights": [20] * 5}, baseline=BASELINE) == 0.0
