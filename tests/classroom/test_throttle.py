"""Guessing codes: unknown join codes and wrong rejoin codes are limited per client address, then the address
is locked out for a while with a message saying how long; the facilitator sees and lifts lockouts."""
import itertools
import re

import pytest

from classroom.errors import LabError, TooManyTries
from classroom.models import Participant
from classroom.services.sessions import participant_join, participant_rejoin
from classroom.services.throttle import JOIN_SCOPE, lockout_lift, lockout_list, rejoin_scope
from tests import factories

pytestmark = pytest.mark.django_db
_addresses = itertools.count(1)


@pytest.fixture
def limits(settings):
    """The shipped limits (the test profile raises the join limit for every other test)."""
    settings.LAB_JOIN_TRIES_PER_MINUTE = 10
    settings.LAB_REJOIN_TRIES_PER_MINUTE = 5
    settings.LAB_JOIN_LOCKOUT_MINUTES = 5
    return settings


@pytest.fixture
def address():
    """A client address no other test used (the counters outlive a test: they live in the cache or Redis)."""
    n = next(_addresses)
    return f"10.{200 + n // 65536 % 50}.{n // 256 % 256}.{n % 256}"


def guess_join_codes(count: int, client: str) -> list[LabError]:
    errors = []
    for i in range(count):
        with pytest.raises(LabError) as exc:
            participant_join(join_code=f"ZZZZ{i:02d}", display_name="Mallory", client=client)
        errors.append(exc.value)
    return errors


def test_unknown_join_codes_lock_the_address_out_after_the_limit(limits, lobby_session, address):
    errors = guess_join_codes(10, address)
    assert [e.code for e in errors] == ["unknown_code"] * 10
    assert "must now wait" not in errors[8].message
    assert "That was 10 tries within a minute: this device must now wait 5 minutes" in errors[9].message
    # Locked: even the right code is refused now, before it is looked at, with the wait in words.
    with pytest.raises(TooManyTries) as exc:
        participant_join(join_code=lobby_session.join_code, display_name="Alice", client=address)
    assert exc.value.code == "too_many_tries" and exc.value.http_status == 429
    assert re.search(r"Wait 5 minutes \(until \d\d:\d\d UTC\)", exc.value.message), exc.value.message
    assert "facilitator" in exc.value.message
    assert not Participant.objects.filter(display_name="Alice").exists()
    # Another device is not held back by this one's guesses.
    other = f"{address}9"
    assert participant_join(join_code=lobby_session.join_code, display_name="Bob", client=other).display_name == "Bob"


def test_a_lockout_is_listed_with_why_and_until_and_lifting_it_lets_the_device_in(limits, lobby_session, address):
    guess_join_codes(10, address)
    [mine] = [lockout for lockout in lockout_list(scope=JOIN_SCOPE) if lockout["client"] == address]
    assert mine["reason"] == "wrong join codes" and mine["tries"] == 10
    assert 299 <= (mine["until"] - mine["since"]).total_seconds() <= 301
    lockout_lift(scope=JOIN_SCOPE, client=address)
    assert address not in [lockout["client"] for lockout in lockout_list(scope=JOIN_SCOPE)]
    assert participant_join(join_code=lobby_session.join_code, display_name="Alice", client=address)
    # ... with a fresh count: nine more wrong codes do not lock it again
    assert [e.code for e in guess_join_codes(9, address)] == ["unknown_code"] * 9
    with pytest.raises(LabError) as exc:
        lockout_lift(scope=JOIN_SCOPE, client=address)
    assert exc.value.code == "not_locked"


def test_calls_without_an_address_are_not_counted(limits, lobby_session):
    """Code paths that pass no client (internal callers) never lock anybody out."""
    for _ in range(12):
        with pytest.raises(LabError) as exc:
            participant_join(join_code="ZZZZZZ", display_name="Mallory")
        assert exc.value.code == "unknown_code"


def test_wrong_rejoin_codes_lock_that_session_only(limits, started_session, facilitator, address):
    hr = factories.holder(started_session, "hr")
    other = factories.make_session(facilitator)
    for i in range(5):
        with pytest.raises(LabError) as exc:
            participant_rejoin(join_code=started_session.join_code, display_name=hr.display_name,
                               rejoin_code="ZZZZZZ", client=address)
        assert exc.value.code == "wrong_rejoin_code"
    assert "must now wait 5 minutes" in exc.value.message
    with pytest.raises(TooManyTries) as exc:
        participant_rejoin(join_code=started_session.join_code, display_name=hr.display_name,
                           rejoin_code=hr.rejoin_code, client=address)
    assert "wrong rejoin codes" in exc.value.message and exc.value.field == "rejoin_code"
    assert [lockout["client"] for lockout in lockout_list(scope=rejoin_scope(started_session.id))] == [address]
    assert lockout_list(scope=rejoin_scope(other.id)) == []
    # joining another workshop from the same device still works
    assert participant_join(join_code=other.join_code, display_name="Newcomer", client=address)
    lockout_lift(scope=rejoin_scope(started_session.id), client=address)
    assert participant_rejoin(join_code=started_session.join_code, display_name=hr.display_name,
                              rejoin_code=hr.rejoin_code, client=address).id == hr.id


