"""Leadership alignment: how the team reached its decision, scored 0-100 for the engine.

Not aligned by the close: 0. Aligned: 100, minus up to 30 for time taken (a package aligned at
the deadline scores 70) and 2 per revision beyond the first (at most 20), so a team that agrees
early and cleanly scores near 100. The engine weighs it into the balanced scorecard.
"""


def alignment_score(*, aligned: bool, versions: int, seconds_to_align: float, round_seconds: float) -> float:
    if not aligned:
        return 0.0
    lateness = min(1.0, max(0.0, seconds_to_align / round_seconds)) if round_seconds > 0 else 1.0
    churn = min(20.0, 2.0 * max(0, versions - 1))
    return round(100.0 - 30.0 * lateness - churn, 1)
