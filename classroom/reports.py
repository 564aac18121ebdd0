"""Participation reports, computed from the ledger: one row per person, one row per session.

Selectors only (no writes, no request objects). Datetimes in rows are aware and in UTC; the
exports decide how to show them. Definitions of every column are in docs/reports.md.

How far each session's play went (when it started, rounds closed, aligned team-rounds) is told by
the app that plays sessions, through `report_session_play_register`: classroom knows no rounds.
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone as dt_timezone

from django.db.models import Count, QuerySet

from classroom.errors import Forbidden, NotFound
from classroom.models import LedgerEntry, Session
from classroom.report_filters import ReportFilter
from game.engine import ROLES

HR_GROUP = "hr"
Kind = LedgerEntry.Kind
ACTIVE_KINDS = {Kind.EDIT, Kind.APPROVE, Kind.CHAT}  # "did something" in a round


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text | int | float | percent | date | datetime | bool
    width: int  # characters, for the XLSX sheet


PERSON_COLUMNS = (
    Column("session_id", "Session id", "int", 10),
    Column("session", "Session", "text", 28),
    Column("session_date", "Session date (UTC)", "date", 18),
    Column("participant", "Participant", "text", 24),
    Column("email", "Email", "text", 28),
    Column("employee_id", "Employee id", "text", 14),
    Column("team", "Team", "text", 9),
    Column("roles", "Roles", "text", 26),
    Column("joined_at", "Joined at (UTC)", "datetime", 20),
    Column("first_activity", "First activity (UTC)", "datetime", 20),
    Column("last_activity", "Last activity (UTC)", "datetime", 20),
    Column("minutes_connected", "Minutes connected", "float", 18),
    Column("edits", "Edits", "int", 8),
    Column("approvals", "Approvals", "int", 10),
    Column("chat_messages", "Chat messages", "int", 14),
    Column("rounds_participated", "Rounds participated", "int", 19),
    Column("present_at_end", "Present at end", "bool", 15),
)
SESSION_COLUMNS = (
    Column("session_id", "Session id", "int", 10),
    Column("session", "Session", "text", 28),
    Column("facilitator", "Facilitator", "text", 18),
    Column("scenario", "Scenario", "text", 12),
    Column("session_date", "Session date (UTC)", "date", 18),
    Column("started_at", "Started at (UTC)", "datetime", 20),
    Column("finished_at", "Finished at (UTC)", "datetime", 20),
    Column("rounds_played", "Rounds played", "int", 14),
    Column("rounds_planned", "Rounds planned", "int", 15),
    Column("teams", "Teams", "int", 8),
    Column("participants", "Participants", "int", 13),
    Column("avg_minutes_connected", "Average minutes connected", "float", 26),
    Column("edits", "Edits", "int", 8),
    Column("approvals", "Approvals", "int", 10),
    Column("chat_messages", "Chat messages", "int", 14),
    Column("aligned_share", "Aligned share of team-rounds", "percent", 28),
)


@dataclass(frozen=True)
class Report:
    kind: str  # people | sessions
    title: str  # also the XLSX sheet name: at most 31 characters
    columns: tuple[Column, ...]
    rows: list[dict]


@dataclass(frozen=True)
class SessionPlay:
    """How far one session's play went, as the app that plays it tells."""
    started_at: datetime | None = None  # when round 1 opened
    rounds_played: int = 0  # closed rounds
    team_rounds: int = 0  # team-rounds with a result
    aligned_team_rounds: int = 0  # of those, the aligned ones


SessionPlayFigures = Callable[..., dict[int, SessionPlay]]  # called as figures(session_ids=[...])
_session_play: SessionPlayFigures = lambda *, session_ids: {}  # a session nobody played: SessionPlay()


def report_session_play_register(*, figures: SessionPlayFigures) -> None:
    """The app that plays sessions (game, in its AppConfig.ready) says how far each session got."""
    global _session_play
    _session_play = figures


def report_user_is_hr(*, user) -> bool:
    return bool(user.is_superuser or user.groups.filter(name=HR_GROUP).exists())


def report_sessions_for_user(*, user, session_id: int | None = None) -> QuerySet[Session]:
    """Sessions whose reports `user` may read: HR and superusers all, a facilitator their own."""
    hr = report_user_is_hr(user=user)
    sessions = Session.objects.all() if hr else Session.objects.filter(facilitator=user)
    if not hr and not sessions.exists():
        raise Forbidden("reports_forbidden", "Participation reports are for HR (the 'hr' group) and for "
                        "facilitators of their own sessions. Ask an administrator to add you to 'hr'.")
    if session_id is not None:
        session = Session.objects.filter(pk=session_id).only("id", "facilitator_id").first()
        if session is None:
            raise NotFound("unknown_session", f"There is no session with id {session_id}.", field="session")
        if not hr and session.facilitator_id != user.id:
            raise Forbidden("session_forbidden", f"Session {session_id} is run by someone else; facilitators "
                            "see reports of their own sessions only.", field="session")
        sessions = sessions.filter(pk=session_id)
    return sessions


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=dt_timezone.utc)


def _in_range(sessions, date_from: date | None, date_to: date | None):
    """A session belongs to the day (UTC) it was created; both ends of the range are inclusive."""
    if date_from:
        sessions = sessions.filter(created_at__gte=_utc_midnight(date_from))
    if date_to:
        sessions = sessions.filter(created_at__lt=_utc_midnight(date_to + timedelta(days=1)))
    return sessions.order_by("created_at", "id")


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(dt_timezone.utc) if moment else None


