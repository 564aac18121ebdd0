"""The projector view's state: what the room's wall may show, and nothing else.

Anyone holding the join code may read it (the code is on the wall already), so this is built from an
allow-list, never by trimming a richer snapshot: the session's name and state, the join code, the
names of the people who joined and their team (in the lobby only), the round and its timer, the
disruptions *announced* for the round being played (a surprise stays a surprise until the teams see
it in their results), a short reveal of the last closed round, and the leaderboard only while the
facilitator has switched it on (`Session.projector_leaderboard`). No rejoin codes or tokens, no
roles, no packages or levers, no team's KPIs beyond the leaderboard's figures.

The page polls this every 2 s (docs/decisions.md, "Projector view"); the join address and QR code
come with the page itself (facilitator/projector_views.py), as they depend on the request.
"""
import math
from datetime import timedelta

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classroom.errors import NotFound
from classroom.models import Participant, Session
from classroom.services.throttle import JOIN_SCOPE, throttle_check, throttle_fail
from game import engine
from game.engine.disruptions import DISRUPTION_NAMES
from game.engine_text import capitalized, engine_text
from game.models import Disruption, Round
from game.selectors import leaderboard, round_current, round_payload

REVEAL_SECONDS = 60  # how long after a round's results the wall puts its reveal first
PLAYING = (Round.State.OPEN, Round.State.PAUSED, Round.State.CLOSING)
CLOSED_BY = {
    Round.ClosedBy.DEADLINE: gettext_lazy("Time ran out."),
    Round.ClosedBy.ALL_ALIGNED: gettext_lazy("Every team aligned before the deadline."),
    Round.ClosedBy.FACILITATOR: gettext_lazy("The facilitator closed the round."),
}


def projector_session(*, join_code: str, client: str | None = None) -> Session:
    """The session a projector shows, by its join code (a finished session too: its final reveal). With `client`
    (the caller's address) an unknown code counts as a guess, like one typed on the join page: the projector
    must not become a way round the join lockout."""
    if client is not None:
        throttle_check(scope=JOIN_SCOPE, client=client)
    code = (join_code or "").strip().upper()
    session = Session.objects.filter(join_code=code).first()
    if session is None:
        locked = "" if client is None else throttle_fail(scope=JOIN_SCOPE, client=client,
                                                         tries_per_minute=settings.LAB_JOIN_TRIES_PER_MINUTE)
        raise NotFound("unknown_code", _("No workshop has the code %(code)s. Check the code on the facilitator's "
                                         "console, or open the projector view from there.") % {"code": repr(code)}
                       + locked)
    return session


def _status(session: Session, game_round: Round | None) -> str:
    if session.state == Session.State.LOBBY:
        return _("Waiting for everyone to join")
    if session.state == Session.State.FINISHED:
        return _("The workshop has ended")
    if game_round is None:
        return _("Starting…")
    words = {"n": game_round.number, "total": session.rounds}
    return {
        Round.State.OPEN: _("Round %(n)s of %(total)s: teams are deciding"),
        Round.State.PAUSED: _("Round %(n)s of %(total)s: paused"),
        Round.State.CLOSING: _("Round %(n)s of %(total)s: closing, the plant is running the month"),
        Round.State.CLOSED: _("Round %(n)s of %(total)s: closed"),
    }.get(game_round.state, _("Round %(n)s of %(total)s")) % words


def _people(session: Session) -> list[dict]:
    """Per team, the names of the people seated in it (names only: the wall is public)."""
    teams: dict[int, dict] = {}
    rows = (Participant.objects.filter(session=session, team__isnull=False)
            .order_by("team__number", "joined_at", "id").values_list("team__number", "display_name", "is_bot"))
    for number, name, is_bot in rows:
        team = teams.setdefault(number, {"team": _("Team %(n)s") % {"n": number}, "names": []})
        team["names"].append(_("%(name)s (bot)") % {"name": name} if is_bot else name)
    return list(teams.values())


def _days(value: float) -> str:
    shown = formats.number_format(int(value) if value == int(value) else value, use_l10n=True)
    return _("%(n)s day") % {"n": shown} if value == 1 else _("%(n)s days") % {"n": shown}


