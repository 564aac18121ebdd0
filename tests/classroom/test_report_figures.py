"""A scripted workshop played through the real services on a controlled clock, and EVERY figure of every
view (people, roles, teams, sessions) and of the printable pages checked against values worked out by hand.

The clock: `django.utils.timezone.now` and the model fields whose default is `timezone.now` read a clock the
test moves; so every ledger entry, socket row, package version and round time is at a chosen minute after
09:00 UTC on 2026-03-10. Sockets that are alive answer a heartbeat at every tick (the browser pings every few
seconds; here at each step), and the sweeper runs at every tick, as every server's ticker does.

The script (minutes after 09:00; Ann holds director and finance, Ben hr, Cy engineering):
   0  session created; Ann, Ben, Cy join
   1  sockets a1 (Ann), b1 (Ben), c1 (Cy) open
   2  Ann chats in the lobby (round none)
   3  Ann opens a second tab a2 (already connected: no ledger entry); 4 she closes it
   5  start: round 1 opens (deadline 15), version 1
   6  Ann edits production_target (director) -> v2;  6.5 the same value again: a no-op, not counted
   6.8 Ann chats (round 1)
   7  Ben edits overtime_share (hr) -> v3
   7.5 Ben's socket b1 closes cleanly;  8 Ben opens b2 (a reconnect)
   8.5 Cy chats
   9  Ann approves v3 (for director and finance);  9.1 she clicks again: not counted
  10  Cy approves v3
  11  Ben approves v3: every role approved, round 1 closes (aligned) and round 2 opens (deadline 21), version 1
  12  Cy's socket c1 answers for the last time (its process dies)
  13  the sweeper finds c1 dead: closed, and the ledger says Cy left at 12
  14  Cy rejoins with the rejoin code and opens c2 (a reconnect)
  15  Ann edits maintenance_budget (finance) -> v2
  16  Ben chats
  17  Ben approves v2
  18  Ben edits overtime_share -> v3 (Ben's approval of v2 no longer counts for the package)
  20.5 Cy's socket c2 closes cleanly
  21.2 Ben approves v3, after the deadline (21) but before the close;  21.25 a double click: not counted
  21.5 the deadline check closes round 2 (not aligned: Ann and Cy never approved v3): the session finishes
  25  Ann's a1 and Ben's b2 still answer
  30  Ann closes a1
"""
from datetime import date, datetime, timedelta, timezone as dt_timezone

import pytest
from django.utils import timezone

from classroom.models import Connection, LedgerEntry, Participant, Session
from classroom.report_filters import REPORT_KINDS, ReportFilter
from classroom.reports import REPORT_COLUMNS, participation_report, report_person_page, report_session_page
from classroom.services.presence import connection_close, connection_heartbeat, connection_open, presence_sweep
from classroom.services.sessions import participant_join, participant_rejoin
from game.models import Round
from game.services import rounds
from game.services.chat import chat_send
from game.services.packages import package_approve, package_edit
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)  # closing rounds runs on commit

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=dt_timezone.utc)


def minute(m: float) -> datetime:
    return T0 + timedelta(minutes=m)


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    for model, name in ((LedgerEntry, "at"), (Connection, "opened_at"), (Connection, "last_seen_at")):
        monkeypatch.setattr(model._meta.get_field(name), "_get_default", clock)
    return clock


class Script:
    """Moves the clock; at each tick the live sockets answer and the sweeper runs."""

    def __init__(self, clock):
        self.clock = clock
        self.alive: set[str] = set()

    def tick(self, m: float) -> None:
        self.clock.now = minute(m)
        for channel in sorted(self.alive):
            connection_heartbeat(channel_name=channel)
        presence_sweep()

    def open(self, person, channel: str) -> None:
        connection_open(participant_id=person.id, channel_name=channel)
        self.alive.add(channel)

    def close(self, channel: str) -> None:
        connection_close(channel_name=channel)
        self.alive.discard(channel)

    def crash(self, channel: str) -> None:
        self.alive.discard(channel)  # no heartbeat, no close: the sweeper will find it


