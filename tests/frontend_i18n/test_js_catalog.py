"""The browser code's words reach a German or French reader (docs/i18n.md, "Browser code").

/jsi18n/ serves the djangojs catalogue of the reader's language; its translations are compared with the compiled
catalogue read on its own (not with strings restated here), and the room hands the seat's stored language to that
request through the language cookie."""
import json
import re

import pytest
from django.conf import settings
from django.utils.translation.trans_real import DjangoTranslation

from classroom.identity import cookie_name, sign_token
from tests import factories

# Words the room shows most: its connection status, Approve, the round, the checks, a plural announcement.
ROOM_WORDS = ["live", "reconnecting…", "Approve version %(version)s", "Round %(n)s of %(total)s",
              "Offline: you can approve once the connection is back.", "✔ The plant can run this package.",
              "%(n)s units", "Month %(n)s results"]
PLURAL = ("%(n)s minute left in round %(round)s.", "%(n)s minutes left in round %(round)s.")


def catalog(client, language: str | None, url: str = "/jsi18n/") -> dict:
    if language is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    found = re.search(r"const newcatalog = (\{.*?\});\n", response.content.decode(), re.S)
    return json.loads(found.group(1)) if found else {}  # English: no catalog, gettext() returns the msgid


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_catalog_carries_the_rooms_words_in_the_readers_language(client, language):
    compiled = DjangoTranslation(language, domain="djangojs")
    words = catalog(client, language)
    for msgid in ROOM_WORDS:
        expected = compiled.gettext(msgid)
        assert words.get(msgid) == expected, msgid
        assert expected != msgid or msgid == "live", f"{msgid!r} is not translated into {language}"
    # The browser picks a form by the plural rule of the first catalogue it was given (for French, Django's own
    # three forms): every form it may pick is there, singular first.
    forms = words[PLURAL[0]]
    assert forms[0] == compiled.ngettext(*PLURAL, 1) and forms[-1] == compiled.ngettext(*PLURAL, 5)
    assert all(forms), f"an empty plural form in {language}: {forms}"
    # Every placeholder survives translation (interpolate fills them by name).
    for msgid in ROOM_WORDS:
        assert set(re.findall(r"%\(\w+\)s", words[msgid])) == set(re.findall(r"%\(\w+\)s", msgid))


@pytest.mark.django_db
@pytest.mark.parametrize("language", [None, "en", "xx"])
def test_english_and_unknown_languages_get_the_english_words(client, language):
    words = catalog(client, language)
    assert not any(msgid in words for msgid in ROOM_WORDS)  # gettext() returns the English msgid itself


@pytest.mark.django_db
def test_german_and_french_differ():
    de, fr = DjangoTranslation("de", domain="djangojs"), DjangoTranslation("fr", domain="djangojs")
    assert de.gettext("Approve version %(version)s") != fr.gettext("Approve version %(version)s")


@pytest.mark.django_db
def test_the_room_hands_the_seats_language_to_the_catalog_request(client, lobby_session):
    person = factories.join_many(lobby_session, 1)[0]
    person.language = "fr"
    person.save(update_fields=["language"])
    client.cookies[cookie_name(lobby_session.join_code)] = sign_token(person.rejoin_token)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"  # this browser chose German before
    response = client.get(f"/play/{lobby_session.join_code}/")
    assert response.status_code == 200
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["samesite"] == settings.LANGUAGE_COOKIE_SAMESITE
    # The catalog request that follows (same browser, cookie now fr) reads French.
    assert catalog(client, None)["Approve version %(version)s"] == DjangoTranslation("fr", domain="djangojs").gettext(
        "Approve version %(version)s")


@pytest.mark.django_db
def test_the_room_leaves_the_cookie_alone_when_it_already_agrees_or_the_seat_never_chose(client, lobby_session):
    chose, never = factories.join_many(lobby_session, 2)
    chose.language = "de"
    chose.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    client.cookies[cookie_name(lobby_session.join_code)] = sign_token(chose.rejoin_token)
    assert settings.LANGUAGE_COOKIE_NAME not in client.get(f"/play/{lobby_session.join_code}/").cookies
    client.cookies[cookie_name(lobby_session.join_code)] = sign_token(never.rejoin_token)
    assert settings.LANGUAGE_COOKIE_NAME not in client.get(f"/play/{lobby_session.join_code}/").cookies


@pytest.mark.django_db
@pytest.mark.parametrize("asked, cookie", [("fr", "de"), ("de", "fr"), ("de", None)])
def test_the_page_can_ask_for_its_own_language_whatever_the_cookie(client, asked, cookie):
    """The projector speaks its facilitator's language on any browser: the page names its language."""
    words = catalog(client, cookie, url=f"/jsi18n/?language={asked}")
    assert words["Round %(n)s of %(total)s"] == DjangoTranslation(asked, domain="djangojs").gettext("Round %(n)s of %(total)s")


@pytest.mark.django_db
@pytest.mark.parametrize("asked", ["en", "xx", "", "de<script>"])
def test_asking_for_english_or_a_language_the_lab_does_not_offer_gets_english(client, asked):
    assert catalog(client, "de", url=f"/jsi18n/?language={asked}") == {}
