"""Test data built through the services, so tests exercise the real rules."""
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from classroom.models import Participant, Session
from classroom.reports import HR_GROUP
from classroom.services.access import FACILITATOR_GROUP
from classroom.services.sessions import participant_join, session_create
from facilitator.scenario_authoring import AUTHORING_PERMISSIONS
from game.services import rounds

_counter = itertools.count(1)


def make_facilitator(username: str | None = None):
    """A user in the "facilitator" group (the group is made again if a transactional test flushed it, with
    the scenario-authoring permissions migration facilitator/0002 gives it)."""
    name = username or f"facilitator{next(_counter)}"
    user = get_user_model().objects.create_user(username=name, password="pw-for-tests")
    group, created = Group.objects.get_or_create(name=FACILITATOR_GROUP)
    if created:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="facilitator",
                                                         codename__in=AUTHORING_PERMISSIONS))
    user.groups.add(group)
    return user


def make_hr_only(username: str | None = None):
    """A user in the "hr" group only: reads reports, may not run sessions."""
    user = get_user_model().objects.create_user(username=username or f"hr{next(_counter)}", password="pw-for-tests")
    user.groups.add(Group.objects.get_or_create(name=HR_GROUP)[0])
    return user


def make_session(facilitator, *, rounds_count: int = 2, minutes: int = 10, seed: int = 7) -> Session:
    return session_create(facilitator=facilitator, name="Test workshop", scenario_name="demo",
                          rounds=rounds_count, minutes_per_round=minutes, seed=seed)


def join_many(session: Session, count: int, prefix: str = "Player") -> list[Participant]:
    return [participant_join(join_code=session.join_code, display_name=f"{prefix} {i + 1}") for i in range(count)]


def start(session: Session, facilitator) -> Session:
    rounds.session_start(session_id=session.id, user=facilitator)
    session.refresh_from_db()
    return session


def holder(session: Session, role: str) -> Participant:
    """The participant holding `role` in the session's first team."""
    team = session.teams.order_by("number").first()
    return team.seats.get(role=role).participant


def open_round(session: Session):
    from game.models import Round

    return session.round_set.get(state=Round.State.OPEN)


DEFAULT_FORECAST = {"good_units": 9000, "cash": 1_000_000.0, "extra": None}
DEFAULT_RATIONALE = "Hold the plan steady; we accept the risk of a breakdown at the bottleneck."


def commit(session: Session, *, team=None, forecast: dict | None = None, rationale: str = DEFAULT_RATIONALE,
           msg: str = "commit") -> dict:
    """The director of `team` (default: the first) states a forecast through the service: a new version."""
    from game.selectors import package_latest
    from game.services.commitments import package_commit

    team = team or session.teams.order_by("number").first()
    director = team.seats.get(role="director").participant
    latest = package_latest(team=team, game_round=open_round(session))
    return package_commit(participant_id=director.id, forecast=forecast or DEFAULT_FORECAST, rationale=rationale,
                          base_version=latest.version, client_msg_id=f"{msg}-{team.id}-{latest.version}")


def committed(session: Session) -> None:
    """Every team's package in the open round carries a commitment already, written on its latest version (no
    version of its own), so tests about levers and approvals keep their version numbers. Call it before
    approvals, in every round: a round's version 1 starts without one (a new month, a new forecast)."""
    from game.models import PackageVersion, Round

    (PackageVersion.objects.filter(round__session=session, round__state=Round.State.OPEN, forecast__isnull=True)
     .update(forecast=DEFAULT_FORECAST, rationale=DEFAULT_RATIONALE))


def align(session: Session, *, team=None) -> None:
    """Every role of `team` (default: the first) approves its latest package: the team aligns."""
    from game.selectors import package_latest
    from game.services.packages import package_approve

    team = team or session.teams.order_by("number").first()
    latest = package_latest(team=team, game_round=open_round(session))
    for seat in team.seats.select_related("participant"):
        package_approve(participant_id=seat.participant_id, version=latest.version,
                        client_msg_id=f"align-{team.id}-{latest.version}-{seat.role}")


def cache_clear_own() -> None:
    """Empty this run's cache only. On Redis, cache.clear() empties the whole database: the other test process's
    cache, channel layer and Celery queue with it (pytest-xdist runs two)."""
    from django.core.cache import cache

    if isinstance(getattr(cache, "_cache", None), dict):  # the embedded profile's in-memory cache
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = client.keys(cache.make_key("*"))
    if keys:
        client.delete(*keys)
