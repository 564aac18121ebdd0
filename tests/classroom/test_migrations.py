"""Data migrations, run against today's models."""
import importlib

from django.apps import apps

from classroom.models import Session
from game.engine import load_scenario
from game.engine.scenario import scenario_to_dict
from tests import factories

fill_snapshots = importlib.import_module("classroom.migrations.0004_fill_scenario_snapshot").fill


def test_existing_sessions_get_their_scenario_file_as_snapshot(facilitator):
    before = factories.make_session(facilitator)
    gone = factories.make_session(facilitator)
    kept = factories.make_session(facilitator)
    Session.objects.filter(pk__in=[before.pk, gone.pk]).update(scenario_snapshot=None)
    Session.objects.filter(pk=gone.pk).update(scenario_name="deleted_scenario")
    Session.objects.filter(pk=kept.pk).update(scenario_snapshot={"name": "demo", "kept": True})

    fill_snapshots(apps, None)

    assert Session.objects.get(pk=before.pk).scenario_snapshot == scenario_to_dict(load_scenario("demo"))
    assert Session.objects.get(pk=gone.pk).scenario_snapshot is None
    assert Session.objects.get(pk=kept.pk).scenario_snapshot == {"name": "demo", "kept": True}
