"""Participation reports computed from the ledger, with data built through the services.

The services stamp the ledger with the real clock; `Clock` then moves each entry to a chosen
minute of a fixed timeline so the minutes connected are exact.
"""
from datetime import date, datetime, timedelta, timezone as dt_timezone

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from classroom.errors import Forbidden, LabError, NotFound
from classroom.models import Connection, LedgerEntry, Participant, Session
from classroom.report_filters import API_FORMATS, REPORT_KINDS, ReportFilter, report_filter_parse, report_kind_parse
from classroom.reports import (participation_report, participation_rows, participation_rows_per_person,
                               participation_rows_per_session, report_sessions_for_user)
from classroom.services.presence import connection_close, connection_open
from classroom.services.sessions import participant_join
from game import engine
from game.models import PackageVersion, Round, RoundResult
from game.services import rounds
from game.services.chat import chat_send
from game.services.packages import package_approve, package_edit
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)  # closing rounds runs on commit

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=dt_timezone.utc)


def minute(m: float) -> datetime:
    return T0 + timedelta(minutes=m)


def stamp(participant, m: float) -> None:
    """Move this person's newest ledger entry to minute `m` of the timeline."""
    entry = LedgerEntry.objects.filter(participant=participant).latest("id")
    LedgerEntry.objects.filter(pk=entry.pk).update(at=minute(m))


def connect(participant, m: float, connected: bool = True) -> None:
    """Open a new socket for this person at minute `m`, or close their open one cleanly (last heartbeat = close):
    the ledger entry and the socket's row both say minute `m`."""
    if connected:
        channel = f"test-socket-{participant.id}-{Connection.objects.filter(participant=participant).count()}"
        connection_open(participant_id=participant.id, channel_name=channel)
        Connection.objects.filter(channel_name=channel).update(opened_at=minute(m), last_seen_at=minute(m))
    else:
        channel = Connection.objects.get(participant=participant, closed_at__isnull=True).channel_name
        connection_close(channel_name=channel)
        Connection.objects.filter(channel_name=channel).update(last_seen_at=minute(m), closed_at=minute(m))
    stamp(participant, m)


def heartbeat(participant, m: float) -> None:
    """The person's open socket last answered at minute `m`."""
    Connection.objects.filter(participant=participant, closed_at__isnull=True).update(last_seen_at=minute(m))


def make_hr_user(username: str = "hr-person"):
    user = factories.make_facilitator(username)
    user.groups.add(Group.objects.get_or_create(name="hr")[0])
    return user


def play_workshop(facilitator, *, name: str = "Cohort 3", day: date = T0.date(), names=None) -> dict:
    """One team of four plays two rounds; returns the people by role and the session.

    Timeline (minutes after 09:00 UTC): join 0; round 1 opens 5; round 2 opens 30; end 60.
    director: connected 1-11 and 20-end (last heartbeat 65), two edits, one approval, a chat at 35 (round 2).
    finance: connected 2-32, one approval. engineering: never connected, one approval.
    hr: chat in the lobby at 4, connected 4-70 (clipped at the end, 60), one approval.
    Everyone approves in round 1, so it is aligned; round 2 is not.
    """
    names = names or ["Alice", "Bob", "Cara", "Dan"]
    session = factories.make_session(facilitator, rounds_count=2)
    Session.objects.filter(pk=session.pk).update(asks_email=True, asks_employee_id=True)  # stored only if asked
    for i, person in enumerate(names):
        participant_join(join_code=session.join_code, display_name=person, email=f"p{i}@example.com",
                         employee_id=f"E{i:03d}")
    people = {role: factories.holder(session, role) for role in engine.ROLES}
    director, finance, engineering, hr = (people[r] for r in engine.ROLES)
    chat_send(participant_id=hr.id, text="hello from the lobby", client_msg_id="c-hr")
    stamp(hr, 4)
    factories.start(session, facilitator)
    factories.committed(session)
    connect(director, 1)
    connect(finance, 2)
    connect(hr, 4)
    package_edit(participant_id=director.id, lever="production_target", value=12000, base_version=1,
                 client_msg_id="e1")
    stamp(director, 6)
    package_edit(participant_id=director.id, lever="production_target", value=12500, base_version=2,
                 client_msg_id="e2")
    stamp(director, 7)
    connect(director, 11, connected=False)
    for m, role in enumerate(engine.ROLES, start=12):  # the last approval aligns and closes round 1
        package_approve(participant_id=people[role].id, version=3, client_msg_id=f"a-{role}")
        stamp(people[role], m)
    connect(director, 20)
    assert factories.open_round(session).number == 2
    connect(finance, 32, connected=False)
    chat_send(participant_id=director.id, text="round two", client_msg_id="c-dir")
    stamp(director, 35)
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=2)
    heartbeat(director, 65)  # still there after the end: their socket answered at 65
    connect(hr, 70, connected=False)
    created = datetime.combine(day, T0.timetz()) - timedelta(hours=1)
    Session.objects.filter(pk=session.pk).update(created_at=created, finished_at=minute(60))
    Participant.objects.filter(session=session).update(joined_at=minute(0))
    LedgerEntry.objects.filter(session=session, kind="join").update(at=minute(0))
    # the rounds and package versions on the same timeline (round 1 aligned at the last approval, 15)
    Round.objects.filter(session=session, number=1).update(opens_at=minute(5), deadline=minute(15),
                                                           closed_at=minute(15))
    Round.objects.filter(session=session, number=2).update(opens_at=minute(30), deadline=minute(40),
                                                           closed_at=minute(60))
    for number, version, made in ((1, 1, 5), (1, 2, 6), (1, 3, 7), (2, 1, 30)):
        PackageVersion.objects.filter(round__session=session, round__number=number, version=version).update(
            created_at=minute(made), aligned_at=minute(15) if (number, version) == (1, 3) else None)
    session.refresh_from_db()
    return {"session": session, **people}


