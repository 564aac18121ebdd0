"""The facilitator's debrief, read from what the session stored: pure reads, no writes.

- `debrief_leaderboard`: teams ranked by their *mean* balanced scorecard over the session's closed
  rounds, each of the seven parts shown, and the ranking explained in sentences (docs/reports.md,
  "The debrief ranking").
- `debrief_series`: every KPI of the catalogue (game/dashboards.py), per team and round, for the picker.
- `debrief_teams`: per team, its decisions round by round in a manager's units, its KPIs, the
  disruptions that hit it, the mistakes the plant revealed and the alignment story of each round
  (time to align, versions and edits, who approved when, chat by role).
- `results_table`: one row per team and round, KPIs and decisions as columns, for the CSV/XLSX export.

Figures come from RoundResult (KPIs, decisions, mistakes, disruptions), PackageVersion and Approval
(the alignment story: the same rows the alignment score was computed from) and the ledger's chat
lines. A whole session is read in a handful of queries, whatever its size.

Texts are written in the active language (the request's: the page, the export); the engine's mistakes are
messages rendered here, and the catalogue's English labels (KPIs, role titles, projects) go through gettext
(docs/i18n.md).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _, gettext_lazy, ngettext, pgettext_lazy

from classroom.i18n_text import render
from classroom.models import LedgerEntry, Session
from game import engine
from game.credibility import credibility, credibility_words, forecast_errors
from game.dashboards import KPIS, ROLE_DASHBOARDS
from game.engine.disruptions import DISRUPTION_NAMES
from game.engine.kpis import SCORECARD_WEIGHTS
from game.lever_display import ROLE_TITLES, room_lever_specs
from game.models import Approval, PackageVersion, Round, RoundResult
from game.money_format import money
from game.selectors import session_scenario

# The seven parts of the balanced scorecard (game/engine/kpis.py), in the order the page shows them.
SCORECARD_PARTS = ("throughput", "execution", "oee", "quality", "reliability", "alignment", "risk")
PART_LABELS = {
    "throughput": gettext_lazy("Throughput strength"),
    "execution": gettext_lazy("Execution confidence"),
    "oee": gettext_lazy("OEE and its trend"),
    "quality": gettext_lazy("Quality"),
    "reliability": gettext_lazy("Reliability and downtime exposure"),
    "alignment": gettext_lazy("Leadership alignment"),
    "risk": gettext_lazy("Operational risk (low risk scores high)"),
}
# The lower-case phrase of a part inside a sentence (English lower-cases the label; other languages may not).
PART_PHRASES = {
    "throughput": pgettext_lazy("scorecard part in a sentence", "throughput strength"),
    "execution": pgettext_lazy("scorecard part in a sentence", "execution confidence"),
    "oee": pgettext_lazy("scorecard part in a sentence", "OEE and its trend"),
    "quality": pgettext_lazy("scorecard part in a sentence", "quality"),
    "reliability": pgettext_lazy("scorecard part in a sentence", "reliability and downtime exposure"),
    "alignment": pgettext_lazy("scorecard part in a sentence", "leadership alignment"),
    "risk": pgettext_lazy("scorecard part in a sentence", "operational risk (low risk scores high)"),
}
PART_WORDS = {"throughput": pgettext_lazy("scorecard part, short", "throughput"),
              "execution": pgettext_lazy("scorecard part, short", "execution"),
              "oee": pgettext_lazy("scorecard part, short", "OEE"),
              "quality": pgettext_lazy("scorecard part, short", "quality"),
              "reliability": pgettext_lazy("scorecard part, short", "reliability"),
              "alignment": pgettext_lazy("scorecard part, short", "alignment"),
              "risk": pgettext_lazy("scorecard part, short", "risk")}
ORDINALS = (pgettext_lazy("rank", "first"), pgettext_lazy("rank", "second"), pgettext_lazy("rank", "third"),
            pgettext_lazy("rank", "fourth"), pgettext_lazy("rank", "fifth"), pgettext_lazy("rank", "sixth"),
            pgettext_lazy("rank", "seventh"), pgettext_lazy("rank", "eighth"), pgettext_lazy("rank", "ninth"),
            pgettext_lazy("rank", "tenth"), pgettext_lazy("rank", "eleventh"), pgettext_lazy("rank", "twelfth"))
# The same ranks standing alone, after "ranked" in a heading ("Rang: 1.", "classement : 1re" in German, French).
RANKS = (pgettext_lazy("rank, alone", "first"), pgettext_lazy("rank, alone", "second"),
         pgettext_lazy("rank, alone", "third"), pgettext_lazy("rank, alone", "fourth"),
         pgettext_lazy("rank, alone", "fifth"), pgettext_lazy("rank, alone", "sixth"),
         pgettext_lazy("rank, alone", "seventh"), pgettext_lazy("rank, alone", "eighth"),
         pgettext_lazy("rank, alone", "ninth"), pgettext_lazy("rank, alone", "tenth"),
         pgettext_lazy("rank, alone", "eleventh"), pgettext_lazy("rank, alone", "twelfth"))
DEFAULT_KPI = "scorecard"  # what the KPI picker shows first
SHOWN_DIGITS = 1  # the scorecard and its parts are shown, compared and ranked to one decimal


# --- figures in a manager's units -------------------------------------------------------------------

def unit_text(unit: str, currency: str) -> str:
    """The unit a KPI column is headed with (a share is shown as a percentage)."""
    return {"money": currency, "money_per_unit": _("%(currency)s per unit") % {"currency": currency}, "share": "%",
            "percent": "%", "hours": _("h"), "hours_week": _("h a week"), "units": _("units"), "count": _("number"),
            "score": "0-100", "ratio": _("ratio"), "station": _("station number")}.get(unit, unit)


def kpi_heading(key: str, currency: str) -> str:
    kpi = KPIS[key]
    return _("%(label)s (%(unit)s)") % {"label": _(kpi.label), "unit": unit_text(kpi.unit, currency)}


def kpi_shown(value, unit: str):
    """The number as the page and the export show it: shares as percentages, the rest as stored."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value * 100.0 if unit == "share" else value


