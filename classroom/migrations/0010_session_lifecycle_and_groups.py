"""Sessions can be archived and ended early; running sessions becomes a permission.

The groups "facilitator" (may create and run sessions) and "hr" (reads participation reports) are
created if missing. Whoever already owns a session keeps their console: they join "facilitator",
unless they are in "hr" (HR could create sessions only by accident of the old rule) or a superuser
(who needs no group). An administrator adds or removes people in the admin afterwards.
"""
from django.db import migrations, models

FACILITATOR_GROUP = "facilitator"  # classroom.services.access.FACILITATOR_GROUP
HR_GROUP = "hr"  # classroom.reports.HR_GROUP


def groups_create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Session = apps.get_model("classroom", "Session")
    User = Session._meta.get_field("facilitator").related_model
    facilitators, _ = Group.objects.get_or_create(name=FACILITATOR_GROUP)
    Group.objects.get_or_create(name=HR_GROUP)
    owners = (User.objects.filter(pk__in=Session.objects.values("facilitator_id"), is_superuser=False)
              .exclude(groups__name=HR_GROUP))
    for user in owners.distinct():
        user.groups.add(facilitators)


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("classroom", "0009_session_projector_leaderboard"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="end_requested_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="session",
            name="archived_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(groups_create, migrations.RunPython.noop),
    ]
