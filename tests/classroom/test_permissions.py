"""Who may run sessions: superusers and the "facilitator" group; HR (the "hr" group) may not."""
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.management import call_command

from classroom.errors import Forbidden
from classroom.models import Session
from classroom.services.access import FACILITATOR_GROUP, session_for_facilitator, user_may_facilitate
from classroom.services.sessions import session_create
from tests import factories

pytestmark = pytest.mark.django_db
groups_create = importlib.import_module("classroom.migrations.0010_session_lifecycle_and_groups").groups_create
FORM = {"name": "Cohort 9", "scenario_name": "demo", "rounds": "2", "minutes_per_round": "5", "seed": "1"}


def test_who_may_facilitate():
    User = get_user_model()
    assert user_may_facilitate(user=factories.make_facilitator())
    assert user_may_facilitate(user=User.objects.create_superuser("root", password="pw"))
    assert not user_may_facilitate(user=factories.make_hr_only())
    assert not user_may_facilitate(user=User.objects.create_user("plain", password="pw"))
    assert not user_may_facilitate(user=User.objects.create_user("staff", password="pw", is_staff=True))
    assert not user_may_facilitate(user=AnonymousUser())


@pytest.mark.parametrize("who", ["hr", "plain"])
def test_only_facilitators_create_sessions_refused_before_the_form_is_judged(who):
    user = factories.make_hr_only() if who == "hr" else get_user_model().objects.create_user(who, password="pw")
    for form in (FORM, {**FORM, "rounds": "zero"}):
        with pytest.raises(Forbidden) as exc:
            session_create(facilitator=user, **form)
        assert exc.value.code == "facilitators_only" and "'facilitator' group" in exc.value.message
    assert not Session.objects.exists()


def test_a_facilitator_removed_from_the_group_loses_the_console_of_their_session(lobby_session, facilitator):
    facilitator.groups.clear()
    with pytest.raises(Forbidden) as exc:
        session_for_facilitator(session_id=lobby_session.id, user=facilitator)
    assert exc.value.code == "facilitators_only"


def test_the_migration_makes_both_groups_and_keeps_todays_owners_at_their_consoles():
    User = get_user_model()
    owner, hr_owner, root = (User.objects.create_user("owner"), factories.make_hr_only("hr-owner"),
                             User.objects.create_superuser("root", password="pw"))
    bystander = User.objects.create_user("bystander")
    for user in (owner, hr_owner, root):
        Session.objects.create(facilitator=user, name="old", scenario_name="demo", seed=1, rounds=1,
                               minutes_per_round=5)
    Group.objects.filter(name=FACILITATOR_GROUP).delete()

    groups_create(apps, None)
    groups_create(apps, None)  # idempotent

    assert set(Group.objects.values_list("name", flat=True)) >= {"facilitator", "hr"}
    members = set(Group.objects.get(name="facilitator").user_set.values_list("username", flat=True))
    assert members == {"owner"}  # not HR, not a superuser (who needs no group), not a bystander
    assert user_may_facilitate(user=owner) and not user_may_facilitate(user=bystander)


def test_the_demo_facilitator_may_run_sessions_and_the_demo_hr_may_not(settings, tmp_path):
    settings.SERVICES_PROFILE, settings.LAB_DEMO_PASSWORD_FILE = False, tmp_path / "demo_password"
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    User = get_user_model()
    assert user_may_facilitate(user=User.objects.get(username="facilitator"))
    assert not user_may_facilitate(user=User.objects.get(username="hr"))
