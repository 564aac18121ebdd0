"""Command line for the plant engine: run experiments without writing code.

    python -m game.engine simulate [options]   run a scenario, print KPIs per team and round
    python -m game.engine params               every scenario parameter: default value and its source
    python -m game.engine levers               the lever schema as JSON
    python -m game.engine scenarios            the built-in scenario names

simulate options:
  --scenario NAME         built-in scenario (default demo; see `scenarios`)
  --scenario-file PATH    a scenario from a JSON file, same format as game/engine/scenarios/*.json
                          ("name", "title" and "description" may be left out); not with --scenario
  --rounds N              rounds to play (default: the scenario's)
  --seed S                random seed (default 0); same seed, same output
  --decisions FILE        decisions as JSON (shapes below; default: the scenario's default package)
  --teams N               N teams all playing the decisions' single package (default 1, or as many
                          teams as FILE gives)
  --set NAME=VALUE        override a scenario parameter (repeatable). VALUE is JSON; a bare word that
                          is not JSON is text. It must have the default's shape: a number, a list of
                          the same length, or an object with the same keys (see `params`)
  --disruption JSON       add one disruption (repeatable), same format as the decisions file's
                          "disruptions" entries below; "round" is required, "teams" is optional
                          (null or missing: every team)
  --json                  print one JSON document {"scenario", "seed", "overrides", "disruptions",
                          "results": [{"team", "round", "kpis": {every KPI}}, ...]} instead of a table

Examples (quote JSON for the shell):
  python -m game.engine simulate --rounds 8 --seed 1 --json
  python -m game.engine simulate --set demand=12000 --set price=95
  python -m game.engine simulate --set 'rate=[52,50,48,50,54]'
  python -m game.engine simulate --set 'inspection_catch={"light": 0.6, "standard": 0.8, "full": 0.95}'
  python -m game.engine simulate --scenario-file my_plant.json --decisions d.json --json
  python -m game.engine simulate --teams 2 --disruption \\
      '{"round": 2, "teams": [1], "kind": "site_outage", "start_day": 3, "duration_days": 4, "magnitude": 1}'

FILE (JSON) holds decisions in the lever schema (docs/model.md), in one of these shapes:
  {"teams": [ <package or partial package>, ... ]}                 one package per team, every round
  {"teams": [ [ <round 1 package>, <round 2 package>, ... ], ...]}  per-round packages per team
  {"rounds": [ [ <team 1 package>, ... ], ... ]}                    per round, then per team
  <package>                                                          one team, one package, every round
Packages may be partial: missing levers take the scenario defaults. The last package of a list
carries forward. Optional "disruptions": [{"round": r, "teams": [0, 2] | null, "kind": ...,
"targets": [...], "start_day": d, "duration_days": n, "magnitude": m}, ...]; those whose round lies
beyond the run are skipped. Disruptions add to the scenario's own schedule.

Bad input (unknown parameter, wrong shape, bad JSON, missing file, bad disruption or decision) prints
`error: ...` on stderr and exits with code 2. From Python, `run(...)` returns the result rows and
`main([...])` returns the exit code.
"""
from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import math
import sys
from pathlib import Path

from . import params as _params
from .disruptions import DISRUPTION_KINDS, Disruption
from .levers import LEVERS, DecisionError, default_levers, validate_package
from .model import simulate_round
from .scenario import Scenario, load_scenario, scenario_from_dict, scenario_names
from .state import initial_state

DISRUPTION_KEYS = ("round", "teams", "kind", "targets", "start_day", "duration_days", "magnitude")
TABLE_COLUMNS = ("good_units", "oee_line", "availability", "first_pass_yield", "unplanned_hours",
                 "maintenance_backlog", "fatigue", "headcount", "cash", "margin", "scorecard")


# ---- scenario parameters -----------------------------------------------------------------------

