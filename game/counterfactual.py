"""Counterfactual replay: "what if we had..." for one team, from the record of the rounds played.

Read-only: nothing here writes the database. The replay is exact because it feeds the engine what the
round close fed it (game/services/rounds.py `round_finalize`), all of which is on record:

- the plant's starting state (`engine.initial_state`, the same dict round trip as the close), then each
  round's end state carried to the next through `state_to_team_dicts` / `state_from_team_dicts`, as
  `Team.engine_state` carried it (Team.engine_state only holds the latest state, so the replay starts
  from the first round);
- per round, every team that was simulated in it (the teams with a result, in team-number order) with
  the levers that ran (`RoundResult.decisions`), the disruptions that hit it (`RoundResult.disruptions`)
  and its alignment score (`kpis["leadership_alignment"]`, the very float the close passed);
- the session's seed, the round numbers and the scenario snapshot (`session_scenario`).

Every team of the session is replayed together, not the chosen team alone: the random numbers are
drawn per (seed, round) and shared by all teams, so one team alone draws the same numbers, but the
batch also sets array shapes (the longest working month of any team) and so the order of some sums;
replaying the whole batch with only this team's decisions changed is the same computation as the
close, bit for bit. With no change the replay reproduces the stored KPIs exactly (tested).

The change (a preset and/or lever edits) applies to every played round from `from_round` on; the
alignment score stays as recorded (a replay does not re-run the team's meeting).
"""
import math

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _, gettext_noop

from classroom.errors import Forbidden, LabError, NotFound, TooManyTries
from classroom.models import Participant, Session, Team
from classroom.services.access import participant_roles
from classroom.services.throttle import person_key, rate_allow
from game import engine
from game.dashboards import KPIS, kpi_catalog_json, visible_kpis
from game.engine import strategies
from game.engine.budget import planned_spend
from game.lever_display import lever_display, room_lever_specs
from game.models import Round, RoundResult
from game.engine_text import engine_text
from game.money_format import money
from game.package_checks import decision_error_text
from game.selectors import session_scenario

ENVELOPES = ("maintenance_budget", "training_budget", "quality_budget", "capex_budget")

PRESETS = {
    "recommended_pm": {
        "label": gettext_noop("Recommended preventive maintenance"),
        "help": gettext_noop("PM hours at the equipment maker's recommendation on every station and 4 technicians, "
                             "with the maintenance envelope raised to pay for them."),
    },
    "no_overtime": {
        "label": gettext_noop("No overtime"),
        "help": gettext_noop("Overtime share 0: the planned hours only."),
    },
    "no_cuts": {
        "label": gettext_noop("No budget cuts"),
        "help": gettext_noop("Every finance envelope raised to what the plan needs, so nothing is cut for lack of "
                             "money."),
    },
}


def counterfactual_presets() -> list[dict]:
    """The presets a person can pick, with their labels and one-sentence help (for the widget), in the active
    language."""
    return [{"key": key, **{k: _(v) for k, v in spec.items()}} for key, spec in PRESETS.items()]


def _recommended_pm(scenario) -> dict:
    """Engineering's recommended maintenance, as the scripted play `strategies.pm_required` defines it:
    the scenario's recommended PM hours per station (strategies.REQUIRED_PM by default) and its technicians."""
    play = strategies.pm_required(1, [])
    hours = scenario.params.get("pm_required", play["pm_hours"])
    return {"pm_hours": [int(round(h)) for h in hours], "technicians": int(play["technicians"])}


def _team_in_session(session: Session, team) -> Team:
    if isinstance(team, Team):
        if team.session_id != session.id:
            raise NotFound("unknown_team", _("That team is not in this session."), field="team")
        return team
    if isinstance(team, bool) or not isinstance(team, int):
        raise LabError("invalid_value", _("Pick a team."), field="team")
    found = session.teams.filter(pk=team).first()
    if found is None:
        raise NotFound("unknown_team", _("That team is not in this session."), field="team")
    return found


