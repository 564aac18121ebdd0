"""The lever specs the room's form is built from, with how a manager reads each one.

The engine keeps its own units (shares as 0..1, money per round); `display` tells the browser the
unit to print and the factor between what a person types and what is sent (25 % is sent as 0.25),
so the browser copies no range or unit of its own. One round is one month.

Labels and units are English here (role titles: classroom/roles.py), marked for the catalogue; the functions below give them in the
active language (the page's or the socket's), so JSON never holds a lazy string.
"""
from django.utils.translation import gettext, gettext_noop as _

from classroom.roles import ROLE_TITLES, role_title, role_titles  # noqa: F401  (the room's callers import them here)
from game import engine
from game.engine_text import PRIORITY_AXIS_LABELS, engine_text

# engine unit -> (unit shown, factor shown/engine, input step in shown units)
_DISPLAY = {
    "units/round": (_("units per month"), 1, 100),
    "days": (_("days"), 1, 0.5),
    "share of material": (_("% of material"), 100, 1),
    "share of planned hours": (_("% of planned hours"), 100, 1),
    "share of workers": (_("% of workers"), 100, 1),
    "h/round per station": (_("h per month"), 1, 1),
    "people": (_("people"), 1, 1),
    "0-1": (_("% of the full program"), 100, 5),
    "h/round": (_("h per month"), 1, 10),
    "h per worker per round": (_("h per worker per month"), 1, 1),
    "%": (_("points"), 1, 1),
}


def lever_display(unit: str, currency: str) -> dict:
    if unit == "money/round":
        return {"unit": gettext("%(currency)s per month") % {"currency": currency}, "scale": 1, "step": 1000,
                "money": True}
    shown, scale, step = _DISPLAY.get(unit, (unit, 1, 1))
    return {"unit": gettext(shown) if shown else shown, "scale": scale, "step": step, "money": False}


def room_lever_specs(*, currency: str) -> list[dict]:
    """The specs in the active language: labels, help, project names, list cells, units and role titles."""
    specs = engine.lever_specs_json()
    for spec in specs:
        spec["label"] = engine_text(spec["label"])
        spec["help"] = engine_text(spec["help"])
        spec["role_title"] = role_title(spec["role"])
        spec["display"] = lever_display(spec["unit"], currency)
        if "choice_labels" in spec:
            spec["choice_labels"] = {code: f"{engine_text(p.label)}, {p.capex / 1000:,.0f}k"
                                     for code, p in engine.PROJECTS.items() if code in spec["choice_labels"]}
        if spec["name"] == "priority_weights" and spec.get("item_labels"):
            spec["item_labels"] = [gettext(PRIORITY_AXIS_LABELS[a]) if a in PRIORITY_AXIS_LABELS else a
                                   for a in spec["item_labels"]]
    return specs
