"""Balancing at the start ignores people who left the lobby, and seats them again when they come back."""
from datetime import timedelta

import pytest
from django.utils import timezone

from classroom.models import Participant
from classroom.services.presence import connection_open
from classroom.services.sessions import participant_rejoin, participant_seat_again
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def left_long_ago(people):
    Participant.objects.filter(pk__in=[p.pk for p in people]).update(
        joined_at=timezone.now() - timedelta(minutes=10), last_seen_at=timezone.now() - timedelta(minutes=10))


def test_nobody_is_left_alone_holding_four_roles_for_absent_teammates(lobby_session, facilitator):
    people = factories.join_many(lobby_session, 5)  # team 1 of four, team 2 of one
    stayed = [people[0], people[4]]
    for p in stayed:
        connection_open(participant_id=p.id, channel_name=f"s{p.id}")
    left_long_ago(people[1:4])  # three of team 1 closed their laptops in the lobby
    factories.start(lobby_session, facilitator)
    seated = {p.id: p.team_id for p in Participant.objects.filter(session=lobby_session)}
    assert seated[people[0].id] == seated[people[4].id] is not None  # the two present people play together
    assert all(seated[p.id] is None for p in people[1:4])
    roles = {p.id: sorted(p.seats.values_list("role", flat=True)) for p in Participant.objects.filter(pk__in=[s.id for s in stayed])}
    assert sorted(len(r) for r in roles.values()) == [2, 2]


def test_a_leaver_who_comes_back_is_seated_again(lobby_session, facilitator):
    people = factories.join_many(lobby_session, 4)
    for p in people[:3]:
        connection_open(participant_id=p.id, channel_name=f"s{p.id}")
    left_long_ago(people[3:])
    factories.start(lobby_session, facilitator)
    back = participant_rejoin(join_code=lobby_session.join_code, display_name=people[3].display_name,
                              rejoin_code=people[3].rejoin_code)
    assert back.team_id is not None and back.seats.exists()
    assert participant_seat_again(participant_id=back.id).team_id == back.team_id  # already seated: no change