def _number(value: float, digits: int) -> str:
    """Grouped and with the decimal mark of the active language; rounded as Python's format rounds."""
    return number_format(round(value, digits), digits, use_l10n=True, force_grouping=True)


def kpi_text(value, key: str, currency: str) -> str:
    """One KPI as the room's LabFormat.kpi writes it (frontend/static/lab/format.js)."""
    if value is None or value == "":
        return "–"
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    kpi = KPIS.get(key)
    digits, unit = (kpi.digits, kpi.unit) if kpi else (0, "")
    if unit == "money":
        return money(value, currency)
    if unit == "money_per_unit":
        return _("%(value)s %(currency)s per unit") % {"value": ('-' if value < 0 else '') + _number(abs(value), 2),
                                                      "currency": currency}
    if unit in ("share", "percent"):
        return _("%(value)s %%") % {"value": _number(kpi_shown(value, unit), digits)}
    if unit == "station":
        return _("Station %(number)s") % {"number": value}
    shown = _number(value, digits)
    return {"hours": _("%(value)s h"), "hours_week": _("%(value)s h a week"), "units": _("%(value)s units"),
            "score": _("%(value)s / 100")}.get(unit, "%(value)s") % {"value": shown}


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": secs}
    return _("%(seconds)s s") % {"seconds": secs}


def _lever_number(value, spec: dict) -> str:
    scale = spec["display"]["scale"]
    digits = 0 if spec["kind"] in ("int", "int_list") or scale > 1 else 1
    return _number(value * scale, digits)


