"""A team's debrief story: each closed month in a few plain sentences, written only from stored figures.

Every sentence is {"kind", "text", "facts"}: `facts` names each figure the text quotes ({name: number or
string}), so a test can trace every number of the text to a stored value (docs/reports.md, "The team's
story"). Names say where a figure comes from:

- "version": the aligned package version (PackageVersion.version);
- "forecast.good_units", "forecast.cash", "forecast.extra.value": RoundResult.forecast;
- "rationale", "notes.<role>": the team's own words (PackageVersion.rationale and .notes of the aligned
  version), quoted verbatim;
- "time_to_align": duration_text(aligned_at - the round's opening);
- "kpis.<key>" and "previous.<key>": RoundResult.kpis of this month and of the month before;
- "forecast_error.<key>": the error in % of the actual (game/credibility.py);
- "scorecard_change": kpis.scorecard - previous.scorecard; "points.<part>": a scorecard part's change in
  points (game/reveal.py; round 1: what it is short of a perfect score);
- "disruption.*", "mistake.*": RoundResult.disruptions and .mistakes as stored ("disruption.day" is the
  stored start_day + 1, the day as people count it);
- "credibility.*": game.credibility.credibility over the session's months.

One story per team, the same on the facilitator's debrief, in the team's room after the session and on
paper. It quotes only what every seat of the team was shown during play (docs/decisions.md, "A debrief
story per team"): the summary KPIs every seat sees, the reveal's drivers as a seat without a role gets
them, the disruptions and mistakes the reveal showed every seat, and the team's own commitment. Station
detail, the cash-flow lines and the risk breakdown stay on the role dashboards and in the facilitator's
drill-down tables.

`team_story` is a pure function of plain dicts; `team_story_for` and `session_stories` read the rows.

The text is written in the active language (each reader's: the page's request, the room's socket), numbers
formatted for it; the stored mistakes and disruption descriptions are messages rendered here. The facts stay
the stored figures whatever the language.
"""
from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext as _, ngettext

from classroom.i18n_text import render
from game.credibility import credibility, forecast_errors
from game.dashboards import KPIS
from game.debrief import DISRUPTION_NAMES, disruption_description, duration_text, kpi_text
from game.engine import ROLES
from game.lever_display import ROLE_TITLES
from game.models import PackageVersion, Round, RoundResult
from game.reveal import round_reveal
from game.selectors import session_scenario

STORY_ROLES: tuple[str, ...] = ()  # what every seat sees (see above)
MAX_DRIVERS = 2  # the scorecard's biggest movers per month; cash has its own sentence


def _item(kind: str, text: str, facts: dict) -> dict:
    return {"kind": kind, "text": text, "facts": facts}


def _goods(value) -> str:
    return _("%(count)s good units") % {"count": kpi_text(value, "", "EUR")}  # "" : the number alone


def _decimal(value: float, digits: int = 1) -> str:
    return number_format(round(value, digits), digits, use_l10n=True, force_grouping=True)


def _lower(label) -> str:
    """A KPI's label inside a sentence: lower case, except in German, whose nouns keep their capital."""
    return str(label) if (get_language() or "en").startswith("de") else str(label).lower()


def _error_words(pct: float | None) -> str | None:
    """How a forecast compares with what happened, in % of the actual (positive: more was promised)."""
    if pct is None:
        return None
    if round(pct, 1) == 0:
        return _("spot on")
    words = _("%(pct)s %% too high") if pct > 0 else _("%(pct)s %% too low")
    return words % {"pct": _decimal(abs(pct))}


