"""The facts HR's figures are computed from, loaded once for a set of sessions, and the arithmetic on them.

Selectors only. Facts come from three places:
- the ledger (`LedgerEntry`, counted entries only): what people did and when;
- the sockets (`Connection` rows): when people were connected;
- the app that plays sessions, through two registered hooks (classroom knows no rounds):
  `report_session_play_register` (how far each session got) and `report_round_facts_register` (each round's
  opening, deadline and close, and per team its package versions and alignment).

Definitions of every figure are in docs/reports.md; the functions below follow them line by line.
"""
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone as dt_timezone
from statistics import median

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from classroom.models import Connection, LedgerEntry, Participant, Seat, Session, Team

Kind = LedgerEntry.Kind
ACTION_KINDS = (Kind.EDIT, Kind.APPROVE, Kind.CHAT)  # "did something" in a round

Span = tuple[datetime, datetime]


# ---- what the app that plays sessions tells ---------------------------------------------------------------

@dataclass(frozen=True)
class SessionPlay:
    """How far one session's play went, as the app that plays it tells."""
    started_at: datetime | None = None  # when round 1 opened
    rounds_played: int = 0  # closed rounds
    team_rounds: int = 0  # team-rounds with a result
    aligned_team_rounds: int = 0  # of those, the aligned ones


@dataclass(frozen=True)
class TeamRound:
    """One team in one round."""
    version_times: dict[int, datetime]  # package version number -> when that version was made
    aligned_at: datetime | None = None  # when the team's final (or, in an open round, current) version aligned
    result_aligned: bool | None = None  # the round's result: aligned or not; None while the round has no result


@dataclass(frozen=True)
class RoundFacts:
    """One opened round of a session."""
    number: int
    opened_at: datetime
    deadline: datetime | None  # the deadline in force (a pause or an extension moves it)
    closed_at: datetime | None  # when its close began (deadline, all aligned or facilitator); None while open
    teams: dict[int, TeamRound] = field(default_factory=dict)  # by team id


SessionPlayFigures = Callable[..., dict[int, SessionPlay]]  # called as figures(session_ids=[...])
RoundFactsSource = Callable[..., dict[int, list[RoundFacts]]]  # called as facts(session_ids=[...])
_session_play: SessionPlayFigures = lambda *, session_ids: {}  # a session nobody played: SessionPlay()
_round_facts: RoundFactsSource = lambda *, session_ids: {}  # a session nobody played has no rounds


def report_session_play_register(*, figures: SessionPlayFigures) -> None:
    """The app that plays sessions (game, in its AppConfig.ready) says how far each session got."""
    global _session_play
    _session_play = figures


def report_round_facts_register(*, facts: RoundFactsSource) -> None:
    """The app that plays sessions (game, in its AppConfig.ready) tells each opened round's times and, per
    team, its package versions and alignment."""
    global _round_facts
    _round_facts = facts


# ---- time spans -------------------------------------------------------------------------------------------

def utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(dt_timezone.utc) if moment else None


def presence_ttl() -> timedelta:
    return timedelta(seconds=settings.LAB_PRESENCE_TTL_SECONDS)


def connection_span(opened: datetime, last_seen: datetime, closed: datetime | None, ttl: timedelta) -> Span:
    """When one socket was connected: from its opening to its close, if it was closed while it still answered
    (a clean close, within the presence TTL of its last heartbeat); else to its last heartbeat (a socket still
    open, or one the sweeper closed after it stopped answering)."""
    end = closed if closed is not None and closed <= last_seen + ttl else last_seen
    return opened, max(opened, end)


def connection_alive_until(last_seen: datetime, closed: datetime | None, ttl: timedelta) -> datetime:
    """Until when a socket counted as connected by the presence rule: its clean close, else its last heartbeat
    plus the TTL (the live console's rule, classroom.selectors.live_connections)."""
    return closed if closed is not None and closed <= last_seen + ttl else last_seen + ttl