@pytest.fixture
def workshop(clock, facilitator):
    s = Script(clock)
    s.tick(0)
    session = factories.make_session(facilitator, rounds_count=2, minutes=10)
    Session.objects.filter(pk=session.pk).update(asks_email=True, asks_employee_id=True)  # stored only if asked
    ann, ben, cy = (participant_join(join_code=session.join_code, display_name=name, email=f"{name.lower()}@example.com",
                                     employee_id=f"E-{name}") for name in ("Ann", "Ben", "Cy"))
    s.tick(1)
    s.open(ann, "a1")
    s.open(ben, "b1")
    s.open(cy, "c1")
    s.tick(2)
    chat_send(participant_id=ann.id, text="hello, lobby", client_msg_id="ann-chat-1")
    s.tick(3)
    s.open(ann, "a2")
    s.tick(4)
    s.close("a2")
    s.tick(5)
    factories.start(session, facilitator)
    factories.committed(session)
    s.tick(6)
    package_edit(participant_id=ann.id, lever="production_target", value=12000, base_version=1, client_msg_id="ann-e1")
    s.tick(6.5)
    package_edit(participant_id=ann.id, lever="production_target", value=12000, base_version=2, client_msg_id="ann-e2")
    s.tick(6.8)
    chat_send(participant_id=ann.id, text="target up", client_msg_id="ann-chat-2")
    s.tick(7)
    package_edit(participant_id=ben.id, lever="overtime_share", value=0.1, base_version=2, client_msg_id="ben-e1")
    s.tick(7.5)
    s.close("b1")
    s.tick(8)
    s.open(ben, "b2")
    s.tick(8.5)
    chat_send(participant_id=cy.id, text="fine by me", client_msg_id="cy-chat-1")
    s.tick(9)
    package_approve(participant_id=ann.id, version=3, client_msg_id="ann-a1")
    s.tick(9.1)
    package_approve(participant_id=ann.id, version=3, client_msg_id="ann-a2")
    s.tick(10)
    package_approve(participant_id=cy.id, version=3, client_msg_id="cy-a1")
    s.tick(11)
    package_approve(participant_id=ben.id, version=3, client_msg_id="ben-a1")
    assert factories.open_round(session).number == 2
    factories.committed(session)
    s.tick(12)
    s.crash("c1")
    s.tick(13)  # the sweeper closes c1 here
    s.tick(14)
    cy = participant_rejoin(join_code=session.join_code, display_name="Cy", rejoin_code=cy.rejoin_code)
    s.open(cy, "c2")
    s.tick(15)
    package_edit(participant_id=ann.id, lever="maintenance_budget", value=45000.0, base_version=1,
                 client_msg_id="ann-e3")
    s.tick(16)
    chat_send(participant_id=ben.id, text="one more technician", client_msg_id="ben-chat-1")
    s.tick(17)
    package_approve(participant_id=ben.id, version=2, client_msg_id="ben-a2")
    s.tick(18)
    package_edit(participant_id=ben.id, lever="overtime_share", value=0.2, base_version=2, client_msg_id="ben-e2")
    s.tick(20.5)
    s.close("c2")
    s.tick(21.2)
    package_approve(participant_id=ben.id, version=3, client_msg_id="ben-a3")
    s.tick(21.25)
    package_approve(participant_id=ben.id, version=3, client_msg_id="ben-a4")
    s.tick(21.5)
    assert rounds.rounds_close_due() == 1
    session.refresh_from_db()
    assert session.state == Session.State.FINISHED and session.finished_at == minute(21.5)
    s.tick(25)
    s.tick(30)
    s.close("a1")
    return {"session": session, "ann": ann, "ben": ben, "cy": cy, "facilitator": facilitator}


def by(rows, *keys):
    return {tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]: row for row in rows}


def report(user, kind, session):
    result = participation_report(user=user, kind=kind, filters=ReportFilter(session_id=session.id))
    for row in result.rows:
        assert set(row) == {c.key for c in REPORT_COLUMNS[kind]}, kind  # every column, nothing else
    return result.rows


def test_the_script_was_played_as_written(workshop):
    """The facts the hand arithmetic below stands on."""
    ann, ben, cy = workshop["ann"], workshop["ben"], workshop["cy"]
    held = {p.display_name: sorted(p.seats.values_list("role", flat=True)) for p in (ann, ben, cy)}
    assert held == {"Ann": ["director", "finance"], "Ben": ["hr"], "Cy": ["engineering"]}
    uncounted = LedgerEntry.objects.filter(counted=False).values_list("client_msg_id", flat=True)
    assert sorted(uncounted) == ["ann-a2", "ann-e2", "ben-a4"]  # the no-op edit and the two double clicks
    assert (LedgerEntry.objects.get(participant=cy, kind="disconnect", at__lt=minute(14)).at == minute(12))
    assert Connection.objects.get(channel_name="c1").closed_at == minute(13)  # the sweeper's time...
    round1, round2 = Round.objects.filter(session=workshop["session"]).order_by("number")
    assert (round1.opens_at, round1.deadline, round1.closed_at, round1.closed_by) == (
        minute(5), minute(15), minute(11), "all_aligned")
    assert (round2.opens_at, round2.deadline, round2.closed_at, round2.closed_by) == (
        minute(11), minute(21), minute(21.5), "deadline")


