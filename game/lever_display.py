"""The lever specs the room's form is built from, with how a manager reads each one.

The engine keeps its own units (shares as 0..1, money per round); `display` tells the browser the
unit to print and the factor between what a person types and what is sent (25 % is sent as 0.25),
so the browser copies no range or unit of its own. One round is one month.
"""
from game import engine

ROLE_TITLES = {"director": "Director", "finance": "Finance", "engineering": "Engineering", "hr": "HR"}

# engine unit -> (unit shown, factor shown/engine, input step in shown units)
_DISPLAY = {
    "units/round": ("units per month", 1, 100),
    "days": ("days", 1, 0.5),
    "share of material": ("% of material", 100, 1),
    "share of planned hours": ("% of planned hours", 100, 1),
    "share of workers": ("% of workers", 100, 1),
    "h/round per station": ("h per month", 1, 1),
    "people": ("people", 1, 1),
    "0-1": ("% of the full program", 100, 5),
    "h/round": ("h per month", 1, 10),
    "h per worker per round": ("h per worker per month", 1, 1),
    "%": ("points", 1, 1),
}


def lever_display(unit: str, currency: str) -> dict:
    if unit == "money/round":
        return {"unit": f"{currency} per month", "scale": 1, "step": 1000, "money": True}
    shown, scale, step = _DISPLAY.get(unit, (unit, 1, 1))
    return {"unit": shown, "scale": scale, "step": step, "money": False}


def room_lever_specs(*, currency: str) -> list[dict]:
    specs = engine.lever_specs_json()
    for spec in specs:
        spec["role_title"] = ROLE_TITLES[spec["role"]]
        spec["display"] = lever_display(spec["unit"], currency)
    return specs
