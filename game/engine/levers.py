"""The decision schema: every lever, who owns it, its range, and package-level checks.

One table (LEVERS) drives validation, defaults, the UI forms and docs/model.md, so the
four views cannot drift apart.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, asdict
from typing import Any

from .messages import english, gettext_noop, message

ROLES = ("director", "finance", "engineering", "hr")
N_STATIONS = 5
PRIORITY_AXES = ("throughput", "quality", "reliability", "resilience", "cost")


class DecisionError(ValueError):
    """A decision that breaks the schema; names the field and what is allowed. `text` is what is allowed as a
    message (engine/messages.py) game renders in the reader's language; `message` is its English."""

    def __init__(self, field: str, text: str | dict):
        self.field = field
        self.text = text if isinstance(text, dict) else message(text)
        self.message = english(self.text)
        super().__init__(f"{field}: {self.message}")


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    label: str
    effort_hours: float  # engineering hours to complete
    capex: float  # money, spent in proportion to progress
    nominal_rounds: int  # planned duration when engineering is not overloaded
    station: int | None = None  # station index for station projects


def _projects() -> dict[str, ProjectSpec]:
    out: dict[str, ProjectSpec] = {}
    for s in range(N_STATIONS):
        out[f"debottleneck_s{s + 1}"] = ProjectSpec(
            f"debottleneck_s{s + 1}", f"Debottleneck station {s + 1} (+20% rate)", 420.0, 160_000.0, 2, s)
    for s in range(N_STATIONS):
        out[f"new_equipment_s{s + 1}"] = ProjectSpec(
            f"new_equipment_s{s + 1}", f"New equipment at station {s + 1} (+25% rate, new, ramp-up)",
            720.0, 420_000.0, 3, s)
    out["backup_line"] = ProjectSpec("backup_line", "Backup line at a second site", 480.0, 260_000.0, 2)
    out["second_supplier"] = ProjectSpec("second_supplier", "Qualify a second supplier", 240.0, 50_000.0, 2)
    out["automation"] = ProjectSpec("automation", "Line automation (+8% performance, -20% crew)",
                                    720.0, 380_000.0, 3)
    return out


PROJECTS: dict[str, ProjectSpec] = _projects()
PROJECT_CODES: tuple[str, ...] = tuple(PROJECTS)


@dataclass(frozen=True)
class LeverSpec:
    name: str
    role: str
    kind: str  # "int" | "float" | "int_list" | "choice" | "multichoice"
    label: str
    unit: str
    help: str
    default: Any
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None
    length: int | None = None
    cost_note: str = field(default="", compare=False)


def _L(name, role, kind, label, unit, help, default, min=None, max=None, choices=None, length=None):
    return name, LeverSpec(name, role, kind, label, unit, help, default, min, max,
                           tuple(choices) if choices else None, length)