@pytest.fixture
def workshop(facilitator):
    return play_workshop(facilitator)


def by_name(rows):
    return {row["participant"]: row for row in rows}


def test_per_person_numbers_come_from_the_ledger(workshop):
    session = workshop["session"]
    assert session.state == Session.State.FINISHED
    rows = by_name(participation_rows_per_person(sessions=Session.objects.all(), date_from=None, date_to=None))
    alice, bob, cara, dan = (rows[workshop[r].display_name] for r in engine.ROLES)
    assert (alice["minutes_connected"], alice["edits"], alice["approvals"], alice["chat_messages"]) == (50.0, 2, 1, 1)
    assert alice["rounds_participated"] == 2  # the chat at minute 35 falls in round 2
    assert alice["present_at_end"] is True  # still connected when the session ended
    assert (bob["minutes_connected"], bob["approvals"], bob["rounds_participated"], bob["present_at_end"]) == (
        30.0, 1, 1, False)
    assert (cara["minutes_connected"], cara["rounds_participated"], cara["present_at_end"]) == (0.0, 1, False)
    assert dan["minutes_connected"] == 56.0  # 4 to 70, but the session ended at 60
    assert dan["chat_messages"] == 1 and dan["rounds_participated"] == 1  # the lobby chat is in no round
    assert dan["present_at_end"] is True
    assert alice["first_activity"] == minute(0) and alice["last_activity"] == minute(35)
    assert dan["last_activity"] == minute(70)
    assert alice["joined_at"] == minute(0) and alice["session_date"] == date(2026, 3, 10)
    assert alice["team"] == "Team 1" and alice["email"] and alice["employee_id"].startswith("E")
    assert alice["roles"] == "director" and alice["session"] == "Test workshop"


def test_per_session_row_sums_people_and_alignment(workshop, facilitator):
    session = workshop["session"]
    assert RoundResult.objects.filter(round__session=session).count() == 2
    (row,) = participation_rows_per_session(sessions=Session.objects.all(), date_from=None, date_to=None)
    assert row["session_id"] == session.id and row["facilitator"] == facilitator.username
    assert (row["rounds_played"], row["rounds_planned"], row["teams"], row["participants"]) == (2, 2, 1, 4)
    assert row["avg_minutes_connected"] == 34.0  # (50 + 30 + 0 + 56) / 4
    assert (row["edits"], row["approvals"], row["chat_messages"]) == (2, 4, 2)
    assert row["aligned_share"] == 0.5  # round 1 aligned, round 2 not
    assert row["started_at"] == minute(5) and row["finished_at"] == minute(60)
    assert row["scenario"] == "demo"


def test_an_open_socket_counts_to_its_last_heartbeat_never_to_now(started_session):
    """An unclosed connect used to count up to the person's last ledger entry; now the socket's own last
    heartbeat ends the span, and the person is present only while that heartbeat is within the TTL."""
    person = factories.holder(started_session, "hr")
    now = timezone.now()
    connection_open(participant_id=person.id, channel_name="tab")
    Connection.objects.filter(channel_name="tab").update(opened_at=now - timedelta(minutes=10),
                                                         last_seen_at=now - timedelta(minutes=4))
    package_edit(participant_id=person.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="e")

    def row():
        return next(r for r in participation_rows_per_person(sessions=Session.objects.all(), date_from=None,
                                                             date_to=None) if r["participant"] == person.display_name)

    assert row()["minutes_connected"] == 6.0  # 10 minutes ago to 4 minutes ago, not up to the edit just now
    assert row()["present_at_end"] is False  # silent for 4 minutes, longer than the presence TTL
    assert row()["rounds_participated"] == 1
    Connection.objects.filter(channel_name="tab").update(last_seen_at=now)
    assert row()["minutes_connected"] == 10.0 and row()["present_at_end"] is True


def test_a_session_with_nobody_has_an_empty_row(facilitator, lobby_session):
    (row,) = participation_rows_per_session(sessions=Session.objects.all(), date_from=None, date_to=None)
    assert (row["participants"], row["teams"], row["rounds_played"]) == (0, 0, 0)
    assert row["avg_minutes_connected"] is None and row["aligned_share"] is None and row["started_at"] is None
    assert participation_rows_per_person(sessions=Session.objects.all(), date_from=None, date_to=None) == []


