"""Archive, unarchive and clone (classroom/services/lifecycle.py)."""
import pytest
from django.contrib.auth import get_user_model

from classroom.errors import Forbidden, LabError
from classroom.models import Participant, Session, Team
from classroom.selectors import session_archived_count_for_user, session_list_for_user
from classroom.services.lifecycle import CLONED_FIELDS, session_archive, session_clone, session_unarchive
from classroom.services.sessions import session_create
from game.models import Disruption, Round, RoundResult
from game.services import rounds
from game.services.cover import cover_settings
from game.services.disruptions import disruption_inject
from game.services.lifecycle import session_end
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
SUPPLIER_DOWN = {"kind": "supplier_failure", "targets": [0], "start_day": 2, "duration_days": 10, "magnitude": 1.0}


def fresh(session) -> Session:
    return Session.objects.get(pk=session.pk)


# Archive

@pytest.mark.parametrize("how", ["lobby", "ended in the lobby", "played to the end"])
def test_a_session_in_its_lobby_or_finished_can_be_archived_and_back(lobby_session, facilitator, how):
    if how == "ended in the lobby":
        session_end(session_id=lobby_session.id, user=facilitator)
    elif how == "played to the end":
        factories.join_many(lobby_session, 4)
        factories.start(lobby_session, facilitator)
        session_end(session_id=lobby_session.id, user=facilitator)
    state = fresh(lobby_session).state
    session_archive(session_id=lobby_session.id, user=facilitator)
    session = fresh(lobby_session)
    assert session.archived_at is not None and session.state == state  # hidden, nothing else changes
    assert list(session_list_for_user(user=facilitator, archived=False)) == []
    assert list(session_list_for_user(user=facilitator)) == [session]
    assert session_archived_count_for_user(user=facilitator) == 1
    session_unarchive(session_id=lobby_session.id, user=facilitator)
    assert fresh(lobby_session).archived_at is None
    assert list(session_list_for_user(user=facilitator, archived=False)) == [session]


def test_a_running_session_cannot_be_archived(started_session, facilitator):
    with pytest.raises(LabError) as exc:
        session_archive(session_id=started_session.id, user=facilitator)
    assert exc.value.code == "session_running" and "End session now" in exc.value.message
    assert fresh(started_session).archived_at is None


def test_archive_twice_or_unarchive_a_visible_session_says_so(lobby_session, facilitator):
    with pytest.raises(LabError) as exc:
        session_unarchive(session_id=lobby_session.id, user=facilitator)
    assert exc.value.code == "not_archived"
    session_archive(session_id=lobby_session.id, user=facilitator)
    archived_at = fresh(lobby_session).archived_at
    with pytest.raises(LabError) as exc:
        session_archive(session_id=lobby_session.id, user=facilitator)
    assert exc.value.code == "already_archived" and fresh(lobby_session).archived_at == archived_at


@pytest.mark.parametrize("service", [session_archive, session_unarchive, session_clone])
def test_only_the_sessions_facilitator(lobby_session, service):
    with pytest.raises(Forbidden) as exc:
        service(session_id=lobby_session.id, user=factories.make_facilitator())
    assert exc.value.code == "not_facilitator"
    with pytest.raises(Forbidden) as exc:
        service(session_id=lobby_session.id, user=factories.make_hr_only())
    assert exc.value.code == "facilitators_only"
    assert Session.objects.count() == 1 and fresh(lobby_session).archived_at is None


# Clone

def played_with_everything(facilitator) -> Session:
    """A finished two-round session with people, teams, results, an injected disruption and its own
    cover settings."""
    session = factories.make_session(facilitator, rounds_count=2, minutes=17, seed=12345)
    cover_settings(session_id=session.id, user=facilitator, mode="ask", after_seconds=300)
    factories.join_many(session, 4)
    factories.start(session, facilitator)
    disruption_inject(session_id=session.id, user=facilitator, spec=SUPPLIER_DOWN)
    for number in (1, 2):
        rounds.round_advance(session_id=session.id, user=facilitator, round_number=number)
    return fresh(session)


def test_clone_copies_the_set_up_and_nothing_that_happened(facilitator):
    source = played_with_everything(facilitator)
    assert source.state == Session.State.FINISHED
    clone = session_clone(session_id=source.id, user=facilitator)
    clone = fresh(clone)
    for field in CLONED_FIELDS:
        assert getattr(clone, field) == getattr(source, field), field
    assert (clone.rounds, clone.minutes_per_round, clone.seed) == (2, 17, 12345)
    assert (clone.cover_mode, clone.cover_after_seconds) == ("ask", 300)
    assert clone.name == "Test workshop (copy)" and clone.facilitator == facilitator
    assert clone.join_code != source.join_code and clone.id != source.id
    assert clone.state == Session.State.LOBBY and clone.round_number is None
    assert clone.finished_at is None and clone.end_requested_at is None and clone.archived_at is None
    assert not Participant.objects.filter(session=clone).exists() and not Team.objects.filter(session=clone).exists()
    assert not Round.objects.filter(session=clone).exists()
    assert not RoundResult.objects.filter(team__session=clone).exists()
    assert not Disruption.objects.filter(session=clone).exists()  # injected during the workshop: not set-up
    assert Disruption.objects.filter(session=source).count() == 1  # the source keeps everything
    assert Participant.objects.filter(session=source).count() == 4


def test_clone_takes_the_scenarios_disruption_schedule(facilitator):
    source = session_create(facilitator=facilitator, name="Shocks", scenario_name="shocks", rounds=3,
                            minutes_per_round=10, seed=3)
    schedule = source.scenario_snapshot["disruption_schedule"]
    assert schedule  # the shipped "shocks" scenario schedules its disruptions
    assert fresh(session_clone(session_id=source.id, user=facilitator)).scenario_snapshot["disruption_schedule"] \
        == schedule


def test_clone_keeps_the_scenario_the_session_was_created_with(facilitator, scenario_files):
    source = factories.make_session(facilitator)
    scenario_files("demo", demand=20_000.0)  # the file changed after the session was created
    Session.objects.filter(pk=source.pk).update(
        scenario_snapshot={**source.scenario_snapshot, "marker": "as the session keeps it"})
    clone = session_clone(session_id=source.id, user=facilitator)
    assert fresh(clone).scenario_snapshot == fresh(source).scenario_snapshot
    assert fresh(clone).scenario_snapshot["marker"] == "as the session keeps it"
    assert fresh(clone).scenario_snapshot["params"].get("demand") != 20_000.0


def test_the_clone_of_a_long_name_still_fits(facilitator):
    source = factories.make_session(facilitator)
    Session.objects.filter(pk=source.pk).update(name="N" * 120)
    clone = session_clone(session_id=source.id, user=facilitator)
    assert len(clone.name) == 120 and clone.name.endswith(" (copy)")


def test_a_clone_runs_like_any_session(facilitator):
    source = played_with_everything(facilitator)
    clone = session_clone(session_id=source.id, user=facilitator)
    factories.join_many(clone, 4)
    factories.start(clone, facilitator)
    assert factories.open_round(clone).number == 1


def test_a_superuser_cloning_owns_the_clone(lobby_session):
    root = get_user_model().objects.create_superuser("root", password="pw")
    clone = session_clone(session_id=lobby_session.id, user=root)
    assert clone.facilitator == root and fresh(lobby_session).facilitator != root