def test_every_figure_of_the_people_view(workshop):
    rows = by(report(workshop["facilitator"], "people", workshop["session"]), "participant")
    session = workshop["session"]
    common = {"session_id": session.id, "session": "Test workshop", "session_date": date(2026, 3, 10), "team": "Team 1",
              "joined_at": minute(0), "first_activity": minute(0),  # the join entry, minute 0
              "platform_user": "", "platform_person_id": ""}  # joined with the code, not from a platform
    assert rows["Ann"] == {
        **common, "participant": "Ann", "participant_id": workshop["ann"].id, "email": "ann@example.com",
        "employee_id": "E-Ann", "roles": "director, finance",
        "last_activity": minute(30),  # her disconnect when a1 closed
        "edits": 2,  # v2 of round 1 and v2 of round 2; the no-op at 6.5 is not counted
        "statements": 0,  # the commitment here is written without the ledger (factories.committed)
        "approvals": 1,  # at 9; the second click at 9.1 approved nothing new
        "approvals_before_deadline": 1,  # 9 <= 15
        "median_seconds_to_approve": 120.0,  # v3 made at 7, approved at 9: 2 min
        "chat_messages": 2,  # lobby at 2 and round 1 at 6.8
        "chat_share": 0.5,  # 2 of the team's 4 (Ann 2, Ben 1, Cy 1)
        "minutes_connected": 20.5,  # a1 1..30 (a2 3..4 inside it), clipped at the end 21.5: 21.5 - 1
        "minutes_in_rounds": 16.5,  # round 1 5..11 = 6, round 2 11..21.5 = 10.5
        "idle_minutes": 0.0,  # she acted in both rounds
        "reconnects": 0,  # one connect: the second tab opened while she was connected
        "rounds_participated": 2,  # round 1 (edit, chat, approval), round 2 (edit); the lobby chat is in none
        "rejoins": 0,
        "present_at_end": True,  # a1 open and answering at 21.5
    }
    assert rows["Ben"] == {
        **common, "participant": "Ben", "participant_id": workshop["ben"].id, "email": "ben@example.com",
        "employee_id": "E-Ben", "roles": "hr",
        "last_activity": minute(21.2),  # the double click at 21.25 is not counted
        "edits": 2,  # 7 and 18
        "statements": 0,  # the commitment here is written without the ledger (factories.committed)
        "approvals": 3,  # 11, 17 and 21.2
        "approvals_before_deadline": 2,  # 11 <= 15, 17 <= 21; 21.2 > 21
        "median_seconds_to_approve": 192.0,  # 11-7 = 240 s, 17-15 = 120 s, 21.2-18 = 192 s: median 192
        "chat_messages": 1,
        "chat_share": 0.25,  # 1 of 4
        "minutes_connected": 20.0,  # b1 1..7.5 = 6.5, b2 8..21.5 (clipped; it answered till 25) = 13.5
        "minutes_in_rounds": 16.0,  # round 1: 5..7.5 + 8..11 = 5.5; round 2: 11..21.5 = 10.5
        "idle_minutes": 0.0,
        "reconnects": 1,  # connected at 1 and again at 8
        "rounds_participated": 2,
        "rejoins": 0,
        "present_at_end": True,
    }
    assert rows["Cy"] == {
        **common, "participant": "Cy", "participant_id": workshop["cy"].id, "email": "cy@example.com",
        "employee_id": "E-Cy", "roles": "engineering",
        "last_activity": minute(20.5),  # c2 closed
        "edits": 0,
        "statements": 0,  # the commitment here is written without the ledger (factories.committed)
        "approvals": 1,  # at 10
        "approvals_before_deadline": 1,
        "median_seconds_to_approve": 180.0,  # v3 made at 7, approved at 10
        "chat_messages": 1,
        "chat_share": 0.25,
        "minutes_connected": 17.5,  # c1 1..12 (its last heartbeat, not the sweep at 13) = 11, c2 14..20.5 = 6.5
        "minutes_in_rounds": 13.5,  # round 1: 5..11 = 6; round 2: 11..12 + 14..20.5 = 7.5
        "idle_minutes": 7.5,  # connected 7.5 minutes in round 2 and did nothing in it
        "reconnects": 1,  # connected at 1 and again at 14
        "rounds_participated": 1,
        "rejoins": 1,
        "present_at_end": False,  # c2 closed at 20.5
    }
    assert set(rows) == {"Ann", "Ben", "Cy"}


