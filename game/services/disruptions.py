"""Disruptions the facilitator injects into the round being played, for all or some teams.

They take effect when the round is simulated, inside the engine's hourly loop, from their start
day for their duration. Announced ones are shown to the affected teams at once (a facilitator
reading out "your main supplier just called"); unannounced ones are a surprise seen in results.
"""
from django.db import transaction

from classroom.errors import LabError
from classroom.events import emit_session_event, emit_team_event
from classroom.services.access import session_for_facilitator
from game import engine
from game.models import Disruption
from game.selectors import round_playing


def disruption_payload(*, disruption: Disruption) -> dict:
    team_numbers = sorted(t.number for t in disruption.teams.all())
    return {
        "id": disruption.id,
        "kind": disruption.kind,
        "description": engine.DISRUPTION_KINDS[disruption.kind]["description"],
        "round": disruption.round_number,
        "targets": disruption.targets,
        "start_day": disruption.start_day,
        "duration_days": disruption.duration_days,
        "magnitude": disruption.magnitude,
        "teams": team_numbers or "all",
        "announced": disruption.announced,
    }


def _team_ids(session, team_ids) -> list[int]:
    if team_ids in (None, "", []):
        return []
    if not isinstance(team_ids, list) or any(isinstance(t, bool) or not isinstance(t, int) for t in team_ids):
        raise LabError("invalid_value", "teams must be a list of team ids (or empty for every team).", field="teams")
    known = set(session.teams.filter(id__in=team_ids).values_list("id", flat=True))
    if known != set(team_ids):
        raise LabError("unknown_team", "Some of those teams are not in this session.", field="teams")
    return sorted(known)


def disruption_inject(*, session_id: int, user, spec: dict, team_ids=None, announce: bool = True) -> Disruption:
    if not isinstance(spec, dict):
        raise LabError("invalid_value", "A disruption needs kind, targets, start_day, duration_days, magnitude.",
                       field="kind")
    try:
        event = engine.Disruption.from_dict({k: spec[k] for k in
                                             ("kind", "targets", "start_day", "duration_days", "magnitude")
                                             if k in spec})
    except engine.DecisionError as exc:
        raise LabError("invalid_value", str(exc), field=exc.field)
    with transaction.atomic():
        session = session_for_facilitator(session_id=session_id, user=user, lock=True)
        game_round = round_playing(session=session)
        if game_round is None:
            raise LabError("no_open_round", "Disruptions hit the round being played: start or wait for a round.")
        teams = _team_ids(session, team_ids)
        disruption = Disruption.objects.create(
            session=session, round_number=game_round.number, kind=event.kind, targets=list(event.targets),
            start_day=event.start_day, duration_days=event.duration_days, magnitude=event.magnitude,
            injected_by=user, announced=bool(announce),
        )
        disruption.teams.set(teams)
        payload = disruption_payload(disruption=disruption)
        emit_session_event(session.id, "disruption.injected", {"disruption": payload})
        if disruption.announced:
            for team_id in teams or session.teams.values_list("id", flat=True):
                emit_team_event(team_id, "disruption.announced", {"disruption": payload})
    return disruption


def disruptions_for_team(*, team, announced_only: bool = True) -> list[dict]:
    rows = Disruption.objects.filter(session_id=team.session_id).prefetch_related("teams").order_by("at", "id")
    if announced_only:
        rows = rows.filter(announced=True)
    return [disruption_payload(disruption=d) for d in rows
            if not d.teams.all() or any(t.id == team.id for t in d.teams.all())]


def disruptions_for_session(*, session) -> list[dict]:
    rows = Disruption.objects.filter(session=session).prefetch_related("teams").order_by("at", "id")
    return [disruption_payload(disruption=d) for d in rows]
