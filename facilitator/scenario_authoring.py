"""Scenarios authored in the browser: who may author, validation against the engine's schema, copies of
the shipped scenarios, the scenarios a new session may use, and the test run.

The scenario admin (facilitator/admin.py) and the new-session view call these; the rules live here.
docs/scenarios.md describes the fields, the parameter ranges and the test run.
"""
import difflib
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classroom.errors import Forbidden, LabError
from classroom.services.access import user_may_facilitate
from classroom.services.sessions import MINUTES_RANGE, ROUNDS_RANGE
from facilitator.models import AuthoredScenario
from game import engine
from game.dashboards import KPIS
from game.engine import strategies
from game.engine.params import DEFAULT_PARAMS, ParamError, merge_params, param_check, params_cross_check
from game.engine.scenario import TEACHING_NOTE_KEYS, TEACHING_NOTE_TEXT_KEYS, scenario_from_dict

# The fields of an authored scenario that make the engine scenario, in the order errors are reported.
FIELDS = ("name", "title", "description", "rounds", "minutes_per_round", "currency", "params", "default_levers",
          "disruption_schedule", "teaching_about", "teaching_trap", "teaching_strong_team", "teaching_questions",
          "teaching_look_for")
NOTE_FIELDS = {"about": "teaching_about", "trap": "teaching_trap", "strong_team": "teaching_strong_team"}
NOTE_LABELS = {"about": gettext_lazy("What it is about"), "trap": gettext_lazy("The trap"),
               "strong_team": gettext_lazy("What a strong team does")}
assert tuple(NOTE_FIELDS) == TEACHING_NOTE_TEXT_KEYS
# The note's two lists, written one item a line in the editor (a look-for line: text | kpi_key, kpi_key).
NOTE_LIST_FIELDS = {"questions": "teaching_questions", "look_for": "teaching_look_for"}
assert tuple(NOTE_FIELDS) + tuple(NOTE_LIST_FIELDS) == TEACHING_NOTE_KEYS
LOOK_FOR_SEPARATOR = "|"
DISRUPTION_KEYS = ("round", "kind", "targets", "start_day", "duration_days", "magnitude")
# Model permissions the "facilitator" group gets (migration facilitator/0002); an administrator may take
# them away from the group and give them to some facilitators only.
AUTHORING_PERMISSIONS = ("view_authoredscenario", "add_authoredscenario", "change_authoredscenario",
                         "delete_authoredscenario")

TEST_RUN_ROUNDS = 4
TEST_RUN_SEED = 42
# The plays a test run may use: the default is the scenario's own default package with the finance
# envelopes funded (game/engine/strategies.py: do_nothing through play()).
TEST_RUN_STRATEGIES = {
    "defaults": (gettext_lazy("The scenario's default levers (envelopes funded)"), strategies.do_nothing),
    "balanced": (gettext_lazy("Balanced: PM at the recommended level, training, staffing"), strategies.balanced),
    "chase_output": (gettext_lazy("Chase output: overtime, PM deferred"), strategies.chase_output),
}
TEST_RUN_KPIS = ("good_units", "demand", "oee_line", "first_pass_yield", "failures", "headcount", "cash", "margin",
                 "scorecard")


# ---- who may author -----------------------------------------------------------------------------

def user_may_author(*, user, action: str = "change") -> bool:
    """May `action` (view, add, change, delete) authored scenarios: an active superuser, or an active member of
    the "facilitator" group holding the model permission (the group has them by default). HR may not."""
    if user is None or not user.is_authenticated or not user.is_active or not user_may_facilitate(user=user):
        return False
    return bool(user.is_superuser or user.has_perm(f"facilitator.{action}_authoredscenario"))


def authoring_check(*, user, action: str) -> None:
    if not user_may_author(user=user, action=action):
        raise Forbidden("not_author", _("Authoring scenarios is for facilitators allowed to: ask an administrator "
                                        "to add you to the 'facilitator' group or to give you the scenario "
                                        "permissions."))


# ---- validation -----------------------------------------------------------------------------------

def _text(errors, data, field, label, max_length=None, required=True) -> str:
    value = data.get(field)
    value = "" if value is None else value
    if not isinstance(value, str):
        errors.setdefault(field, []).append(_("%(label)s must be text.") % {"label": label})
        return ""
    value = value.strip()
    if required and not value:
        errors.setdefault(field, []).append(_("%(label)s is required.") % {"label": label})
    elif max_length and len(value) > max_length:
        errors.setdefault(field, []).append(_("%(label)s has at most %(n)s characters.") % {
            "label": label, "n": max_length})
    return value


