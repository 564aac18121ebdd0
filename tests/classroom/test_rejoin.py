"""Rejoin on any device with no account: display name plus a personal rejoin code; wrong codes limited."""
import pytest
from django.urls import reverse

from classroom.errors import LabError
from classroom.identity import cookie_name, unsign_token
from classroom.models import LedgerEntry, Participant
from classroom.services.sessions import participant_join, participant_rejoin
from game.snapshots import session_snapshot, team_snapshot
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_limits():
    factories.cache_clear_own()
    yield
    factories.cache_clear_own()


def test_every_participant_gets_a_short_readable_code_unique_in_the_session(lobby_session):
    people = factories.join_many(lobby_session, 12)
    codes = [p.rejoin_code for p in people]
    assert len(set(codes)) == 12 and all(len(c) == 6 and not set(c) & set("01OIL") for c in codes)


def test_name_and_code_put_the_person_back_in_the_same_seat(started_session):
    hr = factories.holder(started_session, "hr")
    roles = set(hr.seats.values_list("role", flat=True))
    old_token = hr.rejoin_token
    back = participant_rejoin(join_code=started_session.join_code.lower(), display_name=f"  {hr.display_name.upper()} ",
                              rejoin_code=hr.rejoin_code.lower(), client="10.0.0.9")
    assert back.id == hr.id and back.team_id == hr.team_id
    assert set(back.seats.values_list("role", flat=True)) == roles
    assert back.rejoin_token != old_token  # the old device's cookie stops working
    assert Participant.objects.filter(session=started_session).count() == 4  # never a second participant
    assert LedgerEntry.objects.filter(participant=hr, kind="rejoin").count() == 1


def test_wrong_codes_are_refused_and_limited_per_device(started_session, settings):
    settings.LAB_REJOIN_TRIES_PER_MINUTE = 3
    hr = factories.holder(started_session, "hr")
    for _ in range(3):
        with pytest.raises(LabError) as exc:
            participant_rejoin(join_code=started_session.join_code, display_name=hr.display_name, rejoin_code="ZZZZZZ",
                               client="10.0.0.9")
        assert exc.value.code == "wrong_rejoin_code" and exc.value.field == "rejoin_code"
    with pytest.raises(LabError) as exc:  # even the right code waits now: guessing is slowed
        participant_rejoin(join_code=started_session.join_code, display_name=hr.display_name,
                           rejoin_code=hr.rejoin_code, client="10.0.0.9")
    assert exc.value.code == "too_many_tries" and exc.value.http_status == 429
    # another device is not blocked by this one's guesses
    assert participant_rejoin(join_code=started_session.join_code, display_name=hr.display_name,
                              rejoin_code=hr.rejoin_code, client="10.0.0.10").id == hr.id
    assert LedgerEntry.objects.filter(participant=hr, kind="rejoin").count() == 1


def test_someone_elses_code_or_a_finished_session_gets_nothing(started_session):
    hr, director = factories.holder(started_session, "hr"), factories.holder(started_session, "director")
    with pytest.raises(LabError) as exc:
        participant_rejoin(join_code=started_session.join_code, display_name=hr.display_name,
                           rejoin_code=director.rejoin_code)
    assert exc.value.code == "wrong_rejoin_code"
    started_session.state = "finished"
    started_session.save(update_fields=["state"])
    with pytest.raises(LabError) as exc:
        participant_rejoin(join_code=started_session.join_code, display_name=hr.display_name, rejoin_code=hr.rejoin_code)
    assert exc.value.code == "expired_code"


def test_a_taken_name_says_how_to_get_back(lobby_session):
    participant_join(join_code=lobby_session.join_code, display_name="Ana")
    with pytest.raises(LabError) as exc:
        participant_join(join_code=lobby_session.join_code, display_name="ana")
    assert exc.value.code == "name_taken" and "rejoin code" in exc.value.message


def test_the_join_page_rejoins_and_sets_the_new_cookie(client, started_session):
    hr = factories.holder(started_session, "hr")
    response = client.post(reverse("join"), {"join_code": started_session.join_code, "display_name": hr.display_name,
                                             "rejoin_code": hr.rejoin_code})
    assert response.status_code == 302 and response["Location"].endswith(f"/play/{started_session.join_code}/")
    hr.refresh_from_db()
    assert unsign_token(response.cookies[cookie_name(started_session.join_code)].value) == hr.rejoin_token
    wrong = client.post(reverse("join"), {"join_code": started_session.join_code, "display_name": hr.display_name,
                                          "rejoin_code": "AAAAAA"})
    assert wrong.status_code == 400 and "rejoin code" in wrong.content.decode()


def test_only_the_console_and_the_person_see_a_rejoin_code(started_session):
    hr, director = factories.holder(started_session, "hr"), factories.holder(started_session, "director")
    room = team_snapshot(participant_id=hr.id)
    assert room["you"]["rejoin_code"] == hr.rejoin_code
    assert all("rejoin_code" not in m for m in room["team"]["members"])
    assert director.rejoin_code not in str(room)
    console = session_snapshot(session_id=started_session.id)
    codes = {m["id"]: m["rejoin_code"] for t in console["teams"] for m in t["members"]}
    assert codes[hr.id] == hr.rejoin_code and codes[director.id] == director.rejoin_code