def _show(value, limit: int = 60) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _coerce(label: str, value, default):
    """value in the default's shape and type, or ValueError naming label."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{label} must be true or false, got {_show(value)}")
        return value
    if isinstance(default, (int, float)):
        if not _is_number(value):
            raise ValueError(f"{label} must be a number (default {default:g}), got {_show(value)}")
        if isinstance(default, int):
            if value != int(value):
                raise ValueError(f"{label} must be a whole number (default {default}), got {_show(value)}")
            return int(value)
        return float(value)
    if isinstance(default, (list, tuple)):
        if not isinstance(value, list) or len(value) != len(default):
            got = f"a list of {len(value)}" if isinstance(value, list) else _show(value)
            raise ValueError(f"{label} must be a list of {len(default)} values like the default "
                             f"{json.dumps(list(default))}, got {got}")
        return [_coerce(f"{label}[{i}]", v, d) for i, (v, d) in enumerate(zip(value, default))]
    if isinstance(default, dict):
        keys = ", ".join(default)
        if not isinstance(value, dict):
            raise ValueError(f"{label} must be an object with the keys {keys} (default {json.dumps(default)}), "
                             f"got {_show(value)}")
        missing = [k for k in default if k not in value]
        unknown = [k for k in value if k not in default]
        if missing or unknown:
            what = "; ".join(x for x in (missing and f"missing {', '.join(missing)}",
                                         unknown and f"unknown {', '.join(unknown)}") if x)
            raise ValueError(f"{label} must be an object with exactly the keys {keys} ({what})")
        return {k: _coerce(f"{label}.{k}", value[k], default[k]) for k in default}
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ValueError(f"{label} must be text, got {_show(value)}")
        return value
    if type(value) is not type(default):
        raise ValueError(f"{label} must look like the default {_show(default)}, got {_show(value)}")
    return value


def check_param(name: str, value, label: str | None = None):
    """Validate one scenario parameter override against its default; returns the coerced value."""
    defaults = _params.DEFAULT_PARAMS
    if name not in defaults:
        close = difflib.get_close_matches(name, list(defaults), n=3)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        raise ValueError(f"unknown parameter {name!r}{hint}; `python -m game.engine params` lists them")
    return _coerce(label or name, value, defaults[name])


def parse_set(text: str) -> tuple[str, object]:
    """'name=value' -> (name, value); value is JSON, or text when it is a bare word."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ValueError(f"--set {text!r}: expected NAME=VALUE, e.g. --set demand=12000")
    try:
        value = json.loads(raw)
    except ValueError as e:
        if raw.strip()[:1] in ("[", "{", '"'):
            raise ValueError(f"--set {name}: the value is not valid JSON ({e}): {raw}. Quote it for the shell, "
                             f"e.g. --set '{name}={{\"key\": 1}}'") from None
        value = raw  # a bare word is text
    return name, value


def with_overrides(sc: Scenario, overrides: dict) -> Scenario:
    """A new Scenario whose params are sc.params updated with validated overrides."""
    if not overrides:
        return sc
    merged = dict(sc.params)
    for name, value in overrides.items():
        merged[name] = check_param(name, value, f"--set {name}")
    return dataclasses.replace(sc, params=merged)


