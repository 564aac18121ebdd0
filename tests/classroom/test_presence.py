"""Presence that tells the truth: sockets are rows with heartbeats; a socket whose disconnect never runs
(its process crashed) is found dead within the TTL, and the ledger says when the person really left."""
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from classroom.models import Connection, LedgerEntry
from classroom.selectors import connected_participant_ids, team_members
from classroom.services.presence import (connection_close, connection_heartbeat, connection_open, presence_sweep,
                                         presence_ttl)
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def kinds(person):
    return list(LedgerEntry.objects.filter(participant=person, kind__in=("connect", "disconnect"))
                .order_by("id").values_list("kind", flat=True))


def age(channel: str, seconds: float) -> None:
    """Pretend this socket last answered `seconds` ago."""
    Connection.objects.filter(channel_name=channel).update(last_seen_at=timezone.now() - timedelta(seconds=seconds))


def test_two_sockets_make_one_presence_span(started_session):
    person = factories.holder(started_session, "hr")
    connection_open(participant_id=person.id, channel_name="laptop")
    connection_open(participant_id=person.id, channel_name="phone")
    connection_close(channel_name="laptop")
    assert connected_participant_ids(participant_ids=[person.id]) == {person.id}
    connection_close(channel_name="phone")
    connection_close(channel_name="phone")  # a second close of the same socket changes nothing
    assert connected_participant_ids(participant_ids=[person.id]) == set()
    assert kinds(person) == ["connect", "disconnect"]


def test_a_socket_whose_disconnect_never_runs_is_found_dead_at_its_last_heartbeat(started_session):
    person = factories.holder(started_session, "hr")
    connection_open(participant_id=person.id, channel_name="crashed-process")
    ttl = presence_ttl().total_seconds()
    age("crashed-process", ttl - 5)
    assert presence_sweep() == 0 and connected_participant_ids(participant_ids=[person.id]) == {person.id}
    age("crashed-process", ttl + 20)
    last = Connection.objects.get(channel_name="crashed-process").last_seen_at
    assert presence_sweep() == 1
    assert connected_participant_ids(participant_ids=[person.id]) == set()
    left = LedgerEntry.objects.get(participant=person, kind="disconnect")
    assert left.at == last  # minutes connected stop at the last answer, not when the sweep noticed
    assert presence_sweep() == 0  # idempotent
    member = next(m for m in team_members(team=person.team) if m["id"] == person.id)
    assert member["connected"] is False and member["last_seen_at"]


def test_heartbeats_keep_a_socket_alive_and_a_stalled_one_comes_back(started_session):
    person = factories.holder(started_session, "hr")
    connection_open(participant_id=person.id, channel_name="s")
    ttl = presence_ttl().total_seconds()
    age("s", ttl - 1)
    connection_heartbeat(channel_name="s")
    assert presence_sweep() == 0
    age("s", ttl + 5)
    presence_sweep()
    assert kinds(person) == ["connect", "disconnect"]
    connection_heartbeat(channel_name="s")  # the socket was only stalled: it answers again
    assert connected_participant_ids(participant_ids=[person.id]) == {person.id}
    assert kinds(person) == ["connect", "disconnect", "connect"]
    connection_heartbeat(channel_name="unknown")  # a socket the server never opened changes nothing
    spans = list(Connection.objects.filter(participant=person).order_by("id").values_list("closed_at", flat=True))
    assert len(spans) == 2 and spans[0] is not None and spans[1] is None  # the span before the stall is kept


def test_presence_changes_reach_the_team_and_the_console(started_session, monkeypatch):
    sent = []
    monkeypatch.setattr("classroom.events._send", lambda group, message: sent.append((group, message)))
    person = factories.holder(started_session, "finance")
    connection_open(participant_id=person.id, channel_name="x")
    age("x", presence_ttl().total_seconds() + 1)
    presence_sweep()

    def events():
        return [(g.split(".")[0], m["connected"]) for g, m in sent if m["type"] == "presence.changed"]

    # the console's second one follows within its window, from a timer thread (classroom/events.py)
    for _ in range(100):
        if len(events()) == 4:
            break
        time.sleep(0.02)
    assert events() == [("team", True), ("session", True), ("team", False), ("session", False)]
