"""The facilitator guide of a scenario: its teaching note, its disruption schedule in words, the discussion
questions and what to look for in the data (with the KPIs' labels), on one printable page.

For a session the guide is the session's own scenario (its snapshot) and, under each look-for, the figures
of the KPIs it names for every team in the latest closed round. Participants never reach any of it: the
pages are behind the staff login (docs/security.md), and game/briefs.py reads the note's `about` only.
"""
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classroom.errors import NotFound
from classroom.services.access import facilitator_check, session_for_facilitator
from facilitator.scenario_authoring import authored_scenario_for_session
from game import engine
from game.dashboards import KPIS
from game.debrief import kpi_text
from game.scenario_text import scenario_shown
from game.selectors import round_results_latest_closed, session_scenario

SUPPLIERS = (gettext_lazy("the main supplier"), gettext_lazy("the second supplier"))


def _stations(targets, empty: str) -> str:
    if not targets:
        return empty
    numbers = ", ".join(str(t + 1) for t in targets)
    return (_("station %(numbers)s") if len(targets) == 1 else _("stations %(numbers)s")) % {"numbers": numbers}


def _g(value: float) -> str:
    """A number as the shortest text (12.5, 20), with the language's decimal separator."""
    return formats.number_format(f"{value:g}", use_l10n=True)


def _percent(share: float) -> str:
    return _("%(n)s%%") % {"n": _g(100 * share)}


def _and(names: list) -> str:
    names = [str(name) for name in names]
    return names[0] if len(names) == 1 else _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]),
                                                                            "last": names[-1]}


def disruption_words(d: engine.Disruption) -> str:
    """What a scheduled disruption does, in a facilitator's words: its kind, what it hits and how hard."""
    pct = _percent(d.magnitude)
    what = {
        "machine_breakdown": lambda: _("%(stations)s loses %(pct)s of its capacity") % {
            "stations": _stations(d.targets, _("the bottleneck station")), "pct": pct},
        "supplier_failure": lambda: _("%(suppliers)s cannot deliver %(pct)s of its material") % {
            "suppliers": _and([SUPPLIERS[t] for t in (d.targets or (0,))]), "pct": pct},
        "demand_spike": lambda: _("customers order %(pct)s more than usual") % {"pct": pct},
        "absenteeism": lambda: _("%(pct)s more of the workforce is absent") % {"pct": pct},
        "quality_escape": lambda: _("the defect rate at %(stations)s rises by %(pct)s points") % {
            "stations": _stations(d.targets, _("every station")), "pct": pct},
        "energy_price_spike": lambda: _("the energy price is multiplied by %(factor)s") % {"factor": _g(d.magnitude)},
        "site_outage": lambda: _("the site loses %(pct)s of its capacity (a ready backup line takes over after "
                                 "activation)") % {"pct": pct},
    }[d.kind]()
    days = (_("%(n)s working day") if d.duration_days == 1 else _("%(n)s working days")) % {"n": _g(d.duration_days)}
    return _("From working day %(day)s, for %(days)s: %(what)s.") % {"day": d.start_day + 1, "days": days,
                                                                      "what": what}


def _kpi(key: str) -> dict:
    kpi = KPIS.get(key)  # a session's snapshot may name a KPI the catalogue has since dropped
    return {"key": key, "label": kpi.label if kpi else key}


def scenario_guide(*, scenario: engine.Scenario) -> dict:
    """Everything the guide page shows of a scenario, read from the scenario itself."""
    shown = scenario_shown(scenario)
    note = shown["teaching_note"]
    return {
        "name": scenario.name, "title": shown["title"], "description": shown["description"],
        "rounds": scenario.rounds, "minutes_per_round": scenario.minutes_per_round,
        "about": note.get("about", ""), "trap": note.get("trap", ""), "strong_team": note.get("strong_team", ""),
        "schedule": [{"round": d.round, "kind": d.kind, "label": d.kind.replace("_", " ").capitalize(),
                      "magnitude": d.magnitude, "words": disruption_words(d)}
                     for d in sorted(scenario.disruption_schedule, key=lambda d: (d.round, d.start_day))],
        "questions": list(note.get("questions", [])),
        "look_for": [{"text": item["text"], "kpis": [_kpi(k) for k in item["kpis"]]}
                     for item in note.get("look_for", [])],
    }


def guide_scenario(*, user, name: str) -> engine.Scenario:
    """The scenario a facilitator asks the guide of: a shipped one, else one authored in the scenario editor."""
    facilitator_check(user=user)
    if name in engine.scenario_names():
        return engine.load_scenario(name)
    scenario = authored_scenario_for_session(name=name)
    if scenario is None:
        raise NotFound("unknown_scenario", _("There is no scenario called %(name)s.") % {"name": repr(name)})
    return scenario


def session_guide(*, user, session_id: int) -> dict:
    """The guide of a session's scenario, for its facilitator, with every team's figures in the latest closed
    round under each look-for ({"round": None} until a round has closed)."""
    session = session_for_facilitator(session_id=session_id, user=user)
    scenario = session_scenario(session=session)
    guide = scenario_guide(scenario=scenario)
    number, results = round_results_latest_closed(session=session)
    guide["session"] = {"id": session.id, "name": session.name, "round": number}
    for item in guide["look_for"]:
        keys = [k["key"] for k in item["kpis"] if k["key"] in KPIS]
        item["figures"] = [{"team": r.team.name,
                            "cells": [kpi_text(r.kpis.get(k), k, scenario.currency) for k in keys]}
                           for r in results] if keys else []
        item["figure_labels"] = [KPIS[k].label for k in keys]
    return guide
