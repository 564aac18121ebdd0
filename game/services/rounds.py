"""Rounds: start a session, open, pause, resume, extend, close exactly once, finalize.

Closing is two steps. `round_request_close` flips an open/paused round to `closing` with one
conditional UPDATE, so among racing triggers (deadline, all teams aligned, facilitator) exactly
one wins; the winner enqueues the Celery task, which calls `round_finalize`. `round_finalize`
locks the round, runs the engine once for all teams, stores one result per team (a unique
constraint backs this up), opens the next round, and is a no-op when run twice.

A round's packages start here: when it opens, each team gets version 1 (its last aligned package,
else the defaults) and is told of it. Edits and approvals build on this in packages.py, which
announces versions with `package_broadcast` and closes the round with `round_close_if_all_aligned`.
"""
import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from classroom.errors import LabError
from classroom.i18n_text import message
from classroom.language import DEFAULT as DEFAULT_LANGUAGE
from classroom.language import staff_language
from classroom.events import emit_session_event, emit_team_event, emit_team_events
from classroom.models import Session, Team
from classroom.services.access import session_for_facilitator
from classroom.services.seating import teams_balance
from classroom.selectors import console_team_summary
from game import deadlines, engine
from game.models import PackageVersion, Round, RoundResult
from game.selectors import (approvals_payload, leaderboard, package_latest, package_payload, result_payload,
                            round_payload,
                            round_playing, session_history, session_scenario, teams_credibility)
from game.services.alignment import alignment_score, priority_mismatch
from game.services.console_packages import packages_tell_console
from game.services.disruptions import (disruption_event, disruptions_announce_round, disruptions_for_session,
                                       disruptions_landing)
from game.tasks import round_close_task

log = logging.getLogger(__name__)
OPEN_STATES = (Round.State.OPEN, Round.State.PAUSED)
EXTEND_RANGE = (1, 60)


def _broadcast_round(session: Session, game_round: Round) -> None:
    payload = {"round": round_payload(game_round=game_round, total=session.rounds)}
    emit_team_events("round.changed", {team_id: payload for team_id in session.teams.values_list("id", flat=True)})
    emit_session_event(session.id, "round.changed", payload)


def _last_aligned_levers(team: Team, before_round: int) -> dict | None:
    package = (PackageVersion.objects.filter(team=team, round__number__lt=before_round, aligned_at__isnull=False)
               .order_by("-round__number", "-version").first())
    return package.levers if package else None


def team_prepare_for_open_round(*, team: Team) -> None:
    """Give a team version 1 of the open round's package: its last aligned package, else defaults."""
    game_round = round_playing(session=team.session)
    if game_round is None or package_latest(team=team, game_round=game_round) is not None:
        return
    scenario = session_scenario(session=team.session)
    levers = _last_aligned_levers(team, game_round.number) or engine.default_levers(scenario)
    PackageVersion.objects.create(team=team, round=game_round, version=1, levers=levers)


def _last_aligned_by_team(session: Session, before_round: int) -> dict[int, dict]:
    """Each team's last aligned levers of the rounds before this one (what a team that does not align plays,
    and where its next round starts), in one query."""
    last: dict[int, dict] = {}
    for team_id, levers in (PackageVersion.objects
                            .filter(team__session=session, round__number__lt=before_round, aligned_at__isnull=False)
                            .order_by("team_id", "-round__number", "-version").values_list("team_id", "levers")):
        last.setdefault(team_id, levers)
    return last


def _first_versions(session: Session, game_round: Round, scenario) -> list[PackageVersion]:
    """Version 1 of the opening round's package for every team that has none (its last aligned package of an
    earlier round, else the defaults); returns each team's latest version of the round, approvals loaded. In
    a few statements for the whole session, not a few per team."""
    have = set(PackageVersion.objects.filter(round=game_round).values_list("team_id", flat=True))
    last_aligned = _last_aligned_by_team(session, game_round.number)
    defaults = engine.default_levers(scenario)
    PackageVersion.objects.bulk_create(
        PackageVersion(team_id=team_id, round=game_round, version=1, levers=last_aligned.get(team_id, defaults))
        for team_id in session.teams.values_list("id", flat=True) if team_id not in have)
    latest: dict[int, PackageVersion] = {}
    for package in (PackageVersion.objects.filter(round=game_round).select_related("author")
                    .prefetch_related("approvals__participant").order_by("team_id", "-version")):
        latest.setdefault(package.team_id, package)
    return list(latest.values())


