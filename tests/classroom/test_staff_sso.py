"""Single sign-on for staff against a real OpenID provider (django-oauth-toolkit, tests/oidc_provider/) running
as a process of its own: the lab's test client starts each login, a `requests` session plays the browser at the
provider (its login form), and the lab's backend exchanges the code, fetches the keys and the userinfo over HTTP."""
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import override_settings

from classroom import oidc
from classroom.models import StaffIdentity
from classroom.reports import report_user_is_hr
from classroom.services.access import user_may_facilitate
from classroom.services.staff_sso import GroupMapping, claim_groups
from tests import factories
from tests.processes import free_port

CLIENT_ID, CLIENT_SECRET = "decision-lab", "client-secret-for-tests"
PASSWORD = "provider-pw-123"
ACCOUNTS = {name: {"password": PASSWORD, "email": f"{name}@example.org", "groups": groups} for name, groups in {
    "fran": ["lab-facilitators", "everyone"], "hana": ["lab-hr"], "nobody": ["everyone"],
    "shifter": ["lab-facilitators"],
    "alice": ["lab-facilitators"], "root": ["lab-admins"], "next": ["lab-facilitators"], "tamper": ["lab-hr"],
    "gone": ["lab-hr"], "elsewhere": ["lab-hr"], "wrongsecret": ["lab-hr"]}.items()}


@pytest.fixture(scope="session")
def provider():
    try:
        from tests.oidc_provider.process import OidcProvider
    except ImportError as exc:  # django-oauth-toolkit is in the test extra: pip install -e '.[test]'
        pytest.skip(f"the test OpenID provider needs django-oauth-toolkit ({exc}); pip install -e '.[test]'")
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as directory:
        server = OidcProvider(Path(directory), ACCOUNTS, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                              redirect_uri="http://testserver/oidc/callback/")
        try:
            server.start()
        except (RuntimeError, OSError) as exc:
            pytest.skip(f"the test OpenID provider could not start: {exc}")
        yield server
        server.stop()


@pytest.fixture
def sso(provider, db):
    oidc._discovered.clear()
    with override_settings(
            LAB_OIDC_ENABLED=True, LAB_OIDC_ISSUER=provider.issuer, LAB_OIDC_PROVIDER_NAME="Example Login",
            LAB_OIDC_CONTACT="", OIDC_RP_CLIENT_ID=CLIENT_ID, OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
            LAB_OIDC_FACILITATOR_GROUPS=["lab-facilitators"], LAB_OIDC_HR_GROUPS=["lab-hr"],
            LAB_OIDC_ADMIN_GROUPS=["lab-admins"], LAB_OIDC_ENDPOINTS={key: "" for key in oidc.DISCOVERY}):
        yield provider
    oidc._discovered.clear()