def test_every_figure_of_the_roles_view(workshop):
    rows = by(report(workshop["facilitator"], "roles", workshop["session"]), "participant", "role")
    assert list(rows) == [("Ann", "director"), ("Ann", "finance"), ("Ben", "hr"), ("Cy", "engineering")]
    session = workshop["session"]

    def person(name):
        p = workshop[name.lower()]
        return {"session_id": session.id, "session": "Test workshop", "session_date": date(2026, 3, 10),
                "participant": name, "participant_id": p.id, "email": f"{name.lower()}@example.com",
                "employee_id": f"E-{name}", "platform_user": "", "platform_person_id": "", "team": "Team 1",
                "holds_role_now": True}

    ann_both = {  # Ann's figures that are the person's, or carried by both her roles
        "approvals": 1, "approvals_before_deadline": 1, "median_seconds_to_approve": 120.0,  # one approval at 9, for both
        "chat_messages": 2, "chat_share": 0.5,  # each chat carries both roles
        "minutes_connected": 20.5, "minutes_in_rounds": 16.5, "reconnects": 0}
    assert rows["Ann", "director"] == {
        **person("Ann"), "role": "director", **ann_both,
        "edits": 1,  # production_target at 6
        "statements": 0,  # the commitment here is written without the ledger (factories.committed)
        "idle_minutes": 10.5,  # round 2: her only action was a finance edit; connected 11..21.5
        "rounds_participated": 1}
    assert rows["Ann", "finance"] == {
        **person("Ann"), "role": "finance", **ann_both,
        "edits": 1,  # maintenance_budget at 15
        "statements": 0,  # the commitment here is written without the ledger (factories.committed)
        "idle_minutes": 0.0,  # round 1: approval and chat; round 2: the edit
        "rounds_participated": 2}
    assert rows["Ben", "hr"] == {
        **person("Ben"), "role": "hr", "edits": 2, "statements": 0, "approvals": 3, "approvals_before_deadline": 2,
        "median_seconds_to_approve": 192.0, "chat_messages": 1, "chat_share": 0.25, "minutes_connected": 20.0,
        "minutes_in_rounds": 16.0, "idle_minutes": 0.0, "reconnects": 1, "rounds_participated": 2}
    assert rows["Cy", "engineering"] == {
        **person("Cy"), "role": "engineering", "edits": 0, "statements": 0, "approvals": 1, "approvals_before_deadline": 1,
        "median_seconds_to_approve": 180.0, "chat_messages": 1, "chat_share": 0.25, "minutes_connected": 17.5,
        "minutes_in_rounds": 13.5, "idle_minutes": 7.5, "reconnects": 1, "rounds_participated": 1}


def test_every_figure_of_the_teams_view(workshop):
    session = workshop["session"]
    (row,) = report(workshop["facilitator"], "teams", session)
    assert row == {
        "session_id": session.id, "session": "Test workshop", "session_date": date(2026, 3, 10), "team": "Team 1",
        "members": 3,
        "rounds_played": 2, "rounds_aligned": 1,
        "median_minutes_to_align": 6.0,  # round 1: opened 5, aligned 11; round 2 never aligned
        "minutes_to_align_by_round": "Round 1: 6.0; Round 2: not aligned",
        "package_versions": 6,  # round 1: v1 (5), v2 (6), v3 (7); round 2: v1 (11), v2 (15), v3 (18)
        "revisions": 4,  # 2 + 2 after each round's version 1
        "edits": 4,  # Ann 2 + Ben 2 (the no-op not counted): one per revision
        "approvals": 5,  # Ann 1 + Ben 3 + Cy 1
        "chat_messages": 4,  # Ann 2 + Ben 1 + Cy 1
    }


def test_every_figure_of_the_sessions_view(workshop):
    session, facilitator = workshop["session"], workshop["facilitator"]
    (row,) = report(facilitator, "sessions", session)
    assert row == {
        "session_id": session.id, "session": "Test workshop", "facilitator": facilitator.username,
        "scenario": "demo", "session_date": date(2026, 3, 10),
        "started_at": minute(5), "finished_at": minute(21.5),
        "rounds_played": 2, "rounds_planned": 2, "teams": 1, "participants": 3,
        "avg_minutes_connected": 19.3,  # (20.5 + 20.0 + 17.5) / 3 = 19.33
        "edits": 4, "approvals": 5, "chat_messages": 4,
        "reconnects": 2,  # Ben 1 + Cy 1
        "rejoins": 1,  # Cy
        "revisions": 4,
        "median_minutes_to_align": 6.0,
        "aligned_share": 0.5,  # round 1 aligned, round 2 not
    }


