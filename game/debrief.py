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
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from classroom.models import LedgerEntry, Session
from game import engine
from game.credibility import credibility, credibility_words, forecast_errors
from game.dashboards import KPIS, ROLE_DASHBOARDS
from game.engine.kpis import SCORECARD_WEIGHTS
from game.lever_display import ROLE_TITLES, room_lever_specs
from game.models import Approval, PackageVersion, Round, RoundResult
from game.money_format import money
from game.selectors import session_scenario

# The seven parts of the balanced scorecard (game/engine/kpis.py), in the order the page shows them.
SCORECARD_PARTS = ("throughput", "execution", "oee", "quality", "reliability", "alignment", "risk")
PART_LABELS = {
    "throughput": "Throughput strength",
    "execution": "Execution confidence",
    "oee": "OEE and its trend",
    "quality": "Quality",
    "reliability": "Reliability and downtime exposure",
    "alignment": "Leadership alignment",
    "risk": "Operational risk (low risk scores high)",
}
PART_WORDS = {"throughput": "throughput", "execution": "execution", "oee": "OEE", "quality": "quality",
              "reliability": "reliability", "alignment": "alignment", "risk": "risk"}
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth")
DEFAULT_KPI = "scorecard"  # what the KPI picker shows first
SHOWN_DIGITS = 1  # the scorecard and its parts are shown, compared and ranked to one decimal


# --- figures in a manager's units -------------------------------------------------------------------

def unit_text(unit: str, currency: str) -> str:
    """The unit a KPI column is headed with (a share is shown as a percentage)."""
    return {"money": currency, "money_per_unit": f"{currency} per unit", "share": "%", "percent": "%",
            "hours": "h", "hours_week": "h a week", "units": "units", "count": "number", "score": "0-100",
            "ratio": "ratio", "station": "station number"}.get(unit, unit)


def kpi_heading(key: str, currency: str) -> str:
    kpi = KPIS[key]
    return f"{kpi.label} ({unit_text(kpi.unit, currency)})"


