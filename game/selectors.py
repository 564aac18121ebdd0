"""Read-side views of rounds, packages and results, shared by snapshots and events."""
import math
import threading

from django.db.models import Count, Min, Q
from django.utils import timezone

from classroom.models import Session, Team
from classroom.reports import SessionPlay
from game import engine
from game.credibility import credibility, forecast_errors
from game.dashboards import FORECAST_EXTRA_KPIS
from game.engine.scenario import scenario_from_dict
from game.models import PackageVersion, Round, RoundResult
from game.package_checks import package_checks


# Parsed scenarios by (session id, created_at): a session's snapshot never changes after it is created, so the
# socket paths (edit, approve) load the session without its snapshot (`defer`) and take the scenario
# from here, parsed once per process instead of once per message. A session object that did load its
# snapshot parses it as before (and refreshes this entry). Bounded: the oldest entries go first.
_scenarios: dict[tuple, engine.Scenario] = {}
_scenarios_lock = threading.Lock()
SCENARIOS_KEPT = 256


def session_scenario(*, session: Session) -> engine.Scenario:
    """The scenario a session plays: its stored snapshot, so a later change to the scenario file or
    to the engine's default parameters cannot change a session's rounds or their replay. Only a
    session without a snapshot (its file was missing when snapshots were back-filled) reads the file.
    Built once per session object, and once per process for a session object loaded without its snapshot."""
    scenario = getattr(session, "_scenario", None)
    if scenario is not None:
        return scenario
    if "scenario_snapshot" in session.get_deferred_fields():
        scenario = _scenarios.get((session.pk, session.created_at))
    if scenario is None:
        snapshot = session.scenario_snapshot
        if snapshot is None:
            scenario = engine.load_scenario(session.scenario_name)
        else:
            scenario = scenario_from_dict(snapshot, strict=False)
            if session.pk is not None:
                key = (session.pk, session.created_at)
                with _scenarios_lock:
                    _scenarios.pop(key, None)
                    _scenarios[key] = scenario
                    while len(_scenarios) > SCENARIOS_KEPT:
                        del _scenarios[next(iter(_scenarios))]
    session._scenario = scenario
    return scenario


def round_current(*, session: Session) -> Round | None:
    """The open/paused/closing round, else the last closed one, else None."""
    return session.round_set.exclude(state=Round.State.PENDING).order_by("-number").first()


def round_playing(*, session: Session) -> Round | None:
    """The round being played (open or paused), if any."""
    return session.round_set.filter(state__in=(Round.State.OPEN, Round.State.PAUSED)).first()


def round_payload(*, game_round: Round | None, total: int) -> dict | None:
    if game_round is None:
        return None
    if game_round.state == Round.State.PAUSED:
        remaining = game_round.paused_remaining or 0.0
    elif game_round.state == Round.State.OPEN and game_round.deadline:
        remaining = max(0.0, (game_round.deadline - timezone.now()).total_seconds())
    else:
        remaining = 0.0
    return {
        "number": game_round.number,
        "total": total,
        "state": game_round.state,
        "deadline": game_round.deadline.isoformat() if game_round.deadline else None,
        "remaining_seconds": round(remaining, 1),
        "closed_by": game_round.closed_by or None,
    }


def package_latest(*, team: Team, game_round: Round) -> PackageVersion | None:
    """The round's latest version, its author read with it (package_payload names them)."""
    return team.package_versions.filter(round=game_round).select_related("author").order_by("-version").first()


def approvals_payload(*, approvals) -> dict:
    """Approvals (with their participants loaded) as package_payload shows them: role -> who."""
    return {a.role: {"participant_id": a.participant_id, "name": a.participant.display_name} for a in approvals}


def package_payload(*, package: PackageVersion | None, scenario: engine.Scenario,
                    approvals: dict | None = None) -> dict | None:
    """A package version as the room and console see it, with its checks in plain words: what the plant
    refuses, what it will cut for lack of money and what fits (game/package_checks.py). `approvals`: the
    version's approvals (approvals_payload) when the caller has them already (a new version has none)."""
    if package is None:
        return None
    if approvals is None:
        approvals = approvals_payload(approvals=package.approvals.select_related("participant"))
    return {
        "version": package.version,
        "levers": package.levers,
        "aligned": package.aligned_at is not None,
        "approvals": approvals,
        "author": package.author.display_name if package.author_id else None,
        "author_role": package.author_role or None,
        "changed_lever": package.changed_lever or None,
        "reopened": package.reopened,
        "checks": package_checks(package.levers, scenario),
        "forecast": package.forecast,
        "rationale": package.rationale,
        "notes": package.notes or {},
    }


def result_payload(*, result: RoundResult) -> dict:
    return {
        "round": result.round.number,
        "aligned": result.aligned,
        "kpis": result.kpis,
        "decisions": result.decisions,
        "mistakes": result.mistakes,
        "disruptions": result.disruptions,
        "forecast": result.forecast,
        "forecast_error": forecast_errors(result.forecast, result.kpis),
    }


def team_results(*, team: Team) -> list[dict]:
    return [result_payload(result=r) for r in team.results.select_related("round").order_by("round__number")]


