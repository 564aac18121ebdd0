"""session_scenario: a session plays the scenario snapshot stored with it."""
import pytest

from classroom.models import Session
from game import engine
from game.engine.params import DEFAULT_PARAMS
from game.selectors import session_scenario

pytestmark = pytest.mark.django_db


def test_the_snapshot_wins_over_the_file(scenario_files, lobby_session):
    original = engine.load_scenario("demo")
    scenario_files("demo", demand=20_000.0)
    scenario = session_scenario(session=Session.objects.get(pk=lobby_session.pk))
    assert scenario.params == original.params
    assert scenario.default_levers == original.default_levers


def test_without_a_snapshot_the_file_is_read(scenario_files, lobby_session):
    Session.objects.filter(pk=lobby_session.pk).update(scenario_snapshot=None)
    scenario_files("demo", demand=20_000.0)
    assert session_scenario(session=Session.objects.get(pk=lobby_session.pk)).params["demand"] == 20_000.0


def test_built_once_per_session_object(lobby_session):
    session = Session.objects.get(pk=lobby_session.pk)
    assert session_scenario(session=session) is session_scenario(session=session)


def test_an_old_snapshot_with_a_removed_parameter_still_plays(lobby_session):
    snapshot = dict(lobby_session.scenario_snapshot)
    snapshot["params"] = {**snapshot["params"], "a_parameter_since_removed": 1.0, "price": 120.0}
    Session.objects.filter(pk=lobby_session.pk).update(scenario_snapshot=snapshot)
    scenario = session_scenario(session=Session.objects.get(pk=lobby_session.pk))
    assert scenario.params["price"] == 120.0
    assert set(scenario.params) == set(DEFAULT_PARAMS)

