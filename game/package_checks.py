"""Whether a package fits, in plain words: what the room shows live as levers change.

Three kinds of check, each naming the role that can fix it:
- refuse: the plant cannot run this package at all (weights not summing to 100, hiring and letting go
  at once); nobody can approve it until it is fixed. The same rules as engine.validate_package.
- cut: a finance envelope is smaller than the plan it must pay for; the plant runs, and cuts (budget.py).
- fits: an envelope holds its plan, with the room to spare.
The server computes these on every package version; the browser only shows them. Their texts are messages
(docs/i18n.md): a package goes once to the team's group, whose members read different languages.
"""
from django.utils import formats
from django.utils.translation import gettext, gettext_noop as _

from classroom.i18n_text import message
from game import engine
from game.engine.budget import package_cuts, planned_spend
from game.engine_text import engine_text
from game.lever_display import lever_display
from game.money_format import money_message

# How a role is named inside a sentence ("… or engineering can plan less").
ROLE_IN_SENTENCE = {"director": _("the director"), "finance": _("finance"), "engineering": _("engineering"),
                    "hr": _("HR")}
# A role's code as a sentence names it ("belongs to the hr role").
ROLE_CODES = {"director": _("director"), "finance": _("finance"), "engineering": _("engineering"), "hr": _("hr")}
# Who can change a lever, as a sentence of its own.
OWNER_CAN_CHANGE = {"director": _("The director can change it."), "finance": _("Finance can change it."),
                    "engineering": _("Engineering can change it."), "hr": _("HR can change it.")}

# Who plans what each envelope pays for: finance can raise the envelope, these roles can plan less.
PLANNERS = {
    "maintenance_budget": "engineering",  # technicians, PM hours
    "training_budget": "hr",  # training hours, cross-training
    "quality_budget": "engineering",  # quality program, inspection level
    "capex_budget": "director",  # portfolio (with engineering's hours)
}


def role_code_text(role: str) -> str:
    """A role's code in the active language ("hr" in English)."""
    return gettext(ROLE_CODES[role]) if role in ROLE_CODES else role


def lever_label(name: str) -> str:
    """A lever's label in the active language."""
    spec = engine.LEVERS.get(name)
    return engine_text(spec.label) if spec else name.replace("_", " ").capitalize()


def lever_label_message(name: str):
    """A lever's label as a message (classroom/i18n_text.py), for text sent once to a team's group."""
    spec = engine.LEVERS.get(name)
    return message(spec.label) if spec else name.replace("_", " ").capitalize()


def _num(x: float) -> str:
    """Four significant digits, grouped in the active language (30.000000000000004 -> 30; 0.5 -> 0.5)."""
    value = float(f"{x:.4g}")
    digits = 0 if value.is_integer() else len(repr(value).split(".")[1])
    return formats.number_format(value, digits, use_l10n=True, force_grouping=True)


def _choices(spec) -> str:
    return ", ".join(spec.choices or ())


def _engine_fmt(x) -> str:
    """The bound as the engine writes it (game/engine/levers.py _fmt)."""
    return str(int(x)) if float(x).is_integer() else formats.number_format(x, use_l10n=True)


def decision_error_text(exc: engine.DecisionError, currency: str = "EUR") -> str:
    """An engine error in a manager's words, in the active language: the lever's label and range in the units the
    room shows (30 % of planned hours, not 0.3), never its internal name, and who owns it."""
    spec = engine.LEVERS.get(exc.field)
    if spec is None:
        return exc.message[:1].upper() + exc.message[1:] + "."
    owner = gettext(OWNER_CAN_CHANGE[spec.role])
    label = engine_text(spec.label)
    if spec.kind in ("int", "float") and exc.message != "is missing from the package":
        shown = lever_display(spec.unit, currency)
        lo, hi = spec.min * shown["scale"], spec.max * shown["scale"]
        text = (_("%(label)s must be a whole number from %(low)s to %(high)s %(unit)s.") if spec.kind == "int"
                else _("%(label)s must be a number from %(low)s to %(high)s %(unit)s."))
        high = formats.number_format(round(hi), 0, use_l10n=True, force_grouping=True) if hi >= 1000 else _num(hi)
        return gettext(text) % {"label": label, "low": _num(lo), "high": high, "unit": shown["unit"]} + " " + owner
    return _rule_text(exc, spec, label) + " " + owner