def _disruptions(session: Session, game_round: Round | None) -> list[dict]:
    """The disruptions announced for the round being played; never an unannounced one, never a cancelled
    one, never one scheduled for a later round (the teams learn of it when its round opens)."""
    if game_round is None or game_round.state not in PLAYING:
        return []
    rows = (Disruption.objects.filter(session=session, round_number=game_round.number, announced=True,
                                      cancelled_at__isnull=True)
            .prefetch_related("teams").order_by("at", "id"))
    out = []
    for row in rows:
        spec = engine.DISRUPTION_KINDS.get(row.kind, {})
        numbers = sorted(t.number for t in row.teams.all())
        out.append({
            "id": row.id,
            "title": capitalized(engine_text(DISRUPTION_NAMES.get(row.kind, row.kind.replace("_", " ")))),
            "description": engine_text(spec.get("description", "")),
            "when": _("From day %(day)s, for %(days)s") % {"day": row.start_day + 1, "days": _days(row.duration_days)},
            "teams": _("All teams") if not numbers else ", ".join(_("Team %(n)s") % {"n": n} for n in numbers),
        })
    return out


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _decimal(value: float) -> str:
    """One decimal in the wall's language (72.5, or 72,5); rounded first, as number_format cuts."""
    return formats.number_format(round(value, 1), 1, use_l10n=True, force_grouping=True)


def _score(value: float) -> str:
    # the wall never breaks a score from its scale
    return _decimal(value) + "\u00a0/\u00a0100"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]),
                                                                            "last": names[-1]}


def _lean(cred: dict) -> str:
    """Which way the team's forecasts leaned, for the wall: optimism the plant could not deliver is visible."""
    bias = cred.get("bias")
    if bias is None:
        return _("no forecast yet")
    if abs(bias) < 0.05:
        return _("unbiased")
    size = {"pct": _decimal(abs(bias)) + "\u00a0%"}
    return (_("%(pct)s optimistic") if bias > 0 else _("%(pct)s cautious")) % size


def _leaderboard(session: Session) -> list[dict]:
    return [{"rank": i + 1, "team": row["team"], "scorecard": _number(row["scorecard"]),
             "cumulative_good_units": _number(row["cumulative_good_units"]), "aligned": bool(row["aligned"]),
             "credibility": row["credibility"]["score"], "forecast_lean": _lean(row["credibility"])}
            for i, row in enumerate(leaderboard(session=session))]


def _reveal(session: Session, board: list[dict] | None, now) -> dict | None:
    """The last closed round in a few words: how many teams aligned, the room's average scorecard and,
    only while the leaderboard is on the wall, the best team."""
    last = session.round_set.filter(state=Round.State.CLOSED).order_by("-number").first()
    if last is None:
        return None
    results = list(last.results.only("aligned", "kpis", "created_at"))
    if not results:
        return None
    aligned = sum(1 for r in results if r.aligned)
    teams = len(results)
    if aligned == teams:
        aligned_text = _("every team aligned") if teams > 1 else _("the team aligned")
    elif aligned == 0:
        aligned_text = _("no team aligned")
    else:
        aligned_text = _("%(aligned)s of %(teams)s teams aligned") % {"aligned": aligned, "teams": teams}
    lines = []
    if last.closed_by in CLOSED_BY:
        lines.append(str(CLOSED_BY[last.closed_by]))
    scores = [s for s in (_number(r.kpis.get("scorecard")) for r in results) if s is not None]
    if scores:
        lines.append(_("The room's average scorecard: %(score)s.") % {"score": _score(sum(scores) / len(scores))})
    if board and board[0]["scorecard"] is not None:
        best = _score(board[0]["scorecard"])
        leaders = [row["team"] for row in board if row["scorecard"] is not None and _score(row["scorecard"]) == best]
        lines.append(_("Best scorecard: %(teams)s, %(score)s.") % {"teams": _and(leaders), "score": best})
    stored_at = min(r.created_at for r in results)
    return {
        "round": last.number,
        "headline": _("Round %(n)s closed: %(aligned)s.") % {"n": last.number, "aligned": aligned_text},
        "lines": lines,
        "aligned": aligned,
        "teams": teams,
        "fresh": session.state == Session.State.FINISHED or now - stored_at < timedelta(seconds=REVEAL_SECONDS),
    }


def projector_state(*, session: Session, now=None) -> dict:
    """Everything the projector view shows, as one JSON-ready dict (docs/protocol.md, "Projector")."""
    now = now or timezone.now()
    game_round = round_current(session=session)
    payload = round_payload(game_round=game_round, total=session.rounds)
    board = _leaderboard(session) if session.projector_leaderboard else None
    people = _people(session) if session.state != Session.State.FINISHED else []
    return {
        "session": {"name": session.name, "join_code": session.join_code, "state": session.state,
                    "rounds": session.rounds, "joining_open": session.state != Session.State.FINISHED},
        "status": _status(session, game_round),
        "round": ({k: payload[k] for k in ("number", "total", "state", "remaining_seconds")}
                  if payload else None),
        "people": people if session.state == Session.State.LOBBY else [],
        "people_count": sum(len(t["names"]) for t in people),
        "disruptions": _disruptions(session, game_round),
        "leaderboard": board,
        "reveal": _reveal(session, board, now),
    }
