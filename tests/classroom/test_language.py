"""Each person reads the lab in the language they chose (classroom/language.py, docs/i18n.md)."""
import re

import pytest
from django.conf import settings
from django.test import Client

from classroom.identity import cookie_name, sign_token
from classroom.language import language_clean
from classroom.models import Participant, StaffLanguage
from tests import factories

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize("given, kept", [("de", "de"), ("fr", "fr"), ("en", "en"), ("DE", "de"), ("de-AT", "de"),
                                         ("fr_CA", "fr"), ("xx", "en"), ("", "en"), (None, "en"), (3, "en"),
                                         ("de\x00", "en"), (" fr ", "fr")])
def test_an_unknown_code_is_english(given, kept):
    assert language_clean(given) == kept


@pytest.mark.django_db
def test_the_choice_is_kept_in_a_cookie_and_the_next_page_reads_it(client):
    response = client.post("/language/", {"language": "de", "next": "/join/"})
    assert response.status_code == 302 and response["Location"] == "/join/"
    assert response.cookies[COOKIE].value == "de"
    page = client.get("/join/")
    assert html_lang(page) == "de" and "Sprache" in page.content.decode()
    assert html_lang(Client().get("/join/")) == "en"  # another browser is not affected


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["klingon", "", "../../etc"])
def test_an_unknown_language_falls_back_to_english(client, language):
    response = client.post("/language/", {"language": language, "next": "/"})
    assert response.cookies[COOKIE].value == "en"
    assert html_lang(client.get("/")) == "en"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_the_picker_never_sends_you_off_site(client, target):
    response = client.post("/language/", {"language": "fr", "next": target})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_the_picker_needs_a_post(client):
    assert client.get("/language/?language=de").status_code == 405


@pytest.mark.django_db
def test_a_browser_asking_for_german_reads_german_until_it_chooses(client):
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")) == "de"
    client.post("/language/", {"language": "en", "next": "/"})
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")) == "en"


@pytest.mark.django_db
def test_a_staff_choice_follows_the_login_to_another_browser(facilitator):
    laptop = Client()
    laptop.force_login(facilitator)
    laptop.post("/language/", {"language": "fr", "next": "/console/"})
    assert StaffLanguage.objects.get(user=facilitator).language == "fr"
    other = Client()  # no language cookie, an English browser
    other.force_login(facilitator)
    assert html_lang(other.get("/console/", HTTP_ACCEPT_LANGUAGE="en")) == "fr"
    other.post("/language/", {"language": "de", "next": "/console/"})
    assert html_lang(laptop.get("/console/")) == "de"


@pytest.mark.django_db
def test_a_participant_choice_follows_the_seat_to_another_device(started_session):
    person = factories.holder(started_session, "finance")
    code = started_session.join_code
    phone = Client()
    phone.cookies[cookie_name(code)] = sign_token(person.rejoin_token)
    phone.post("/language/", {"language": "de", "next": f"/play/{code}/", "join_code": code})
    assert Participant.objects.get(pk=person.pk).language == "de"
    laptop = Client()
    laptop.cookies[cookie_name(code)] = sign_token(person.rejoin_token)
    assert html_lang(laptop.get(f"/play/{code}/")) == "de"
    teammate = factories.holder(started_session, "hr")
    assert Participant.objects.get(pk=teammate.pk).language == ""  # nobody else's choice changed


@pytest.mark.django_db
def test_a_join_code_without_this_browser_seat_changes_no_participant(client, started_session):
    code = started_session.join_code
    client.post("/language/", {"language": "fr", "next": "/", "join_code": code})
    assert not Participant.objects.filter(session=started_session).exclude(language="").exists()


@pytest.mark.django_db
def test_the_projector_speaks_the_facilitator_language(client, started_session, facilitator):
    StaffLanguage.objects.create(user=facilitator, language="de")
    page = client.get(f"/projector/{started_session.join_code}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert html_lang(page) == "de"
    assert 'id="language-choice"' not in page.content.decode()  # the wall has no picker of its own


@pytest.mark.django_db
def test_every_page_has_a_labelled_picker(client):
    body = client.get("/").content.decode()
    assert '<label for="language-choice">Language</label>' in body
    assert re.search(r'<option value="de" lang="de"[^>]*>Deutsch</option>', body)
    assert re.search(r'<option value="fr" lang="fr"[^>]*>Français</option>', body)


@pytest.mark.django_db
@pytest.mark.parametrize("page_language", ["de", "fr"])
def test_each_language_is_named_in_its_own_words_on_every_page(client, page_language):
    client.cookies[COOKIE] = page_language
    body = client.get("/").content.decode()
    for code, name in (("en", "English"), ("de", "Deutsch"), ("fr", "Français")):
        assert re.search(rf'<option value="{code}" lang="{code}"[^>]*>{name}</option>', body)