def provider_answer(provider, authorize_url: str, username: str, password: str = PASSWORD) -> str:
    """What a browser does at the provider: open the authorize URL, log in on its form; returns where the
    provider sends the browser back to (the lab's callback with code and state)."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=20)
    assert response.status_code == 302, response.text[:500]
    login_url = urljoin(authorize_url, response.headers["Location"])
    assert browser.get(login_url, timeout=20).status_code == 200
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    response = browser.post(login_url, data={"username": username, "password": password, "next": next_url,
                                             "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                            allow_redirects=False, timeout=20)
    assert response.status_code == 302, "the provider refused the password"
    response = browser.get(urljoin(login_url, response.headers["Location"]), allow_redirects=False, timeout=20)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def callback_path(location: str) -> str:
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://testserver/oidc/callback/"
    return f"{parts.path}?{parts.query}"


def sso_login(client, provider, username: str, start: str = "/oidc/authenticate/"):
    response = client.get(start)
    assert response.status_code == 302
    return client.get(callback_path(provider_answer(provider, response["Location"], username)))


def logged_in_user(client):
    return client.get("/console/").wsgi_request.user


def test_a_facilitator_group_logs_in_to_the_console_with_facilitator_rights(client, sso):
    response = sso_login(client, sso, "fran")
    assert response.status_code == 302 and response["Location"] == "/console/"
    user = logged_in_user(client)
    assert user.is_authenticated and user.username == "fran" and user.email == "fran@example.org"
    assert user_may_facilitate(user=user) and not report_user_is_hr(user=user)
    assert not (user.is_staff or user.is_superuser)
    assert client.get("/console/").status_code == 200
    assert StaffIdentity.objects.get(user=user).issuer == sso.issuer


def test_an_hr_group_lands_on_the_reports_with_hr_rights_only(client, sso):
    response = sso_login(client, sso, "hana")
    assert response.status_code == 302 and response["Location"] == "/reports/"
    user = logged_in_user(client)
    assert report_user_is_hr(user=user) and not user_may_facilitate(user=user)
    assert client.get("/reports/").status_code == 200
    assert client.get("/console/").status_code == 403


def test_an_admin_group_makes_a_superuser_and_taking_it_away_unmakes_one(client, sso):
    sso_login(client, sso, "root")
    user = logged_in_user(client)
    assert user.is_superuser and user.is_staff
    client.logout()
    sso.set_groups("root", ["lab-hr"])
    sso_login(client, sso, "root")
    user = logged_in_user(client)
    assert not (user.is_superuser or user.is_staff) and report_user_is_hr(user=user)
    client.logout()
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)  # given by hand, to read the admin's lists
    sso_login(client, sso, "root")
    assert logged_in_user(client).is_staff and not logged_in_user(client).is_superuser


def test_groups_that_grant_nothing_are_refused_in_words_and_nothing_is_stored(client, sso):
    users, attempts = get_user_model().objects.count(), AccessAttempt.objects.count()
    response = sso_login(client, sso, "nobody")
    assert response.status_code == 403
    text = response.content.decode()
    assert "Your account at Example Login is not in a group that may use the lab" in text
    assert "lab-facilitators" in text and "lab-hr" in text  # which groups would do
    assert get_user_model().objects.count() == users and not StaffIdentity.objects.exists()
    assert AccessAttempt.objects.count() == attempts
    assert not logged_in_user(client).is_authenticated


def test_a_group_removed_at_the_provider_is_revoked_at_the_next_login_on_the_same_account(client, sso):
    sso_login(client, sso, "shifter")
    first = logged_in_user(client)
    assert user_may_facilitate(user=first)
    client.logout()
    sso.set_groups("shifter", ["lab-hr"])
    sso_login(client, sso, "shifter")
    again = logged_in_user(client)
    assert again.pk == first.pk  # the same account: found by the provider's subject
    assert report_user_is_hr(user=again) and not user_may_facilitate(user=again)
    client.logout()
    sso.set_groups("shifter", [])
    response = sso_login(client, sso, "shifter")
    assert response.status_code == 403 and not logged_in_user(client).is_authenticated
    gone = get_user_model().objects.get(pk=first.pk)  # refused, and the rights it had are gone too
    assert not report_user_is_hr(user=gone) and not user_may_facilitate(user=gone)


def test_a_provider_name_never_takes_over_a_local_account_of_that_name(client, sso):
    local = factories.make_hr_only("alice")
    sso_login(client, sso, "alice")
    user = logged_in_user(client)
    assert user.pk != local.pk and user.username == "alice-2" and user_may_facilitate(user=user)
    local.refresh_from_db()
    assert not user_may_facilitate(user=local) and local.check_password("pw-for-tests")


def test_the_page_asked_for_is_where_the_login_ends(client, sso):
    response = sso_login(client, sso, "next", start="/oidc/authenticate/?next=/reports/")
    assert response["Location"] == "/reports/"


def test_a_changed_state_is_refused_and_nothing_is_stored(client, sso):
    users = get_user_model().objects.count()
    response = client.get("/oidc/authenticate/")
    location = provider_answer(sso, response["Location"], "tamper")
    query = parse_qs(urlsplit(location).query)
    response = client.get("/oidc/callback/", {"code": query["code"][0], "state": query["state"][0] + "x"})
    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert get_user_model().objects.count() == users and not logged_in_user(client).is_authenticated


def test_an_answer_for_a_login_this_browser_did_not_start_is_refused(client, sso):
    """Login CSRF: someone else's code and state, delivered to a browser that started nothing."""
    stranger = client.__class__()
    location = provider_answer(sso, stranger.get("/oidc/authenticate/")["Location"], "tamper")
    response = client.get(callback_path(location))
    assert response.status_code == 302 and response["Location"] == "/console/login/?sso=failed"
    assert not logged_in_user(client).is_authenticated and not StaffIdentity.objects.exists()