def test_date_range_selects_sessions_by_their_utc_day(facilitator):
    play_workshop(facilitator, day=date(2026, 3, 9), names=["A1", "A2", "A3", "A4"])
    play_workshop(facilitator, day=date(2026, 3, 10), names=["B1", "B2", "B3", "B4"])
    everyone = Session.objects.all()

    def names(date_from, date_to):
        rows = participation_rows_per_person(sessions=everyone, date_from=date_from, date_to=date_to)
        return sorted(r["participant"] for r in rows)

    assert names(date(2026, 3, 10), date(2026, 3, 10)) == ["B1", "B2", "B3", "B4"]
    assert names(None, date(2026, 3, 9)) == ["A1", "A2", "A3", "A4"]
    assert len(names(date(2026, 3, 9), None)) == 8
    assert names(date(2026, 3, 11), None) == []


def test_hr_and_superuser_see_all_facilitators_their_own(facilitator):
    mine = play_workshop(facilitator)["session"]
    other_facilitator = factories.make_facilitator()
    theirs = factories.make_session(other_facilitator)
    hr = make_hr_user()
    assert set(report_sessions_for_user(user=hr)) == {mine, theirs}
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="pw")
    assert set(report_sessions_for_user(user=root)) == {mine, theirs}
    assert set(report_sessions_for_user(user=facilitator)) == {mine}
    with pytest.raises(Forbidden) as exc:
        report_sessions_for_user(user=facilitator, session_id=theirs.id)
    assert exc.value.field == "session" and "own sessions" in exc.value.message
    with pytest.raises(NotFound) as exc:
        report_sessions_for_user(user=hr, session_id=theirs.id + 1000)
    assert exc.value.field == "session"
    with pytest.raises(Forbidden) as exc:
        report_sessions_for_user(user=factories.make_facilitator())
    assert exc.value.code == "reports_forbidden" and "hr" in exc.value.message


def test_report_for_one_session_only(facilitator):
    first = play_workshop(facilitator, names=["A1", "A2", "A3", "A4"])["session"]
    play_workshop(facilitator, names=["B1", "B2", "B3", "B4"])
    report = participation_report(user=facilitator, kind="people", filters=ReportFilter(session_id=first.id))
    assert sorted(r["participant"] for r in report.rows) == ["A1", "A2", "A3", "A4"]
    assert report.title == "Participation by person" and len(report.title) <= 31
    sessions = participation_report(user=facilitator, kind="sessions", filters=ReportFilter())
    assert len(sessions.rows) == 2 and len(sessions.title) <= 31


@pytest.mark.parametrize("params, field, code", [
    ({"from": "2026-13-01"}, "from", "invalid_date"),
    ({"to": "2026-02-30"}, "to", "invalid_date"),
    ({"from": "20260101"}, "from", "invalid_date"),
    ({"from": "yesterday"}, "from", "invalid_date"),
    ({"from": "2026-03-02", "to": "2026-03-01"}, "from", "invalid_range"),
    ({"session": "abc"}, "session", "invalid_session"),
    ({"session": "-3"}, "session", "invalid_session"),
    ({"session": "9" * 30}, "session", "invalid_session"),
    ({"format": "pdf"}, "format", "invalid_format"),
])
def test_bad_parameters_name_the_parameter(params, field, code):
    with pytest.raises(LabError) as exc:
        report_filter_parse(params=params, formats=API_FORMATS)
    assert (exc.value.field, exc.value.code, exc.value.http_status) == (field, code, 400)
    assert f"'{field}'" in exc.value.message


def test_good_parameters_parse():
    parsed = report_filter_parse(params={"session": " 12 ", "from": "2026-03-01", "to": "2026-03-01",
                                         "format": "XLSX"}, formats=API_FORMATS)
    assert parsed == ReportFilter(session_id=12, date_from=date(2026, 3, 1), date_to=date(2026, 3, 1), format="xlsx")
    assert report_filter_parse(params={"session": "", "from": ""}, formats=API_FORMATS) == ReportFilter()
    assert parsed.as_params() == {"session": "12", "from": "2026-03-01", "to": "2026-03-01"}
    assert report_kind_parse(value=None) == "people"
    with pytest.raises(LabError) as exc:
        report_kind_parse(value="payroll")
    assert exc.value.field == "report"


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_query_count_does_not_grow_with_sessions(facilitator, kind):
    """Every view loads its facts in a fixed number of queries: one session or three cost the same."""
    first = play_workshop(facilitator, names=["A1", "A2", "A3", "A4"])["session"]

    def queries(sessions) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert participation_rows(kind=kind, sessions=sessions)
        return len(captured.captured_queries)

    one = queries(Session.objects.filter(pk=first.pk))
    play_workshop(facilitator, names=["B1", "B2", "B3", "B4"])
    play_workshop(facilitator, names=["C1", "C2", "C3", "C4"])
    assert queries(Session.objects.all()) == one <= 12