def package_broadcast(*, team: Team, payload: dict, log: list | None = None) -> None:
    """Tell the team room and (coalesced) the facilitator console about a package version (after commit); `log`: the
    round-log entries it adds (game/round_log.py), which the rooms append to their history."""
    emit_team_event(team.id, "package.updated", {"package": payload, "log": log or []})
    packages_tell_console(session_id=team.session_id, team_ids=[team.id])  # coalesced: console_packages.py


def _round_open(session: Session, game_round: Round) -> None:
    now = timezone.now()
    game_round.state = Round.State.OPEN
    game_round.opens_at = now
    game_round.deadline = now + timedelta(minutes=session.minutes_per_round)
    game_round.save(update_fields=["state", "opens_at", "deadline"])
    session.round_number = game_round.number
    session.save(update_fields=["round_number"])
    disruptions_announce_round(session=session, game_round=game_round)  # scheduled news, told only now
    scenario = session_scenario(session=session)
    packages = _first_versions(session, game_round, scenario)
    emit_team_events("package.updated", {p.team_id: {"package": package_payload(
        package=p, scenario=scenario, approvals=approvals_payload(approvals=p.approvals.all())), "log": []}
        for p in packages})
    packages_tell_console(session_id=session.id, team_ids=[p.team_id for p in packages])  # one coalesced event
    _broadcast_round(session, game_round)
    deadlines.deadline_schedule(round_id=game_round.id, deadline=game_round.deadline)


def session_start(*, session_id: int, user) -> Session:
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        if session.state != Session.State.LOBBY:
            raise LabError("already_started", _("This session has already started."))
        if not session.participants.exists():
            raise LabError("no_participants", _("Nobody has joined yet: share the join code first."))
        teams_balance(session=session, ignore_absent=True)
        Round.objects.bulk_create(Round(session=session, number=n) for n in range(1, session.rounds + 1))
        session.state = Session.State.RUNNING
        session.save(update_fields=["state"])
        # Balancing may move people between teams (it never removes one): each client resyncs on
        # this event, and its consumer then follows the person to their new team's group.
        for team_id in session.teams.values_list("id", flat=True):
            emit_team_event(team_id, "session.changed", {"state": session.state})
        emit_session_event(session.id, "session.changed", {"state": session.state,
                                                            "teams": [console_team_summary(team=t) for t in session.teams.all()]})
        _round_open(session, session.round_set.get(number=1))
    return session


def _active_round(session: Session, *, lock: bool = True) -> Round:
    qs = Round.objects.select_for_update() if lock else Round.objects
    game_round = qs.filter(session=session, state__in=OPEN_STATES).first()
    if game_round is None:
        raise LabError("no_open_round", _("No round is open right now."))
    return game_round


def round_pause(*, session_id: int, user) -> Round:
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        game_round = _active_round(session)
        if game_round.state == Round.State.PAUSED:
            raise LabError("already_paused", _("The round is already paused."))
        game_round.paused_remaining = max(0.0, (game_round.deadline - timezone.now()).total_seconds())
        game_round.state = Round.State.PAUSED
        game_round.save(update_fields=["paused_remaining", "state"])
        _broadcast_round(session, game_round)
    return game_round


def round_resume(*, session_id: int, user) -> Round:
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        game_round = _active_round(session)
        if game_round.state != Round.State.PAUSED:
            raise LabError("not_paused", _("The round is not paused."))
        game_round.deadline = timezone.now() + timedelta(seconds=game_round.paused_remaining or 0)
        game_round.paused_remaining = None
        game_round.state = Round.State.OPEN
        game_round.save(update_fields=["deadline", "paused_remaining", "state"])
        _broadcast_round(session, game_round)
        deadlines.deadline_schedule(round_id=game_round.id, deadline=game_round.deadline)
    return game_round


