"""Presence that tells the truth: a person is connected while one of their sockets has answered within
the TTL, whatever happens to a server process. No counter: each socket is a Connection row.

A socket opens a row, refreshes `last_seen_at` on its heartbeats (the client's pings and messages) and
closes it when it ends. A socket that ends without running its disconnect (a crashed or killed process,
an overloaded one) stops answering; `presence_sweep` (run by every server's ticker) closes it at its
last heartbeat. The ledger records CONNECT/DISCONNECT only when the person's state changes, at the time it
changed, so HR's minutes connected come from real connection spans.
"""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from classroom.events import emit_coalesced, emit_session_event, emit_team_event
from classroom.models import Connection, LedgerEntry, Participant, Seat, Session, Team
from classroom.selectors import connected_participant_ids
from classroom.selectors import live_connections as _live
from classroom.services.cover import seats_return


def presence_ttl() -> timedelta:
    return timedelta(seconds=settings.LAB_PRESENCE_TTL_SECONDS)


# The console hears of presence at most this often per session, every change since in one event: a storm of
# sockets is a handful of messages into the console's group, not one per socket (docs/scaling.md).
CONSOLE_PRESENCE_SECONDS = 0.25


def _record(participant: Participant, connected: bool, at) -> None:
    """Ledger entry for a change of a person's presence; the events follow, coalesced (presence_publish_*)."""
    # The session was read with the person's lock (_lock), in this transaction: its round number is current.
    LedgerEntry.objects.create(
        session_id=participant.session_id, team_id=participant.team_id, participant=participant, at=at,
        kind=LedgerEntry.Kind.CONNECT if connected else LedgerEntry.Kind.DISCONNECT,
        round_number=participant.session.round_number)
    if participant.team_id:
        session_id, team_id = participant.session_id, participant.team_id
        emit_coalesced(f"presence.team.{team_id}", participant.id,
                       lambda ids: presence_publish_team(team_id=team_id, participant_ids=ids))
        emit_coalesced(f"presence.session.{session_id}", participant.id,
                       lambda ids: presence_publish_console(session_id=session_id, participant_ids=ids),
                       window=CONSOLE_PRESENCE_SECONDS)


def _changes(participant_ids: list[int], **where) -> list[dict]:
    """Each of these people (once, in the order of their last change) as they are now: `team_id`,
    `participant_id`, `connected`, `last_seen_at`."""
    order = list(dict.fromkeys(reversed(participant_ids)))[::-1]
    rows = {pid: (team_id, seen) for pid, team_id, seen in Participant.objects.filter(
        pk__in=order, team__isnull=False, **where).values_list("id", "team_id", "last_seen_at")}
    connected = connected_participant_ids(participant_ids=list(rows))
    return [{"team_id": rows[pid][0], "participant_id": pid, "connected": pid in connected,
             "last_seen_at": rows[pid][1].isoformat() if rows[pid][1] else None} for pid in order if pid in rows]


def _one_change(change: dict) -> dict:
    return {k: change[k] for k in ("participant_id", "connected", "last_seen_at")}


def presence_publish_team(*, team_id: int, participant_ids: list[int]) -> None:
    """One `presence.changed` to the team for the changes of these members since its last one. Each member's
    state is read as it is now, after the team's row is locked for the number: a later event never carries
    an older state than an earlier one, whichever process sends it."""
    with transaction.atomic():
        if not Team.objects.select_for_update().filter(pk=team_id).values_list("id", flat=True):
            return
        changes = [_one_change(c) for c in _changes(participant_ids, team_id=team_id)]
        if changes:  # else they moved to another team meanwhile: that team's events tell
            # The last change at the top as well: the one-change shape clients of the protocol read.
            emit_team_event(team_id, "presence.changed", {**changes[-1], "changes": changes})


def presence_publish_console(*, session_id: int, participant_ids: list[int]) -> None:
    """One `presence.changed` to the console for every change of presence in the session since its last
    one, grouped by team, numbered by the session's `seq` (at most one every CONSOLE_PRESENCE_SECONDS)."""
    with transaction.atomic():
        if not Session.objects.select_for_update().filter(pk=session_id).values_list("id", flat=True):
            return
        changes = _changes(participant_ids, session_id=session_id)
        if not changes:
            return
        teams: dict[int, list[dict]] = {}
        for change in changes:
            teams.setdefault(change["team_id"], []).append(_one_change(change))
        emit_session_event(session_id, "presence.changed", {
            **changes[-1], "teams": [{"team_id": t, "changes": c} for t, c in teams.items()]})


