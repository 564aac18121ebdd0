"""Staff logins (the console's, the admin's and the scenario editor's) lock a user name from one address
after LAB_LOGIN_FAILURES wrong passwords (django-axes): a plain page saying why and for how long."""
import itertools

import pytest
from django.contrib.auth import get_user_model

from tests import factories

pytestmark = pytest.mark.django_db
_n = itertools.count(1)

LOGINS = ["/console/login/", "/admin/login/", "/console/scenarios/login/"]


@pytest.fixture
def address():
    return f"10.77.{next(_n)}.1"


def attempt(client, url, username, password, address):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url", LOGINS)
def test_five_wrong_passwords_lock_that_user_from_that_address(client, settings, url, address):
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    user = factories.make_facilitator()
    if url == "/admin/login/":
        user.is_staff = True
        user.save()
    for _ in range(4):
        response = attempt(client, url, user.username, "wrong", address)
        assert response.status_code == 200  # the form again, with its usual error
    response = attempt(client, url, user.username, "wrong", address)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many wrong passwords for this user name from this device" in text and "15 minutes" in text
    # the right password does not get in while locked
    response = attempt(client, url, user.username, "pw-for-tests", address)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    # the same user from another address, and another user from this one, are not locked
    assert attempt(client, url, user.username, "pw-for-tests", f"{address}0").status_code == 302
    client.logout()
    other = factories.make_facilitator()
    if url == "/admin/login/":
        other.is_staff = True
        other.save()
    assert attempt(client, url, other.username, "pw-for-tests", address).status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, address):
    user = factories.make_facilitator()
    for _ in range(4):
        attempt(client, "/console/login/", user.username, "wrong", address)
    assert attempt(client, "/console/login/", user.username, "pw-for-tests", address).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "/console/login/", user.username, "wrong", address).status_code == 200


def test_an_administrator_lifts_a_login_lockout(client, address):
    from django.core.management import call_command

    user = factories.make_facilitator()
    for _ in range(5):
        attempt(client, "/console/login/", user.username, "wrong", address)
    assert attempt(client, "/console/login/", user.username, "pw-for-tests", address).status_code == 429
    call_command("axes_reset_username", user.username)
    assert attempt(client, "/console/login/", user.username, "pw-for-tests", address).status_code == 302
    assert get_user_model().objects.filter(username=user.username).exists()


def test_authenticate_without_a_request_still_works_and_is_not_counted(address):
    """Management commands, scripts and the test client's login() have no address: left to the model backend."""
    from django.contrib.auth import authenticate

    user = factories.make_facilitator()
    assert authenticate(username=user.username, password="pw-for-tests") == user
    assert authenticate(username=user.username, password="wrong") is None