def test_a_switched_off_lab_account_is_refused_in_words(client, sso):
    sso_login(client, sso, "gone")
    user = logged_in_user(client)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert not logged_in_user(client).is_authenticated  # the open session ends at once
    response = sso_login(client, sso, "gone")
    assert response.status_code == 403 and "switched off" in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_an_id_token_from_another_issuer_is_refused(client, sso):
    """The provider names itself by the address it was asked at: its token endpoint reached as localhost signs
    ID tokens from http://localhost:PORT/o, not the issuer the lab was set up with."""
    endpoints = {key: "" for key in oidc.DISCOVERY}
    endpoints["OIDC_OP_TOKEN_ENDPOINT"] = f"http://localhost:{sso.port}/o/token/"
    with override_settings(LAB_OIDC_ENDPOINTS=endpoints):
        response = sso_login(client, sso, "elsewhere")
    assert response.status_code == 400 and "could not be verified" in response.content.decode()
    assert not StaffIdentity.objects.exists() and not logged_in_user(client).is_authenticated


@pytest.mark.parametrize("audience", ["another-client", ["another-client"], None])
def test_an_id_token_for_another_client_is_refused(audience, monkeypatch, settings):
    """The library checks the signature and nonce only; the audience is the lab's own check."""
    from django.core.exceptions import SuspiciousOperation
    from mozilla_django_oidc.auth import OIDCAuthenticationBackend

    settings.LAB_OIDC_ISSUER, settings.OIDC_RP_CLIENT_ID = "https://idp.example.org", CLIENT_ID
    monkeypatch.setattr(OIDCAuthenticationBackend, "verify_token",
                        lambda self, token, **kw: {"aud": audience, "iss": "https://idp.example.org", "sub": "1"})
    with pytest.raises(SuspiciousOperation, match="aud"):
        oidc.StaffOIDCBackend().verify_token("token")
    monkeypatch.setattr(OIDCAuthenticationBackend, "verify_token",
                        lambda self, token, **kw: {"aud": [CLIENT_ID, "x"], "iss": "https://idp.example.org"})
    assert oidc.StaffOIDCBackend().verify_token("token")["aud"] == [CLIENT_ID, "x"]


def test_a_provider_refusing_the_lab_s_client_is_a_page_in_words(client, sso):
    with override_settings(OIDC_RP_CLIENT_SECRET="not-the-secret"):
        response = sso_login(client, sso, "wrongsecret")
    assert response.status_code == 503 and "check its single sign-on settings" in response.content.decode()
    assert not StaffIdentity.objects.exists() and not logged_in_user(client).is_authenticated


def test_the_provider_saying_no_sends_back_to_the_login_page_with_a_reason(client, sso):
    state = parse_qs(urlsplit(client.get("/oidc/authenticate/")["Location"]).query)["state"][0]
    response = client.get("/oidc/callback/", {"error": "access_denied", "state": state})
    assert response.status_code == 302 and response["Location"] == "/console/login/?sso=failed"
    assert "Single sign-on did not\n    finish" in client.get(response["Location"]).content.decode()


def test_local_passwords_still_work_and_the_login_page_offers_both(client, sso):
    factories.make_facilitator("localfac")
    page = client.get("/console/login/?next=/reports/%3Fsession%3D1").content.decode()
    assert 'name="password"' in page and "Log in with\n    Example Login" in page
    assert 'href="/oidc/authenticate/?next=/reports/%3Fsession%3D1"' in page
    response = client.post("/console/login/", {"username": "localfac", "password": "pw-for-tests"})
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert logged_in_user(client).username == "localfac"


def test_with_single_sign_on_off_the_urls_say_so_and_the_login_page_has_passwords_only(client, db):
    with override_settings(LAB_OIDC_ENABLED=False):
        for path in ("/oidc/authenticate/", "/oidc/callback/?code=a&state=b"):
            response = client.get(path)
            assert response.status_code == 404 and "Single sign-on is not set up" in response.content.decode()
        assert "Log in with" not in client.get("/console/login/").content.decode()


