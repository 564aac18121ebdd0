"""LTI 1.3 launches against a simulated platform (tests/facilitator/lti_platform.py): the full browser flow
(login initiation -> the tool's redirect with state and nonce -> the signed id_token posted back), what a
learner and an instructor reach, and every refusal: logged, in words, and nothing stored."""
import logging
import re
import time
from html import unescape as html_unescape

import jwt
import pytest
from unittest import mock

from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client

from classroom.identity import cookie_token
from classroom.models import LedgerEntry, Participant, Session
from classroom.report_filters import ReportFilter
from classroom.reports import participation_report
from classroom.services.personal_data import participant_personal_data_erase
from facilitator.lti_models import LtiAccount, LtiPlatform
from tests import factories
from tests.facilitator.lti_platform import CLAIM, INSTRUCTOR, Platform, public_jwk, rsa_private_pem

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform():
    simulated = Platform()
    yield simulated
    simulated.close()


@pytest.fixture
def registered(platform):
    return platform.register()


def _launch(platform, session, client=None, **claims):
    client = client or Client()
    auth = platform.login(client)
    response = platform.launch(client, auth, platform.sign(platform.claims(auth, session_code=session.join_code,
                                                                           **claims)))
    return client, auth, response


def _confirm(client, page, **fields):
    """Post the join form a learner's launch showed, as the browser would (its hidden token included)."""
    assert page.status_code in (200, 400), page.content[:300]  # 400: shown again with an error
    html = page.content.decode()
    form = {"token": re.search(r'name="token" value="([^"]+)"', html).group(1),
            "display_name": html_unescape(re.search(r'name="display_name" value="([^"]*)"', html).group(1)),
            **fields}
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return client.post("/lti/join/", {**form, "csrfmiddlewaretoken": csrf.group(1)})


def _jar(client) -> dict:
    return {name: morsel.value for name, morsel in client.cookies.items()}


def _nothing_stored(users_before: int):
    assert Participant.objects.count() == 0
    assert LedgerEntry.objects.count() == 0
    assert get_user_model().objects.count() == users_before


def _refusal_logged(caplog, *secrets):
    lines = [r.getMessage() for r in caplog.records if r.name == "facilitator.lti" and r.levelno == logging.WARNING]
    assert lines, "a refused launch leaves a warning"
    for secret in secrets:  # the log names the reason, not the person
        assert all(secret not in line for line in lines)


def test_login_sends_the_browser_to_the_platform_with_state_and_nonce(platform, registered):
    auth = platform.login(Client())
    assert auth["client_id"] == platform.client_id and auth["response_type"] == "id_token"
    assert auth["redirect_uri"] == "http://testserver/lti/launch/" and auth["scope"] == "openid"
    assert auth["state"].startswith("state-") and len(auth["nonce"]) >= 32


def test_learner_confirms_the_prefilled_join_form_and_is_seated_with_the_platform_identity(
        platform, registered, lobby_session):
    # a real browser's CSRF rules: the platform's cross-site posts pass, the lab's own form carries its token
    client, _, page = _launch(platform, lobby_session, client=Client(enforce_csrf_checks=True), sub="learner-42")
    assert page.status_code == 200 and b'value="Ada Lovelace"' in page.content  # the name the platform sent
    assert b"join code" not in page.content.lower()  # no code to type
    assert Participant.objects.count() == 0  # nothing until the person confirms
    response = _confirm(client, page)
    assert response.status_code == 302 and response["Location"] == f"/play/{lobby_session.join_code}/"
    person = Participant.objects.get()
    assert person.display_name == "Ada Lovelace" and person.session_id == lobby_session.id
    assert (person.platform_issuer, person.platform_subject, person.platform_person_id) == (
        platform.issuer, "learner-42", "HR-learner-42")
    assert person.team_id is not None
    assert cookie_token(_jar(client), lobby_session.join_code) == person.rejoin_token
    assert client.get(f"/play/{lobby_session.join_code}/").status_code == 200  # lands in the room