LEVERS: dict[str, LeverSpec] = dict([
    # director
    _L("production_target", "director", "int", "Production target", "units/round",
       "Units released to the line this round; the line stops releasing when reached.",
       11_000, 0, 30_000),
    _L("priority_weights", "director", "int_list", "Priority weights", "%",
       "Weights of throughput, quality, reliability, resilience, cost; they must sum to 100. The team’s leadership alignment (part of the scorecard) drops when the budgets do not follow them.",
       [20, 20, 20, 20, 20], 0, 100, length=len(PRIORITY_AXES)),
    _L("projects", "director", "multichoice", "Project portfolio", "",
       "Projects to work on this round, in order of priority; dropping an unfinished project cancels it "
       "(money spent is sunk). Completed projects are ignored.",
       [], choices=PROJECT_CODES),
    # finance
    _L("maintenance_budget", "finance", "float", "Maintenance envelope", "money/round",
       "Cap on maintenance spending: technician wages are paid first, then repair parts; PM parts get what is "
       "left, so PM beyond the cap waits and repairs beyond it wait a day for parts.", 40_000.0, 0, 200_000),
    _L("training_budget", "finance", "float", "Training envelope", "money/round",
       "Cap on training hours and cross-training: beyond it, both are cut in proportion.", 10_000.0, 0, 200_000),
    _L("quality_budget", "finance", "float", "Quality envelope", "money/round",
       "Cap on inspection (paid first) and the quality program (gets what is left).", 20_000.0, 0, 200_000),
    _L("capex_budget", "finance", "float", "Capex envelope", "money/round",
       "Cap on engineering hours (paid first) and project spending, given in portfolio order; an underfunded "
       "project progresses slower.", 0.0, 0, 1_500_000),
    _L("outsourcing_units", "finance", "int", "Outsourced units", "units/round",
       "Finished units bought from a subcontractor at a premium (quality not ours to control).",
       0, 0, 3_000),
    _L("raw_material_cover_days", "finance", "float", "Raw material cover", "days",
       "Raw material stock target, in days of demand; protects against supplier failures, costs holding.",
       3.0, 0.5, 20),
    _L("second_supplier_share", "finance", "float", "Second supplier share", "share of material",
       "Share of raw material bought from the second supplier once it is qualified: a price premium per unit, "
       "and insurance only up to what that supplier can surge to.", 0.3, 0, 0.6),
    # engineering
    _L("pm_hours", "engineering", "int_list", "Preventive maintenance hours", "h/round per station",
       "Planned PM hours per station; PM lowers equipment virtual age (imperfect repair).",
       [8, 8, 8, 8, 8], 0, 120, length=N_STATIONS),
    _L("technicians", "engineering", "int", "Maintenance technicians", "people",
       "Technicians share their hours between repairs (first) and PM (what is left).", 3, 1, 12),
    _L("quality_program", "engineering", "float", "Quality program intensity", "0-1",
       "Root-cause and SPC effort; builds a capability stock over 2-3 rounds.", 0.0, 0, 1),
    _L("inspection_level", "engineering", "choice", "Inspection level", "",
       "Share of defects caught before shipping: light 50%, standard 75%, full 92%.",
       "standard", choices=("light", "standard", "full")),
    _L("engineering_hours", "engineering", "int", "Engineering hours for projects", "h/round",
       "Engineering hours given to projects and ramp-up support this round.", 200, 0, 2_000),
    # hr
    _L("hires", "hr", "int", "Hires", "people",
       "Production workers hired now; they arrive next round with low skill.", 0, 0, 30),
    _L("exits", "hr", "int", "Exits", "people", "Production workers let go now (severance paid).", 0, 0, 30),
    _L("overtime_share", "hr", "float", "Overtime share", "share of planned hours",
       "Extra hours on top of the planned schedule.", 0.0, 0, 0.3),
    _L("shift_pattern", "hr", "choice", "Shift pattern", "",
       "5x2: five days, two shifts. 6x2: adds Saturday shifts (more hours, structural fatigue).",
       "5x2", choices=("5x2", "6x2")),
    _L("training_hours", "hr", "int", "Training hours", "h per worker per round",
       "Classroom and on-the-job training; raises target skill, takes hours off the line.", 2, 0, 16),
    _L("cross_training", "hr", "float", "Cross-training target", "share of workers",
       "Share of workers trained beyond their home station; they cover absent colleagues, slower off home.",
       0.1, 0, 1),
    _L("cross_training_scheme", "hr", "choice", "Cross-training scheme", "",
       "chain: each trained worker learns the next station (one extra skill). full: every station (four extra "
       "skills, four times the training cost).", "chain", choices=("chain", "full")),
    _L("temp_labor", "hr", "int", "Temporary workers", "people",
       "Agency workers for this round only: immediate, lower skill, higher cost.", 0, 0, 20),
])


def lever_specs_json() -> list[dict]:
    out = []
    for spec in LEVERS.values():
        d = asdict(spec)
        d.pop("cost_note", None)
        d["choices"] = list(spec.choices) if spec.choices else None
        d["default"] = list(spec.default) if isinstance(spec.default, list) else spec.default
        if spec.name == "projects":
            d["choice_labels"] = {c: f"{p.label}, {p.capex / 1000:,.0f}k" for c, p in PROJECTS.items()}
        if spec.kind == "int_list":  # what each cell of the list stands for, for forms
            d["item_labels"] = (["throughput", "quality", "reliability", "resilience", "cost"]
                                if spec.name == "priority_weights" else [f"S{i + 1}" for i in range(spec.length)])
        out.append(d)
    return out


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _range_msg(spec: LeverSpec, kind: str) -> dict:
    words = (gettext_noop("must be an integer between %(low)s and %(high)s") if kind == "int"
             else gettext_noop("must be a number between %(low)s and %(high)s"))
    return message(words, low=_fmt(spec.min), high=_fmt(spec.max))


