import pytest

from classroom.errors import LabError, NotFound
from classroom.models import LedgerEntry, Participant, Session
from classroom.services.sessions import participant_by_token, participant_join, session_create
from game.engine import load_scenario
from game.engine.scenario import scenario_to_dict
from tests import factories


def test_join_seats_person_and_records_ledger(lobby_session):
    person = participant_join(join_code=lobby_session.join_code.lower(), display_name="  Ada   Lovelace ",
                              email="ada@example.com")
    assert person.display_name == "Ada Lovelace"
    assert person.team is not None
    assert set(person.seats.values_list("role", flat=True)) == {"director", "finance", "engineering", "hr"}
    assert LedgerEntry.objects.filter(participant=person, kind="join").count() == 1


@pytest.mark.parametrize("code, error", [("ZZZZZZ", NotFound), ("", NotFound)])
def test_join_with_unknown_code_is_refused(lobby_session, code, error):
    with pytest.raises(error) as exc:
        participant_join(join_code=code, display_name="Bob")
    assert exc.value.code == "unknown_code"
    assert Participant.objects.count() == 0


def test_join_finished_session_is_expired(lobby_session):
    Session.objects.filter(pk=lobby_session.pk).update(state=Session.State.FINISHED)
    with pytest.raises(LabError) as exc:
        participant_join(join_code=lobby_session.join_code, display_name="Bob")
    assert exc.value.code == "expired_code"
    assert "ended" in exc.value.message


@pytest.mark.parametrize("name", ["", "   ", "x" * 500, None])
def test_bad_display_names_are_refused(lobby_session, name):
    with pytest.raises(LabError) as exc:
        participant_join(join_code=lobby_session.join_code, display_name=name)
    assert exc.value.code == "invalid_name"
    assert exc.value.field == "display_name"
    assert Participant.objects.count() == 0


def test_duplicate_display_name_is_refused(lobby_session):
    participant_join(join_code=lobby_session.join_code, display_name="Sam")
    with pytest.raises(LabError) as exc:
        participant_join(join_code=lobby_session.join_code, display_name="sam")
    assert exc.value.code == "name_taken"
    assert Participant.objects.count() == 1


def test_rejoin_token_finds_the_same_participant_only_in_its_session(lobby_session, facilitator):
    person = participant_join(join_code=lobby_session.join_code, display_name="Kim")
    other = factories.make_session(facilitator)
    assert participant_by_token(join_code=lobby_session.join_code, rejoin_token=person.rejoin_token) == person
    assert participant_by_token(join_code=other.join_code, rejoin_token=person.rejoin_token) is None
    assert participant_by_token(join_code=lobby_session.join_code, rejoin_token="forged") is None


@pytest.mark.parametrize("field, value", [("rounds", 0), ("rounds", "many"), ("minutes_per_round", 500),
                                          ("seed", -1), ("name", ""), ("scenario_name", "nope")])
def test_session_create_validates_input(facilitator, field, value):
    kwargs = {"name": "W", "scenario_name": "demo", "rounds": 2, "minutes_per_round": 10, "seed": 1, field: value}
    with pytest.raises(LabError) as exc:
        session_create(facilitator=facilitator, **kwargs)
    assert exc.value.field == field
    assert Session.objects.count() == 0


def test_session_keeps_a_snapshot_of_its_scenario(scenario_files, facilitator):
    session = factories.make_session(facilitator)
    snapshot = scenario_to_dict(load_scenario("demo"))
    scenario_files("demo", price=150.0)
    session.refresh_from_db()
    assert session.scenario_snapshot == snapshot
    assert session.scenario_snapshot["params"]["price"] != 150.0
    assert factories.make_session(facilitator).scenario_snapshot["params"]["price"] == 150.0


def test_join_codes_are_short_and_unambiguous(facilitator):
    codes = {factories.make_session(facilitator).join_code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(c) == 6 and not set(c) & set("01OIL") for c in codes)


def test_presence_reset_forgets_stale_connections(lobby_session):
    from classroom.selectors import connected_participant_ids
    from classroom.services.presence import connection_open, presence_reset

    person = participant_join(join_code=lobby_session.join_code, display_name="Flo")
    connection_open(participant_id=person.id, channel_name="a")
    connection_open(participant_id=person.id, channel_name="b")
    assert connected_participant_ids(participant_ids=[person.id]) == {person.id}
    assert presence_reset() == 2
    assert connected_participant_ids(participant_ids=[person.id]) == set()
    kinds = list(LedgerEntry.objects.filter(participant=person).values_list("kind", flat=True))
    assert kinds == ["join", "connect", "disconnect"]  # two sockets, one presence span