def test_learner_may_change_the_name_before_joining(platform, registered, lobby_session):
    client, _, page = _launch(platform, lobby_session)
    assert _confirm(client, page, display_name="  Ada   L. ").status_code == 302
    assert Participant.objects.get().display_name == "Ada L."


def test_second_launch_by_the_same_person_returns_the_same_seat(platform, registered, lobby_session):
    client, _, page = _launch(platform, lobby_session, sub="learner-42")
    _confirm(client, page)
    first = Participant.objects.get()
    other_device, _, response = _launch(platform, lobby_session, sub="learner-42", name="Ada L.")
    assert response.status_code == 302 and response["Location"] == f"/play/{lobby_session.join_code}/"
    assert list(Participant.objects.values_list("id", "display_name")) == [(first.id, "Ada Lovelace")]
    assert cookie_token(_jar(other_device), lobby_session.join_code) == first.rejoin_token


def test_a_join_form_posted_twice_keeps_one_seat(platform, registered, lobby_session):
    client, _, page = _launch(platform, lobby_session)
    _confirm(client, page)
    assert _confirm(Client(), page).status_code == 302  # the same identity: the same seat, not a second one
    assert Participant.objects.count() == 1


def test_a_name_already_taken_is_asked_again_in_words(platform, registered, lobby_session):
    factories.join_many(lobby_session, 1, prefix="Ada Lovelace")  # "Ada Lovelace 1"
    client, _, page = _launch(platform, lobby_session, name="Ada Lovelace 1")
    response = _confirm(client, page)
    assert response.status_code == 400 and b"add an initial" in response.content
    assert b'name="token"' in response.content  # the form again, still able to join
    assert not Participant.objects.filter(platform_subject="learner-42").exists()
    assert _confirm(client, response, display_name="Ada Lovelace B").status_code == 302


def test_what_the_session_asks_is_asked_on_the_join_form(platform, registered, lobby_session):
    Session.objects.filter(pk=lobby_session.pk).update(asks_email=True, asks_employee_id=True)
    client, _, page = _launch(platform, lobby_session, email="ada@example.com")
    assert b'value="ada@example.com"' in page.content and b'name="employee_id"' in page.content
    response = _confirm(client, page, email="ada@example.com")
    assert response.status_code == 400 and Participant.objects.count() == 0  # the employee id is required
    assert _confirm(client, page, email="ada@example.com", employee_id="E-77").status_code == 302
    person = Participant.objects.get()
    assert (person.email, person.employee_id, person.platform_subject) == ("ada@example.com", "E-77", "learner-42")


@pytest.mark.parametrize("token", ["", "forged", signing.dumps({"code": "X", "iss": "i", "sub": "s", "pid": ""},
                                                               salt="another-salt")])
def test_a_join_form_not_from_a_launch_is_refused(lobby_session, token):
    response = Client().post("/lti/join/", {"token": token, "display_name": "Mallory"})
    assert response.status_code == 400 and b"open the link in your course again" in response.content
    assert Participant.objects.count() == 0


def test_an_expired_join_form_is_refused(platform, registered, lobby_session, settings):
    client, _, page = _launch(platform, lobby_session)
    with mock.patch("facilitator.lti_launch.JOIN_MAX_AGE_SECONDS", -1):
        response = _confirm(client, page)
    assert response.status_code == 400 and b"expired" in response.content
    assert Participant.objects.count() == 0


def test_platform_identity_is_in_the_hr_report_and_erased_with_the_person(platform, registered, lobby_session,
                                                                          facilitator):
    client, _, page = _launch(platform, lobby_session, sub="learner-42")
    _confirm(client, page)
    person = Participant.objects.get()
    row, = participation_report(user=facilitator, kind="people", filters=ReportFilter(session_id=lobby_session.id)).rows
    assert row["platform_user"] == f"{person.platform_subject} at {person.platform_issuer}"
    assert row["platform_person_id"] == person.platform_person_id == "HR-learner-42"
    participant_personal_data_erase(participant_id=person.id, by=facilitator)
    person.refresh_from_db()
    assert (person.platform_issuer, person.platform_subject, person.platform_person_id) == ("", "", "")