def spans_union(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching spans merged: several tabs at once count once."""
    merged: list[list[datetime]] = []
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    return [(a, b) for a, b in merged]


def spans_clip(spans: Iterable[Span], start: datetime | None, stop: datetime | None) -> list[Span]:
    out = []
    for a, b in spans:
        a = max(a, start) if start else a
        b = min(b, stop) if stop else b
        if b > a:
            out.append((a, b))
    return out


def spans_seconds(spans: Iterable[Span]) -> float:
    return sum((b - a).total_seconds() for a, b in spans)


def minutes(seconds: float) -> float:
    return round(seconds / 60, 1)


def median_or_none(values: list[float], digits: int = 1) -> float | None:
    return round(median(values), digits) if values else None


# ---- the loaded facts ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """A counted ledger entry, as the figures need it."""
    kind: str
    at: datetime
    round: int | None
    roles: tuple[str, ...]  # EDIT: the lever's role; APPROVE and CHAT: every role the person held
    team_id: int | None
    version: int | None  # APPROVE: the package version approved
    statement: bool = False  # EDIT: a forecast and rationale stated, or a role's one line written (game's commitments)


@dataclass
class SessionFacts:
    session: Session
    end: datetime | None  # when it finished; None while it runs
    people: list[Participant]  # not bots, by team number, then join order
    teams: list[Team]
    rounds: dict[int, RoundFacts]  # opened rounds by number
    play: SessionPlay
    entries: dict[int, list[Entry]]  # per participant id, in time order
    spans: dict[int, list[Span]]  # per participant id: connected spans, merged, clipped at the end
    present: dict[int, bool]  # per participant id: connected at the end (or now, while running)
    held: dict[int, set[str]]  # per participant id: roles held now, a role covered for them while away included
    team_chat: dict[int, int] = field(default_factory=dict)  # per team id: chat messages by its people


def report_facts_load(*, sessions: QuerySet[Session], now: datetime | None = None) -> list[SessionFacts]:
    """Every fact the four views need, for these sessions (in creation order), in a constant number of queries."""
    now = now or timezone.now()
    chosen = list(sessions.select_related("facilitator").order_by("created_at", "id"))
    ids = [s.id for s in chosen]
    people = defaultdict(list)
    for person in Participant.objects.filter(session_id__in=ids, is_bot=False).select_related("team"):
        people[person.session_id].append(person)
    held = defaultdict(set)
    seats = Seat.objects.filter(team__session_id__in=ids).values_list("participant_id", "held_for_id", "role")
    for participant_id, held_for_id, role in seats:
        held[participant_id].add(role)
        if held_for_id:  # a teammate or a bot covers it while they are away: still their role
            held[held_for_id].add(role)
    teams = defaultdict(list)
    for team in Team.objects.filter(session_id__in=ids).order_by("number"):
        teams[team.session_id].append(team)
    entries = defaultdict(list)
    rows = (LedgerEntry.objects.filter(session_id__in=ids, counted=True, participant__is_bot=False)
            .order_by("at", "id")
            .values_list("participant_id", "kind", "at", "round_number", "role", "team_id", "detail__version",
                         "detail__commit", "detail__note"))
    for participant_id, kind, at, round_number, role, team_id, version, commit, note in rows.iterator(chunk_size=5000):
        roles = tuple(r for r in role.split(",") if r)
        entries[participant_id].append(Entry(kind, utc(at), round_number, roles, team_id,
                                             version if isinstance(version, int) else None,
                                             commit is True or (isinstance(note, str) and note != "")))
    ttl = presence_ttl()
    sockets = defaultdict(list)
    for row in (Connection.objects.filter(participant__session_id__in=ids, participant__is_bot=False)
                .values_list("participant_id", "opened_at", "last_seen_at", "closed_at")):
        sockets[row[0]].append(tuple(utc(t) for t in row[1:]))
    plays = _session_play(session_ids=ids)
    rounds = _round_facts(session_ids=ids)
    out = []
    for session in chosen:
        end = utc(session.finished_at) if session.state == Session.State.FINISHED else None
        moment = end or now
        persons = sorted(people[session.id], key=lambda p: (p.team.number if p.team_id else 10**6, p.joined_at, p.id))
        facts = SessionFacts(session=session, end=end, people=persons, teams=teams[session.id],
                             rounds={r.number: r for r in rounds.get(session.id, [])},
                             play=plays.get(session.id) or SessionPlay(), entries={}, spans={}, present={},
                             held={p.id: held[p.id] for p in persons})
        for person in persons:
            mine = entries.get(person.id, [])
            facts.entries[person.id] = mine
            socks = sockets.get(person.id, [])
            facts.spans[person.id] = spans_clip(spans_union(connection_span(o, s, c, ttl) for o, s, c in socks),
                                                None, end)
            facts.present[person.id] = any(o <= moment <= connection_alive_until(s, c, ttl) for o, s, c in socks)
            for entry in mine:
                if entry.kind == Kind.CHAT and entry.team_id is not None:
                    facts.team_chat[entry.team_id] = facts.team_chat.get(entry.team_id, 0) + 1
        out.append(facts)
    return out


# ---- figures --------------------------------------------------------------------------------------------------

def activity_figures(*, actions: list[Entry], spans: list[Span], rounds: dict[int, RoundFacts],
                     team_id: int | None, team_chat: dict[int, int], only_round: int | None = None) -> dict:
    """What a person did (or did in one role): `actions` are their counted edits, approvals and chat messages
    (already chosen for the role or the round); `rounds` all the session's opened rounds; `only_round`: count the
    time connected in that round only (the person page's round table)."""
    edits = [e for e in actions if e.kind == Kind.EDIT]
    approvals = [e for e in actions if e.kind == Kind.APPROVE]
    chats = [e for e in actions if e.kind == Kind.CHAT]
    before_deadline = 0
    waits = []
    for entry in approvals:
        facts = rounds.get(entry.round)
        if facts is None:
            continue
        if facts.deadline is not None and entry.at <= facts.deadline:
            before_deadline += 1
        changed = facts.teams.get(entry.team_id, TeamRound({})).version_times.get(entry.version)
        if changed is not None:
            waits.append(max(0.0, (entry.at - changed).total_seconds()))
    team_total = team_chat.get(team_id, 0) if team_id is not None else 0
    in_team = sum(1 for e in chats if e.team_id == team_id) if team_id is not None else 0
    active_rounds = {e.round for e in actions if e.round is not None}
    in_rounds = idle = 0.0
    for number, facts in rounds.items():
        if only_round is not None and number != only_round:
            continue
        seconds = spans_seconds(spans_clip(spans, facts.opened_at, round_window_end(facts, rounds)))
        in_rounds += seconds
        if number not in active_rounds:
            idle += seconds
    return {
        "edits": len(edits),
        "statements": sum(1 for e in edits if e.statement),
        "approvals": len(approvals),
        "approvals_before_deadline": before_deadline,
        "median_seconds_to_approve": median_or_none(waits),
        "chat_messages": len(chats),
        "chat_share": round(in_team / team_total, 4) if team_total else None,
        "minutes_connected": minutes(spans_seconds(spans)),
        "minutes_in_rounds": minutes(in_rounds),
        "idle_minutes": minutes(idle),
        "rounds_participated": len(active_rounds),
    }


def round_window_end(facts: RoundFacts, rounds: dict[int, RoundFacts]) -> datetime | None:
    """A round is open from its opening to its close (the next round opens then); a round not closed yet is open
    until the next one opens, if one has (never in play: only a hand-edited record), else until now."""
    following = rounds.get(facts.number + 1)
    ends = [t for t in (facts.closed_at, following.opened_at if following else None) if t is not None]
    return min(ends) if ends else None


def role_actions(actions: list[Entry], role: str) -> list[Entry]:
    """The actions attributed to one role: an edit to its lever's role, an approval or a chat message to every
    role the person held when they sent it."""
    return [e for e in actions if role in e.roles]


def team_round_minutes(facts: RoundFacts, team: TeamRound) -> float | None:
    """Minutes from the round's opening to the team's aligned version; None if it did not align."""
    if team.aligned_at is None:
        return None
    return minutes(max(0.0, (team.aligned_at - facts.opened_at).total_seconds()))