def lever_text(value, spec: dict, currency: str) -> str:
    """A lever as the room shows it (LabFormat.leverText): 25 % of planned hours, not 0.25."""
    if value is None:
        return "–"
    display = spec["display"]
    if spec["kind"] == "multichoice":
        return "; ".join(_(engine.PROJECTS[c].label) if c in engine.PROJECTS else str(c) for c in value) or _("none")
    if spec["kind"] == "int_list":
        labels = spec.get("item_labels") or [""] * len(value)
        return ", ".join(f"{label} {_lever_number(v, spec)}".strip() for label, v in zip(labels, value)) + \
            (f" {display['unit']}" if display["unit"] else "")
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    if display["money"]:
        return _("%(money)s per month") % {"money": money(value, currency)}
    return f"{_lever_number(value, spec)} {display['unit']}".strip()


def ordinal(n: int) -> str:
    if 1 <= n <= len(ORDINALS):
        return str(ORDINALS[n - 1])
    text = _("%(n)sth") % {"n": n}
    if text == f"{n}th":  # English: 21st, 22nd, 23rd
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        text = f"{n}{suffix}"
    return text


def rank_text(n: int) -> str:
    """A rank standing alone ("first"; German "1.", French "1re")."""
    return str(RANKS[n - 1]) if 1 <= n <= len(RANKS) else ordinal(n)


def _months_text(n: int) -> str:
    return ngettext("%(n)s month", "%(n)s months", n) % {"n": n}


def _and(words: list[str]) -> str:
    words = [str(w) for w in words]
    return words[0] if len(words) == 1 else _("%(items)s and %(last)s") % {"items": ", ".join(words[:-1]),
                                                                           "last": words[-1]}


# --- what the session stored --------------------------------------------------------------------------

@dataclass
class _Played:
    rounds: list[Round]  # closed, in order
    teams: list  # classroom Team rows, by number
    results: dict  # (team_id, round number) -> RoundResult


def _played(session: Session) -> _Played:
    rounds = list(session.round_set.filter(state=Round.State.CLOSED).order_by("number"))
    numbers = {r.number for r in rounds}
    teams = list(session.teams.order_by("number"))
    results = {(r.team_id, r.round.number): r for r in
               RoundResult.objects.filter(round__session=session).select_related("round")
               if r.round.number in numbers}
    return _Played(rounds=rounds, teams=teams, results=results)


def kpi_choices(currency: str) -> list[dict]:
    """The KPI picker: every catalogue KPI once, grouped under the first role dashboard that holds it."""
    seen, groups = set(), []
    for role, boards in ROLE_DASHBOARDS.items():
        keys = [k for k in boards["detail"] if k not in seen and k in KPIS]
        seen.update(keys)
        groups.append({"role": role, "title": _(ROLE_TITLES[role]), "kpis": [
            {"key": k, "label": _(KPIS[k].label), "unit": KPIS[k].unit, "digits": KPIS[k].digits,
             "better": KPIS[k].better, "unit_text": unit_text(KPIS[k].unit, currency)} for k in keys]})
    rest = [k for k in KPIS if k not in seen]
    if rest:
        groups.append({"role": "", "title": _("Other"), "kpis": [
            {"key": k, "label": _(KPIS[k].label), "unit": KPIS[k].unit, "digits": KPIS[k].digits,
             "better": KPIS[k].better, "unit_text": unit_text(KPIS[k].unit, currency)} for k in rest]})
    return groups


def debrief_series(*, session: Session, played: _Played | None = None) -> dict:
    """Every catalogue KPI per team and closed round: {"rounds": [1, 2, ...], "teams": [{"team", "number",
    "values": {kpi: [value or None per round]}}]}; values as stored (shares 0..1), formatted by the client."""
    played = played or _played(session)
    numbers = [r.number for r in played.rounds]
    teams = []
    for team in played.teams:
        values = {}
        for key in KPIS:
            row = []
            for n in numbers:
                result = played.results.get((team.id, n))
                v = result.kpis.get(key) if result else None
                row.append(v if isinstance(v, (int, float)) and not isinstance(v, bool) else None)
            values[key] = row
        teams.append({"team_id": team.id, "team": team.name, "number": team.number, "values": values})
    return {"rounds": numbers, "teams": teams}