def test_instructor_of_the_session_reaches_its_console(platform, registered, lobby_session, facilitator):
    LtiAccount.objects.create(platform=registered, subject="teacher-7", user=facilitator)
    client, _, response = _launch(platform, lobby_session, sub="teacher-7", roles=(INSTRUCTOR,))
    assert response.status_code == 302 and response["Location"] == f"/console/s/{lobby_session.id}/"
    assert client.get(response["Location"]).status_code == 200
    assert Participant.objects.count() == 0  # an instructor takes no seat


def test_instructor_who_does_not_run_the_session_is_refused(platform, registered, lobby_session, caplog):
    other = factories.make_facilitator()
    LtiAccount.objects.create(platform=registered, subject="teacher-8", user=other)
    users = get_user_model().objects.count()
    client, _, response = _launch(platform, lobby_session, sub="teacher-8", roles=(INSTRUCTOR,))
    assert response.status_code == 403 and b"another facilitator" in response.content
    assert "_auth_user_id" not in client.session  # nobody logged in
    _nothing_stored(users)
    _refusal_logged(caplog, "teacher-8")


def test_instructor_without_a_linked_account_is_refused_and_no_account_is_made(platform, registered,
                                                                              lobby_session, caplog):
    users = get_user_model().objects.count()
    _, _, response = _launch(platform, lobby_session, sub="teacher-9", roles=(INSTRUCTOR,))
    assert response.status_code == 403 and b"not linked" in response.content and b"teacher-9" in response.content
    _nothing_stored(users)
    _refusal_logged(caplog, "teacher-9")


def _tampered_signature(platform, auth, claims):
    return platform.sign(claims, private_pem=rsa_private_pem())  # another key under the platform's key id


def _tampered_body(platform, auth, claims):
    header, _, signature = platform.sign(claims).split(".")
    forged = jwt.encode({**claims, "sub": "someone-else"}, "k" * 32, algorithm="HS256").split(".")[1]
    return f"{header}.{forged}.{signature}"


def _wrong_audience(platform, auth, claims):
    return platform.sign({**claims, "aud": "another-tool"})