def _whole(errors, data, field, label, low, high) -> int:
    value = data.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.setdefault(field, []).append(_("%(label)s must be a whole number between %(low)s and %(high)s.") % {
            "label": label, "low": low, "high": high})
        return low
    return value


def _params(errors, overrides) -> dict:
    if not isinstance(overrides, dict):
        errors["params"] = [_('Parameters must be a JSON object, such as {"demand": 12000}.')]
        return {}
    out = {}
    for name, value in overrides.items():
        try:
            out[name] = param_check(name, value)
        except ParamError as exc:
            errors.setdefault("params", []).append(str(exc))
    if "params" not in errors:
        try:
            params_cross_check(merge_params(out))
        except ParamError as exc:
            errors["params"] = [str(exc)]
    return out


def _levers(errors, levers) -> dict:
    if not isinstance(levers, dict):
        errors["default_levers"] = [_('Default levers must be a JSON object, such as {"capex_budget": 20000}.')]
        return {}
    out = {}
    for name, value in levers.items():
        try:
            out[name] = engine.validate_lever(name, value)
        except engine.DecisionError as exc:
            errors.setdefault("default_levers", []).append(f"{exc.field}: {exc.message}")
    if "default_levers" not in errors:
        try:  # the whole package the teams would start from: weights sum to 100, no hiring and firing at once
            engine.validate_package({**engine.default_levers(), **out}, None)
        except engine.DecisionError as exc:
            errors["default_levers"] = [f"{exc.field}: {exc.message}"]
    return out


def _schedule(errors, schedule, rounds: int) -> list[dict]:
    if not isinstance(schedule, list):
        errors["disruption_schedule"] = [_('The disruption schedule must be a JSON list, such as '
                                           '[{"round": 3, "kind": "absenteeism", "start_day": 0, '
                                           '"duration_days": 10, "magnitude": 0.2}], or [] for none.')]
        return []
    out = []
    for i, entry in enumerate(schedule, start=1):
        where = _("Entry %(i)s") % {"i": i}
        if isinstance(entry, dict) and isinstance(entry.get("kind"), str):
            where = (_("Entry %(i)s (%(kind)s, round %(round)s)") % {"i": i, "kind": entry["kind"],
                                                                     "round": entry["round"]}
                     if "round" in entry else _("Entry %(i)s (%(kind)s)") % {"i": i, "kind": entry["kind"]})
        problem = None
        if not isinstance(entry, dict):
            problem = _("must be an object with round, kind, targets, start_day, duration_days and magnitude")
        elif unknown := [k for k in entry if k not in DISRUPTION_KEYS]:
            problem = _("unknown key %(keys)s (known: %(known)s)") % {"keys": ", ".join(map(str, unknown)),
                                                                       "known": ", ".join(DISRUPTION_KEYS)}
        elif "round" not in entry:
            problem = _("round is required: the round (month) the disruption hits")
        else:
            try:
                event = engine.Disruption.from_dict(entry)
            except engine.DecisionError as exc:
                problem = f"{exc.field} {exc.message}"
            else:
                if not 1 <= event.round <= rounds:
                    problem = _("round must be between 1 and the scenario's %(n)s rounds") % {"n": rounds}
                else:
                    out.append(event.to_dict())
        if problem:
            errors.setdefault("disruption_schedule", []).append(_("%(where)s: %(problem)s.") % {
                "where": where, "problem": problem})
    return out


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _kpi_problem(key: str) -> str:
    close = difflib.get_close_matches(key, list(KPIS), n=1)
    if close:
        return _("unknown KPI key %(key)s (did you mean %(close)s?)") % {"key": repr(key), "close": close[0]}
    return _("unknown KPI key %(key)s") % {"key": repr(key)}


