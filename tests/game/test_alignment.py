import pytest

from game.services.alignment import alignment_score


def test_unaligned_scores_zero():
    assert alignment_score(aligned=False, versions=1, seconds_to_align=10, round_seconds=600) == 0.0


@pytest.mark.parametrize("versions, seconds, expected", [
    (1, 0, 100.0), (1, 600, 70.0), (1, 300, 85.0), (6, 0, 90.0), (50, 600, 50.0),
])
def test_aligned_score_falls_with_time_and_revisions(versions, seconds, expected):
    assert alignment_score(aligned=True, versions=versions, seconds_to_align=seconds, round_seconds=600) == expected


def test_zero_length_round_counts_as_late():
    assert alignment_score(aligned=True, versions=1, seconds_to_align=0, round_seconds=0) == 70.0