def _expired(platform, auth, claims):
    return platform.sign({**claims, "iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600})


def _unknown_deployment(platform, auth, claims):
    return platform.sign({**claims, CLAIM + "deployment_id": "not-registered"})


def _wrong_issuer(platform, auth, claims):
    return platform.sign({**claims, "iss": "https://evil.example.test"})


def _unknown_nonce(platform, auth, claims):
    return platform.sign({**claims, "nonce": "a" * 64})


@pytest.mark.parametrize("forge, reason", [
    (_tampered_signature, "Signature verification failed"), (_tampered_body, "Signature verification failed"),
    (_wrong_audience, "Registration not found"), (_expired, "Signature has expired"),
    (_unknown_deployment, "Unable to find deployment"), (_wrong_issuer, "Registration not found"),
    (_unknown_nonce, "Invalid Nonce")])
def test_a_forged_launch_is_refused_logged_and_stores_nothing(platform, registered, lobby_session, caplog, forge,
                                                              reason):
    users = get_user_model().objects.count()
    client = Client()
    auth = platform.login(client)
    claims = platform.claims(auth, sub="learner-42", session_code=lobby_session.join_code)
    response = platform.launch(client, auth, forge(platform, auth, claims))
    assert response.status_code == 400 and b"could not check this launch" in response.content
    _nothing_stored(users)
    _refusal_logged(caplog, "learner-42", "Ada")
    assert any(reason in r.getMessage() for r in caplog.records if r.name == "facilitator.lti")


def test_a_replayed_id_token_is_refused(platform, registered, lobby_session, caplog):
    client = Client()
    auth = platform.login(client)
    token = platform.sign(platform.claims(auth, sub="learner-42", session_code=lobby_session.join_code))
    assert _confirm(client, platform.launch(client, auth, token)).status_code == 302
    seat = list(Participant.objects.values_list("id", "rejoin_token"))
    caplog.clear()
    for replayer in (client, Client(cookies=client.cookies)):  # the same browser, or one that copied its cookies
        response = platform.launch(replayer, auth, token)
        assert response.status_code == 400
    assert list(Participant.objects.values_list("id", "rejoin_token")) == seat
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.JOIN).count() == 1
    _refusal_logged(caplog, "learner-42")
    assert any("Invalid Nonce" in r.getMessage() for r in caplog.records)


def test_a_launch_without_the_login_state_is_refused(platform, registered, lobby_session, caplog):
    auth = platform.login(Client())
    token = platform.sign(platform.claims(auth, session_code=lobby_session.join_code))
    response = platform.launch(Client(), auth, token)  # another browser: no state cookie
    assert response.status_code == 400
    _nothing_stored(get_user_model().objects.count())
    _refusal_logged(caplog)


@pytest.mark.parametrize("code, status, words", [("", 400, b"custom parameter session"),
                                                 ("NOSUCH", 404, b"which the lab does not have")])
def test_a_link_naming_no_session_is_refused(platform, registered, lobby_session, caplog, code, status, words):
    client = Client()
    auth = platform.login(client)
    response = platform.launch(client, auth, platform.sign(platform.claims(auth, session_code=code)))
    assert response.status_code == status and words in response.content
    _nothing_stored(get_user_model().objects.count())
    _refusal_logged(caplog, "learner-42")


def test_a_login_from_an_unregistered_platform_is_refused(platform, caplog):
    response = Client().post("/lti/login/", {"iss": platform.issuer, "login_hint": "x", "client_id": "nobody"})
    assert response.status_code == 400 and b"could not check" in response.content
    _refusal_logged(caplog)


def test_an_inactive_platform_is_refused(platform, lobby_session):
    platform.register(is_active=False)
    response = Client().post("/lti/login/", {"iss": platform.issuer, "login_hint": "x",
                                             "client_id": platform.client_id})
    assert response.status_code == 400


def test_a_framed_login_offers_its_own_tab(platform, registered):
    response = Client().get("/lti/login/", {"iss": platform.issuer, "login_hint": "hint-1",
                                            "client_id": platform.client_id}, headers={"Sec-Fetch-Dest": "iframe"})
    assert response.status_code == 200 and "X-Frame-Options" not in response
    assert b'target="_blank"' in response.content and b"lti1p3_new_window=1" in response.content
    # the tab it opens starts the login at the top level
    tab = Client().get("/lti/login/", {"iss": platform.issuer, "login_hint": "hint-1", "client_id": platform.client_id,
                                       "lti1p3_new_window": "1"}, headers={"Sec-Fetch-Dest": "document"})
    assert tab.status_code == 302 and tab["Location"].startswith(platform.auth_login_url)


def test_jwks_serves_the_public_half_of_each_platforms_tool_key(platform, registered):
    keys = Client().get("/lti/jwks/").json()["keys"]
    expected = public_jwk(registered.tool_private_key, kid="")
    assert [(k["n"], k["e"], k["alg"]) for k in keys] == [(expected["n"], expected["e"], "RS256")]
    assert "d" not in keys[0]  # no private part


def test_a_system_administrator_who_runs_the_session_reaches_the_console_even_after_it_ended(
        platform, registered, lobby_session, facilitator):
    LtiAccount.objects.create(platform=registered, subject="admin-1", user=facilitator)
    Session.objects.filter(pk=lobby_session.pk).update(state=Session.State.FINISHED)
    _, _, response = _launch(platform, lobby_session, sub="admin-1",
                             roles=("http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator",))
    assert response.status_code == 302 and response["Location"] == f"/console/s/{lobby_session.id}/"


def test_a_learner_cannot_join_an_ended_session_from_the_course(platform, registered, lobby_session, caplog):
    Session.objects.filter(pk=lobby_session.pk).update(state=Session.State.FINISHED)
    _, _, response = _launch(platform, lobby_session)
    assert response.status_code == 400 and b"has ended" in response.content
    _nothing_stored(get_user_model().objects.count())


def test_a_role_the_lab_does_not_admit_is_refused(platform, registered, lobby_session, caplog):
    mentor = "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"
    _, _, response = _launch(platform, lobby_session, roles=(mentor,))
    assert response.status_code == 403 and b"neither role" in response.content
    _nothing_stored(get_user_model().objects.count())
    _refusal_logged(caplog, "learner-42")


def test_a_deep_linking_launch_is_refused(platform, registered, lobby_session, caplog):
    settings_claim = {"deep_link_return_url": "https://lms.example.test/return",
                      "accept_types": ["ltiResourceLink"], "accept_presentation_document_targets": ["window"]}
    _, _, response = _launch(platform, lobby_session, **{
        CLAIM + "message_type": "LtiDeepLinkingRequest",
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": settings_claim})
    assert response.status_code == 400 and b"course links" in response.content
    _nothing_stored(get_user_model().objects.count())


def test_the_admin_registers_a_platform_with_a_fresh_key_it_never_shows(platform, admin_client):
    response = admin_client.post("/admin/facilitator/ltiplatform/add/", {
        "name": "Campus", "issuer": platform.issuer, "client_id": "c-1", "deployment_ids": "d-1\nd-2",
        "auth_login_url": platform.auth_login_url, "auth_token_url": "https://lms.example.test/token",
        "key_set_url": platform.key_set_url, "is_active": "on",
        "accounts-TOTAL_FORMS": "0", "accounts-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content[:2000]
    row = LtiPlatform.objects.get(client_id="c-1")
    assert row.deployment_id_list() == ["d-1", "d-2"] and "PRIVATE KEY" in row.tool_private_key
    page = admin_client.get(f"/admin/facilitator/ltiplatform/{row.id}/change/").content.decode()
    assert "/lti/login/" in page and "/lti/jwks/" in page and "PRIVATE" not in page
    assert public_jwk(row.tool_private_key, kid="")["n"] in page


def test_over_https_the_launch_state_rides_on_cross_site_cookies_and_a_replay_is_still_refused(
        platform, registered, lobby_session):
    """On HTTPS the library keys the launch state by a cookie of its own; both it and the state cookie must be
    SameSite=None and Secure, or the platform's cross-site POST would arrive without them."""
    client = Client()
    auth = platform.login(client, secure=True)
    assert auth["redirect_uri"] == "https://testserver/lti/launch/"
    lti_cookies = {name: morsel for name, morsel in client.cookies.items() if name.startswith("lti1p3-")}
    assert {name.split("-")[1] for name in lti_cookies} == {"state", "session"}
    assert all(m["samesite"] == "None" and m["secure"] and m["httponly"] for m in lti_cookies.values())
    token = platform.sign(platform.claims(auth, session_code=lobby_session.join_code))
    page = platform.launch(client, auth, token, secure=True)
    assert page.status_code == 200 and b'name="token"' in page.content
    assert platform.launch(client, auth, token, secure=True).status_code == 400  # the nonce was used
    stranger = Client()  # a browser without the launch's cookies
    assert platform.launch(stranger, platform.login(stranger, secure=True), token, secure=True).status_code == 400


def test_the_claims_the_library_caches_are_deleted_after_the_launch(platform, registered, lobby_session):
    from django.core.cache import cache
    _launch(platform, lobby_session, sub="learner-42")
    if isinstance(getattr(cache, "_cache", None), dict):  # the embedded profile's in-memory cache
        keys = list(cache._cache)
    else:  # Redis (services mode): every key this cache wrote, "<prefix>:<version>:<key>"
        keys = [raw.decode() for raw in cache._cache.get_client().keys(cache.make_key("*"))]
    cached = [cache.get(key.split(":", 2)[2]) for key in keys]
    assert cached, "the launch cached nothing to look at"
    assert not any(isinstance(value, dict) and value.get("sub") == "learner-42" for value in cached)