# --- the leaderboard ---------------------------------------------------------------------------------

def _mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _shown(value: float | None) -> float | None:
    return None if value is None else round(value, SHOWN_DIGITS)


def debrief_leaderboard(*, session: Session, played: _Played | None = None) -> dict:
    """Teams ranked by the mean of their monthly balanced scorecards over the session's closed rounds.

    Ties on that mean (to the one decimal shown) are broken by good units shipped over the session;
    teams level on both share a place (same rank) and are listed by team number. Each part is the mean
    of that part (0-100) over the same rounds; a team "leads" a part when no team has a higher mean
    (to one decimal) and not every team has the same. Returns {"months", "weights", "rows", "story"}.
    """
    played = played or _played(session)
    numbers = [r.number for r in played.rounds]
    last = numbers[-1] if numbers else None
    rows = []
    for team in played.teams:
        results = [played.results[(team.id, n)] for n in numbers if (team.id, n) in played.results]
        if not results:
            continue
        scores = [r.kpis.get("scorecard") for r in results]
        parts = {}
        for part in SCORECARD_PARTS:
            mean = _mean([(r.kpis.get("scorecard_parts") or {}).get(part) for r in results])
            parts[part] = None if mean is None else 100.0 * mean
        last_result = played.results.get((team.id, last))
        rows.append({
            "team_id": team.id, "team": team.name, "number": team.number,
            "months": len(results),
            "credibility": (cred := credibility([forecast_errors(r.forecast, r.kpis) for r in results])),
            "credibility_text": credibility_words(cred),
            "scorecard_mean": _mean(scores),
            "parts": parts,
            # what each part adds to the mean scorecard: weight x part
            "points": {p: (None if v is None else SCORECARD_WEIGHTS[p] * v) for p, v in parts.items()},
            "good_units_total": sum(r.kpis.get("good_units") or 0 for r in results),
            "cash_last": last_result.kpis.get("cash") if last_result else None,
            "scorecard_last": last_result.kpis.get("scorecard") if last_result else None,
            "aligned_months": sum(1 for r in results if r.aligned),
        })

    def key(row):
        return (-(_shown(row["scorecard_mean"]) or 0.0), -round(row["good_units_total"]), row["number"])

    rows.sort(key=key)
    for i, row in enumerate(rows):
        previous = rows[i - 1] if i else None
        same = previous is not None and key(previous)[:2] == key(row)[:2]
        row["rank"] = previous["rank"] if same else i + 1
    for row in rows:
        row["tied_with"] = [r["team"] for r in rows if r is not row and r["rank"] == row["rank"]]
    by_last = sorted(rows, key=lambda r: (-(_shown(r["scorecard_last"]) or 0.0), r["number"]))
    for row in by_last:
        row["rank_last_month"] = next(j + 1 for j, r in enumerate(by_last)
                                      if _shown(r["scorecard_last"]) == _shown(row["scorecard_last"]))
    leaders = {}
    for part in SCORECARD_PARTS:
        shown = [_shown(r["parts"][part]) for r in rows if r["parts"][part] is not None]
        if len(set(shown)) > 1:  # a part every team scored the same on has no leader
            leaders[part] = max(shown)
    for row in rows:
        row["led"] = [p for p in SCORECARD_PARTS if p in leaders and _shown(row["parts"][p]) == leaders[p]]
        row["sentence"] = _ranking_sentence(row, rows)
        row["part_cells"] = [{"key": p, "value": row["parts"][p], "led": p in row["led"]} for p in SCORECARD_PARTS]
    return {"months": len(numbers), "weights": dict(SCORECARD_WEIGHTS), "rows": rows,
            "parts": [{"key": p, "label": str(PART_LABELS[p]), "short": str(PART_WORDS[p])[:1].upper() + str(PART_WORDS[p])[1:],
                       "phrase": str(PART_PHRASES[p]),
                       "weight": SCORECARD_WEIGHTS[p]} for p in SCORECARD_PARTS]}


