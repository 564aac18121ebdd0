"""Participation reports: who may read which sessions, and the rows of the four views (people, roles, teams,
sessions) and of the printable person and session pages.

Selectors only (no writes, no request objects). Datetimes in rows are aware and in UTC; the exports decide how
to show them. The facts and the arithmetic are in classroom/report_figures.py, the columns in
classroom/report_columns.py, and every column is defined in docs/reports.md.

How far each session's play went and the times of its rounds are told by the app that plays sessions, through
`report_session_play_register` and `report_round_facts_register`: classroom knows no rounds.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone as dt_timezone

from django.db.models import Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from classroom.errors import Forbidden, LabError, NotFound
from classroom.models import LedgerEntry, Participant, Session
from classroom.report_columns import (PERSON_COLUMNS, REPORT_COLUMNS, REPORT_TITLES, ROLE_COLUMNS,  # noqa: F401
                                      SESSION_COLUMNS, SHEET_NAMES, TEAM_COLUMNS, Column)
from classroom.report_figures import (ACTION_KINDS, RoundFacts, SessionFacts, SessionPlay,  # noqa: F401
                                      activity_figures, median_or_none, minutes, report_facts_load,
                                      report_round_facts_register, report_session_play_register, role_actions,
                                      team_round_minutes, utc)
from classroom.report_filters import REPORT_KINDS, ReportFilter
from game.engine import ROLES

HR_GROUP = "hr"
ID_MAX = 2**63 - 1  # a database key; a longer number in a URL is no one's id
Kind = LedgerEntry.Kind


@dataclass(frozen=True)
class Report:
    kind: str  # one of classroom.report_filters.REPORT_KINDS
    title: str  # also the XLSX sheet name of a one-view file: at most 31 characters
    columns: tuple[Column, ...]
    rows: list[dict]
    # The sessions the report covers (access already checked): the workbook adds the other views of the same
    # sessions. Empty for a report built by hand.
    session_ids: tuple[int, ...] = ()
    # The people a `person` filter found (their ids), kept for the workbook's other views; None: everyone.
    person_ids: frozenset[int] | None = None


def report_user_is_hr(*, user) -> bool:
    return bool(user.is_superuser or user.groups.filter(name=HR_GROUP).exists())


def report_sessions_for_user(*, user, session_id: int | None = None) -> QuerySet[Session]:
    """Sessions whose reports `user` may read: HR and superusers all, a facilitator their own."""
    hr = report_user_is_hr(user=user)
    sessions = Session.objects.all() if hr else Session.objects.filter(facilitator=user)
    if not hr and not sessions.exists():
        raise Forbidden("reports_forbidden", _("Participation reports are for HR (the 'hr' group) and for "
                                               "facilitators of their own sessions. Ask an administrator to add "
                                               "you to 'hr'."))
    if session_id is not None:
        session = Session.objects.filter(pk=session_id).only("id", "facilitator_id").first()
        if session is None:
            raise NotFound("unknown_session", _("There is no session with id %(id)s.") % {"id": session_id},
                           field="session")
        if not hr and session.facilitator_id != user.id:
            raise Forbidden("session_forbidden", _("Session %(id)s is run by someone else; facilitators see reports "
                                                   "of their own sessions only.") % {"id": session_id},
                            field="session")
        sessions = sessions.filter(pk=session_id)
    return sessions


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=dt_timezone.utc)


def person_match(text: str) -> Q:
    """Participants whose name, email, employee id or learning-platform id contains `text` (any case)."""
    return (Q(display_name__icontains=text) | Q(email__icontains=text) | Q(employee_id__icontains=text)
            | Q(platform_person_id__icontains=text) | Q(platform_subject__icontains=text))


def report_sessions_narrowed(sessions: QuerySet[Session], filters: ReportFilter) -> QuerySet[Session]:
    """`sessions` narrowed by the filters' dates and, with a `person`, to those a matching person took part in."""
    sessions = _in_range(sessions, filters.date_from, filters.date_to)
    if filters.person:
        people = Participant.objects.filter(person_match(filters.person), is_bot=False)
        sessions = sessions.filter(pk__in=people.values("session_id"))
    return sessions


