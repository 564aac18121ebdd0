"""Leadership alignment: how the team reached its decision, scored 0-100 for the engine.

Not aligned by the close: 0. Aligned: 100, minus up to 30 for time taken (a package aligned at
the deadline scores 70), 2 per revision beyond the first (at most 20), and up to 20 when the
money does not follow the director's stated priorities. The engine weighs it into the balanced
scorecard, so the director's priority weights matter through the team's own consistency.

Priorities vs spending: each of four priorities has a budget that serves it (throughput: capex,
quality: the quality budget, reliability: maintenance, resilience: training). Each budget's
emphasis is its size relative to the scenario's baseline package, as a share of the four; the
mismatch is half the L1 distance between those shares and the four weights' shares (0 when the
money leans exactly where the words do, 1 when it all goes where the weights say nothing). The
cost weight is left out: it asks for less spending overall, not for a direction.
"""
PRIORITY_BUDGETS = (("throughput", "capex_budget"), ("quality", "quality_budget"),
                    ("reliability", "maintenance_budget"), ("resilience", "training_budget"))
PRIORITY_ORDER = ("throughput", "quality", "reliability", "resilience", "cost")


def priority_mismatch(*, levers: dict, baseline: dict) -> float:
    weights = dict(zip(PRIORITY_ORDER, levers.get("priority_weights") or []))
    stated = [float(weights.get(p, 0)) for p, _ in PRIORITY_BUDGETS]
    emphasis = [float(levers.get(b, 0)) / float(baseline[b]) if baseline.get(b) else 0.0 for _, b in PRIORITY_BUDGETS]
    if sum(stated) <= 0 or sum(emphasis) <= 0:
        return 0.0
    stated = [w / sum(stated) for w in stated]
    emphasis = [e / sum(emphasis) for e in emphasis]
    return 0.5 * sum(abs(s - e) for s, e in zip(stated, emphasis))


def alignment_score(*, aligned: bool, versions: int, seconds_to_align: float, round_seconds: float,
                    priority_mismatch: float = 0.0) -> float:
    if not aligned:
        return 0.0
    lateness = min(1.0, max(0.0, seconds_to_align / round_seconds)) if round_seconds > 0 else 1.0
    churn = min(20.0, 2.0 * max(0, versions - 1))
    return round(100.0 - 30.0 * lateness - churn - 20.0 * min(1.0, max(0.0, priority_mismatch)), 1)