def _look_for(errors, text: str) -> list[dict]:
    """The look-for lines `text | kpi_key, kpi_key` as the note's items; each must name at least one KPI key of
    the catalogue (game/dashboards.py), so the guide can show that KPI's label and the session's figures."""
    out = []
    for i, line in enumerate(_lines(text), start=1):
        what, sep, keys = line.rpartition(LOOK_FOR_SEPARATOR)
        kpis = [k.strip() for k in keys.split(",") if k.strip()]
        problem = None
        if not sep or not what.strip():
            problem = _("write what to look for, then %(sep)s and the KPI keys it refers to, such as "
                        "'Breakdowns climb two rounds after PM is cut %(sep)s pm_compliance, failures'") % {
                "sep": LOOK_FOR_SEPARATOR}
        elif not kpis:
            problem = _("name at least one KPI key after %(sep)s") % {"sep": LOOK_FOR_SEPARATOR}
        elif unknown := [k for k in kpis if k not in KPIS]:
            problem = "; ".join(_kpi_problem(k) for k in unknown)
        if problem:
            errors.setdefault("teaching_look_for", []).append(_("Line %(i)s: %(problem)s.") % {
                "i": i, "problem": problem})
        else:
            out.append({"text": what.strip(), "kpis": kpis})
    return out


def look_for_text(items) -> str:
    """The editor's text of a note's look-for items (the inverse of the validation's reading)."""
    return "\n".join(f"{item['text']} {LOOK_FOR_SEPARATOR} {', '.join(item['kpis'])}" for item in items)


def scenario_validate(data: dict) -> engine.Scenario:
    """The engine scenario an authored scenario's fields make (data: FIELDS, as the form cleans them), or a
    ValidationError keyed by field that says every problem found: unknown parameter names, values of the
    wrong type or out of range (game/engine/params.py PARAM_RANGES), invalid default levers or disruption
    entries, a shipped scenario's name, a missing teaching note."""
    errors: dict[str, list[str]] = {}
    name = _text(errors, data, "name", _("The name"), max_length=60)
    if name and not re.fullmatch(r"[-a-zA-Z0-9_]+", name):
        errors.setdefault("name", []).append(_("The name may use only letters, digits, - and _."))
    elif name in engine.scenario_names():
        errors.setdefault("name", []).append(_("%(name)s is a shipped scenario's name: pick another, such as "
                                               "%(other)s.") % {"name": repr(name), "other": f"{name}-ours"})
    title = _text(errors, data, "title", _("The title"), max_length=120)
    description = _text(errors, data, "description", _("The description"))
    rounds = _whole(errors, data, "rounds", _("Rounds"), *ROUNDS_RANGE)
    minutes = _whole(errors, data, "minutes_per_round", _("Minutes per round"), *MINUTES_RANGE)
    currency = data.get("currency")
    if not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
        errors["currency"] = [_("The currency must be a three-letter ISO 4217 code in capitals, such as EUR or "
                                "USD.")]
    params = _params(errors, data.get("params", {}))
    levers = _levers(errors, data.get("default_levers", {}))
    schedule = _schedule(errors, data.get("disruption_schedule", []), rounds if "rounds" not in errors else 24)
    note = {key: _text(errors, data, field, NOTE_LABELS[key], required=key == "about")
            for key, field in NOTE_FIELDS.items()}
    note["questions"] = _lines(_text(errors, data, "teaching_questions", _("Discussion questions"), required=False))
    note["look_for"] = _look_for(errors, _text(errors, data, "teaching_look_for", _("What to look for"),
                                               required=False))
    if errors:
        raise ValidationError({field: errors[field] for field in FIELDS if field in errors})
    try:  # the engine's own reading of the whole (strict, as for scenario files)
        return scenario_from_dict({
            "name": name, "title": title, "description": description, "rounds": rounds,
            "minutes_per_round": minutes, "currency": currency, "params": params, "default_levers": levers,
            "disruption_schedule": schedule, "teaching_note": {k: v for k, v in note.items() if v},
        })
    except (ValueError, KeyError, TypeError) as exc:  # pragma: no cover - every part was checked above
        raise ValidationError({NON_FIELD_ERRORS: [_("The engine cannot read this scenario: %(error)s") % {
            "error": exc}]}) from exc


def authored_data(row: AuthoredScenario) -> dict:
    return {field: getattr(row, field) for field in FIELDS}


def scenario_from_authored(row: AuthoredScenario) -> engine.Scenario:
    return scenario_validate(authored_data(row))


# ---- what sessions may use ------------------------------------------------------------------------