def _ranking_sentence(row: dict, rows: list[dict]) -> str:
    """Why this team stands where it does, in words a workshop can read aloud."""
    mean = _number(_shown(row["scorecard_mean"]), 1)
    months = _months_text(row["months"])
    place = ordinal(row["rank"])
    if row["tied_with"]:
        head = _("%(team)s shares %(place)s place with %(others)s: the same average scorecard (%(mean)s over "
                 "%(months)s) and the same good units shipped (%(units)s)") % {
            "team": row["team"], "place": place, "others": _and(row["tied_with"]), "mean": mean, "months": months,
            "units": _number(row["good_units_total"], 0)}
    else:
        head = _("%(team)s ranks %(place)s: its scorecard averaged %(mean)s over %(months)s") % {
            "team": row["team"], "place": place, "mean": mean, "months": months}
        above = next((r for r in reversed(rows) if r["rank"] < row["rank"]), None)
        if above is not None:
            gap = _shown(above["scorecard_mean"]) - _shown(row["scorecard_mean"])
            if gap == 0:
                head += _(", level with %(above)s on the scorecard; %(above)s shipped more good units over the "
                          "session (%(theirs)s against %(ours)s)") % {
                    "above": above["team"], "theirs": _number(above["good_units_total"], 0),
                    "ours": _number(row["good_units_total"], 0)}
            else:
                head += _(", %(gap)s below %(above)s") % {"gap": _number(gap, 1), "above": above["team"]}
    parts = {p: v for p, v in row["parts"].items() if v is not None}
    if row["led"]:
        head += _("; it led on %(parts)s") % {"parts": _and([PART_WORDS[p] for p in row["led"]])}
    elif parts and len(rows) > 1:
        best = max(parts, key=lambda p: parts[p])
        head += _("; it led on no part, its strongest was %(part)s (%(value)s / 100)") % {
            "part": PART_WORDS[best], "value": _number(parts[best], 1)}
    if parts:
        worst = min(parts, key=lambda p: parts[p])
        if worst not in row["led"]:
            head += _("; its weakest was %(part)s (%(value)s / 100)") % {
                "part": PART_WORDS[worst], "value": _number(parts[worst], 1)}
    sentence = head + "."
    if len(rows) > 1 and row["months"] > 1 and row["rank_last_month"] != row["rank"]:
        sentence += _(" On the last month alone it would rank %(place)s (scorecard %(score)s).") % {
            "place": ordinal(row["rank_last_month"]), "score": _number(row["scorecard_last"], 1)}
    return sentence[0].upper() + sentence[1:]


# --- per team: decisions, KPIs, disruptions, mistakes, the alignment story -----------------------------

def _roles(text: str) -> list[str]:
    return [r for r in engine.ROLES if r in (text or "").split(",")]