def _check_preset(preset):
    if preset in (None, ""):
        return None
    if not isinstance(preset, str) or preset not in PRESETS:
        raise LabError("unknown_preset", _("Pick one of the changes offered: %(presets)s.") % {
            "presets": ", ".join(_(p["label"]).lower() for p in PRESETS.values())}, field="preset")
    return preset


def _check_levers(levers, currency: str) -> dict:
    if levers in (None, ""):
        return {}
    if not isinstance(levers, dict):
        raise LabError("invalid_value", _("Lever changes must map a lever to its new value."), field="levers")
    out = {}
    for name, value in levers.items():
        if name not in engine.LEVERS:
            raise LabError("invalid_value", _("There is no lever called %(name)s: pick one from the list.")
                           % {"name": repr(str(name)[:40])},
                           field=str(name)[:40])
        try:
            out[name] = engine.validate_lever(name, value)
        except engine.DecisionError as exc:
            raise LabError("invalid_value", decision_error_text(exc, currency), field=exc.field) from None
    return out


def _played(session: Session) -> dict[int, list]:
    """Per closed round number: (team_id, decisions, kpis, disruptions) of every team simulated in it, in the
    order the close ran them (team number)."""
    rows = (RoundResult.objects.filter(round__session=session, round__state=Round.State.CLOSED)
            .order_by("round__number", "team__number")
            .values_list("round__number", "team_id", "decisions", "kpis", "disruptions"))
    out: dict[int, list] = {}
    for number, team_id, decisions, kpis, disruptions in rows:
        out.setdefault(number, []).append((team_id, decisions, kpis, disruptions))
    return out


def _check_from_round(from_round, team_rounds: list[int]) -> int:
    if isinstance(from_round, str) and from_round.strip().isdigit():
        from_round = int(from_round)
    if isinstance(from_round, bool) or not isinstance(from_round, int):
        raise LabError("invalid_value", _("Say from which round the change starts (its number)."),
                       field="from_round")
    if not team_rounds:
        raise LabError("round_not_played", _("No round has been played yet: a replay needs a round that was "
                                             "played."), field="from_round")
    if from_round not in team_rounds:
        first, last = team_rounds[0], team_rounds[-1]
        pick = (_("round %(first)s") if first == last else _("a round from %(first)s to %(last)s")) % {
            "first": first, "last": last}
        why = (_("Round %(number)s has not been played yet") if from_round > last
               else _("There is no round %(number)s") if from_round < 1
               else _("This team did not play round %(number)s")) % {"number": from_round}
        raise LabError("round_not_played", _("%(why)s: pick %(pick)s.") % {"why": why, "pick": pick},
                       field="from_round")
    return from_round


def _value_text(name: str, value, currency: str) -> str:
    spec = engine.LEVERS[name]
    if isinstance(value, list):
        if spec.kind == "multichoice":
            return ", ".join(engine_text(engine.PROJECTS[c].label) for c in value) if value else _("none")
        shown = lever_display(spec.unit, currency)
        return ", ".join(str(v) for v in value) + (f" {shown['unit']}" if shown["unit"] else "")
    if isinstance(value, str):
        return value
    shown = lever_display(spec.unit, currency)
    if shown["money"]:
        return _("%(money)s a month") % {"money": money(value, currency)}
    v = value * shown["scale"]
    digits = 0 if float(v).is_integer() else 2
    shown_v = formats.number_format(float(f"{v:.{digits}f}"), digits, use_l10n=True, force_grouping=True)
    return f"{shown_v} {shown['unit']}".strip()


