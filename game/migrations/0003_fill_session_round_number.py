"""Existing sessions learn their current round number (Session.round_number, classroom 0007) from their
rounds: the highest-numbered round that has opened, as game.selectors.round_current finds it."""
from django.db import migrations
from django.db.models import Max


def fill(apps, schema_editor):
    Session = apps.get_model("classroom", "Session")
    Round = apps.get_model("game", "Round")
    current = (Round.objects.exclude(state="pending").values("session_id").annotate(number=Max("number"))
               .values_list("session_id", "number"))
    for session_id, number in current:
        Session.objects.filter(pk=session_id).update(round_number=number)


class Migration(migrations.Migration):

    dependencies = [
        ("classroom", "0007_session_round_number"),
        ("game", "0002_disruption_details"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