def _in_range(sessions, date_from: date | None, date_to: date | None):
    """A session belongs to the day (UTC) it was created; both ends of the range are inclusive."""
    if date_from:
        sessions = sessions.filter(created_at__gte=_utc_midnight(date_from))
    if date_to:
        sessions = sessions.filter(created_at__lt=_utc_midnight(date_to + timedelta(days=1)))
    return sessions


# ---- rows ---------------------------------------------------------------------------------------------------

def _session_cells(facts: SessionFacts) -> dict:
    session = facts.session
    return {"session_id": session.id, "session": session.name, "session_date": utc(session.created_at).date()}


def _person_cells(person: Participant) -> dict:
    platform_user = f"{person.platform_subject} at {person.platform_issuer}" if person.platform_subject else ""
    return {"participant": person.display_name, "participant_id": person.id, "email": person.email,
            "employee_id": person.employee_id, "platform_user": platform_user,
            "platform_person_id": person.platform_person_id, "team": person.team.name if person.team_id else ""}


def _actions(facts: SessionFacts, person: Participant) -> list:
    return [e for e in facts.entries[person.id] if e.kind in ACTION_KINDS]


def _activity(facts: SessionFacts, person: Participant, actions: list) -> dict:
    figures = activity_figures(actions=actions, spans=facts.spans[person.id], rounds=facts.rounds,
                               team_id=person.team_id, team_chat=facts.team_chat)
    connects = sum(1 for e in facts.entries[person.id] if e.kind == Kind.CONNECT)
    return {**figures, "reconnects": max(0, connects - 1)}


def _roles_of(facts: SessionFacts, person: Participant) -> list[str]:
    """Roles a person has a row for: those held now and those any counted action was attributed to."""
    roles = set(facts.held[person.id])
    for entry in _actions(facts, person):
        roles.update(entry.roles)
    return [r for r in ROLES if r in roles] + sorted(roles - set(ROLES))


def _person_row(facts: SessionFacts, person: Participant) -> dict:
    entries = facts.entries[person.id]
    return {
        **_session_cells(facts),
        **_person_cells(person),
        "roles": ", ".join(r for r in ROLES if r in facts.held[person.id]),
        "joined_at": utc(person.joined_at),
        "first_activity": entries[0].at if entries else None,
        "last_activity": entries[-1].at if entries else None,
        **_activity(facts, person, _actions(facts, person)),
        "rejoins": sum(1 for e in entries if e.kind == Kind.REJOIN),
        "present_at_end": facts.present[person.id],
    }


def _role_rows(facts: SessionFacts, person: Participant) -> list[dict]:
    actions = _actions(facts, person)
    return [{**_session_cells(facts), **_person_cells(person), "role": role,
             "holds_role_now": role in facts.held[person.id],
             **_activity(facts, person, role_actions(actions, role))} for role in _roles_of(facts, person)]


def _team_rounds(facts: SessionFacts, team_id: int) -> list[tuple[RoundFacts, object]]:
    return [(r, r.teams[team_id]) for _, r in sorted(facts.rounds.items()) if team_id in r.teams]


def _align_text(game_round: RoundFacts, team_round) -> str:
    taken = team_round_minutes(game_round, team_round)
    if taken is not None:
        return _("Round %(n)s: %(minutes)s") % {"n": game_round.number,
                                                 "minutes": formats.number_format(round(taken, 1), 1, use_l10n=True)}
    text = _("Round %(n)s: not aligned") if game_round.closed_at else _("Round %(n)s: not aligned yet")
    return text % {"n": game_round.number}


