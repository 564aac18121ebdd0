"""A disruption's expected impact, before the facilitator confirms it (read-only).

For each team it would hit, the engine runs the team's current package (its latest version in the round
being played, else the package it would carry forward) from the team's current plant over the same sampled
futures of the target month twice: without the disruption (but with everything else already set for that
month: the scenario's schedule and the other disruptions) and with it. Same random numbers in both runs, so
the difference is the disruption's own effect; each figure comes with its band (p10, p50, p90).

For a later round the plant that month will have moved on; the runs start from the plant as it is now with
its current package, which the answer says in words.
"""
from django.utils import formats
from django.utils.translation import gettext as _, ngettext

from classroom.errors import LabError
from classroom.services.access import session_for_facilitator
from game import engine
from game.dashboards import KPIS, kpi_label
from game.engine_text import engine_text
from game.models import PackageVersion
from game.money_format import money
from game.selectors import package_latest, round_playing, session_scenario
from game.services.disruptions import (disruption_event, disruption_round, disruption_spec, disruption_team_ids,
                                       disruptions_landing)

IMPACT_SAMPLES = 200
IMPACT_KPIS = ("good_units", "cash", "scorecard")
MINUS = "\u2212"


def _figure(value: float, unit: str, currency: str, signed: bool = False) -> str:
    sign = ("+" if value > 0 else MINUS if value < 0 else "\u00b1") if signed else (MINUS if value < 0 else "")
    size = abs(value) if signed or value < 0 else value
    if unit == "money":
        return sign + money(size, currency)
    if unit == "score":
        return sign + formats.number_format(float(f"{size:.1f}"), 1, use_l10n=True)  # rounded as before
    return sign + formats.number_format(int(f"{size:.0f}"), 0, use_l10n=True, force_grouping=True)


def _cell(bands: dict, unit: str, currency: str, signed: bool = False) -> dict:
    """A figure with its band, in numbers and in words: '6,414 (5,209 to 6,708)'."""
    text = _("%(mid)s (%(low)s to %(high)s)") % {"mid": _figure(bands["p50"], unit, currency, signed),
                                                 "low": _figure(bands["p10"], unit, currency, signed),
                                                 "high": _figure(bands["p90"], unit, currency, signed)}
    return {"p10": bands["p10"], "p50": bands["p50"], "p90": bands["p90"], "mean": bands["mean"], "text": text}


def _package(team, playing, scenario) -> tuple[dict, str]:
    """The levers to run for a team and how to say which package they are."""
    if playing is not None:
        package = package_latest(team=team, game_round=playing)
        if package is not None:
            try:
                engine.validate_package(package.levers, scenario)
                return package.levers, _("its package version %(version)s of round %(number)s") % {
                    "version": package.version, "number": playing.number}
            except engine.DecisionError:
                pass  # a package the plant cannot run yet (weights mid-edit): what it would carry forward
    aligned = (PackageVersion.objects.filter(team=team, aligned_at__isnull=False)
               .order_by("-round__number", "-version").first())
    if aligned is not None:
        return aligned.levers, _("its last aligned package (round %(number)s)") % {"number": aligned.round.number}
    return engine.default_levers(scenario), _("the scenario's default package")


def _exclude_id(session, disruption_id):
    if disruption_id is None:
        return None
    if isinstance(disruption_id, bool) or not isinstance(disruption_id, int) \
            or not session.disruptions.filter(pk=disruption_id).exists():
        raise LabError("unknown_disruption", _("This session has no such disruption."), field="id")
    return disruption_id


def disruption_impact(*, session_id: int, user, spec: dict, team_ids=None, round_number=None,
                      disruption_id=None) -> dict:
    """Per targeted team, good units, cash and scorecard of the target month without and with the disruption,
    and the difference, each as p10/p50/p90 over IMPACT_SAMPLES futures. `disruption_id`: the disruption being
    edited, left out of the 'without' run. Validates like scheduling; writes nothing."""
    session = session_for_facilitator(session_id=session_id, user=user)
    event = disruption_spec(spec)
    number = disruption_round(session=session, round_number=round_number)
    chosen = disruption_team_ids(session=session, team_ids=team_ids)
    exclude = _exclude_id(session, disruption_id)
    teams = list(session.teams.filter(id__in=chosen) if chosen else session.teams.all())
    teams.sort(key=lambda t: t.number)
    if not teams:
        raise LabError("no_teams", _("Nobody has joined yet: there is no team to hit."), field="teams")
    scenario = session_scenario(session=session)
    playing = round_playing(session=session)
    fresh = engine.state_to_team_dicts(engine.initial_state(scenario, 1))[0]
    others = [d for d in disruptions_landing(session=session, round_number=number) if d.pk != exclude]
    states, levers, notes, bases = [], [], [], []
    for team in teams:
        states.append(team.engine_state or fresh)
        team_levers, note = _package(team, playing, scenario)
        levers.append(team_levers)
        notes.append(note)
        bases.append(list(scenario.disruptions_for_round(number)) + [
            disruption_event(disruption=d) for d in others
            if not d.teams.all() or any(t.id == team.id for t in d.teams.all())])
    runs = engine.preview_impact(states, levers, scenario, event, n_samples=IMPACT_SAMPLES, seed=session.seed,
                                 round_number=number, base_disruptions=bases, keys=IMPACT_KPIS)
    ahead = number - playing.number if playing is not None else None
    if playing is not None and ahead == 0:
        when = _("Round %(number)s, the month being played") % {"number": number}
    elif playing is not None:
        when = ngettext("Round %(number)s, %(ahead)s month ahead: run from each plant as it is now with its current "
                        "package (the months between will change both)",
                        "Round %(number)s, %(ahead)s months ahead: run from each plant as it is now with its current "
                        "package (the months between will change both)", ahead) % {"number": number, "ahead": ahead}
    else:
        when = _("Round %(number)s: run from each plant as it is now with its current package") % {"number": number}
    out = []
    for team, note, run in zip(teams, notes, runs):
        rows = []
        for key in IMPACT_KPIS:
            spec_k, bands = KPIS[key], run["kpis"][key]
            rows.append({"kpi": key, "label": kpi_label(key), "unit": spec_k.unit,
                         "without": _cell(bands["without"], spec_k.unit, scenario.currency),
                         "with": _cell(bands["with"], spec_k.unit, scenario.currency),
                         "difference": _cell(bands["difference"], spec_k.unit, scenario.currency, signed=True)})
        out.append({"team_id": team.id, "team": team.name, "package": note, "kpis": rows})
    return {"round": number, "when": when, "n_samples": IMPACT_SAMPLES, "currency": scenario.currency,
            "disruption": {**event.to_dict(), "description": engine_text(engine.DISRUPTION_KINDS[event.kind]["description"])},
            "teams": out}