def test_a_provider_that_does_not_answer_is_a_page_in_words(client, db):
    oidc._discovered.clear()
    with override_settings(LAB_OIDC_ENABLED=True, LAB_OIDC_ISSUER=f"http://127.0.0.1:{free_port()}/o",
                           LAB_OIDC_PROVIDER_NAME="Example Login", OIDC_RP_CLIENT_ID=CLIENT_ID, OIDC_TIMEOUT=2,
                           LAB_OIDC_ENDPOINTS={key: "" for key in oidc.DISCOVERY}):
        response = client.get("/oidc/authenticate/")
    assert response.status_code == 503 and "Example Login did not answer" in response.content.decode()


@pytest.mark.parametrize("value, expected", [
    (["a", "b"], {"a", "b"}), ("a", {"a"}), (None, set()), ({"a": 1}, set()), (["a", 3, None], {"a"})])
def test_the_groups_claim_is_read_as_names(value, expected):
    assert claim_groups(value) == expected


def test_the_mapping_grants_each_right_for_any_of_its_groups():
    mapping = GroupMapping(facilitator=frozenset({"f1", "f2"}), hr=frozenset({"h"}), admin=frozenset())
    assert mapping.grants({"f2", "x"}) == {"facilitator"}
    assert mapping.grants({"h", "f1"}) == {"facilitator", "hr"}
    assert mapping.grants({"x"}) == set()


@pytest.mark.django_db
def test_a_first_login_that_loses_a_race_takes_the_account_the_other_made(monkeypatch):
    """Two tabs finish the same person's first login at once (PostgreSQL lets both look before either writes):
    the one that commits second meets the unique (issuer, subject) and takes the other's account, not a 500."""
    from django.db import IntegrityError

    from classroom.services import staff_sso

    mapping = GroupMapping(facilitator=frozenset({"f"}), hr=frozenset(), admin=frozenset())
    claims = {"sub": "s-1", "preferred_username": "twin", "groups": ["f"]}
    real, other_tab = staff_sso._account_set, []

    def lose_the_first_try(**kwargs):
        if not other_tab:
            other_tab.append(real(**kwargs))  # the other tab's login commits first...
            raise IntegrityError("UNIQUE constraint failed: staff_identity_once")  # ...and this one's insert fails
        return real(**kwargs)

    monkeypatch.setattr(staff_sso, "_account_set", lose_the_first_try)
    user = staff_sso.staff_sso_login(issuer="https://idp.example.org", claims=claims, groups_claim="groups",
                                     mapping=mapping, provider_name="Example Login")
    assert user.pk == other_tab[0].pk and user_may_facilitate(user=user)
    assert get_user_model().objects.filter(username__startswith="twin").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("claims, username", [
    ({"sub": "a1", "preferred_username": "Ann Lee", "email": "ann@example.org"}, "AnnLee"),
    ({"sub": "a2", "email": "ann@example.org"}, "ann@example.org"),
    ({"sub": "a3", "preferred_username": "  "}, "sso-a3"),
])
def test_a_new_account_is_named_from_the_claims(claims, username):
    from classroom.services.staff_sso import staff_sso_login

    mapping = GroupMapping(facilitator=frozenset(), hr=frozenset({"h"}), admin=frozenset())
    user = staff_sso_login(issuer="https://idp.example.org", claims={**claims, "groups": "h"}, groups_claim="groups",
                           mapping=mapping, provider_name="Example Login")
    assert user.username == username and report_user_is_hr(user=user)


@pytest.mark.django_db
@pytest.mark.parametrize("subject", [None, "", 42])
def test_claims_without_a_subject_are_refused_and_keep_nothing(subject):
    from classroom.errors import Forbidden
    from classroom.services.staff_sso import staff_sso_login

    mapping = GroupMapping(facilitator=frozenset({"f"}), hr=frozenset(), admin=frozenset())
    with pytest.raises(Forbidden, match="did not say who you are"):
        staff_sso_login(issuer="https://idp.example.org", claims={"sub": subject, "groups": ["f"]},
                        groups_claim="groups", mapping=mapping, provider_name="Example Login")
    assert not get_user_model().objects.exists()
