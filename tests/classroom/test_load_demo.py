import stat
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from classroom.models import Session
from classroom.reports import report_user_is_hr

pytestmark = pytest.mark.django_db


@pytest.fixture
def embedded(settings, tmp_path):
    settings.SERVICES_PROFILE = False
    settings.LAB_DEMO_PASSWORD_FILE = tmp_path / "demo_password"
    return settings.LAB_DEMO_PASSWORD_FILE


def login(username: str, password: str):
    from django.contrib.auth import authenticate

    return authenticate(RequestFactory().post("/console/login/"), username=username, password=password)


def test_load_demo_is_idempotent_and_prints_a_random_password_kept_for_the_owner_only(embedded):
    out, again = StringIO(), StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=again)
    password = embedded.read_text().strip()
    assert len(password) >= 15 and password != "decisionlab"
    assert stat.S_IMODE(embedded.stat().st_mode) == 0o600
    for text in (out.getvalue(), again.getvalue()):  # printed on every run, so the banner always has it
        assert f"facilitator / {password}" in text and f"hr / {password}" in text
    session = Session.objects.get()
    assert session.join_code in out.getvalue() and session.state == "lobby"
    assert login("facilitator", password) is not None
    assert report_user_is_hr(user=login("hr", password))
    assert login("facilitator", "decisionlab") is None and login("hr", "decisionlab") is None
    User = get_user_model()
    assert not any(password in (u.password or "") for u in User.objects.all())  # only its hash is stored


def test_two_checkouts_get_different_passwords(settings, tmp_path):
    from classroom.management.commands.load_demo import demo_password

    settings.LAB_DEMO_PASSWORD_FILE = tmp_path / "a"
    first, fresh = demo_password()
    assert fresh and demo_password() == (first, False)
    settings.LAB_DEMO_PASSWORD_FILE = tmp_path / "b"
    assert demo_password()[0] != first


def test_a_demo_account_with_the_old_fixed_password_gets_the_random_one(embedded):
    User = get_user_model()
    User.objects.create_user("facilitator", password="decisionlab", is_staff=True)
    User.objects.create_user("hr", password="decisionlab")
    embedded.write_text("kept-password-1\n")  # the file already exists: the accounts must still change
    call_command("load_demo", stdout=StringIO())
    assert login("facilitator", "decisionlab") is None and login("hr", "decisionlab") is None
    assert login("facilitator", "kept-password-1") is not None


def test_the_services_profile_gets_no_demo_accounts(settings, tmp_path):
    settings.SERVICES_PROFILE = True
    settings.LAB_DEMO_PASSWORD_FILE = tmp_path / "demo_password"
    with pytest.raises(CommandError) as exc:
        call_command("load_demo", stdout=StringIO())
    assert "createsuperuser" in str(exc.value) and "create_hr_user" in str(exc.value)
    assert not get_user_model().objects.exists() and not Session.objects.exists()
    assert not settings.LAB_DEMO_PASSWORD_FILE.exists()
