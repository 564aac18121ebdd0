"""Seat hold and cover: an absent holder's roles go to the present teammate holding fewest roles (or a bot
when nobody is there), come back when the holder returns, and a facilitator's own move stands."""
from datetime import timedelta

import pytest
from django.utils import timezone

from classroom.models import Participant, Seat, Session
from classroom.services.presence import connection_open
from game.services.cover import cover_settings, seat_cover_command, seats_cover_due
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def roles_of(person):
    return sorted(Seat.objects.filter(participant=person).values_list("role", flat=True))


def away(person, minutes: float) -> None:
    Participant.objects.filter(pk=person.pk).update(last_seen_at=timezone.now() - timedelta(minutes=minutes))


@pytest.fixture
def team(started_session):
    people = {r: factories.holder(started_session, r) for r in ("director", "finance", "engineering", "hr")}
    factories.open_round(started_session)
    return people


def test_an_absent_holder_is_covered_by_the_present_teammate_with_fewest_roles(team, started_session):
    for role in ("director", "finance", "engineering"):
        connection_open(participant_id=team[role].id, channel_name=f"sock-{role}")
    away(team["hr"], 1)
    assert seats_cover_due() == 0  # within the two-minute hold nothing moves
    away(team["hr"], 3)
    assert seats_cover_due() == 1
    seat = Seat.objects.get(team=team["hr"].team, role="hr")
    assert seat.held_for_id == team["hr"].id and seat.participant_id != team["hr"].id
    assert len(roles_of(seat.participant)) == 2 and roles_of(team["hr"]) == []
    assert seats_cover_due() == 0  # covered once
    connection_open(participant_id=team["hr"].id, channel_name="hr-new-laptop")  # back
    seat.refresh_from_db()
    assert seat.participant_id == team["hr"].id and seat.held_for_id is None


def test_nobody_present_means_a_bot_holds_the_roles(team, started_session):
    for person in team.values():
        away(person, 5)
    assert seats_cover_due() == 4
    bot = Participant.objects.get(session=started_session, is_bot=True)
    assert bot.display_name.endswith("(bot)") and bot.team_id == team["hr"].team_id
    assert roles_of(bot) == ["director", "engineering", "finance", "hr"]
    assert set(Seat.objects.filter(team=bot.team).values_list("held_for_id", flat=True)) == {p.id for p in team.values()}


def test_asking_mode_flags_but_does_not_move(team, started_session, facilitator):
    cover_settings(session_id=started_session.id, user=facilitator, mode="ask", after_seconds=60)
    away(team["hr"], 10)
    assert seats_cover_due() == 0
    assert roles_of(team["hr"]) == ["hr"]
    seat_cover_command(session_id=started_session.id, user=facilitator, team_number=team["hr"].team.number,
                       role="hr", by="bot")
    assert Seat.objects.get(team=team["hr"].team, role="hr").participant.is_bot


def test_a_facilitators_own_move_stands_when_the_holder_returns(team, started_session, facilitator):
    from classroom.services.seat_changes import seat_move

    connection_open(participant_id=team["director"].id, channel_name="d")
    away(team["hr"], 5)
    seats_cover_due()
    assert "hr" in roles_of(team["director"])
    seat_move(session_id=started_session.id, user=facilitator, participant_id=team["hr"].id, team_number="new")
    connection_open(participant_id=team["hr"].id, channel_name="hr")
    assert "hr" in roles_of(team["director"])  # the role stays where the facilitator left it
    assert Seat.objects.get(team=team["director"].team, role="hr").held_for_id is None


@pytest.mark.parametrize("body,code", [
    ({"team": 1, "role": "ceo", "by": "teammate"}, "invalid_value"),
    ({"team": 1, "role": "hr", "by": "robot"}, "invalid_value"),
    ({"team": 99, "role": "hr", "by": "bot"}, "unknown_team"),
    ({"team": "1", "role": "hr", "by": "bot"}, "unknown_team"),
])
def test_bad_cover_commands_change_nothing(console_client, started_session, body, code):
    before = list(Seat.objects.values_list("id", "participant_id"))
    response = console_client.post(f"/console/s/{started_session.id}/cover/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == code
    assert list(Seat.objects.values_list("id", "participant_id")) == before


def test_another_facilitator_cannot_cover_or_add_bots(client, started_session, lobby_session):
    other = factories.make_facilitator("someone-else")
    client.force_login(other)
    for action, body in (("cover", {"team": 1, "role": "hr", "by": "bot"}), ("bots", {"teams": 1})):
        response = client.post(f"/console/s/{started_session.id}/{action}/", body, content_type="application/json")
        assert response.status_code in (403, 404)
    assert not Participant.objects.filter(is_bot=True).exists()


def test_cover_settings_are_checked(started_session, facilitator):
    from classroom.errors import LabError

    for mode, seconds in (("sometimes", 120), ("auto", 5), ("auto", True)):
        with pytest.raises(LabError):
            cover_settings(session_id=started_session.id, user=facilitator, mode=mode, after_seconds=seconds)
    cover_settings(session_id=started_session.id, user=facilitator, mode="ask", after_seconds=300)
    started_session.refresh_from_db()
    assert (started_session.cover_mode, started_session.cover_after_seconds) == (Session.Cover.ASK, 300)


@pytest.fixture
def console_client(client, facilitator):
    client.force_login(facilitator)
    return client


def test_a_proxy_holding_two_roles_can_approve_and_chat(team, started_session):
    """The ledger records every role a person held (once 12 characters: PostgreSQL refused "engineering,hr")."""
    from classroom.models import LedgerEntry
    from game.services.chat import chat_send
    from game.services.packages import package_approve

    for role in ("director", "finance", "engineering"):
        connection_open(participant_id=team[role].id, channel_name=f"sock-{role}")
    away(team["hr"], 5)
    seats_cover_due()
    proxy = Seat.objects.get(team=team["hr"].team, role="hr").participant
    factories.committed(started_session)
    package_approve(participant_id=proxy.id, version=1, client_msg_id="approve-both")
    chat_send(participant_id=proxy.id, text="I hold HR until they are back", client_msg_id="chat-both")
    roles = set(LedgerEntry.objects.filter(participant=proxy, kind__in=("approve", "chat")).values_list("role", flat=True))
    assert all("hr" in r.split(",") for r in roles) and len(roles) >= 1
