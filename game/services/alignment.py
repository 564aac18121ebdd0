"""Leadership alignment: how the team reached its decision, scored 0-1 for the engine.

Not aligned by the close: 0. Aligned: 1, minus up to 0.3 for time taken (a package aligned at
the deadline scores 0.7) and 0.02 per revision beyond the first (at most 0.2), so a team that
agrees early and cleanly scores near 1.
"""


def alignment_score(*, aligned: bool, versions: int, seconds_to_align: float, round_seconds: float) -> float:
    if not aligned:
        return 0.0
    lateness = min(1.0, max(0.0, seconds_to_align / round_seconds)) if round_seconds > 0 else 1.0
    churn = min(0.2, 0.02 * max(0, versions - 1))
    return round(1.0 - 0.3 * lateness - churn, 3)