# ---- over HTTP: the join page and the console's lockout page ------------------------------------------

def test_the_join_page_answers_a_locked_device_with_429_and_the_wait(limits, client, lobby_session, address):
    for i in range(10):
        response = client.post("/join/", {"join_code": f"ZZZZ{i:02d}", "display_name": "Mallory"}, REMOTE_ADDR=address)
        assert response.status_code == 404
    response = client.post("/join/", {"join_code": lobby_session.join_code, "display_name": "Alice"},
                           REMOTE_ADDR=address)
    assert response.status_code == 429
    assert re.search(r"Too many wrong join codes from this device\. Wait 5 minutes", response.content.decode())
    assert client.post("/join/", {"join_code": lobby_session.join_code, "display_name": "Alice"},
                       REMOTE_ADDR=f"{address}9").status_code == 302


def test_the_console_lists_lockouts_and_lifts_one(limits, client, started_session, facilitator, address):
    guess_join_codes(10, address)
    hr = factories.holder(started_session, "hr")
    rejoiner = f"{address}8"
    for _ in range(5):
        with pytest.raises(LabError):
            participant_rejoin(join_code=started_session.join_code, display_name=hr.display_name,
                               rejoin_code="ZZZZZZ", client=rejoiner)
    client.force_login(facilitator)
    url = f"/console/s/{started_session.id}/lockouts/"
    page = client.get(url).content.decode()
    join_part, rejoin_part = page.split('id="lockouts-rejoin"')
    assert f'data-client="{address}"' in join_part and "10 wrong join codes within a minute" in join_part
    assert f'data-client="{rejoiner}"' in rejoin_part and "5 wrong rejoin codes" in rejoin_part
    assert "Lift the lockout of" in page and "UTC" in page
    response = client.post(url, {"kind": "rejoin", "client": rejoiner})
    assert response.status_code == 302
    assert lockout_list(scope=rejoin_scope(started_session.id)) == []
    assert address in [lockout["client"] for lockout in lockout_list(scope=JOIN_SCOPE)]  # the other stays
    response = client.post(url, {"kind": "join", "client": address})
    assert response.status_code == 302 and address not in [x["client"] for x in lockout_list(scope=JOIN_SCOPE)]
    response = client.post(url, {"kind": "join", "client": address})  # already lifted: said, not a 500
    assert response.status_code == 400 and "is not locked out" in response.content.decode()
    response = client.post(url, {"kind": "everything", "client": address})
    assert response.status_code == 400 and "Choose which lockout" in response.content.decode()


def test_another_sessions_facilitator_sees_join_lockouts_but_not_this_sessions_rejoin_ones(
        limits, client, started_session, address):
    hr = factories.holder(started_session, "hr")
    for _ in range(5):
        with pytest.raises(LabError):
            participant_rejoin(join_code=started_session.join_code, display_name=hr.display_name,
                               rejoin_code="ZZZZZZ", client=address)
    guess_join_codes(10, f"{address}7")
    stranger = factories.make_facilitator()
    theirs = factories.make_session(stranger)
    client.force_login(stranger)
    page = client.get(f"/console/s/{theirs.id}/lockouts/").content.decode()
    assert f'data-client="{address}7"' in page and f'data-client="{address}"' not in page
    # lifting "rejoin" from their own console reaches their own session's lockouts only
    assert client.post(f"/console/s/{theirs.id}/lockouts/", {"kind": "rejoin", "client": address}).status_code == 400
    assert [x["client"] for x in lockout_list(scope=rejoin_scope(started_session.id))] == [address]
    # and this session's page is not theirs
    assert client.get(f"/console/s/{started_session.id}/lockouts/").status_code == 403
    assert client.post(f"/console/s/{started_session.id}/lockouts/",
                       {"kind": "rejoin", "client": address}).status_code == 403
    assert [x["client"] for x in lockout_list(scope=rejoin_scope(started_session.id))] == [address]


def test_the_lockout_page_needs_a_facilitator(client, started_session):
    url = f"/console/s/{started_session.id}/lockouts/"
    assert client.get(url).status_code == 302  # to the login
    client.force_login(factories.make_hr_only())
    assert client.get(url).status_code == 403


def test_room_addresses_with_unknown_codes_count_too(limits, client, lobby_session, address):
    """/play/<CODE>/ says whether a code exists, so guessing there is limited like the join form."""
    for i in range(10):
        assert client.get(f"/play/ZZZZ{i:02d}/", REMOTE_ADDR=address).status_code == 404
    response = client.get(f"/play/{lobby_session.join_code}/", REMOTE_ADDR=address)
    assert response.status_code == 429 and "Too many wrong join codes" in response.content.decode()
    assert client.get(f"/play/{lobby_session.join_code}/", REMOTE_ADDR=f"{address}9").status_code == 302