def test_the_person_page_figures_per_round(workshop):
    facilitator = workshop["facilitator"]
    expected = {  # round -> figures of that round only
        "Ann": {1: dict(active=True, edits=1, approvals=1, approvals_before_deadline=1, median_seconds_to_approve=120.0,
                        chat_messages=1, minutes_in_rounds=6.0, idle_minutes=0.0),
                2: dict(active=True, edits=1, approvals=0, approvals_before_deadline=0, median_seconds_to_approve=None,
                        chat_messages=0, minutes_in_rounds=10.5, idle_minutes=0.0)},
        "Ben": {1: dict(active=True, edits=1, approvals=1, approvals_before_deadline=1, median_seconds_to_approve=240.0,
                        chat_messages=0, minutes_in_rounds=5.5, idle_minutes=0.0),
                2: dict(active=True, edits=1, approvals=2, approvals_before_deadline=1,
                        median_seconds_to_approve=156.0,  # (120 + 192) / 2
                        chat_messages=1, minutes_in_rounds=10.5, idle_minutes=0.0)},
        "Cy": {1: dict(active=True, edits=0, approvals=1, approvals_before_deadline=1, median_seconds_to_approve=180.0,
                       chat_messages=1, minutes_in_rounds=6.0, idle_minutes=0.0),
               2: dict(active=False, edits=0, approvals=0, approvals_before_deadline=0, median_seconds_to_approve=None,
                       chat_messages=0, minutes_in_rounds=7.5, idle_minutes=7.5)},
    }
    times = {1: (minute(5), minute(15), minute(11)), 2: (minute(11), minute(21), minute(21.5))}
    people = by(report(facilitator, "people", workshop["session"]), "participant")
    for name, per_round in expected.items():
        page = report_person_page(user=facilitator, participant_id=workshop[name.lower()].id)
        assert page["row"] == people[name]  # the page's overall figures are the people view's row
        assert [r["role"] for r in page["roles"]] == (["director", "finance"] if name == "Ann" else
                                                      ["hr"] if name == "Ben" else ["engineering"])
        for r in page["rounds"]:
            figures = {k: r[k] for k in per_round[r["round"]]}
            assert figures == per_round[r["round"]], (name, r["round"])
            assert (r["opened_at"], r["deadline"], r["closed_at"]) == times[r["round"]]
        assert [r["round"] for r in page["rounds"]] == [1, 2]


def test_the_session_page_figures(workshop):
    session, facilitator = workshop["session"], workshop["facilitator"]
    page = report_session_page(user=facilitator, session_id=session.id)
    assert page["row"] == report(facilitator, "sessions", session)[0]
    assert page["teams"] == report(facilitator, "teams", session)
    assert page["people"] == report(facilitator, "people", session)
    assert page["team_rounds"] == [
        {"round": 1, "team": "Team 1", "opened_at": minute(5), "deadline": minute(15), "closed_at": minute(11),
         "package_versions": 3, "revisions": 2, "minutes_to_align": 6.0, "aligned": True},
        {"round": 2, "team": "Team 1", "opened_at": minute(11), "deadline": minute(21), "closed_at": minute(21.5),
         "package_versions": 3, "revisions": 2, "minutes_to_align": None, "aligned": False},
    ]


def test_a_bot_is_in_no_figure(workshop):
    """A bot's chat neither makes a row nor dilutes the people's share of their team's chat."""
    session = workshop["session"]
    bot = Participant.objects.create(session=session, display_name="Bot", team=workshop["ann"].team, is_bot=True)
    LedgerEntry.objects.create(session=session, team=bot.team, participant=bot, kind="chat", round_number=2,
                               role="hr", at=minute(16))
    rows = by(report(workshop["facilitator"], "people", session), "participant")
    assert set(rows) == {"Ann", "Ben", "Cy"} and rows["Ann"]["chat_share"] == 0.5
    (team,) = report(workshop["facilitator"], "teams", session)
    assert team["members"] == 3 and team["chat_messages"] == 4


def test_all_views_exist(workshop):
    for kind in REPORT_KINDS:
        assert report(workshop["facilitator"], kind, workshop["session"])