def _alignment_stories(session: Session, played: _Played) -> dict:
    """(team_id, round number) -> the round's alignment story, from the stored versions and approvals."""
    by_id = {r.id: r for r in played.rounds}
    versions = defaultdict(list)
    for v in (PackageVersion.objects.filter(round__in=played.rounds).select_related("author")
              .order_by("team_id", "round_id", "version")):
        versions[(v.team_id, by_id[v.round_id].number)].append(v)
    approvals = defaultdict(list)
    for a in (Approval.objects.filter(package_version__round__in=played.rounds)
              .select_related("participant", "package_version").order_by("at", "id")):
        pv = a.package_version
        approvals[(pv.team_id, by_id[pv.round_id].number)].append(a)
    chat = defaultdict(list)
    numbers = set(by_id[i].number for i in by_id)
    for entry in (LedgerEntry.objects.filter(session=session, kind=LedgerEntry.Kind.CHAT, round_number__in=numbers)
                  .select_related("participant").order_by("at", "id")):
        chat[(entry.team_id, entry.round_number)].append(entry)

    stories = {}
    for game_round in played.rounds:
        opened = game_round.opens_at
        for team in played.teams:
            key = (team.id, game_round.number)
            rows = versions.get(key, [])
            aligned = next((v for v in reversed(rows) if v.aligned_at), None)
            result = played.results.get(key)

            def after(moment):
                return None if moment is None or opened is None else (moment - opened).total_seconds()

            edits_by_role = {role: 0 for role in engine.ROLES}
            for v in rows:
                if v.changed_lever and v.author_role in edits_by_role and not v.reopened:
                    edits_by_role[v.author_role] += 1
            chat_by_role = {role: 0 for role in engine.ROLES}
            lines = []
            for entry in chat.get(key, []):
                roles = _roles(entry.role)
                for role in roles:
                    chat_by_role[role] += 1
                lines.append({"name": entry.participant.display_name, "roles": roles,
                              "role_titles": " + ".join(_(ROLE_TITLES[r]) for r in roles) or _("no role"),
                              "text": entry.detail.get("text", ""), "at": entry.at,
                              "seconds": after(entry.at), "when": duration_text(after(entry.at))})
            stories[key] = {
                "round": game_round.number,
                "opened_at": opened,
                "closed_by": game_round.closed_by or None,
                "round_seconds": after(game_round.closed_at),
                "round_length": duration_text(after(game_round.closed_at)),
                "aligned": aligned is not None,
                "aligned_at": aligned.aligned_at if aligned else None,
                "aligned_version": aligned.version if aligned else None,
                "seconds_to_align": after(aligned.aligned_at) if aligned else None,
                "time_to_align": duration_text(after(aligned.aligned_at)) if aligned else _("did not align"),
                "versions": len(rows),
                "edits": sum(edits_by_role.values()),
                "reopens": sum(1 for v in rows if v.reopened),
                "edits_by_role": edits_by_role,
                "approvals": [{"role": a.role, "role_title": _(ROLE_TITLES[a.role]) if a.role in ROLE_TITLES else a.role,
                               "by": a.participant.display_name, "at": a.at, "version": a.package_version.version,
                               "seconds": after(a.at), "when": duration_text(after(a.at)),
                               "counted": aligned is not None and a.package_version_id == aligned.id}
                              for a in approvals.get(key, [])],
                "chat": lines,
                "chat_by_role": chat_by_role,
                "chat_lines": len(lines),
                "by_role": [{"role": r, "title": _(ROLE_TITLES[r]), "edits": edits_by_role[r], "chat": chat_by_role[r]}
                            for r in engine.ROLES],
                "alignment_score": result.kpis.get("leadership_alignment") if result else None,
            }
    return stories


def _decision_rows(team_id: int, numbers: list[int], played: _Played, specs: list[dict], currency: str) -> list[dict]:
    rows = []
    for spec in specs:
        cells, previous = [], None
        for i, n in enumerate(numbers):
            result = played.results.get((team_id, n))
            value = result.decisions.get(spec["name"]) if result else None
            changed = i > 0 and result is not None and value != previous
            cells.append({"text": lever_text(value, spec, currency), "changed": changed})
            previous = value
        rows.append({"name": spec["name"], "label": spec["label"], "role": spec["role_title"], "cells": cells})
    return rows


def _disruption_text(d: dict) -> str:
    kind = d.get("kind", "")
    name = str(DISRUPTION_NAMES[kind]) if kind in DISRUPTION_NAMES else kind.replace("_", " ")
    return _("%(kind)s × %(magnitude)s, from day %(day)s for %(days)s d: %(description)s") % {
        "kind": name[:1].upper() + name[1:], "magnitude": d.get("magnitude"), "day": int(d.get("start_day", 0)) + 1,
        "days": d.get("duration_days"), "description": disruption_description(d)}


def disruption_description(d: dict) -> str:
    """A stored disruption's description in the active language: a message (new results), or the engine's
    English description marked for the catalogue (older results stored it as text)."""
    text = d.get("description", "")
    return render(text) if isinstance(text, dict) else (_(text) if text else "")