def load_scenario_file(path) -> Scenario:
    """A scenario from a JSON file (format of game/engine/scenarios/*.json); ValueError in plain words."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as e:
        raise ValueError(f"cannot read scenario file {str(path)!r}: {e.strerror or e}") from None
    try:
        d = json.loads(text)
    except ValueError as e:
        raise ValueError(f"scenario file {str(path)!r} is not valid JSON: {e}") from None
    if not isinstance(d, dict):
        raise ValueError(f"scenario file {str(path)!r} must hold a JSON object like game/engine/scenarios/demo.json")
    known = {f.name for f in dataclasses.fields(Scenario)}
    for key in d:
        if key not in known:
            print(f"note: scenario file key {key!r} is not used (known: {', '.join(sorted(known))})", file=sys.stderr)
    d = dict(d)
    d.setdefault("name", path.stem)
    d.setdefault("title", d["name"])
    d.setdefault("description", "")
    ps = d.get("params", {})
    if not isinstance(ps, dict):
        raise ValueError(f"scenario file {str(path)!r}: \"params\" must be an object of parameter overrides")
    try:
        d["params"] = {k: check_param(k, v, f"params.{k}") for k, v in ps.items()}
        return scenario_from_dict(d)
    except (DecisionError, ValueError, TypeError, KeyError) as e:
        raise ValueError(f"scenario file {str(path)!r}: {e.args[0] if isinstance(e, KeyError) else e}") from None


# ---- decisions and disruptions -------------------------------------------------------------------

def _package(partial: dict, scenario) -> dict:
    if not isinstance(partial, dict):
        raise DecisionError("package", "must be an object")
    full = default_levers(scenario)
    full.update(partial)
    validate_package(full, scenario)
    return {k: full[k] for k in LEVERS}


def _non_empty_list(v) -> bool:
    return isinstance(v, list) and len(v) > 0


def decisions_by_round(doc, scenario, rounds: int) -> list[list[dict]]:
    """Normalise FILE to [round][team] -> full, validated package."""
    if isinstance(doc, dict) and "rounds" in doc:
        per_round = doc["rounds"]
        if not _non_empty_list(per_round) or not all(_non_empty_list(x) for x in per_round):
            raise ValueError('decisions: "rounds" must be a non-empty list of per-round lists of team packages')
        if len({len(x) for x in per_round}) != 1:
            raise ValueError('decisions: every round in "rounds" must list the same number of teams')
        grid = [[per_round[min(r, len(per_round) - 1)][t] for t in range(len(per_round[0]))] for r in range(rounds)]
    else:
        if isinstance(doc, dict) and "teams" in doc:
            teams = doc["teams"]
            if not _non_empty_list(teams) or any(isinstance(t, list) and not t for t in teams):
                raise ValueError('decisions: "teams" must be a non-empty list of packages (or of non-empty '
                                 'per-round lists of packages)')
        else:
            teams = [{k: v for k, v in doc.items() if k != "disruptions"} if isinstance(doc, dict) else doc]
        grid = []
        for r in range(rounds):
            row = []
            for team in teams:
                row.append(team[min(r, len(team) - 1)] if isinstance(team, list) else team)
            grid.append(row)
    return [[_package(x, scenario) for x in row] for row in grid]


def parse_disruption(e, n_teams: int, rounds: int, label: str, strict: bool = True):
    """One disruption entry -> (round, team indices, Disruption); None if it lies beyond the run and not strict."""
    if not isinstance(e, dict):
        raise ValueError(f"{label}: must be a JSON object like {{\"round\": 2, \"kind\": \"site_outage\"}}")
    unknown = [k for k in e if k not in DISRUPTION_KEYS]
    if unknown:
        raise ValueError(f"{label}: unknown key {unknown[0]!r} (known: {', '.join(DISRUPTION_KEYS)})")
    if e.get("round") is None:
        raise ValueError(f"{label}: needs a \"round\" (1 to {rounds})")
    try:
        ev = Disruption.from_dict({k: v for k, v in e.items() if k != "teams"})
    except DecisionError as x:
        if x.field == "kind":
            raise ValueError(f"{label}: kind {e.get('kind')!r} is not known; use one of "
                             f"{', '.join(DISRUPTION_KINDS)}") from None
        raise ValueError(f"{label}: {x}") from None
    if ev.round > rounds:
        if strict:
            raise ValueError(f"{label}: round {ev.round} is after the last round of this run ({rounds})")
        return None
    teams = e.get("teams")
    if teams is None:
        idx = tuple(range(n_teams))
    else:
        if not _non_empty_list(teams) or any(isinstance(t, bool) or not isinstance(t, int) or not 0 <= t < n_teams
                                             for t in teams):
            raise ValueError(f"{label}: \"teams\" must be null (every team) or a non-empty list of team indices "
                             f"0 to {n_teams - 1}, got {_show(teams)}")
        idx = tuple(sorted(set(teams)))
    return ev.round, idx, ev


# ---- running -----------------------------------------------------------------------------------

def run(scenario_name: str, rounds: int, seed: int, doc, *, scenario: Scenario | None = None,
        overrides: dict | None = None, disruptions=(), teams: int | None = None) -> list[dict]:
    """Play `rounds` rounds; returns [{"team", "round", "kpis"}, ...].

    scenario: a Scenario object to use instead of loading scenario_name; overrides: {param: value}
    applied on top (validated); disruptions: extra entries in the decisions-file format (each needs a
    round); teams: copy a single-package decision set to this many teams.
    """
    if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 1:
        raise ValueError(f"rounds must be a whole number of at least 1, got {_show(rounds)}")
    sc = scenario if scenario is not None else load_scenario(scenario_name)
    sc = with_overrides(sc, overrides or {})
    grid = decisions_by_round(doc, sc, rounds)
    n = len(grid[0])
    if teams is not None:
        if isinstance(teams, bool) or not isinstance(teams, int) or teams < 1:
            raise ValueError(f"--teams must be a whole number of at least 1, got {_show(teams)}")
        if n == 1:
            grid = [row * teams for row in grid]
        elif n != teams:
            raise ValueError(f"the decisions give {n} teams but --teams is {teams} (--teams copies a single package)")
        n = teams
    file_dis = doc.get("disruptions", []) if isinstance(doc, dict) else []
    if not isinstance(file_dis, list):
        raise ValueError('decisions: "disruptions" must be a list')
    events = [parse_disruption(e, n, rounds, f"decisions disruptions[{i}]", strict=False)
              for i, e in enumerate(file_dis)]
    events += [parse_disruption(e, n, rounds, f"--disruption {_show(e, 200)}") for e in disruptions]
    events = [x for x in events if x is not None]
    state = initial_state(sc, n)
    out = []
    for r in range(1, rounds + 1):
        dis = [list(sc.disruptions_for_round(r)) for _ in range(n)]
        for rnd, idx, ev in events:
            if rnd == r:
                for t in idx:
                    dis[t].append(ev)
        state, kpis = simulate_round(state, grid[r - 1], sc, dis, seed=seed, round_number=r)
        for t, k in enumerate(kpis):
            out.append({"team": t, "round": r, "kpis": k})
    return out


def _jsonable(o):
    if hasattr(o, "tolist"):  # numpy arrays and scalars
        return o.tolist()
    if isinstance(o, (set, tuple)):
        return list(o)
    raise TypeError(f"{type(o).__name__} is not JSON serializable")


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {v}")
    return v


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m game.engine", description="Plant simulation engine",
                                 epilog="python -m game.engine simulate --help lists the experiment options")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sim = sub.add_parser("simulate", help="run a scenario and print per-team, per-round KPIs",
                         description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = sim.add_mutually_exclusive_group()
    which.add_argument("--scenario", default=None, help=f"one of {', '.join(scenario_names())} (default demo)")
    which.add_argument("--scenario-file", metavar="PATH", help="a scenario JSON file (format of scenarios/*.json)")
    sim.add_argument("--rounds", type=_positive_int, default=None, help="default: the scenario's")
    sim.add_argument("--seed", type=int, default=0)
    sim.add_argument("--decisions", metavar="FILE",
                     help="JSON file of decisions (default: the scenario's default package)")
    sim.add_argument("--teams", type=_positive_int, default=None, metavar="N",
                     help="N teams playing the decisions' single package")
    sim.add_argument("--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
                     help="override a scenario parameter; VALUE is JSON (repeatable)")
    sim.add_argument("--disruption", dest="disruptions", action="append", default=[], metavar="JSON",
                     help='add a disruption, e.g. \'{"round": 2, "teams": [1], "kind": "site_outage"}\' (repeatable)')
    sim.add_argument("--json", action="store_true", help="print JSON (one document)")
    sub.add_parser("levers", help="print the lever schema as JSON")
    sub.add_parser("scenarios", help="list scenarios")
    sub.add_parser("params", help="list scenario parameters (names for --set), defaults and sources")
    return ap


def main(argv=None) -> int:
    try:
        a = _parser().parse_args(argv)
    except SystemExit as e:  # argparse already printed usage / error / help
        return e.code if isinstance(e.code, int) else 2
    if a.cmd == "levers":
        from .levers import lever_specs_json
        print(json.dumps(lever_specs_json(), indent=2))
        return 0
    if a.cmd == "scenarios":
        print("\n".join(scenario_names()))
        return 0
    if a.cmd == "params":
        for name, (value, why) in _params.PARAM_DOCS.items():
            print(f"{name} = {json.dumps(value)}    # {why}")
        return 0
    try:
        if a.scenario_file:
            sc = load_scenario_file(a.scenario_file)
        else:
            try:
                sc = load_scenario(a.scenario or "demo")
            except KeyError as e:  # unknown name; other KeyErrors are engine bugs and keep their traceback
                raise ValueError(e.args[0]) from None
        sc = with_overrides(sc, dict(parse_set(x) for x in a.overrides))
        overrides = {name: sc.params[name] for name, _ in map(parse_set, a.overrides)}
        extra = []
        for text in a.disruptions:
            try:
                extra.append(json.loads(text))
            except ValueError as e:
                raise ValueError(f"--disruption: not valid JSON ({e}): {text}") from None
        if a.decisions:
            try:
                with open(a.decisions) as f:
                    doc = json.load(f)
            except OSError as e:
                raise ValueError(f"cannot read decisions file {a.decisions!r}: {e.strerror or e}") from None
            except ValueError as e:
                raise ValueError(f"decisions file {a.decisions!r} is not valid JSON: {e}") from None
        else:
            doc = {}
        if doc == {}:
            doc = {"teams": [{}]}
        rows = run(sc.name, a.rounds or sc.rounds, a.seed, doc, scenario=sc, disruptions=extra, teams=a.teams)
    except (DecisionError, ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if a.json:
        json.dump({"scenario": sc.name, "seed": a.seed, "overrides": overrides, "disruptions": extra,
                   "results": rows}, sys.stdout, default=_jsonable)
        print()
    else:
        print("team round " + " ".join(f"{c[:12]:>12}" for c in TABLE_COLUMNS))
        for row in rows:
            k = row["kpis"]
            print(f"{row['team']:>4} {row['round']:>5} " + " ".join(
                f"{k[c]:>12.3f}" if _is_number(k.get(c)) else f"{'-':>12}" for c in TABLE_COLUMNS))
    return 0