def authored_scenario_list() -> list[engine.Scenario]:
    """The authored scenarios a new session may use, by title; one that no longer passes the engine's checks
    (the schema changed since it was saved) is left out until someone fixes it."""
    out = []
    for row in AuthoredScenario.objects.order_by("title", "name"):
        try:
            out.append(scenario_from_authored(row))
        except ValidationError:
            continue
    return out


def authored_scenario_for_session(*, name: str) -> engine.Scenario | None:
    """The authored scenario `name` as a new session will keep it, or None when no authored scenario has that
    name (a shipped scenario's name included: the shipped one wins)."""
    if not isinstance(name, str) or name in engine.scenario_names():
        return None
    row = AuthoredScenario.objects.filter(name=name).first()
    if row is None:
        return None
    try:
        return scenario_from_authored(row)
    except ValidationError as exc:
        problems = "; ".join(m for msgs in exc.message_dict.values() for m in msgs)
        raise LabError("invalid_value", _("The scenario %(title)s no longer passes the engine's checks "
                                          "(%(problems)s). Fix it in the scenario editor, then create the session.")
                       % {"title": repr(row.title), "problems": problems}, field="scenario_name") from None


# ---- copies of the shipped scenarios ------------------------------------------------------------

def _free_name(base: str) -> str:
    taken = set(AuthoredScenario.objects.filter(name__startswith=base).values_list("name", flat=True))
    taken.update(engine.scenario_names())
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def scenario_copy_shipped(*, user, shipped_name: str) -> AuthoredScenario:
    """An authored copy of a shipped scenario (named <shipped>-copy, -copy-2, ...), to edit from there. The copy
    holds the parameters the shipped file changes from the defaults, not every parameter."""
    authoring_check(user=user, action="add")
    if shipped_name not in engine.scenario_names():
        raise LabError("invalid_value", _("There is no shipped scenario called %(name)s.") % {
            "name": repr(shipped_name)}, field="shipped_name")
    source = engine.load_scenario(shipped_name)
    data = {
        "title": f"{source.title} (copy)"[:120], "description": source.description, "rounds": source.rounds,
        "minutes_per_round": source.minutes_per_round, "currency": source.currency,
        "params": {k: v for k, v in source.params.items() if v != DEFAULT_PARAMS[k]},
        "default_levers": dict(source.default_levers),
        "disruption_schedule": [d.to_dict() for d in source.disruption_schedule],
        **{field: source.teaching_note.get(key, "") for key, field in NOTE_FIELDS.items()},
        "teaching_questions": "\n".join(source.teaching_note.get("questions", [])),
        "teaching_look_for": look_for_text(source.teaching_note.get("look_for", [])),
    }
    with transaction.atomic():
        data["name"] = _free_name(f"{shipped_name}-copy")
        scenario_validate(data)
        return AuthoredScenario.objects.create(**data, copied_from=shipped_name, created_by=user)


# ---- the test run -------------------------------------------------------------------------------

def scenario_test_run(*, scenario: engine.Scenario, strategy: str = "defaults", rounds=TEST_RUN_ROUNDS,
                      seed=TEST_RUN_SEED) -> dict:
    """Play one team of the scenario for a few rounds with a scripted strategy (the scenario's scheduled
    disruptions included) and return the KPIs per round: {"strategy", "rounds", "seed", "columns": [{key, label,
    unit, digits}], "rows": [{"round", "kpis": {key: value}}]}. Nothing is stored."""
    if strategy not in TEST_RUN_STRATEGIES:
        raise LabError("invalid_value", _("strategy must be one of %(names)s.") % {
            "names": ", ".join(TEST_RUN_STRATEGIES)}, field="strategy")
    for value, field, low, high in ((rounds, "rounds", 1, scenario.rounds), (seed, "seed", 0, 2**31 - 1)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise LabError("invalid_value", _("%(field)s must be a whole number between %(low)s and %(high)s.") % {
                "field": field, "low": low, "high": high}, field=field)
    (history,) = strategies.play([TEST_RUN_STRATEGIES[strategy][1]], scenario, seed=seed, rounds=rounds)
    return {
        "strategy": strategy, "rounds": rounds, "seed": seed,
        "columns": [{"key": k, "label": KPIS[k].label, "unit": KPIS[k].unit, "digits": KPIS[k].digits}
                    for k in TEST_RUN_KPIS],
        "rows": [{"round": row["round"], "kpis": {k: float(row["kpis"][k]) for k in TEST_RUN_KPIS}}
                 for row in history],
    }
