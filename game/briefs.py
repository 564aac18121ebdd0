"""Role briefings: what a participant reads before round 1 and can reopen at any time.

A brief says what the role answers for, the levers it owns (from engine LEVERS), what it sees first
(its `detail` dashboard, game/dashboards.py), what the team is judged by (SCORECARD_WEIGHTS) and what the
scenario is about. Everything is JSON-ready, in the active language (texts here are English, marked for the
catalogue, and translated when a brief is built).

Only the teaching note's `about` reaches a participant: `trap` and `strong_team` are for the facilitator
and are never read here.
"""
from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext, gettext_noop as _

from game.dashboards import ROLE_DASHBOARDS, kpi_label
from game.engine.kpis import SCORECARD_WEIGHTS
from game.engine.levers import LEVERS, PRIORITY_AXES, ROLES, LeverSpec
from game.engine_text import PRIORITY_AXIS_LABELS, engine_text
from game.lever_display import lever_display
from game.scenario_text import scenario_shown

# Every text a role's brief holds, in one place.
ROLE_TEXTS: dict[str, dict[str, str]] = {
    "director": {
        "title": _("Director"),
        "responsible_for": _(
            "You answer for the plant as a whole: how much it makes each month, what the team puts first "
            "(throughput, quality, reliability, resilience or cost) and which improvement projects it takes on, "
            "in what order. You lead the four roles to one decision package that everyone approves before the "
            "deadline."),
        "your_role_in_it": _(
            "You set the production target, the priorities and the project portfolio, and you bring finance, "
            "engineering and HR to one package all four of you approve."),
    },
    "finance": {
        "title": _("Finance"),
        "responsible_for": _(
            "You answer for the plant's money: cash, margin and what each good unit costs. You set the spending "
            "envelopes for maintenance, training, quality and capital projects, and decide how many units to buy "
            "from a subcontractor, how much raw material to hold and how much to buy from a second supplier."),
        "your_role_in_it": _(
            "You set the envelopes the plan must fit in: what the plant cannot pay for it cuts, and the room shows "
            "what will be cut before anyone approves."),
    },
    "engineering": {
        "title": _("Engineering"),
        "responsible_for": _(
            "You answer for the equipment and the line: how fast each station runs, where the bottleneck is, how "
            "often machines break down and how good the output is. You plan preventive maintenance, size the "
            "maintenance crew, run the quality program and inspection, and give engineering hours to projects."),
        "your_role_in_it": _(
            "You turn the director's projects and finance's envelopes into maintenance, quality and project work "
            "the line can actually carry."),
    },
    "hr": {
        "title": _("HR"),
        "responsible_for": _(
            "You answer for the people who run the line: how many there are, how skilled and how tired they are, "
            "and how many stay. You decide hiring and exits, overtime and shifts, training and cross-training, "
            "and temporary workers."),
        "your_role_in_it": _(
            "You decide who works, how long and how well trained, within the training envelope finance sets, and "
            "every plan in the package runs on those people."),
    },
}

# The seven parts of the balanced scorecard (game/engine/kpis.py), in plain words.
SCORECARD_PARTS: dict[str, dict[str, str]] = {
    "throughput": {
        "label": _("Throughput"),
        "explain": _("Good units shipped against demand, and the output the plant can keep up against demand.")},
    "execution": {
        "label": _("Execution confidence"),
        "explain": _("How likely the plant is to deliver its plans and projects, given the engineering load, "
                   "the crew's skill and their fatigue.")},
    "oee": {
        "label": _("OEE"),
        # xgettext:no-python-format
        "explain": _("Overall equipment effectiveness of the line (time running × speed × good output) against a "
                   "world-class 85%, and whether it is rising.")},
    "quality": {
        "label": _("Quality"),
        "explain": _("The share of units made right the first time, and how few defects reach customers.")},
    "reliability": {
        "label": _("Reliability"),
        "explain": _("How much of the planned time the bottleneck station is up, and how much unplanned downtime "
                   "the state of the equipment points to next month.")},
    "alignment": {
        "label": _("Leadership alignment"),
        "explain": _("How the team decides: every role approving before the deadline, quickly and with few "
                   "revisions, and budgets that follow the director's priorities.")},
    "risk": {
        "label": _("Operational risk"),
        "explain": _("How much of a month's earnings is at stake from equipment, suppliers, the single site, the "
                   "workforce and quality; the lower, the better.")},
}