def _commitment(month: dict, currency: str, aligned_before: bool) -> list[dict]:
    forecast = month.get("forecast")
    if not forecast:
        if month.get("aligned"):
            return [_item("commitment", _("The team agreed a plan but stated no forecast for it."), {})]
        text = (_("The team made no commitment: no plan had every role's approval by the close, so the plant ran "
                  "the last aligned plan again.") if aligned_before else
                _("The team made no commitment: no plan had every role's approval by the close, so the plant ran "
                  "the plan it started with."))
        return [_item("commitment", text, {})]
    facts = {"forecast.good_units": forecast.get("good_units"), "forecast.cash": forecast.get("cash")}
    goods, cash = _goods(forecast.get("good_units")), kpi_text(forecast.get("cash"), "cash", currency)
    extra = forecast.get("extra") or {}
    if extra.get("kpi") in KPIS:
        text = _("The team committed to %(goods)s and %(cash)s in cash at the month's end, and to %(kpi)s of "
                 "%(value)s.") % {"goods": goods, "cash": cash, "kpi": _lower(_(KPIS[extra["kpi"]].label)),
                                  "value": kpi_text(extra.get("value"), extra["kpi"], currency)}
        facts["forecast.extra.value"] = extra.get("value")
    else:
        text = _("The team committed to %(goods)s and %(cash)s in cash at the month's end.") % {
            "goods": goods, "cash": cash}
    items = [_item("commitment", text, facts)]
    rationale = (month.get("rationale") or "").strip()
    if rationale:
        items.append(_item("rationale", _("Why, in the team's own words: “%(rationale)s”") % {"rationale": rationale},
                           {"rationale": rationale}))
    notes = {role: text.strip() for role, text in (month.get("notes") or {}).items()
             if role in ROLES and isinstance(text, str) and text.strip()}
    if notes:
        lines = [_("%(role)s: “%(note)s”") % {"role": _(ROLE_TITLES[role]), "note": notes[role]}
                 for role in ROLES if role in notes]
        items.append(_item("notes", _("Each role's line on its own levers: %(lines)s.") % {"lines": "; ".join(lines)},
                           {f"notes.{role}": text for role, text in notes.items()}))
    return items


def _alignment(month: dict) -> list[dict]:
    if not month.get("aligned") or month.get("aligned_version") is None:
        return []
    facts = {"version": month["aligned_version"]}
    if month.get("seconds_to_align") is not None:
        facts["time_to_align"] = duration_text(month["seconds_to_align"])
        text = _("Every role approved version %(version)s, %(time)s after the month opened.") % {
            "version": month["aligned_version"], "time": facts["time_to_align"]}
    else:
        text = _("Every role approved version %(version)s.") % {"version": month["aligned_version"]}
    return [_item("alignment", text, facts)]


def _plant(month: dict, currency: str) -> list[dict]:
    k = month["kpis"]
    errors = forecast_errors(month.get("forecast"), k) or {}
    facts = {"kpis.good_units": k.get("good_units"), "kpis.demand": k.get("demand"), "kpis.cash": k.get("cash")}
    said = {}
    for key in ("good_units", "cash"):
        pct = (errors.get(key) or {}).get("error_pct")
        if _error_words(pct):
            facts[f"forecast_error.{key}"] = pct
            said[key] = _(" (the forecast was %(words)s)") % {"words": _error_words(pct)}
    text = _("The plant shipped %(goods)s against demand of %(demand)s%(goods_forecast)s and ended the month with "
             "%(cash)s in cash%(cash_forecast)s.") % {
        "goods": _goods(k.get("good_units")), "demand": kpi_text(k.get("demand"), "demand", currency),
        "goods_forecast": said.get("good_units", ""), "cash": kpi_text(k.get("cash"), "cash", currency),
        "cash_forecast": said.get("cash", "")}
    items = [_item("plant", text, facts)]
    if k.get("bottleneck_station") is not None:
        facts = {"kpis.bottleneck_station": k["bottleneck_station"], "kpis.failures": k.get("failures"),
                 "kpis.unplanned_hours": k.get("unplanned_hours")}
        breakdowns = k.get("failures")
        count = 1 if breakdowns == 1 else 2
        text = ngettext("The bottleneck was station %(station)s; the line had %(failures)s breakdown and "
                        "%(downtime)s of unplanned downtime.",
                        "The bottleneck was station %(station)s; the line had %(failures)s breakdowns and "
                        "%(downtime)s of unplanned downtime.", count) % {
            "station": k["bottleneck_station"], "failures": kpi_text(breakdowns, "failures", currency),
            "downtime": kpi_text(k.get("unplanned_hours"), "unplanned_hours", currency)}
        items.append(_item("bottleneck", text, facts))
    return items