def _lock(participant_id: int) -> Participant:
    return (Participant.objects.select_for_update(of=("self",)).select_related("session")
            .get(pk=participant_id))


def connection_open(*, participant_id: int, channel_name: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        participant = _lock(participant_id)
        # One read: this socket's row, if any, and the person's live sockets (were they connected already?).
        live = _live(now).filter(participant_id=participant_id)
        rows = list((Connection.objects.filter(channel_name=channel_name) | live)
                    .annotate(live=Exists(live.filter(pk=OuterRef("pk")))).values("id", "channel_name", "closed_at", "live"))
        was = any(row["live"] for row in rows)
        mine = next((row for row in rows if row["channel_name"] == channel_name), None)
        if mine is not None and mine["closed_at"] is None:  # opened twice: start its span again
            Connection.objects.filter(pk=mine["id"]).update(participant=participant, opened_at=now, last_seen_at=now)
        else:
            if mine is not None:
                # A socket the sweeper had closed answers again: its earlier span stays a row of its own (HR's
                # minutes connected are the union of the rows), and the socket gets a new one.
                Connection.objects.filter(pk=mine["id"]).update(channel_name=f"{channel_name[:180]}#span{mine['id']}")
            Connection.objects.create(channel_name=channel_name, participant=participant, opened_at=now,
                                      last_seen_at=now)
        participant.last_seen_at = now
        participant.save(update_fields=["last_seen_at"])
        if not was:
            _record(participant, True, now)
            if Seat.objects.filter(held_for_id=participant.id).exists():
                seats_return(participant_id=participant.id)  # roles held for them while away come back


def connection_heartbeat(*, channel_name: str) -> None:
    """The socket answered: two statements. A socket the sweeper had given up on (a long stall) counts as back."""
    now = timezone.now()
    if Connection.objects.filter(channel_name=channel_name, closed_at__isnull=True).update(last_seen_at=now):
        (Participant.objects.filter(pk__in=Connection.objects.filter(channel_name=channel_name).values("participant_id"))
         .update(last_seen_at=now))
        return
    row = Connection.objects.filter(channel_name=channel_name).values("participant_id", "closed_at").first()
    if row is not None and row["closed_at"] is not None:
        connection_open(participant_id=row["participant_id"], channel_name=channel_name)


def connection_close(*, channel_name: str) -> None:
    now = timezone.now()
    row = Connection.objects.filter(channel_name=channel_name, closed_at__isnull=True).values("participant_id").first()
    if row is None:
        return
    with transaction.atomic():
        participant = _lock(row["participant_id"])
        Connection.objects.filter(channel_name=channel_name, closed_at__isnull=True).update(closed_at=now)
        if not _live(now).filter(participant_id=participant.id).exists():
            _record(participant, False, now)


def _close_dead(stale: list[tuple[int, int]], now) -> int:
    """Close these (connection id, participant id) and record each person then gone as leaving at their
    last heartbeat."""
    for participant_id in sorted({p for _, p in stale}):
        with transaction.atomic():
            participant = _lock(participant_id)
            closed = Connection.objects.filter(id__in=[i for i, p in stale if p == participant_id],
                                               closed_at__isnull=True)
            last = closed.aggregate(m=Max("last_seen_at"))["m"]
            if last is None:
                continue  # another server process closed them first
            closed.update(closed_at=now)
            if not _live(now).filter(participant_id=participant_id).exists():
                _record(participant, False, last)
    return len(stale)


def presence_sweep(*, now=None) -> int:
    """Close the connections that stopped answering (their process died or hung). Returns how many."""
    now = now or timezone.now()
    return _close_dead(list(Connection.objects.filter(closed_at__isnull=True, last_seen_at__lt=now - presence_ttl())
                            .values_list("id", "participant_id")), now)


def presence_reset() -> int:
    """Close every open connection: after a restart of the only server process no socket is open
    (`make run`). Several processes (services mode) rely on the sweeper instead."""
    return _close_dead(list(Connection.objects.filter(closed_at__isnull=True).values_list("id", "participant_id")),
                       timezone.now())
