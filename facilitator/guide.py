"""The facilitator guide of a scenario: its teaching note, its disruption schedule in words, the discussion
questions and what to look for in the data (with the KPIs' labels), on one printable page.

For a session the guide is the session's own scenario (its snapshot) and, under each look-for, the figures
of the KPIs it names for every team in the latest closed round. Participants never reach any of it: the
pages are behind the staff login (docs/security.md), and game/briefs.py reads the note's `about` only.
"""
from classroom.errors import NotFound
from classroom.services.access import facilitator_check, session_for_facilitator
from facilitator.scenario_authoring import authored_scenario_for_session
from game import engine
from game.dashboards import KPIS
from game.debrief import kpi_text
from game.selectors import round_results_latest_closed, session_scenario

SUPPLIERS = ("the main supplier", "the second supplier")


def _stations(targets, empty: str) -> str:
    if not targets:
        return empty
    numbers = [str(t + 1) for t in targets]
    return ("station " if len(numbers) == 1 else "stations ") + ", ".join(numbers)


def _percent(share: float) -> str:
    return f"{100 * share:g}%"


def disruption_words(d: engine.Disruption) -> str:
    """What a scheduled disruption does, in a facilitator's words: its kind, what it hits and how hard."""
    what = {
        "machine_breakdown": lambda: f"{_stations(d.targets, 'the bottleneck station')} loses "
                                     f"{_percent(d.magnitude)} of its capacity",
        "supplier_failure": lambda: " and ".join(SUPPLIERS[t] for t in (d.targets or (0,)))
                                    + f" cannot deliver {_percent(d.magnitude)} of its material",
        "demand_spike": lambda: f"customers order {_percent(d.magnitude)} more than usual",
        "absenteeism": lambda: f"{_percent(d.magnitude)} more of the workforce is absent",
        "quality_escape": lambda: f"the defect rate at {_stations(d.targets, 'every station')} rises by "
                                  f"{_percent(d.magnitude)} points",
        "energy_price_spike": lambda: f"the energy price is multiplied by {d.magnitude:g}",
        "site_outage": lambda: f"the site loses {_percent(d.magnitude)} of its capacity (a ready backup line takes "
                               f"over after activation)",
    }[d.kind]()
    days = f"{d.duration_days:g} working day{'' if d.duration_days == 1 else 's'}"
    return f"From working day {d.start_day + 1}, for {days}: {what}."


def _kpi(key: str) -> dict:
    kpi = KPIS.get(key)  # a session's snapshot may name a KPI the catalogue has since dropped
    return {"key": key, "label": kpi.label if kpi else key}


def scenario_guide(*, scenario: engine.Scenario) -> dict:
    """Everything the guide page shows of a scenario, read from the scenario itself."""
    note = scenario.teaching_note or {}
    return {
        "name": scenario.name, "title": scenario.title, "description": scenario.description,
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
        raise NotFound("unknown_scenario", f"There is no scenario called {name!r}.")
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