def _scorecard(month: dict, previous: dict | None, currency: str) -> list[dict]:
    now = month["kpis"].get("scorecard")
    if now is None:
        return []
    was = previous["kpis"].get("scorecard") if previous else None
    shown = kpi_text(now, "scorecard", currency)
    if was is None:
        return [_item("scorecard", _("The balanced scorecard stood at %(score)s.") % {"score": shown},
                      {"kpis.scorecard": now})]
    change = now - was
    facts = {"kpis.scorecard": now, "previous.scorecard": was, "scorecard_change": change}
    if round(change, 1) == 0:
        return [_item("scorecard", _("The balanced scorecard held at %(score)s.") % {"score": shown}, facts)]
    words = (_("The balanced scorecard rose %(points)s points to %(score)s.") if change > 0
             else _("The balanced scorecard fell %(points)s points to %(score)s."))
    return [_item("scorecard", words % {"points": _decimal(abs(change)), "score": shown}, facts)]


def _drivers(month: dict, previous: dict | None, currency: str) -> list[dict]:
    """The reveal's explanation of the scorecard by its weighted parts (game/reveal.py), as every seat got it."""
    results = [{"round": m["round"], "aligned": m.get("aligned"), "kpis": m["kpis"]} for m in (previous, month) if m]
    reveal = round_reveal(results=results, roles=STORY_ROLES, currency=currency)
    items = []
    for driver in [d for d in reveal["drivers"] if d["part"] != "cash"][:MAX_DRIVERS]:
        facts = {f"points.{driver['part']}": driver["points"]}
        for key in driver["kpis"]:
            facts[f"kpis.{key}"] = month["kpis"].get(key)
            if previous is not None:
                facts[f"previous.{key}"] = previous["kpis"].get(key)
        items.append(_item("driver", render(driver["text"]), facts))
    return items


def _disruptions(month: dict) -> list[dict]:
    items = []
    for d in month.get("disruptions") or []:
        kind = str(d.get("kind", ""))
        kind = _(DISRUPTION_NAMES[kind]) if kind in DISRUPTION_NAMES else kind.replace("_", " ")
        day, days = int(d.get("start_day", 0)) + 1, d.get("duration_days")
        facts = {"disruption.kind": kind, "disruption.day": day, "disruption.duration_days": days,
                 "disruption.description": disruption_description(d)}
        shown = number_format(int(days) if float(days).is_integer() else days, use_l10n=True)  # as {days:g}
        text = ngettext("Disruption: %(kind)s from day %(day)s for %(days)s day: %(description)s",
                        "Disruption: %(kind)s from day %(day)s for %(days)s days: %(description)s",
                        1 if days == 1 else 2) % {"kind": kind, "day": day, "days": shown,
                                                  "description": facts["disruption.description"]}
        items.append(_item("disruption", text if text.endswith(".") else text + ".", facts))
    return items


def _mistakes(month: dict, previous: dict | None) -> list[dict]:
    """The mistakes the plant revealed this month: found now and not the month before (the detectors read the
    whole history each month, so a mistake stays on the list once found; it is told once, when it appears)."""
    before = {m.get("code") for m in (previous or {}).get("mistakes") or []}
    items = []
    for m in month.get("mistakes") or []:
        if m.get("code") in before:
            continue
        facts = {"mistake.title": render(m.get("title", "")), "mistake.evidence": render(m.get("evidence", ""))}
        items.append(_item("mistake", _("The plant revealed a mistake, “%(title)s”: %(evidence)s") % {
            "title": facts["mistake.title"], "evidence": facts["mistake.evidence"]}, facts))
    return items


