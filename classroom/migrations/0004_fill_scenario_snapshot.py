"""Existing sessions get a snapshot of their scenario file as it is now (the best record left).

A session whose file is gone or no longer loads keeps a null snapshot; it falls back to the file
by name (game.selectors.session_scenario) and fails loudly there if the file is still missing.
"""
from django.db import migrations

from game.engine.scenario import load_scenario, scenario_to_dict


def fill(apps, schema_editor):
    Session = apps.get_model("classroom", "Session")
    snapshots = {}
    for session in Session.objects.filter(scenario_snapshot__isnull=True).only("id", "scenario_name"):
        name = session.scenario_name
        if name not in snapshots:
            try:
                snapshots[name] = scenario_to_dict(load_scenario(name))
            except (KeyError, ValueError):
                snapshots[name] = None
        if snapshots[name] is not None:
            Session.objects.filter(pk=session.pk).update(scenario_snapshot=snapshots[name])


class Migration(migrations.Migration):

    dependencies = [
        ("classroom", "0003_session_scenario_snapshot"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
