"""What-if preview: the team's package run over sampled futures of the coming month.

Read-only. The month run includes the disruptions announced to the team for this round (the news the
room shows; a surprise stays out, or the preview would give it away). The result depends only on (team
state, package version, round, those disruptions), and team state changes only when a round closes, so
previews are cached per (team, round, version, announced disruptions): a whole team pressing "preview" on
the same version costs one engine run, and a disruption announced, edited or cancelled since is a new key.
"""
import threading
from collections import OrderedDict

from django.conf import settings
from django.utils.translation import gettext as _

from classroom.errors import LabError, TooManyTries
from classroom.models import Participant
from classroom.services.throttle import person_key, rate_allow
from game import engine
from game.engine_text import engine_text
from game.selectors import package_latest, round_playing, session_scenario
from game.services.disruptions import disruptions_announced_for

PREVIEW_SAMPLES = 200
CACHE_SIZE = 256
_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def _cached(key, compute):
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = compute()
    with _lock:
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def _preview_budget(participant: Participant) -> None:
    """A person starts at most LAB_PREVIEW_RUNS_PER_MINUTE engine runs a minute: a run is ~40 ms of a core, and a
    script editing and previewing in a loop would otherwise hold the server's CPU for the whole room."""
    per_minute = settings.LAB_PREVIEW_RUNS_PER_MINUTE
    if not rate_allow(scope="preview-runs", key=person_key(participant), per_minute=per_minute):
        raise TooManyTries("preview_too_fast", _(
            "You asked for more than %(n)s new previews in a minute: wait a few seconds, then preview "
            "again.") % {"n": per_minute})


def package_preview(*, participant_id: int, version) -> dict:
    participant = Participant.objects.select_related("session", "team").get(pk=participant_id)
    team, session = participant.team, participant.session
    if team is None:
        raise LabError("not_seated", _("You are not seated in a team yet."))
    game_round = round_playing(session=session)
    if game_round is None:
        raise LabError("round_not_open", _("There is no round to preview right now."))
    package = package_latest(team=team, game_round=game_round)
    if version is not None and version != package.version:
        raise LabError("stale_version", _("The package is now at version %(version)s; preview that one.")
                       % {"version": package.version})
    scenario = session_scenario(session=session)
    try:
        engine.validate_package(package.levers, scenario)
    except engine.DecisionError as exc:
        raise LabError("invalid_package", str(exc), field=exc.field)
    state = team.engine_state or engine.state_to_team_dicts(engine.initial_state(scenario, 1))[0]
    news = disruptions_announced_for(team=team, round_number=game_round.number)

    def compute():
        _preview_budget(participant)  # only a run counts: a version already previewed is served from the cache
        return engine.preview(state, package.levers, scenario, n_samples=PREVIEW_SAMPLES, seed=session.seed,
                              round_number=game_round.number, disruptions=news)

    key = (team.id, game_round.number, package.version, tuple(news))  # engine.Disruption is frozen: hashable
    result = _cached(key, compute)
    return {"version": package.version, "round": game_round.number, **result,
            "disruptions": [{"kind": d.kind, "description": engine_text(engine.DISRUPTION_KINDS[d.kind]["description"]),
                             "start_day": d.start_day, "duration_days": d.duration_days} for d in news]}