def kpi_shown(value, unit: str):
    """The number as the page and the export show it: shares as percentages, the rest as stored."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value * 100.0 if unit == "share" else value


def _number(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


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
        return f"{'-' if value < 0 else ''}{abs(value):,.2f} {currency} per unit"
    if unit in ("share", "percent"):
        return _number(kpi_shown(value, unit), digits) + " %"
    suffix = {"hours": " h", "hours_week": " h a week", "units": " units", "score": " / 100"}.get(unit, "")
    if unit == "station":
        return f"Station {value}"
    return _number(value, digits) + suffix


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


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
        return "; ".join(engine.PROJECTS[c].label if c in engine.PROJECTS else str(c) for c in value) or "none"
    if spec["kind"] == "int_list":
        labels = spec.get("item_labels") or [""] * len(value)
        return ", ".join(f"{label} {_lever_number(v, spec)}".strip() for label, v in zip(labels, value)) + \
            (f" {display['unit']}" if display["unit"] else "")
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    if display["money"]:
        return money(value, currency) + " per month"
    return f"{_lever_number(value, spec)} {display['unit']}".strip()


def ordinal(n: int) -> str:
    if 1 <= n <= len(ORDINALS):
        return ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


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
        groups.append({"role": role, "title": ROLE_TITLES[role], "kpis": [
            {"key": k, "label": KPIS[k].label, "unit": KPIS[k].unit, "digits": KPIS[k].digits,
             "better": KPIS[k].better, "unit_text": unit_text(KPIS[k].unit, currency)} for k in keys]})
    rest = [k for k in KPIS if k not in seen]
    if rest:
        groups.append({"role": "", "title": "Other", "kpis": [
            {"key": k, "label": KPIS[k].label, "unit": KPIS[k].unit, "digits": KPIS[k].digits,
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
            "parts": [{"key": p, "label": PART_LABELS[p], "short": PART_WORDS[p][:1].upper() + PART_WORDS[p][1:],
                       "phrase": PART_LABELS[p] if PART_LABELS[p].startswith("OEE") else PART_LABELS[p].lower(),
                       "weight": SCORECARD_WEIGHTS[p]} for p in SCORECARD_PARTS]}


def _ranking_sentence(row: dict, rows: list[dict]) -> str:
    """Why this team stands where it does, in words a workshop can read aloud."""
    mean = _shown(row["scorecard_mean"])
    months = _plural(row["months"], "month")
    place = ordinal(row["rank"])
    if row["tied_with"]:
        head = (f"{row['team']} shares {place} place with {_and(row['tied_with'])}: the same average scorecard "
                f"({mean:.1f} over {months}) and the same good units shipped ({row['good_units_total']:,.0f})")
    else:
        head = f"{row['team']} ranks {place}: its scorecard averaged {mean:.1f} over {months}"
        above = next((r for r in reversed(rows) if r["rank"] < row["rank"]), None)
        if above is not None:
            gap = _shown(above["scorecard_mean"]) - mean
            if gap == 0:
                head += (f", level with {above['team']} on the scorecard; {above['team']} shipped more good units "
                         f"over the session ({above['good_units_total']:,.0f} against {row['good_units_total']:,.0f})")
            else:
                head += f", {gap:.1f} below {above['team']}"
    parts = {p: v for p, v in row["parts"].items() if v is not None}
    if row["led"]:
        head += f"; it led on {_and([PART_WORDS[p] for p in row['led']])}"
    elif parts and len(rows) > 1:
        best = max(parts, key=lambda p: parts[p])
        head += f"; it led on no part, its strongest was {PART_WORDS[best]} ({parts[best]:.1f} / 100)"
    if parts:
        worst = min(parts, key=lambda p: parts[p])
        if worst not in row["led"]:
            head += f"; its weakest was {PART_WORDS[worst]} ({parts[worst]:.1f} / 100)"
    sentence = head + "."
    if len(rows) > 1 and row["months"] > 1 and row["rank_last_month"] != row["rank"]:
        sentence += (f" On the last month alone it would rank {ordinal(row['rank_last_month'])} "
                     f"(scorecard {row['scorecard_last']:.1f}).")
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
                              "role_titles": " + ".join(ROLE_TITLES[r] for r in roles) or "no role",
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
                "time_to_align": duration_text(after(aligned.aligned_at)) if aligned else "did not align",
                "versions": len(rows),
                "edits": sum(edits_by_role.values()),
                "reopens": sum(1 for v in rows if v.reopened),
                "edits_by_role": edits_by_role,
                "approvals": [{"role": a.role, "role_title": ROLE_TITLES.get(a.role, a.role),
                               "by": a.participant.display_name, "at": a.at, "version": a.package_version.version,
                               "seconds": after(a.at), "when": duration_text(after(a.at)),
                               "counted": aligned is not None and a.package_version_id == aligned.id}
                              for a in approvals.get(key, [])],
                "chat": lines,
                "chat_by_role": chat_by_role,
                "chat_lines": len(lines),
                "by_role": [{"role": r, "title": ROLE_TITLES[r], "edits": edits_by_role[r], "chat": chat_by_role[r]}
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
    kind = d.get("kind", "").replace("_", " ")
    return (f"{kind[:1].upper()}{kind[1:]} × {d.get('magnitude')}, from day {int(d.get('start_day', 0)) + 1} "
            f"for {d.get('duration_days')} d: {d.get('description', '')}")


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
            "kpis": [{"key": k, "label": KPIS[k].label,
                      "cells": [kpi_text(r.kpis.get(k) if r else None, k, currency) for r in results]}
                     for k in KPIS],
            "disruptions": [{"round": n, "items": [_disruption_text(d) for d in (r.disruptions or [])]}
                            for n, r in zip(numbers, results) if r is not None and r.disruptions],
            "mistakes": [{**m, "rounds_text": ", ".join(str(x) for x in m.get("rounds", []))}
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
        team["rank_text"] = ordinal(team["rank"]) if team["rank"] else None
    series = debrief_series(session=session, played=played)
    return {
        "currency": currency,
        "rounds": [r.number for r in played.rounds],
        "kpi_groups": kpi_choices(currency),
        "series": series,
        "default_kpi": DEFAULT_KPI,
        "default_kpi_label": KPIS[DEFAULT_KPI].label,
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
    columns = [ResultColumn("Session", "text", width=28), ResultColumn("Team", "text", width=10),
               ResultColumn("Team number", "int"), ResultColumn("Month (round)", "int"),
               ResultColumn("Aligned", "text", width=9)]
    columns += [ResultColumn(kpi_heading(k, currency), "number", KPIS[k].digits, 16) for k in KPIS]
    columns += [ResultColumn(f"Scorecard part: {PART_LABELS[p]} (0-100, weight {SCORECARD_WEIGHTS[p]:.0%})",
                             "number", 1, 16) for p in SCORECARD_PARTS]
    levers = _lever_columns(specs)
    columns += [c for c, _ in levers]
    columns += [ResultColumn("Disruptions that hit", "text", width=40),
                ResultColumn("Mistakes found by this month", "text", width=40)]
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
            row = [session.name, team.name, team.number, game_round.number, "yes" if result.aligned else "no"]
            row += [kpi_shown(k.get(key), KPIS[key].unit) for key in KPIS]
            row += [None if parts.get(p) is None else 100.0 * parts[p] for p in SCORECARD_PARTS]
            row += [get(d) for _, get in levers]
            row += ["; ".join(_disruption_text(x) for x in (result.disruptions or [])),
                    "; ".join(m.get("title", "") for m in (result.mistakes or []))]
            errors = forecast_errors(result.forecast, k)
            errors_so_far.append(errors)
            row += _forecast_cells(result.forecast, errors, rationales.get((team.id, game_round.number), ""),
                                   credibility(errors_so_far))
            rows.append(row)
    return columns, rows


def _forecast_columns(currency: str) -> list[ResultColumn]:
    """The team's commitment for the month against what the plant did (docs/model.md, "Credibility")."""
    return [ResultColumn("Forecast: good units", "number", 0), ResultColumn("Forecast error: good units (%)", "number", 1),
            ResultColumn(f"Forecast: cash ({currency})", "number", 0), ResultColumn("Forecast error: cash (%)", "number", 1),
            ResultColumn("Forecast: one more KPI", "text", width=24), ResultColumn("Forecast: its value", "number", 2),
            ResultColumn("Forecast error: that KPI (%)", "number", 1), ResultColumn("Rationale", "text", width=50),
            ResultColumn("Credibility so far (0-100)", "number", 1), ResultColumn("Forecast bias so far (%)", "number", 1)]


def _forecast_cells(forecast: dict | None, errors: dict | None, rationale: str, cred: dict) -> list:
    if not forecast:
        return [None] * 4 + ["", None, None, "", cred["score"], cred["bias"]]
    extra = forecast.get("extra") or {}
    pct = lambda key: ((errors or {}).get(key) or {}).get("error_pct")
    return [forecast.get("good_units"), pct("good_units"), forecast.get("cash"), pct("cash"),
            KPIS[extra["kpi"]].label if extra.get("kpi") in KPIS else "", extra.get("value"),
            pct(extra.get("kpi")) if extra else None, rationale, cred["score"], cred["bias"]]
