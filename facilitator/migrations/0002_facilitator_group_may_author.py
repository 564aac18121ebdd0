"""The "facilitator" group may author scenarios: it gets the view, add, change and delete permissions of
authored scenarios. An administrator can take them from the group and give them to some facilitators only
(facilitator.scenario_authoring.user_may_author needs the group and the permission). HR gets none.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

FACILITATOR_GROUP = "facilitator"  # classroom.services.access.FACILITATOR_GROUP
# facilitator.scenario_authoring.AUTHORING_PERMISSIONS
AUTHORING_PERMISSIONS = ("view_authoredscenario", "add_authoredscenario", "change_authoredscenario",
                         "delete_authoredscenario")


def grant(apps, schema_editor):
    # Permissions are made after all migrations (post_migrate); make this app's now, so they can be granted.
    app_config = apps.get_app_config("facilitator")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=FACILITATOR_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="facilitator",
                                                     codename__in=AUTHORING_PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=FACILITATOR_GROUP).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="facilitator",
                                                            codename__in=AUTHORING_PERMISSIONS))


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("classroom", "0010_session_lifecycle_and_groups"),
        ("facilitator", "0001_authored_scenario"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