def _describe(preset, edits: dict, from_round: int, scenario) -> str:
    parts = []
    if preset == "recommended_pm":
        rec = _recommended_pm(scenario)
        parts.append(_("recommended preventive maintenance (%(hours)s h a month per station, %(technicians)s "
                       "technicians, the maintenance envelope raised to pay for it)") % {
            "hours": ", ".join(str(h) for h in rec["pm_hours"]), "technicians": rec["technicians"]})
    elif preset == "no_overtime" and "overtime_share" not in edits:  # an overtime edit says it all
        parts.append(_("no overtime"))
    for name, value in edits.items():
        parts.append(_("%(lever)s set to %(value)s") % {"lever": _lever_in_sentence(name),
                                                         "value": _value_text(name, value, scenario.currency)})
    if preset == "no_cuts":
        parts.append(_("every finance envelope raised to what the plan needs"))
    if not parts:
        return _("No change: the rounds as they were played.")
    text = "; ".join(parts)
    return _("%(change)s, from round %(number)s on.") % {"change": f"{text[:1].upper()}{text[1:]}",
                                                         "number": from_round}


def _lever_in_sentence(name: str) -> str:
    """A lever's label inside a sentence: lower case in English and French, as written in German (its nouns keep
    their capital)."""
    label = engine_text(engine.LEVERS[name].label)
    return label if translation.get_language() == "de" else label.lower()


def _changed_levers(levers: dict, preset, edits: dict, heads: float, scenario, number: int) -> dict:
    """The package that would have run in round `number`: the recorded one with the change applied."""
    lv = dict(levers)
    p = scenario.params
    if preset == "recommended_pm":
        lv.update(_recommended_pm(scenario))
    elif preset == "no_overtime":
        lv["overtime_share"] = 0.0
    lv.update(edits)
    need = planned_spend(lv, p, heads)
    if preset == "recommended_pm":
        envelopes = ("maintenance_budget",)
    elif preset == "no_cuts":
        envelopes = ENVELOPES
    else:
        envelopes = ()
    for env in envelopes:  # raised only, never lowered; the envelope's maximum still holds
        if env not in edits:
            lv[env] = float(min(max(float(lv[env]), math.ceil(need[env])), engine.LEVERS[env].max))
    try:
        engine.validate_package(lv, scenario)
    except engine.DecisionError as exc:
        raise LabError("invalid_value", _("With this change the package of round %(number)s could not run: "
                                          "%(reason)s") % {"number": number,
                                                           "reason": decision_error_text(exc, scenario.currency)},
                       field=exc.field) from None
    return lv


def _catalogue(kpis: dict) -> dict:
    return {key: kpis.get(key) for key in KPIS}


def counterfactual(*, session: Session, team, from_round, levers: dict | None = None,
                   preset: str | None = None) -> dict:
    """Replay `team` with a change from `from_round` on; actual (stored) against counterfactual KPIs for every
    played round from `from_round` on. `team`: a Team or a team id of the session. Raises LabError with the
    field at fault; writes nothing."""
    scenario = session_scenario(session=session)
    team = _team_in_session(session, team)
    preset = _check_preset(preset)
    edits = _check_levers(levers, scenario.currency)
    played = _played(session)
    team_rounds = [n for n, rows in played.items() if any(r[0] == team.id for r in rows)]
    from_round = _check_from_round(from_round, team_rounds)

    fresh = engine.state_to_team_dicts(engine.initial_state(scenario, 1))[0]
    states: dict[int, dict] = {}  # team id -> its state dict after the last replayed round
    out = []
    for number in sorted(n for n in played if n <= team_rounds[-1]):
        rows = played[number]
        ids = [r[0] for r in rows]
        decisions = [r[1] for r in rows]
        actual_levers = None
        if team.id in ids and number >= from_round:
            i = ids.index(team.id)
            start = states.get(team.id, fresh)
            heads = (start.get("headcount") or 0.0) + (start.get("pipeline") or 0.0)
            actual_levers = decisions[i]
            if preset or edits:
                decisions = decisions[:i] + [_changed_levers(decisions[i], preset, edits, heads, scenario, number)] \
                    + decisions[i + 1:]
        state = engine.state_from_team_dicts([states.get(t, fresh) for t in ids], scenario)
        hits = [[engine.Disruption.from_dict(d) for d in r[3]] for r in rows]
        alignment = [r[2].get("leadership_alignment") for r in rows]
        new_state, kpis = engine.simulate_round(state, decisions, scenario, hits, seed=session.seed,
                                                round_number=number, alignment=alignment)
        states.update(zip(ids, engine.state_to_team_dicts(new_state)))
        if actual_levers is not None:
            i = ids.index(team.id)
            cf_levers = decisions[i]
            out.append({
                "round": number,
                "actual": _catalogue(rows[i][2]),
                "counterfactual": _catalogue(kpis[i]),
                "changed_levers": {k: {"actual": actual_levers.get(k), "counterfactual": v}
                                   for k, v in cf_levers.items() if actual_levers.get(k) != v},
            })
    return {
        "team": {"id": team.id, "number": team.number, "name": team.name},
        "from_round": from_round,
        "preset": preset,
        "levers": edits,
        "change": _describe(preset, edits, from_round, scenario),
        "rounds": out,
    }