def _seconds(start: datetime, stop: datetime, end: datetime | None) -> float:
    if end is not None:
        stop = min(stop, end)  # time after the session ended is not workshop time
    return max(0.0, (stop - start).total_seconds())


def _presence(entries: list[tuple], end: datetime | None) -> tuple[float, bool]:
    """Seconds connected from connect/disconnect pairs, and whether connected when the session ended.

    An unclosed connect counts up to the session end, or, while the session has not ended, up to
    the person's last activity (the last moment the ledger saw them).
    """
    since = None
    seconds = 0.0
    for kind, at, _ in entries:
        if kind == Kind.CONNECT and since is None:
            since = at
        elif kind == Kind.DISCONNECT and since is not None:
            seconds += _seconds(since, at, end)
            since = None
    if since is not None:
        seconds += _seconds(since, end or entries[-1][1], end)
    present = False
    for kind, at, _ in entries:
        if end is not None and at > end:
            break
        if kind in (Kind.CONNECT, Kind.DISCONNECT):
            present = kind == Kind.CONNECT
    return seconds, present


def _person_row(session: Session, person, entries: list[tuple], roles: list[str]) -> dict:
    end = _utc(session.finished_at) if session.state == Session.State.FINISHED else None
    seconds, present = _presence(entries, end)
    counts = defaultdict(int)
    rounds = set()
    for kind, _, round_number in entries:
        counts[kind] += 1
        if kind in ACTIVE_KINDS and round_number is not None:  # a chat in the lobby is in no round
            rounds.add(round_number)
    return {
        "session_id": session.id,
        "session": session.name,
        "session_date": _utc(session.created_at).date(),
        "participant": person.display_name,
        "email": person.email,
        "employee_id": person.employee_id,
        "team": person.team.name if person.team_id else "",
        "roles": ", ".join(roles),
        "joined_at": _utc(person.joined_at),
        "first_activity": entries[0][1] if entries else None,
        "last_activity": entries[-1][1] if entries else None,
        "minutes_connected": round(seconds / 60, 1),
        "edits": counts[Kind.EDIT],
        "approvals": counts[Kind.APPROVE],
        "chat_messages": counts[Kind.CHAT],
        "rounds_participated": len(rounds),
        "present_at_end": present,
    }


def _ledger_by_person(session_ids: list[int]) -> dict[int, list[tuple]]:
    entries = defaultdict(list)
    rows = (LedgerEntry.objects.filter(session_id__in=session_ids, counted=True).order_by("at", "id")
            .values_list("participant_id", "kind", "at", "round_number"))
    for participant_id, kind, at, round_number in rows.iterator(chunk_size=5000):
        entries[participant_id].append((kind, _utc(at), round_number))
    return entries


def participation_rows_per_person(*, sessions: QuerySet[Session], date_from: date | None,
                                  date_to: date | None) -> list[dict]:
    chosen = list(_in_range(sessions, date_from, date_to).prefetch_related("participants__team",
                                                                           "participants__seats"))
    ids = [s.id for s in chosen]
    ledger = _ledger_by_person(ids)
    rows = []
    for session in chosen:
        people = sorted((p for p in session.participants.all() if not p.is_bot),  # bots are not people
                        key=lambda p: (p.team.number if p.team_id else 10**6, p.joined_at, p.id))
        for person in people:
            held = {seat.role for seat in person.seats.all()}
            rows.append(_person_row(session, person, ledger.get(person.id, []), [r for r in ROLES if r in held]))
    return rows


def participation_rows_per_session(*, sessions: QuerySet[Session], date_from: date | None,
                                   date_to: date | None) -> list[dict]:
    chosen = list(_in_range(sessions, date_from, date_to).select_related("facilitator")
                  .annotate(team_count=Count("teams", distinct=True)))
    ids = [s.id for s in chosen]
    people = defaultdict(list)
    for row in participation_rows_per_person(sessions=Session.objects.filter(pk__in=ids), date_from=None,
                                             date_to=None):
        people[row["session_id"]].append(row)
    plays = _session_play(session_ids=ids)
    rows = []
    for session in chosen:
        persons = people[session.id]
        play = plays.get(session.id) or SessionPlay()
        rows.append({
            "session_id": session.id,
            "session": session.name,
            "facilitator": session.facilitator.get_full_name() or session.facilitator.get_username(),
            "scenario": session.scenario_name,
            "session_date": _utc(session.created_at).date(),
            "started_at": _utc(play.started_at),
            "finished_at": _utc(session.finished_at),
            "rounds_played": play.rounds_played,
            "rounds_planned": session.rounds,
            "teams": session.team_count,
            "participants": len(persons),
            "avg_minutes_connected": (round(sum(p["minutes_connected"] for p in persons) / len(persons), 1)
                                      if persons else None),
            "edits": sum(p["edits"] for p in persons),
            "approvals": sum(p["approvals"] for p in persons),
            "chat_messages": sum(p["chat_messages"] for p in persons),
            "aligned_share": (round(play.aligned_team_rounds / play.team_rounds, 4) if play.team_rounds else None),
        })
    return rows


def participation_report(*, user, kind: str, filters: ReportFilter) -> Report:
    """The report a page or API call asked for, after checking who may read which sessions."""
    sessions = report_sessions_for_user(user=user, session_id=filters.session_id)
    if kind == "sessions":
        rows = participation_rows_per_session(sessions=sessions, date_from=filters.date_from,
                                              date_to=filters.date_to)
        return Report(kind, "Participation by session", SESSION_COLUMNS, rows)
    rows = participation_rows_per_person(sessions=sessions, date_from=filters.date_from, date_to=filters.date_to)
    return Report(kind, "Participation by person", PERSON_COLUMNS, rows)