def _fmt(x) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def validate_lever(name: str, value):
    """Coerce one JSON value for lever `name`; raise DecisionError naming the field."""
    spec = LEVERS.get(name)
    if spec is None:
        raise DecisionError(name, message(gettext_noop("unknown lever (known: %(known)s)"), known=", ".join(LEVERS)))
    k = spec.kind
    if k in ("int", "float"):
        if not _is_number(value) or (k == "int" and float(value) != int(value)):
            raise DecisionError(name, _range_msg(spec, k))
        value = int(value) if k == "int" else float(value)
        if not (spec.min <= value <= spec.max):
            raise DecisionError(name, _range_msg(spec, k))
        return value
    if k == "int_list":
        msg = message(gettext_noop("must be a list of %(n)s integers, each between %(low)s and %(high)s"),
                      n=spec.length, low=_fmt(spec.min), high=_fmt(spec.max))
        if not isinstance(value, (list, tuple)) or len(value) != spec.length:
            raise DecisionError(name, msg)
        out = []
        for v in value:
            if not _is_number(v) or float(v) != int(v) or not (spec.min <= v <= spec.max):
                raise DecisionError(name, msg)
            out.append(int(v))
        return out
    if k == "choice":
        if not isinstance(value, str) or value not in spec.choices:
            raise DecisionError(name, message(gettext_noop("must be one of %(choices)s"), choices=", ".join(spec.choices)))
        return value
    if k == "multichoice":
        msg = message(gettext_noop("must be a list of distinct items from %(choices)s"), choices=", ".join(spec.choices))
        if not isinstance(value, (list, tuple)):
            raise DecisionError(name, msg)
        if any(not isinstance(v, str) or v not in spec.choices for v in value) or len(set(value)) != len(value):
            raise DecisionError(name, msg)
        return list(value)
    raise AssertionError(f"lever {name} has unknown kind {k}")  # pragma: no cover


def default_levers(scenario=None) -> dict:
    """The 'do nothing different' package; scenarios may override defaults."""
    out = {n: (list(s.default) if isinstance(s.default, list) else s.default) for n, s in LEVERS.items()}
    if scenario is not None:
        for n, v in scenario.default_levers.items():
            out[n] = validate_lever(n, v)
    return out


def validate_levers(levers: dict) -> dict:
    """Validate every lever of a full package (each must be present) and return the coerced copy."""
    if not isinstance(levers, dict):
        raise DecisionError("package", message(gettext_noop("must be an object mapping lever names to values")))
    unknown = [k for k in levers if k not in LEVERS]
    if unknown:
        raise DecisionError(unknown[0], message(gettext_noop("unknown lever (known: %(known)s)"), known=", ".join(LEVERS)))
    missing = [k for k in LEVERS if k not in levers]
    if missing:
        raise DecisionError(missing[0], message(gettext_noop("is missing from the package")))
    return {k: validate_lever(k, levers[k]) for k in LEVERS}


def validate_package(levers: dict, scenario) -> None:
    """Whole-package rules for a package the plant cannot run at all: each lever valid, weights sum to 100,
    no hiring and firing at once. Spending beyond a finance envelope is allowed: the plant cuts it
    (budget.package_cuts says what)."""
    lv = validate_levers(levers)
    w = lv["priority_weights"]
    if sum(w) != 100:
        raise DecisionError("priority_weights", message(gettext_noop("must sum to 100 (they sum to %(total)s)"), total=sum(w)))
    if lv["exits"] > 0 and lv["hires"] > 0:
        raise DecisionError("exits", message(gettext_noop("must be 0 when hiring in the same round")))