def counterfactual_rounds(*, session: Session, team: Team) -> list[int]:
    """The rounds `team` has played (closed, with a result): the rounds a change may start from."""
    return list(RoundResult.objects.filter(team=team, round__session=session, round__state=Round.State.CLOSED)
                .order_by("round__number").values_list("round__number", flat=True))


def counterfactual_open_to_participant(*, participant: Participant) -> bool:
    return participant.session.state == Session.State.FINISHED


def counterfactual_participant_kpis(*, participant: Participant) -> set[str]:
    """The KPIs a participant's replay shows: those their seat saw during the workshop (summaries, plus the
    dashboards of the roles they hold), as the room and its what-if preview show them."""
    return visible_kpis(participant_roles(participant=participant))


def counterfactual_for_participant(*, participant: Participant, from_round, levers: dict | None = None,
                                   preset: str | None = None) -> dict:
    """"What if we had...": a participant's replay of their own team, once the workshop has ended. Whatever
    team a request names, only the participant's own is replayed; KPIs as their seat may see them."""
    if not counterfactual_open_to_participant(participant=participant):
        raise Forbidden("not_ended", _("What if… opens when the workshop has ended: come back then to replay "
                                        "your team's months with a different decision."))
    if participant.team_id is None:
        raise LabError("not_seated", _("You were not in a team in this workshop, so there is nothing to replay."))
    per_minute = settings.LAB_WHATIF_RUNS_PER_MINUTE
    if not rate_allow(scope="whatif-runs", key=person_key(participant), per_minute=per_minute):
        raise TooManyTries("whatif_too_fast", _(
            "You asked for more than %(n)s replays in a minute: wait a few seconds, then replay again.")
            % {"n": per_minute})
    answer = counterfactual(session=participant.session, team=participant.team, from_round=from_round,
                            levers=levers, preset=preset)
    keep = counterfactual_participant_kpis(participant=participant)
    for row in answer["rounds"]:
        for side in ("actual", "counterfactual"):
            row[side] = {k: v for k, v in row[side].items() if k in keep}
    return answer


def counterfactual_widget_options(*, session: Session) -> dict:
    """What the facilitator's replay widget (frontend/static/lab/counterfactual.js) needs, on the debrief page:
    every team, the rounds played, every KPI, the lever specs and the presets. The caller adds the `url`."""
    currency = session_scenario(session=session).currency
    played = list(Round.objects.filter(session=session, state=Round.State.CLOSED).order_by("number")
                  .values_list("number", flat=True))
    return {"teams": [{"id": t.id, "name": t.name} for t in session.teams.order_by("number")],
            "rounds": played, "kpis": kpi_catalog_json(), "levers": room_lever_specs(currency=currency),
            "presets": counterfactual_presets(), "currency": currency}