OTHERS_SEE = _("You see the other roles' dashboards (%(others)s) only in summary; for the detail, ask them in "
               "the team chat.")


def _num(x: float) -> str:
    """1234567.0 -> '1,234,567'; 0.5 -> '0.5'; 30.000000000000004 -> '30' (in English; grouped and with the decimal
    mark of the active language)."""
    text = f"{round(float(x), 2):.2f}".rstrip("0").rstrip(".")
    digits = len(text.split(".")[1]) if "." in text else 0
    return formats.number_format(float(text) if digits else int(text), digits, use_l10n=True, force_grouping=True)


def _join_or(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else gettext("%(some)s or %(last)s") % {"some": ", ".join(items[:-1]),
                                                                               "last": items[-1]}


def _unit_and_range(spec: LeverSpec, currency: str) -> tuple[str, str]:
    """A lever's unit and range in the units the room's form shows (game/lever_display.py): money in the
    scenario's currency per month, shares in %."""
    if spec.kind == "choice":
        return "", _join_or(spec.choices)
    if spec.kind == "multichoice":
        return "", gettext("none, one or several of %(n)s projects, in order of priority") % {"n": len(spec.choices)}
    shown = lever_display(spec.unit, currency)
    unit, lo, hi = shown["unit"], spec.min * shown["scale"], spec.max * shown["scale"]
    if spec.name == "priority_weights":
        axes = ", ".join(gettext(PRIORITY_AXIS_LABELS[a]) for a in PRIORITY_AXES)
        return unit, gettext("%(low)s – %(high)s %(unit)s each; the weights (%(axes)s) sum to 100") % {
            "low": _num(lo), "high": _num(hi), "unit": unit, "axes": axes}
    if spec.kind == "int_list":
        return unit, gettext("%(low)s – %(high)s %(unit)s, for each of the %(n)s stations") % {
            "low": _num(lo), "high": _num(hi), "unit": unit, "n": spec.length}
    return unit, gettext("%(low)s – %(high)s %(unit)s") % {"low": _num(lo), "high": _num(hi), "unit": unit}


def _levers(role: str, currency: str) -> list[dict]:
    out = []
    for spec in LEVERS.values():
        if spec.role != role:
            continue
        unit, rng = _unit_and_range(spec, currency)
        out.append({"name": spec.name, "label": engine_text(spec.label), "unit": unit, "range": rng,
                    "help": engine_text(spec.help)})
    return out


def _judged_by() -> list[dict]:
    return [{"part": part, "label": gettext(SCORECARD_PARTS[part]["label"]), "weight_percent": round(100 * weight),
             "explain": gettext(SCORECARD_PARTS[part]["explain"])} for part, weight in SCORECARD_WEIGHTS.items()]


def _check_role(role) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES)})")


def role_brief(*, role: str, scenario) -> dict:
    """The brief of one role for one scenario, JSON-ready, in the active language (the socket's reader's);
    ValueError for an unknown role. The scenario's title and text are its
    translation where a shipped scenario has one (game/scenario_text.py), else as their author wrote them."""
    _check_role(role)
    text = {key: gettext(value) for key, value in ROLE_TEXTS[role].items()}
    shown = scenario_shown(scenario)
    note = shown["teaching_note"]
    others = [gettext(ROLE_TEXTS[r]["title"]) for r in ROLES if r != role]
    return {
        "role": role,
        "title": text["title"],
        "responsible_for": text["responsible_for"],
        "levers": _levers(role, getattr(scenario, "currency", "EUR") or "EUR"),
        "sees": [kpi_label(k) for k in ROLE_DASHBOARDS[role]["detail"]],
        "others_see": gettext(OTHERS_SEE) % {"others": gettext("%(some)s and %(last)s") % {
            "some": ", ".join(others[:-1]), "last": others[-1]}},
        "judged_by": _judged_by(),
        "scenario": {"title": shown["title"], "about": note.get("about") or shown["description"]},
        "your_role_in_it": text["your_role_in_it"],
    }


def team_briefs(*, roles, scenario) -> list[dict]:
    """One brief per role held, in engine ROLES order (duplicates once); ValueError for an unknown role."""
    held = set(roles)
    for role in held:
        _check_role(role)
    return [role_brief(role=r, scenario=scenario) for r in ROLES if r in held]