def debrief_teams(*, session: Session, played: _Played | None = None) -> list[dict]:
    played = played or _played(session)
    currency = session_scenario(session=session).currency
    numbers = [r.number for r in played.rounds]
    specs = room_lever_specs(currency=currency)
    stories = _alignment_stories(session, played)
    teams = []
    for team in played.teams:
        results = [played.results.get((team.id, n)) for n in numbers]
        last = next((r for r in reversed(results) if r is not None), None)
        teams.append({
            "team_id": team.id, "team": team.name, "number": team.number,
            "decisions": _decision_rows(team.id, numbers, played, specs, currency),
            "kpis": [{"key": k, "label": _(KPIS[k].label),
                      "cells": [kpi_text(r.kpis.get(k) if r else None, k, currency) for r in results]}
                     for k in KPIS],
            "disruptions": [{"round": n, "items": [_disruption_text(d) for d in (r.disruptions or [])]}
                            for n, r in zip(numbers, results) if r is not None and r.disruptions],
            "mistakes": [{**render(m), "rounds_text": ", ".join(str(x) for x in m.get("rounds", []))}
                         for m in (last.mistakes if last else [])],
            "alignment": [stories[(team.id, n)] for n in numbers],
        })
    return teams


def session_debrief(*, session: Session) -> dict:
    """Everything the debrief page shows, read once."""
    played = _played(session)
    currency = session_scenario(session=session).currency
    leaderboard = debrief_leaderboard(session=session, played=played)
    teams = debrief_teams(session=session, played=played)
    ranks = {row["team_id"]: row["rank"] for row in leaderboard["rows"]}
    for team in teams:
        team["rank"] = ranks.get(team["team_id"])
        team["rank_text"] = rank_text(team["rank"]) if team["rank"] else None
    series = debrief_series(session=session, played=played)
    return {
        "currency": currency,
        "rounds": [r.number for r in played.rounds],
        "kpi_groups": kpi_choices(currency),
        "series": series,
        "default_kpi": DEFAULT_KPI,
        "default_kpi_label": _(KPIS[DEFAULT_KPI].label),
        "default_table": [{"team": t["team"], "cells": [kpi_text(v, DEFAULT_KPI, currency)
                                                        for v in t["values"][DEFAULT_KPI]]} for t in series["teams"]],
        "leaderboard": leaderboard,
        "teams": teams,
    }


# --- the results export ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResultColumn:
    header: str
    kind: str  # text | int | number
    digits: int = 0
    width: int = 14


def _lever_columns(specs: list[dict]) -> list[tuple[ResultColumn, callable]]:
    cols = []
    for spec in specs:
        unit = spec["display"]["unit"]
        name, scale = spec["name"], spec["display"]["scale"]
        digits = 0 if spec["kind"] in ("int", "int_list") or scale > 1 else 1
        if spec["kind"] == "int_list":
            for i, item in enumerate(spec["item_labels"]):
                cols.append((ResultColumn(f"{spec['label']}, {item} ({unit})", "number", digits),
                             lambda d, name=name, i=i, scale=scale: _scaled((d.get(name) or [None] * (i + 1))[i], scale)))
        elif spec["kind"] == "multichoice":
            cols.append((ResultColumn(spec["label"], "text", width=40),
                         lambda d, spec=spec: lever_text(d.get(spec["name"]) or [], spec, "")))
        elif spec["kind"] == "choice":
            cols.append((ResultColumn(spec["label"], "text"), lambda d, name=name: d.get(name)))
        else:
            cols.append((ResultColumn(f"{spec['label']} ({unit})" if unit else spec["label"], "number", digits),
                         lambda d, name=name, scale=scale: _scaled(d.get(name), scale)))
    return cols


def _scaled(value, scale):
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value * scale if scale != 1 else value