def _rule_text(exc: engine.DecisionError, spec, label: str) -> str:
    """The rule the engine names, rebuilt here in the active language (the engine's English when unknown)."""
    said = exc.message
    if said.startswith("must sum to 100 (they sum to "):
        return gettext("%(label)s must sum to 100 (they sum to %(total)s).") % {
            "label": label, "total": said[len("must sum to 100 (they sum to "):-1]}
    if said == "must be 0 when hiring in the same round":
        return gettext("%(label)s must be 0 when hiring in the same round.") % {"label": label}
    if said == "is missing from the package":
        return gettext("%(label)s is missing from the package.") % {"label": label}
    if spec.kind == "int_list":
        return gettext("%(label)s must be a list of %(n)s integers, each between %(low)s and %(high)s.") % {
            "label": label, "n": spec.length, "low": _engine_fmt(spec.min), "high": _engine_fmt(spec.max)}
    if spec.kind == "choice":
        return gettext("%(label)s must be one of %(choices)s.") % {"label": label, "choices": _choices(spec)}
    if spec.kind == "multichoice":
        return gettext("%(label)s must be a list of distinct items from %(choices)s.") % {
            "label": label, "choices": _choices(spec)}
    return f"{label} {said}."


def _refusals(levers: dict) -> list[dict]:
    """Refusals as messages: the package goes once to the team's group, read in each reader's language."""
    out = []
    weights = levers.get("priority_weights") or []
    total = sum(weights)
    if total != 100:
        text = (message(_("The priority weights add up to %(total)s, %(gap)s points short: they must add up to 100 "
                          "before anyone can approve. The director can fix it."), total=total, gap=100 - total)
                if total < 100 else
                message(_("The priority weights add up to %(total)s, %(gap)s points over: they must add up to 100 "
                          "before anyone can approve. The director can fix it."), total=total, gap=total - 100))
        out.append({"kind": "refuse", "lever": "priority_weights", "role": "director", "text": text})
    if levers.get("hires", 0) > 0 and levers.get("exits", 0) > 0:
        out.append({"kind": "refuse", "lever": "exits", "role": "hr",
                    "text": message(_("Hiring %(hires)s and letting %(exits)s go in the same month is not allowed: "
                                      "set one of them to 0. HR can fix it."),
                                    hires=levers["hires"], exits=levers["exits"])})
    return out


def package_checks(levers: dict, scenario, headcount: float | None = None) -> dict:
    """{"ready": no refusal, "weights_total": n, "items": [refuse..., cut..., fits...]}; each item's `text` is a
    message (classroom/i18n_text.py), rendered by each socket in its reader's language."""
    currency = scenario.currency
    items = _refusals(levers)
    need = planned_spend(levers, scenario.params, headcount)
    cuts = {c["envelope"]: c for c in package_cuts(levers, scenario.params, headcount)}
    for envelope, planned in need.items():
        cap = float(levers[envelope])
        label = lever_label_message(envelope)
        planner = message(ROLE_IN_SENTENCE[PLANNERS[envelope]])
        base = {"lever": envelope, "role": "finance", "planned": round(planned, 2), "cap": cap}
        if envelope in cuts:
            cut = cuts[envelope]
            items.append({**base, "kind": "cut", "shortfall": cut["shortfall"],
                          "text": message(_("%(label)s: the plan needs %(planned)s, the envelope holds %(cap)s, "
                                            "short by %(short)s. The plant will cut: %(cut)s. Finance can raise the "
                                            "envelope, or %(planner)s can plan less."),
                                          label=label, planned=money_message(planned, currency),
                                          cap=money_message(cap, currency),
                                          short=money_message(cut["shortfall"], currency),
                                          cut=cut["cut"], planner=planner)})
        else:
            items.append({**base, "kind": "fits", "shortfall": 0.0,
                          "text": message(_("%(label)s: the plan needs %(planned)s of %(cap)s, %(spare)s to spare."),
                                          label=label, planned=money_message(planned, currency),
                                          cap=money_message(cap, currency),
                                          spare=money_message(cap - planned, currency))})
    return {"ready": not any(i["kind"] == "refuse" for i in items),
            "weights_total": sum(levers.get("priority_weights") or []),
            "items": items}
