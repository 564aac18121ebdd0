"""Whether a package fits, in plain words: what the room shows live as levers change.

Three kinds of check, each naming the role that can fix it:
- refuse: the plant cannot run this package at all (weights not summing to 100, hiring and letting go
  at once); nobody can approve it until it is fixed. The same rules as engine.validate_package.
- cut: a finance envelope is smaller than the plan it must pay for; the plant runs, and cuts (budget.py).
- fits: an envelope holds its plan, with the room to spare.
The server computes these on every package version; the browser only shows them.
"""
from game import engine
from game.engine.budget import package_cuts, planned_spend
from game.lever_display import lever_display
from game.money_format import money

# How a role is named inside a sentence ("… or engineering can plan less").
ROLE_IN_SENTENCE = {"director": "the director", "finance": "finance", "engineering": "engineering", "hr": "HR"}

# Who plans what each envelope pays for: finance can raise the envelope, these roles can plan less.
PLANNERS = {
    "maintenance_budget": "engineering",  # technicians, PM hours
    "training_budget": "hr",  # training hours, cross-training
    "quality_budget": "engineering",  # quality program, inspection level
    "capex_budget": "director",  # portfolio (with engineering's hours)
}


def lever_label(name: str) -> str:
    spec = engine.LEVERS.get(name)
    return spec.label if spec else name.replace("_", " ").capitalize()


def decision_error_text(exc: engine.DecisionError, currency: str = "EUR") -> str:
    """An engine error in a manager's words: the lever's label and range in the units the room shows
    (30 % of planned hours, not 0.3), never its internal name, and who owns it."""
    spec = engine.LEVERS.get(exc.field)
    if spec is None:
        return exc.message[:1].upper() + exc.message[1:] + "."
    owner = ROLE_IN_SENTENCE[spec.role]
    owner = owner[:1].upper() + owner[1:]
    if spec.kind in ("int", "float"):
        shown = lever_display(spec.unit, currency)
        lo, hi = spec.min * shown["scale"], spec.max * shown["scale"]
        what = "a whole number" if spec.kind == "int" else "a number"
        return (f"{spec.label} must be {what} from {lo:,.4g} to {hi:,.{'0f' if hi >= 1000 else '4g'}} {shown['unit']}. "
                f"{owner} can change it.")
    return f"{spec.label} {exc.message}. {owner} can change it."


def _refusals(levers: dict) -> list[dict]:
    out = []
    weights = levers.get("priority_weights") or []
    total = sum(weights)
    if total != 100:
        gap = f"{100 - total} points short" if total < 100 else f"{total - 100} points over"
        out.append({"kind": "refuse", "lever": "priority_weights", "role": "director",
                    "text": f"The priority weights add up to {total}, {gap}: they must add up to 100 before "
                            "anyone can approve. The director can fix it."})
    if levers.get("hires", 0) > 0 and levers.get("exits", 0) > 0:
        out.append({"kind": "refuse", "lever": "exits", "role": "hr",
                    "text": f"Hiring {levers['hires']} and letting {levers['exits']} go in the same month is not "
                            "allowed: set one of them to 0. HR can fix it."})
    return out


def package_checks(levers: dict, scenario, headcount: float | None = None) -> dict:
    """{"ready": no refusal, "weights_total": n, "items": [refuse..., cut..., fits...]}."""
    currency = scenario.currency
    items = _refusals(levers)
    need = planned_spend(levers, scenario.params, headcount)
    cuts = {c["envelope"]: c for c in package_cuts(levers, scenario.params, headcount)}
    for envelope, planned in need.items():
        cap = float(levers[envelope])
        label = lever_label(envelope)
        planner = ROLE_IN_SENTENCE[PLANNERS[envelope]]
        base = {"lever": envelope, "role": "finance", "planned": round(planned, 2), "cap": cap}
        if envelope in cuts:
            cut = cuts[envelope]
            items.append({**base, "kind": "cut", "shortfall": cut["shortfall"],
                          "text": f"{label}: the plan needs {money(planned, currency)}, the envelope holds "
                                  f"{money(cap, currency)}, short by {money(cut['shortfall'], currency)}. "
                                  f"The plant will cut: {cut['cut']}. Finance can raise the envelope, "
                                  f"or {planner} can plan less."})
        else:
            items.append({**base, "kind": "fits", "shortfall": 0.0,
                          "text": f"{label}: the plan needs {money(planned, currency)} of "
                                  f"{money(cap, currency)}, {money(cap - planned, currency)} to spare."})
    return {"ready": not any(i["kind"] == "refuse" for i in items),
            "weights_total": sum(levers.get("priority_weights") or []),
            "items": items}
