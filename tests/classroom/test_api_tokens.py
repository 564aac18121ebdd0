"""/reports/api-token/: a logged-in HR user or facilitator creates, sees once, rotates and revokes their own token."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

from tests import factories

pytestmark = pytest.mark.django_db
PAGE = "/reports/api-token/"
API = "/api/sessions/"


def shown_key(response) -> str | None:
    found = re.search(r'id="token-key" type="text" value="([0-9a-f]{40})"', response.content.decode())
    return found.group(1) if found else None


def api_status(client, key: str) -> int:
    return Client().get(API, HTTP_AUTHORIZATION=f"Token {key}").status_code


@pytest.fixture
def hr_client(client):
    user = factories.make_hr_only()
    client.force_login(user)
    client.user = user
    return client


def test_anonymous_is_sent_to_login(client):
    for response in (client.get(PAGE), client.post(PAGE, {"action": "create"})):
        assert response.status_code == 302 and response["Location"].startswith("/console/login/?next=")
    assert not Token.objects.exists()


def test_create_shows_the_key_once_and_it_works(hr_client):
    page = hr_client.get(PAGE)
    assert page.status_code == 200 and "You have no token." in page.content.decode() and shown_key(page) is None
    created = hr_client.post(PAGE, {"action": "create"})
    key = shown_key(created)
    assert created.status_code == 200 and key == Token.objects.get(user=hr_client.user).key
    assert "shown only this once" in created.content.decode() and "no-store" in created["Cache-Control"]
    assert api_status(hr_client, key) == 200
    again = hr_client.get(PAGE)
    text = again.content.decode()
    assert shown_key(again) is None and key not in text and "You have a token" in text


def test_create_twice_is_refused_in_words(hr_client):
    hr_client.post(PAGE, {"action": "create"})
    key = Token.objects.get(user=hr_client.user).key
    second = hr_client.post(PAGE, {"action": "create"})
    assert second.status_code == 400 and "Rotate it" in second.content.decode() and shown_key(second) is None
    assert Token.objects.get(user=hr_client.user).key == key


def test_rotate_replaces_the_key(hr_client):
    old = shown_key(hr_client.post(PAGE, {"action": "create"}))
    rotated = hr_client.post(PAGE, {"action": "rotate"})
    new = shown_key(rotated)
    assert new and new != old and "old key no longer works" in rotated.content.decode()
    assert api_status(hr_client, old) == 401 and api_status(hr_client, new) == 200


def test_revoke_makes_the_old_key_fail(hr_client):
    key = shown_key(hr_client.post(PAGE, {"action": "create"}))
    revoked = hr_client.post(PAGE, {"action": "revoke"})
    assert revoked.status_code == 200 and "revoked" in revoked.content.decode() and shown_key(revoked) is None
    assert not Token.objects.filter(user=hr_client.user).exists() and api_status(hr_client, key) == 401
    assert "no token to revoke" in hr_client.post(PAGE, {"action": "revoke"}).content.decode()


def test_unknown_action_is_a_400(hr_client):
    response = hr_client.post(PAGE, {"action": "steal"})
    assert response.status_code == 400 and "Choose create, rotate or revoke" in response.content.decode()


def test_nobody_touches_another_persons_token(hr_client):
    other = factories.make_facilitator()
    theirs = Token.objects.create(user=other).key
    for action in ("create", "rotate", "revoke"):  # extra fields naming the other person are ignored
        hr_client.post(PAGE, {"action": action, "user": other.id, "user_id": other.id, "key": theirs})
    assert Token.objects.get(user=other).key == theirs and api_status(hr_client, theirs) == 200
    assert theirs not in hr_client.get(PAGE).content.decode()


def test_facilitator_may_have_a_token_and_others_may_not(client):
    client.force_login(factories.make_facilitator())
    assert shown_key(client.post(PAGE, {"action": "create"}))
    stranger = get_user_model().objects.create_user("stranger", password="pw")
    client.force_login(stranger)
    for response in (client.get(PAGE), client.post(PAGE, {"action": "create"})):
        assert response.status_code == 403 and "API tokens are for HR" in response.content.decode()
        assert 'name="action"' not in response.content.decode()
    assert not Token.objects.filter(user=stranger).exists()


def test_forms_need_the_csrf_token(hr_client):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(hr_client.user)
    assert strict.post(PAGE, {"action": "create"}).status_code == 403
    assert not Token.objects.filter(user=hr_client.user).exists()
    page = strict.get(PAGE)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert shown_key(strict.post(PAGE, {"action": "create", "csrfmiddlewaretoken": csrf}))