def _team_row(facts: SessionFacts, team) -> dict:
    played = _team_rounds(facts, team.id)
    times = [t for t in (team_round_minutes(r, tr) for r, tr in played) if t is not None]
    actions = [e for p in facts.people for e in _actions(facts, p) if e.team_id == team.id]
    return {
        **_session_cells(facts),
        "team": team.name,
        "members": sum(1 for p in facts.people if p.team_id == team.id),
        "rounds_played": sum(1 for _, tr in played if tr.result_aligned is not None),
        "rounds_aligned": sum(1 for _, tr in played if tr.result_aligned),
        "median_minutes_to_align": median_or_none(times),
        "minutes_to_align_by_round": "; ".join(_align_text(r, tr) for r, tr in played),
        "package_versions": sum(len(tr.version_times) for _, tr in played),
        "revisions": sum(max(0, len(tr.version_times) - 1) for _, tr in played),
        "edits": sum(1 for e in actions if e.kind == Kind.EDIT),
        "approvals": sum(1 for e in actions if e.kind == Kind.APPROVE),
        "chat_messages": sum(1 for e in actions if e.kind == Kind.CHAT),
    }


def _session_row(facts: SessionFacts) -> dict:
    session, play = facts.session, facts.play
    persons = [_person_row(facts, p) for p in facts.people]
    times = [t for team in facts.teams for r, tr in _team_rounds(facts, team.id)
             if (t := team_round_minutes(r, tr)) is not None]
    return {
        "session_id": session.id,
        "session": session.name,
        "facilitator": session.facilitator.get_full_name() or session.facilitator.get_username(),
        "scenario": session.scenario_name,
        "session_date": utc(session.created_at).date(),
        "started_at": utc(play.started_at),
        "finished_at": utc(session.finished_at),
        "rounds_played": play.rounds_played,
        "rounds_planned": session.rounds,
        "teams": len(facts.teams),
        "participants": len(persons),
        "avg_minutes_connected": (round(sum(p["minutes_connected"] for p in persons) / len(persons), 1)
                                  if persons else None),
        "edits": sum(p["edits"] for p in persons),
        "approvals": sum(p["approvals"] for p in persons),
        "chat_messages": sum(p["chat_messages"] for p in persons),
        "reconnects": sum(p["reconnects"] for p in persons),
        "rejoins": sum(p["rejoins"] for p in persons),
        "revisions": sum(max(0, len(tr.version_times) - 1) for r in facts.rounds.values() for tr in r.teams.values()),
        "median_minutes_to_align": median_or_none(times),
        "aligned_share": (round(play.aligned_team_rounds / play.team_rounds, 4) if play.team_rounds else None),
    }


def _rows(kind: str, loaded: list[SessionFacts], person_ids: frozenset[int] | None = None) -> list[dict]:
    def people(facts: SessionFacts):
        return [p for p in facts.people if person_ids is None or p.id in person_ids]

    if kind == "people":
        return [_person_row(f, p) for f in loaded for p in people(f)]
    if kind == "roles":
        return [row for f in loaded for p in people(f) for row in _role_rows(f, p)]
    if kind == "teams":
        return [_team_row(f, t) for f in loaded for t in f.teams]
    return [_session_row(f) for f in loaded]


def participation_rows(*, kind: str, sessions: QuerySet[Session], date_from: date | None = None,
                       date_to: date | None = None) -> list[dict]:
    return _rows(kind, report_facts_load(sessions=_in_range(sessions, date_from, date_to)))


def participation_rows_per_person(*, sessions: QuerySet[Session], date_from: date | None,
                                  date_to: date | None) -> list[dict]:
    return participation_rows(kind="people", sessions=sessions, date_from=date_from, date_to=date_to)


def participation_rows_per_session(*, sessions: QuerySet[Session], date_from: date | None,
                                   date_to: date | None) -> list[dict]:
    return participation_rows(kind="sessions", sessions=sessions, date_from=date_from, date_to=date_to)


def _report(kind: str, loaded: list[SessionFacts], person_ids: frozenset[int] | None = None) -> Report:
    return Report(kind, REPORT_TITLES[kind], REPORT_COLUMNS[kind], _rows(kind, loaded, person_ids),
                  session_ids=tuple(f.session.id for f in loaded), person_ids=person_ids)


