"""SQL statements per message: each hot path is pinned at the count it takes now, so a change that adds a
statement fails here (issue 12, "a cheaper edit"; docs/performance.md "SQL per message").

Counted with pytest-django's `django_assert_max_num_queries` around the service a socket message calls, with
real commits (transaction=True), so the after-commit broadcasts run as in production (the transaction's own
BEGIN and COMMIT are among the statements counted). If one of these fails because you made a path
cheaper, lower its number here and in docs/performance.md.
"""
import time

import pytest
from django.db import connection

from classroom import events
from classroom.models import Connection, LedgerEntry
from classroom.services.presence import connection_heartbeat, connection_open
from game import engine
from game.models import PackageVersion
from game.services import console_packages
from game.services.chat import chat_send
from game.services.packages import package_approve, package_edit
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

# The most statements each message may take, per database vendor.
LIMITS = {
    "package.edit": {"sqlite": 8, "postgresql": 8},
    "console packages (one event, any number of teams)": {"sqlite": 6, "postgresql": 6},
    "package.edit (no change)": {"sqlite": 7, "postgresql": 7},
    "package.edit (a retry)": {"sqlite": 6, "postgresql": 6},
    "package.approve": {"sqlite": 10, "postgresql": 10},
    "chat.send": {"sqlite": 8, "postgresql": 8},
    "connect (first socket)": {"sqlite": 20, "postgresql": 20},
    "connect (second socket)": {"sqlite": 8, "postgresql": 8},
    "heartbeat": {"sqlite": 2, "postgresql": 2},
}


def limit(name: str) -> int:
    return LIMITS[name][connection.vendor]


@pytest.fixture
def hr(started_session, busy_console):
    return factories.holder(started_session, "hr")


@pytest.fixture
def busy_console(started_session, monkeypatch):
    """A workshop under load: the console heard of packages a moment ago, so an edit only hands its team over
    to the next coalesced publish (game/services/console_packages.py), counted on its own below."""
    monkeypatch.setattr(console_packages, "CONSOLE_PACKAGES_SECONDS", 60.0)
    events._last[f"packages.session.{started_session.id}"] = time.monotonic()


def test_edit(hr, django_assert_max_num_queries):
    with django_assert_max_num_queries(limit("package.edit")):
        package = package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1,
                               client_msg_id="e1")
    assert package["version"] == 2 and package["levers"]["overtime_share"] == 0.1


def test_edit_that_changes_nothing(hr, django_assert_max_num_queries):
    current = PackageVersion.objects.get(version=1).levers["overtime_share"]
    with django_assert_max_num_queries(limit("package.edit (no change)")):
        package = package_edit(participant_id=hr.id, lever="overtime_share", value=current, base_version=1,
                               client_msg_id="e1")
    assert package["version"] == 1
    assert LedgerEntry.objects.get(client_msg_id="e1").counted is False


def test_edit_retry(hr, django_assert_max_num_queries):
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="e1")
    with django_assert_max_num_queries(limit("package.edit (a retry)")):
        package = package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1,
                               client_msg_id="e1")
    assert package["version"] == 2
    assert PackageVersion.objects.count() == 2


def test_approve(started_session, busy_console, django_assert_max_num_queries):
    director = factories.holder(started_session, "director")
    factories.committed(started_session)
    with django_assert_max_num_queries(limit("package.approve")):
        package = package_approve(participant_id=director.id, version=1, client_msg_id="a1")
    assert set(package["approvals"]) == {"director"} and not package["aligned"]


def test_chat(hr, django_assert_max_num_queries):
    with django_assert_max_num_queries(limit("chat.send")):
        message = chat_send(participant_id=hr.id, text="PM first", client_msg_id="c1")
    assert message["text"] == "PM first"


def test_the_console_hears_of_many_teams_packages_in_one_event(lobby_session, facilitator,
                                                                django_assert_max_num_queries, monkeypatch):
    factories.join_many(lobby_session, 40)
    factories.start(lobby_session, facilitator)
    sent = []
    monkeypatch.setattr(events, "_send", lambda group, message: sent.append(message))
    teams = list(lobby_session.teams.values_list("id", flat=True))
    with django_assert_max_num_queries(limit("console packages (one event, any number of teams)")):
        console_packages.packages_publish_console(session_id=lobby_session.id, team_ids=teams + teams[:3])
    (event,) = sent
    assert event["type"] == "packages.changed" and [t["team_id"] for t in event["teams"]] == sorted(teams)
    assert all(t["package"] == {"version": 1, "aligned": False, "approvals": {}} for t in event["teams"])


def test_connect_first_and_second_socket(hr, django_assert_max_num_queries):
    with django_assert_max_num_queries(limit("connect (first socket)")):
        connection_open(participant_id=hr.id, channel_name="sock-1")
    with django_assert_max_num_queries(limit("connect (second socket)")):
        connection_open(participant_id=hr.id, channel_name="sock-2")
    assert Connection.objects.filter(participant=hr, closed_at__isnull=True).count() == 2
    assert LedgerEntry.objects.filter(participant=hr, kind=LedgerEntry.Kind.CONNECT).count() == 1


def test_heartbeat(hr, django_assert_max_num_queries):
    connection_open(participant_id=hr.id, channel_name="sock-1")
    before = Connection.objects.get(channel_name="sock-1").last_seen_at
    with django_assert_max_num_queries(limit("heartbeat")):
        connection_heartbeat(channel_name="sock-1")
    assert Connection.objects.get(channel_name="sock-1").last_seen_at >= before


def test_every_role_still_aligns(started_session):
    """The counted paths keep the rules: four approvals align the package (a sanity check for the above)."""
    factories.committed(started_session)
    for role in engine.ROLES:
        package_approve(participant_id=factories.holder(started_session, role).id, version=1,
                        client_msg_id=f"a-{role}")
    assert PackageVersion.objects.get(round__number=1, version=1).aligned_at is not None


def _close_statements(session, facilitator) -> int:
    from django.test.utils import CaptureQueriesContext

    from game.services import rounds

    with CaptureQueriesContext(connection) as captured:  # Celery runs in-process: the whole close and opening
        assert rounds.round_advance(session_id=session.id, user=facilitator, round_number=1) is True
    return len(captured)


def test_a_round_close_takes_as_many_statements_for_ten_teams_as_for_two(facilitator, monkeypatch):
    """The close and the next round's opening tell every team of the session (250 at 1,000 people): no
    statement per team, or the last screen waits on them (docs/performance.md, "Round close"). The console
    heard of the packages at the start: within its window, the opening's summary goes on a timer thread."""
    monkeypatch.setattr(console_packages, "CONSOLE_PACKAGES_SECONDS", 60.0)
    counts = {}
    for people in (8, 40):
        session = factories.make_session(facilitator)
        factories.join_many(session, people)
        factories.start(session, facilitator)
        counts[people] = _close_statements(session, facilitator)
    assert counts[8] == counts[40], counts