def results_table(*, session: Session) -> tuple[list[ResultColumn], list[list]]:
    """Every team's KPIs and decisions per closed round: one row per team x round (team, then round).
    KPI columns are headed with the catalogue's label and unit (shares as %); scorecard parts 0-100;
    lever columns in the room's units (25 % of planned hours as 25, lists one column per item)."""
    played = _played(session)
    currency = session_scenario(session=session).currency
    specs = room_lever_specs(currency=currency)
    columns = [ResultColumn(_("Session"), "text", width=28), ResultColumn(_("Team"), "text", width=10),
               ResultColumn(_("Team number"), "int"), ResultColumn(_("Month (round)"), "int"),
               ResultColumn(_("Aligned"), "text", width=9)]
    columns += [ResultColumn(kpi_heading(k, currency), "number", KPIS[k].digits, 16) for k in KPIS]
    columns += [ResultColumn(_("Scorecard part: %(part)s (0-100, weight %(weight)s%%)") % {
        "part": PART_LABELS[p], "weight": f"{100 * SCORECARD_WEIGHTS[p]:.0f}"}, "number", 1, 16) for p in SCORECARD_PARTS]
    levers = _lever_columns(specs)
    columns += [c for c, _ in levers]
    columns += [ResultColumn(_("Disruptions that hit"), "text", width=40),
                ResultColumn(_("Mistakes found by this month"), "text", width=40)]
    columns += _forecast_columns(currency)
    rationales = dict(((v.team_id, v.round.number), v.rationale) for v in PackageVersion.objects.filter(
        round__session=session, aligned_at__isnull=False).select_related("round").order_by("version"))
    rows = []
    for team in played.teams:
        errors_so_far = []
        for game_round in played.rounds:
            result = played.results.get((team.id, game_round.number))
            if result is None:
                continue
            k, d = result.kpis, result.decisions
            parts = k.get("scorecard_parts") or {}
            row = [session.name, team.name, team.number, game_round.number, _("yes") if result.aligned else _("no")]
            row += [kpi_shown(k.get(key), KPIS[key].unit) for key in KPIS]
            row += [None if parts.get(p) is None else 100.0 * parts[p] for p in SCORECARD_PARTS]
            row += [get(d) for _, get in levers]
            row += ["; ".join(_disruption_text(x) for x in (result.disruptions or [])),
                    "; ".join(render(m.get("title", "")) for m in (result.mistakes or []))]
            errors = forecast_errors(result.forecast, k)
            errors_so_far.append(errors)
            row += _forecast_cells(result.forecast, errors, rationales.get((team.id, game_round.number), ""),
                                   credibility(errors_so_far))
            rows.append(row)
    return columns, rows


def _forecast_columns(currency: str) -> list[ResultColumn]:
    """The team's commitment for the month against what the plant did (docs/model.md, "Credibility")."""
    return [ResultColumn(_("Forecast: good units"), "number", 0),
            ResultColumn(_("Forecast error: good units (%)"), "number", 1),
            ResultColumn(_("Forecast: cash (%(currency)s)") % {"currency": currency}, "number", 0),
            ResultColumn(_("Forecast error: cash (%)"), "number", 1),
            ResultColumn(_("Forecast: one more KPI"), "text", width=24), ResultColumn(_("Forecast: its value"), "number", 2),
            ResultColumn(_("Forecast error: that KPI (%)"), "number", 1), ResultColumn(_("Rationale"), "text", width=50),
            ResultColumn(_("Credibility so far (0-100)"), "number", 1),
            ResultColumn(_("Forecast bias so far (%)"), "number", 1)]


def _forecast_cells(forecast: dict | None, errors: dict | None, rationale: str, cred: dict) -> list:
    if not forecast:
        return [None] * 4 + ["", None, None, "", cred["score"], cred["bias"]]
    extra = forecast.get("extra") or {}
    pct = lambda key: ((errors or {}).get(key) or {}).get("error_pct")
    return [forecast.get("good_units"), pct("good_units"), forecast.get("cash"), pct("cash"),
            _(KPIS[extra["kpi"]].label) if extra.get("kpi") in KPIS else "", extra.get("value"),
            pct(extra.get("kpi")) if extra else None, rationale, cred["score"], cred["bias"]]