def _closing(months: list[dict]) -> dict:
    cred = credibility([forecast_errors(m.get("forecast"), m["kpis"]) for m in months])
    if cred["score"] is None:
        return _item("credibility", _("No month had a forecast the plant could be measured against, so the team "
                                      "has no credibility score."), {})
    facts = {"credibility.score": cred["score"], "credibility.mape": cred["mape"],
             "credibility.bias": cred["bias"], "credibility.rounds": cred["rounds"]}
    if abs(cred["bias"]) < 0.05:
        lean = _("with no lean either way")
    else:
        lean = (_("leaning %(pct)s %% optimistic") if cred["bias"] > 0 else _("leaning %(pct)s %% pessimistic")) % {
            "pct": _decimal(abs(cred["bias"]))}
    n = cred["rounds"]
    text = ngettext("Over the session the team's forecasts earned a credibility of %(score)s / 100: off by %(mape)s %% "
                    "on average, %(lean)s, over %(n)s month with a forecast.",
                    "Over the session the team's forecasts earned a credibility of %(score)s / 100: off by %(mape)s %% "
                    "on average, %(lean)s, over %(n)s months with a forecast.", n) % {
        "score": _decimal(cred["score"]), "mape": _decimal(cred["mape"]), "lean": lean, "n": n}
    return _item("credibility", text, facts)


def team_story(*, months: list[dict], currency: str) -> dict:
    """The story from one team's closed months, each {"round", "aligned", "kpis", "forecast", "mistakes",
    "disruptions", "rationale", "notes", "aligned_version", "seconds_to_align"}: {"months": [{"round", "sentences"}],
    "closing": sentence or None}."""
    months = sorted(months, key=lambda m: m["round"])
    out = []
    for i, month in enumerate(months):
        previous = months[i - 1] if i else None
        aligned_before = any(m.get("aligned") for m in months[:i])
        sentences = (_commitment(month, currency, aligned_before) + _alignment(month) + _plant(month, currency)
                     + _scorecard(month, previous, currency) + _drivers(month, previous, currency)
                     + _disruptions(month) + _mistakes(month, previous))
        out.append({"round": month["round"], "sentences": sentences})
    return {"months": out, "closing": _closing(months) if months else None}


# --- reading the stored rows --------------------------------------------------------------------------

def _months(results, versions, rounds) -> dict[int, list[dict]]:
    """team id -> its months as team_story reads them, from RoundResult rows, aligned PackageVersion rows
    (version order) and the closed rounds."""
    aligned = {}
    for v in versions:  # the last aligned version of a round is the one that ran
        aligned[(v.team_id, v.round_id)] = v
    by_team: dict[int, list[dict]] = {}
    for r in results:
        game_round = rounds[r.round_id]
        version = aligned.get((r.team_id, r.round_id)) if r.aligned else None
        opened = game_round.opens_at
        by_team.setdefault(r.team_id, []).append({
            "round": game_round.number, "aligned": r.aligned, "kpis": r.kpis, "forecast": r.forecast,
            "mistakes": r.mistakes, "disruptions": r.disruptions,
            "rationale": version.rationale if version else "",
            "notes": version.notes if version else {},
            "aligned_version": version.version if version else None,
            "seconds_to_align": ((version.aligned_at - opened).total_seconds()
                                 if version and opened and version.aligned_at else None),
        })
    return by_team


def _read(session, team_ids=None) -> dict[int, list[dict]]:
    rounds = {r.id: r for r in session.round_set.filter(state=Round.State.CLOSED)}
    results = RoundResult.objects.filter(round_id__in=rounds)
    versions = PackageVersion.objects.filter(round_id__in=rounds, aligned_at__isnull=False).only(
        "team_id", "round_id", "version", "rationale", "notes", "aligned_at").order_by("version")
    if team_ids is not None:
        results, versions = results.filter(team_id__in=team_ids), versions.filter(team_id__in=team_ids)
    return _months(results, versions, rounds)


def session_stories(*, session) -> dict[int, dict]:
    """team id -> its story, for every team of the session (three queries)."""
    currency = session_scenario(session=session).currency
    months = _read(session)
    return {team.id: team_story(months=months.get(team.id, []), currency=currency)
            for team in session.teams.order_by("number")}


def team_story_for(*, team) -> dict:
    """One team's story (the room shows it once the session has finished)."""
    session = team.session
    return team_story(months=_read(session, [team.id]).get(team.id, []),
                      currency=session_scenario(session=session).currency)


def story_text(story: dict) -> dict:
    """The story as a browser shows it: the sentences without their facts."""
    def strip(s):
        return {"kind": s["kind"], "text": s["text"]}
    return {"months": [{"round": m["round"], "sentences": [strip(s) for s in m["sentences"]]} for m in story["months"]],
            "closing": strip(story["closing"]) if story["closing"] else None}