def leaderboard(*, session: Session) -> list[dict]:
    """Teams ranked by the scorecard of the last closed round (ties: cumulative good units)."""
    last = session.round_set.filter(state=Round.State.CLOSED).order_by("-number").first()
    if last is None:
        return []
    cumulative: dict[int, float] = {}
    errors: dict[int, list] = {}
    for team_id, kpis, forecast in (RoundResult.objects.filter(round__session=session)
                                    .values_list("team_id", "kpis", "forecast")):
        cumulative[team_id] = cumulative.get(team_id, 0) + (kpis.get("good_units") or 0)
        errors.setdefault(team_id, []).append(forecast_errors(forecast, kpis))
    rows = []
    for result in last.results.select_related("team"):
        rows.append({
            "team_id": result.team_id,
            "team": result.team.name,
            "scorecard": result.kpis.get("scorecard"),
            "cash": result.kpis.get("cash"),
            "cumulative_good_units": cumulative[result.team_id],
            "aligned": result.aligned,
            "credibility": credibility(errors.get(result.team_id, [])),
        })
    rows.sort(key=lambda r: (-(r["scorecard"] or 0), -r["cumulative_good_units"]))
    return rows


def session_play(*, session_ids: list[int]) -> dict[int, SessionPlay]:
    """How far each session's play went, for HR's session report (classroom/reports.py): when round 1
    opened, how many rounds closed, and how many team-rounds have a result and were aligned."""
    rounds = (Round.objects.filter(session_id__in=session_ids).values("session_id")
              .annotate(played=Count("id", filter=Q(state=Round.State.CLOSED)), started=Min("opens_at")))
    results = {r["round__session_id"]: r for r in RoundResult.objects.filter(round__session_id__in=session_ids)
               .values("round__session_id").annotate(total=Count("id"), aligned=Count("id", filter=Q(aligned=True)))}
    plays = {}
    for row in rounds:
        result = results.get(row["session_id"], {})
        plays[row["session_id"]] = SessionPlay(started_at=row["started"], rounds_played=row["played"],
                                               team_rounds=result.get("total", 0),
                                               aligned_team_rounds=result.get("aligned", 0))
    return plays


def results_for_session(*, session: Session):
    return RoundResult.objects.filter(round__session=session).select_related("team", "round")


def result_rationales(*, session: Session) -> dict[tuple[int, int], str]:
    """(team id, round id) -> the rationale of the team's last aligned version in that round."""
    return {(team_id, round_id): text for team_id, round_id, text in PackageVersion.objects.filter(
        round__session=session, aligned_at__isnull=False).order_by("version").values_list("team_id", "round_id",
                                                                                          "rationale")}


DEBRIEF_KPIS = ("scorecard", "good_units", "demand", "cash", "oee_line", "unplanned_hours", "fatigue",
                "operational_risk", "leadership_alignment")


def session_history(*, session: Session) -> list[dict]:
    """Per team, the debrief series (a few KPIs per closed round) and the latest mistakes found."""
    by_team: dict[int, list[RoundResult]] = {}
    for result in RoundResult.objects.filter(team__session=session).select_related("round").order_by("round__number"):
        by_team.setdefault(result.team_id, []).append(result)  # one query for every team (the console's snapshot)
    out = []
    for team in session.teams.order_by("number"):
        results = by_team.get(team.id, [])
        out.append({
            "team_id": team.id,
            "team": team.name,
            "rounds": [{"round": r.round.number, "aligned": r.aligned,
                        **{k: r.kpis.get(k) for k in DEBRIEF_KPIS}} for r in results],
            "mistakes": results[-1].mistakes if results else [],
        })
    return out


def teams_credibility(*, session: Session) -> dict[int, dict]:
    """Each team's credibility over the session so far (game/credibility.py), in one query."""
    errors: dict[int, list] = {}
    for team_id, forecast, kpis in (RoundResult.objects.filter(round__session=session)
                                    .order_by("round__number").values_list("team_id", "forecast", "kpis")):
        errors.setdefault(team_id, []).append(forecast_errors(forecast, kpis))
    return {team_id: credibility(rows) for team_id, rows in errors.items()}


CASH_SPAN_MONTHS = 3  # a cash forecast may stray this many months of full-rate revenue from today's cash
RATIONALE_MAX = 400
NOTE_MAX = 160


def commitment_limits(*, team_id: int, scenario: engine.Scenario, state: dict | None = None) -> dict:
    """What a forecast may say for the team's coming month (docs/model.md, "Credibility"): good units up to what
    the plant could make at full rate; cash within CASH_SPAN_MONTHS months of full-rate revenue of today's.
    `state`: the team's plant state when the caller has it loaded."""
    state = (state or Team.objects.filter(pk=team_id).values_list("engine_state", flat=True).first()
             or engine.state_to_team_dicts(engine.initial_state(scenario, 1))[0])
    capacity = engine.monthly_capacity(state, scenario.params)
    cash = float(state["cash"])
    span = CASH_SPAN_MONTHS * capacity["revenue"]
    return {"good_units_max": capacity["units"], "bottleneck_rate": capacity["bottleneck_rate"],
            "hours": capacity["hours"], "cash_now": round(cash), "cash_min": math.floor(cash - span),
            "cash_max": math.ceil(cash + span), "currency": scenario.currency, "rationale_max": RATIONALE_MAX,
            "note_max": NOTE_MAX, "extra_kpis": list(FORECAST_EXTRA_KPIS)}


def team_stations(*, team: Team, scenario: engine.Scenario) -> list[dict]:
    """The engineering view of the team's five stations, from its plant state after the last round."""
    state = team.engine_state or engine.state_to_team_dicts(engine.initial_state(scenario, 1))[0]
    return engine.station_view(state, params=scenario.params)


def round_results_latest_closed(*, session: Session) -> tuple[int | None, list[RoundResult]]:
    """The latest closed round's number and its results, one per team in team order ((None, []) before any)."""
    last = session.round_set.filter(state=Round.State.CLOSED).order_by("-number").first()
    if last is None:
        return None, []
    return last.number, list(last.results.select_related("team").order_by("team__number"))