def round_extend(*, session_id: int, user, minutes) -> Round:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not EXTEND_RANGE[0] <= minutes <= EXTEND_RANGE[1]:
        raise LabError("invalid_value", _("Extend by a whole number of minutes between %(low)s and %(high)s.")
                       % {"low": EXTEND_RANGE[0], "high": EXTEND_RANGE[1]}, field="minutes")
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        game_round = _active_round(session)
        if game_round.state == Round.State.PAUSED:
            game_round.paused_remaining = (game_round.paused_remaining or 0) + 60 * minutes
        else:
            game_round.deadline = max(game_round.deadline, timezone.now()) + timedelta(minutes=minutes)
        game_round.save(update_fields=["deadline", "paused_remaining"])
        _broadcast_round(session, game_round)
        if game_round.state == Round.State.OPEN:
            deadlines.deadline_schedule(round_id=game_round.id, deadline=game_round.deadline)
    return game_round


def round_advance(*, session_id: int, user, round_number) -> bool:
    """The facilitator closes the round they are looking at now.

    The round number is part of the command so that a click racing the deadline cannot close
    the *next* round, which opens the moment the first one is done.
    """
    if isinstance(round_number, bool) or not isinstance(round_number, int):
        raise LabError("invalid_value", _("Say which round to close (its number)."), field="round")
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user)
        game_round = _active_round(session, lock=False)
        if game_round.number != round_number:
            raise LabError("round_already_closed", _("Round %(number)s has already closed; round %(open)s is open now.")
                           % {"number": round_number, "open": game_round.number})
    return round_request_close(round_id=game_round.id, closed_by=Round.ClosedBy.FACILITATOR)


def round_request_close(*, round_id: int, closed_by: str) -> bool:
    """Move the round to `closing`; True only for the one caller that did it."""
    with transaction.atomic():
        won = Round.objects.filter(pk=round_id, state__in=OPEN_STATES).update(
            state=Round.State.CLOSING, closed_by=closed_by, closed_at=timezone.now())
        if not won:
            return False
        game_round = Round.objects.select_related("session").get(pk=round_id)
        _broadcast_round(game_round.session, game_round)
        # robust: a failing close must not undo or fail the request that triggered it; the round
        # stays `closing` and `rounds_retry_stuck` sends it again.
        transaction.on_commit(lambda: round_close_task.delay(round_id), robust=True)
    return True


def round_close_if_due(*, round_id: int) -> bool:
    game_round = Round.objects.filter(pk=round_id).first()
    if game_round is None or game_round.state != Round.State.OPEN or game_round.deadline > timezone.now():
        return False
    return round_request_close(round_id=round_id, closed_by=Round.ClosedBy.DEADLINE)


def rounds_close_due() -> int:
    """Close every open round whose deadline has passed (the embedded timer calls this)."""
    due = Round.objects.filter(state=Round.State.OPEN, deadline__lte=timezone.now()).values_list("id", flat=True)
    return sum(round_request_close(round_id=rid, closed_by=Round.ClosedBy.DEADLINE) for rid in list(due))


# A close task normally starts within a second of being sent; past this, with nobody holding the round's row,
# its task was lost (a worker killed, a failed run). A duplicate sent to a busy queue is harmless: the close is
# exactly-once under the row lock and a second run finds the round closed.
STUCK_AFTER = timedelta(seconds=5)