def participation_report(*, user, kind: str, filters: ReportFilter) -> Report:
    """The report a page or API call asked for, after checking who may read which sessions."""
    if kind not in REPORT_KINDS:
        raise LabError("invalid_report", _("There is no %(kind)s report; the reports are %(kinds)s.") % {
            "kind": repr(kind), "kinds": ", ".join(REPORT_KINDS)}, field="report")
    sessions = report_sessions_narrowed(report_sessions_for_user(user=user, session_id=filters.session_id), filters)
    person_ids = None
    if filters.person:  # the people and roles views list only them; teams and sessions, those they took part in
        person_ids = frozenset(Participant.objects.filter(person_match(filters.person), is_bot=False,
                                                          session__in=sessions).values_list("id", flat=True))
    return _report(kind, report_facts_load(sessions=sessions), person_ids)


def participation_views(*, report: Report) -> list[Report]:
    """Every view of the sessions `report` covers, in REPORT_KINDS order, `report` itself among them (for the
    workbook). Access was checked when `report` was built."""
    loaded = report_facts_load(sessions=Session.objects.filter(pk__in=report.session_ids))
    return [report if kind == report.kind else _report(kind, loaded, report.person_ids) for kind in REPORT_KINDS]


# ---- printable pages -----------------------------------------------------------------------------------------

def _round_cells(game_round: RoundFacts) -> dict:
    return {"round": game_round.number, "opened_at": game_round.opened_at, "deadline": game_round.deadline,
            "closed_at": game_round.closed_at}


def report_person_page(*, user, participant_id: int) -> dict:
    """One person's figures overall, per role and per round, for the printable page."""
    report_sessions_for_user(user=user)  # 403 in words for someone who may read no report at all
    person = (Participant.objects.filter(pk=participant_id, is_bot=False).values("session_id").first()
              if 0 < participant_id <= ID_MAX else None)
    if person is None:
        raise NotFound("unknown_participant", _("There is no participant with id %(id)s.") % {
            "id": participant_id}, field="participant")
    (facts,) = report_facts_load(sessions=report_sessions_for_user(user=user, session_id=person["session_id"]))
    person = next(p for p in facts.people if p.id == participant_id)
    actions = _actions(facts, person)
    rounds = []
    for number, game_round in sorted(facts.rounds.items()):
        mine = [e for e in actions if e.round == number]
        figures = activity_figures(actions=mine, spans=facts.spans[person.id], rounds=facts.rounds,
                                   team_id=person.team_id, team_chat=facts.team_chat, only_round=number)
        rounds.append({**_round_cells(game_round), **figures, "active": bool(mine)})
    return {"session": facts.session, "person": person, "row": _person_row(facts, person),
            "roles": _role_rows(facts, person), "rounds": rounds}


def report_session_page(*, user, session_id: int) -> dict:
    """One session's summary, its teams, its team-rounds and its people, for the printable page."""
    if not 0 < session_id <= ID_MAX:
        report_sessions_for_user(user=user)
        raise NotFound("unknown_session", _("There is no session with id %(id)s.") % {"id": session_id},
                       field="session")
    (facts,) = report_facts_load(sessions=report_sessions_for_user(user=user, session_id=session_id))
    teams = {t.id: t for t in facts.teams}
    team_rounds = []
    for number, game_round in sorted(facts.rounds.items()):
        for team_id, team_round in sorted(game_round.teams.items(), key=lambda item: teams[item[0]].number):
            versions = len(team_round.version_times)
            team_rounds.append({**_round_cells(game_round), "team": teams[team_id].name,
                                "package_versions": versions, "revisions": max(0, versions - 1),
                                "minutes_to_align": team_round_minutes(game_round, team_round),
                                "aligned": team_round.result_aligned})
    return {"session": facts.session, "row": _session_row(facts), "teams": [_team_row(facts, t) for t in facts.teams],
            "team_rounds": team_rounds, "people": [_person_row(facts, p) for p in facts.people]}


__all__ = ["HR_GROUP", "Column", "PERSON_COLUMNS", "ROLE_COLUMNS", "TEAM_COLUMNS", "SESSION_COLUMNS", "REPORT_COLUMNS",
           "REPORT_TITLES", "SHEET_NAMES", "Report", "SessionPlay", "RoundFacts", "minutes",
           "report_session_play_register", "report_round_facts_register", "report_user_is_hr",
           "report_sessions_for_user", "participation_rows", "participation_rows_per_person",
           "participation_rows_per_session", "participation_report", "participation_views", "report_person_page",
           "report_session_page"]