def rounds_retry_stuck() -> int:
    """Send the close task again for rounds left `closing` that nobody is closing now.

    round_finalize holds the round's row lock for its whole transaction, so a row this query can lock (SKIP
    LOCKED passes over held rows) has no close running: either its task failed or the worker running it died,
    and PostgreSQL rolled its transaction back when the connection dropped. The close is sent again within a
    tick of the worker's death instead of waiting on the broker's redelivery.
    """
    with transaction.atomic():
        stuck = list(Round.objects.select_for_update(skip_locked=True)
                     .filter(state=Round.State.CLOSING, closed_at__lte=timezone.now() - STUCK_AFTER)
                     .values_list("id", flat=True))
    for round_id in stuck:
        log.warning("round %s left closing with no close running; sending its close task again", round_id)
        round_close_task.delay(round_id)
    return len(stuck)


def round_close_if_all_aligned(*, round_id: int) -> bool:
    game_round = Round.objects.filter(pk=round_id, state=Round.State.OPEN).first()
    if game_round is None:
        return False
    teams = game_round.session.teams.values_list("id", flat=True)
    aligned = (PackageVersion.objects.filter(round=game_round, aligned_at__isnull=False)
               .values_list("team_id", flat=True).distinct())
    if set(teams) - set(aligned):
        return False
    return round_request_close(round_id=round_id, closed_by=Round.ClosedBy.ALL_ALIGNED)


def _round_versions(game_round: Round) -> dict[int, list[PackageVersion]]:
    """Every team's versions of the round, in order, in one query."""
    by_team: dict[int, list[PackageVersion]] = {}
    for version in PackageVersion.objects.filter(round=game_round).order_by("team_id", "version"):
        by_team.setdefault(version.team_id, []).append(version)
    return by_team


def _team_decision(team: Team, game_round: Round, scenario, versions: list[PackageVersion],
                   carried: dict | None) -> tuple[dict, bool, float, dict | None]:
    """What the engine plays for a team: its aligned package, else `carried` (its last aligned one), else
    the defaults; with the aligned package's forecast (None when not aligned)."""
    aligned = next((v for v in reversed(versions) if v.aligned_at), None)
    round_seconds = max(1.0, (game_round.closed_at - game_round.opens_at).total_seconds())
    if aligned:
        mismatch = priority_mismatch(levers=aligned.levers, baseline=engine.default_levers(scenario))
        score = alignment_score(aligned=True, versions=aligned.version,
                                seconds_to_align=(aligned.aligned_at - game_round.opens_at).total_seconds(),
                                round_seconds=round_seconds, priority_mismatch=mismatch)
        return aligned.levers, True, score, aligned.forecast
    return carried or engine.default_levers(scenario), False, 0.0, None


def _disruptions_for(session: Session, game_round: Round, scenario, teams: list[Team]) -> list[list]:
    """Per team, the engine events that hit it this round: the scenario's schedule plus the facilitator's
    disruptions set for this round (injected while it was played or scheduled before), cancelled ones left out."""
    scheduled = scenario.disruptions_for_round(game_round.number)
    per_team = [list(scheduled) for _ in teams]
    index = {t.id: i for i, t in enumerate(teams)}
    for row in disruptions_landing(session=session, round_number=game_round.number):  # cancelled ones never land
        event = disruption_event(disruption=row)
        targets = [index[t.id] for t in row.teams.all() if t.id in index] or list(range(len(teams)))
        for i in targets:
            per_team[i].append(event)
    return per_team


def _disruption_summary(event) -> dict:
    # A message: the results go once to the team's group and each socket renders it (docs/i18n.md).
    return {"kind": event.kind, "description": message(engine.DISRUPTION_KINDS[event.kind]["description"]),
            "targets": list(event.targets), "start_day": event.start_day,
            "duration_days": event.duration_days, "magnitude": event.magnitude}


def round_finalize(*, round_id: int) -> bool:
    """Run the engine for every team, store results, open the next round. Safe to run twice."""
    with transaction.atomic():
        game_round = Round.objects.select_for_update().select_related("session").filter(pk=round_id).first()
        if game_round is None or game_round.state != Round.State.CLOSING:
            return False
        session = game_round.session
        scenario = session_scenario(session=session)
        teams = list(session.teams.order_by("number"))
        fresh = engine.state_to_team_dicts(engine.initial_state(scenario, 1))[0]
        state = engine.state_from_team_dicts([t.engine_state or fresh for t in teams], scenario)
        versions, carried = _round_versions(game_round), _last_aligned_by_team(session, game_round.number)
        decided = [_team_decision(t, game_round, scenario, versions.get(t.id, []), carried.get(t.id)) for t in teams]
        hits = _disruptions_for(session, game_round, scenario, teams)
        new_state, kpis = engine.simulate_round(
            state, [d[0] for d in decided], scenario, hits,
            seed=session.seed, round_number=game_round.number, alignment=[d[2] for d in decided],
        )
        team_dicts = engine.state_to_team_dicts(new_state)
        earlier = _results_by_team(session)
        results = []
        for team, (levers, aligned, _, forecast), team_kpis, team_state, team_hits in zip(
                teams, decided, kpis, team_dicts, hits):
            history = earlier.get(team.id, []) + [{"round": game_round.number, "decisions": levers, "kpis": team_kpis}]
            results.append(RoundResult(team=team, round=game_round, aligned=aligned, decisions=levers,
                                       kpis=team_kpis, mistakes=engine.detect_mistakes(history),
                                       disruptions=[_disruption_summary(e) for e in team_hits],
                                       forecast=forecast))
            team.engine_state = team_state
        RoundResult.objects.bulk_create(results)
        Team.objects.bulk_update(teams, ["engine_state"])
        game_round.state = Round.State.CLOSED
        game_round.save(update_fields=["state"])
        previous = {r.team_id: result_payload(result=r) for r in RoundResult.objects.filter(
            round__session=session, round__number=game_round.number - 1).select_related("round")}
        credibility = teams_credibility(session=session)  # one query, every team
        # In full to each team's group: each socket keeps what its roles may see (game/role_views.py).
        emit_team_events("round.results", {result.team_id: {
            "result": result_payload(result=result),
            "previous": previous.get(result.team_id),
            "stations": engine.station_view(team_state, params=scenario.params),
            "currency": scenario.currency,
            "credibility": credibility.get(result.team_id)} for result, team_state in zip(results, team_dicts)})
        _broadcast_round(session, game_round)
        # The console's readers are its facilitator: team names and texts in their language, whoever closed it.
        with translation.override(staff_language(session.facilitator) or DEFAULT_LANGUAGE):
            emit_session_event(session.id, "round.results",
                               {"round": game_round.number, "leaderboard": leaderboard(session=session),
                                "history": session_history(session=session),
                                "disruptions": disruptions_for_session(session=session)})  # this round's: landed
        following = session.round_set.filter(number=game_round.number + 1).first()
        if following is not None and not _end_requested(session):
            _round_open(session, following)
        else:
            session_finish(session=session)
    return True


def _results_by_team(session: Session) -> dict[int, list[dict]]:
    """Every team's earlier results as the mistake detectors read them, in one query."""
    history: dict[int, list[dict]] = {}
    for team_id, number, decisions, kpis in (RoundResult.objects.filter(team__session=session)
                                             .order_by("team_id", "round__number")
                                             .values_list("team_id", "round__number", "decisions", "kpis")):
        history.setdefault(team_id, []).append({"round": number, "decisions": decisions, "kpis": kpis})
    return history


def _end_requested(session: Session) -> bool:
    """Has the facilitator ended the session now (game/services/lifecycle.py)? Read under the session's
    lock, so an end asked while this round was already closing is seen, never lost."""
    return (Session.objects.select_for_update(no_key=True).filter(pk=session.pk)
            .values_list("end_requested_at", flat=True).get()) is not None


def session_finish(*, session: Session) -> None:
    """The session is over: no round opens again; every team and the console are told."""
    session.state = Session.State.FINISHED
    session.finished_at = timezone.now()
    session.save(update_fields=["state", "finished_at"])
    for team_id in session.teams.values_list("id", flat=True):
        emit_team_event(team_id, "session.changed", {"state": session.state})
    emit_session_event(session.id, "session.changed", {"state": session.state})
