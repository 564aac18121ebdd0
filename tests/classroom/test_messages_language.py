"""classroom's own words in German and French (docs/i18n.md): the join page's errors, the lockout, the text a
database cannot store, the rejoin notice sent to the old device, and the HR files' headers. Each expected text is
the English msgid run through the catalogue of that language, and must differ from the English (a translation
exists); English readers keep the English words."""
import csv
import io
from html import unescape
from unittest import mock

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from classroom.errors import LabError
from classroom.i18n_text import render
from classroom.report_columns import REPORT_COLUMNS
from classroom.services.sessions import participant_join, participant_rejoin
from classroom.text_input import text_check
from tests import factories
from tests.classroom.test_report_figures import clock, workshop  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def english_after():
    """A request with a language cookie leaves its language active in this thread: later tests expect English."""
    yield
    translation.deactivate()

LANGUAGES = ("de", "fr")
UNKNOWN_CODE = "No workshop has the code %(code)s. Check the code on the projector."


def translated(language: str, msgid: str, **params) -> str:
    with translation.override(language):
        text = gettext(msgid)
    assert text != msgid, f"{msgid!r} has no {language} translation"
    return text % params if params else text


def reader(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_wrong_join_code_is_refused_in_the_readers_language(client, language):
    response = reader(client, language).post("/join/", {"join_code": "NOPE42", "display_name": "Ann"})
    assert response.status_code == 404
    assert response.context["error"].message == translated(language, UNKNOWN_CODE, code=repr("NOPE42"))


def test_an_english_reader_keeps_the_english_words(client):
    response = reader(client, "en").post("/join/", {"join_code": "NOPE42", "display_name": "Ann"})
    assert response.context["error"].message == "No workshop has the code 'NOPE42'. Check the code on the projector."


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_display_name_is_asked_for_in_the_readers_language(client, lobby_session, language):
    response = reader(client, language).post("/join/", {"join_code": lobby_session.join_code, "display_name": " "})
    assert response.status_code == 400
    assert response.context["error"].message == translated(language, "Please enter a display name.")


@pytest.mark.parametrize("language", LANGUAGES)
@override_settings(LAB_JOIN_TRIES_PER_MINUTE=2)
def test_the_join_lockout_says_how_long_to_wait_in_the_readers_language(client, language):
    reader(client, language)
    address = {"REMOTE_ADDR": f"10.77.{LANGUAGES.index(language)}.1"}  # a lockout of its own per language
    client.post("/join/", {"join_code": "NOPE41", "display_name": "Ann"}, **address)
    locked = client.post("/join/", {"join_code": "NOPE42", "display_name": "Ann"}, **address).context["error"].message
    with translation.override(language):
        wait = gettext("%(n)s minutes") % {"n": settings.LAB_JOIN_LOCKOUT_MINUTES}
    assert locked.startswith(translated(language, UNKNOWN_CODE, code=repr("NOPE42")))
    assert translated(language, "That was %(n)s tries within a minute: this device must now wait %(wait)s before "
                                "trying again (the facilitator can lift this).", n=2, wait=wait) in locked
    refused = client.post("/join/", {"join_code": "NOPE43", "display_name": "Ann"}, **address)
    assert refused.status_code == 429
    first_words = translated(language, "Too many wrong join codes from this device. Wait %(wait)s (until "
                                       "%(until)s UTC) and try again, or ask the facilitator: the console can lift "
                                       "this.").split("%(wait)s")[0]
    assert refused.context["error"].message.startswith(first_words)


@pytest.mark.parametrize("language", LANGUAGES)
def test_unstorable_text_is_refused_in_the_readers_language(language):
    with translation.override(language), pytest.raises(LabError) as refused:
        text_check("A\x00", field="display_name", label=gettext("A display name"))
    assert refused.value.message.startswith(translated(language, "A display name"))
    with translation.override(language):
        expected = gettext("%(label)s contains a character that cannot be stored (a NUL character or an unpaired "
                           "surrogate, which a keyboard does not type). Remove it, or retype the text, and try "
                           "again.") % {"label": gettext("A display name")}
    assert refused.value.message == expected


def test_the_notice_to_the_old_device_is_a_message_each_socket_reads_in_its_language(lobby_session):
    """The rejoin notice goes to every socket of the seat: rendered per reader, never fixed in the rejoiner's."""
    person = participant_join(join_code=lobby_session.join_code, display_name="Ann")
    sent = []
    with mock.patch("classroom.services.sessions.emit_participant_event",
                    side_effect=lambda pid, kind, payload: sent.append(payload)):
        with translation.override("de"):
            participant_rejoin(join_code=lobby_session.join_code, display_name="Ann",
                               rejoin_code=person.rejoin_code, client="10.0.0.9")
    (payload,) = sent
    msgid = ("You opened your seat on another device. This page no longer follows the team; close it, or rejoin "
             "here with your name and rejoin code.")
    assert render(payload, "en")["message"] == msgid
    assert render(payload, "fr")["message"] == translated("fr", msgid)
    assert render(payload, "de")["message"] == translated("de", msgid)


def test_the_hr_csv_header_row_is_in_the_readers_language(client, workshop):
    client.force_login(workshop["facilitator"])
    session = workshop["session"]
    reader(client, "de")
    body = client.get("/reports/", {"report": "people", "session": session.id, "format": "csv"}).content
    header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    with translation.override("de"):
        expected = [gettext(c.header) for c in REPORT_COLUMNS["people"]]
    assert header == expected
    assert translated("de", "Participant") in header and "Participant" not in header
    reader(client, "en")
    body = client.get("/reports/", {"report": "people", "session": session.id, "format": "csv"}).content
    assert next(csv.reader(io.StringIO(body.decode("utf-8-sig")))) == [c.header for c in REPORT_COLUMNS["people"]]


def test_the_reports_page_shows_headers_and_view_names_in_the_readers_language(client, workshop):
    client.force_login(workshop["facilitator"])
    page = reader(client, "fr").get("/reports/", {"report": "teams", "session": workshop["session"].id})
    html = unescape(page.content.decode())
    assert translated("fr", "Per person and role") in html
    assert translated("fr", "Participation by team") in html
    assert translated("fr", "Median minutes to align") in html


def test_the_workbook_names_its_sheets_and_about_lines_in_the_readers_language(client, workshop):
    from openpyxl import load_workbook

    client.force_login(workshop["facilitator"])
    body = reader(client, "fr").get("/reports/", {"report": "people", "session": workshop["session"].id,
                                                  "format": "xlsx"}).content
    book = load_workbook(io.BytesIO(body))
    with translation.override("fr"):
        names = [gettext(n) for n in ("People", "Roles", "Teams", "Sessions", "About")]
        about_first = gettext("Report asked for")
        header = [gettext(c.header) for c in REPORT_COLUMNS["people"]]
    assert book.sheetnames == names
    assert book[names[-1]]["A1"].value == about_first
    assert [c.value for c in book[names[0]][1]] == header


def test_a_facilitator_is_refused_a_stranger_session_in_their_language(client):
    owner, other = factories.make_facilitator(), factories.make_facilitator()
    session = factories.make_session(owner)
    client.force_login(other)
    response = reader(client, "fr").get(f"/console/s/{session.id}/")
    assert response.status_code == 403
    assert response.context["error"].message == translated("fr", "Only this session's facilitator can do that.")


def test_the_default_purpose_of_personal_data_reads_in_the_readers_language(client, lobby_session):
    """The stored default purpose is English; a facilitator's own wording is shown as they wrote it."""
    from classroom.models import DEFAULT_PERSONAL_DATA_PURPOSE, Session

    Session.objects.filter(pk=lobby_session.pk).update(asks_email=True)
    page = reader(client, "fr").get(f"/join/{lobby_session.join_code}/")
    privacy = page.context["privacy"]
    assert privacy["purpose"] == translated("fr", DEFAULT_PERSONAL_DATA_PURPOSE)
    assert privacy["asked"] == translated("fr", "your email")
    Session.objects.filter(pk=lobby_session.pk).update(personal_data_purpose="Für die Teilnahmeliste.")
    assert reader(client, "fr").get(f"/join/{lobby_session.join_code}/").context["privacy"]["purpose"] == (
        "Für die Teilnahmeliste.")


def test_a_number_in_a_message_is_rounded_not_cut():
    """Django's number_format drops the extra digits; a message's number rounds, as an f-string would."""
    from classroom.i18n_text import message, number

    with translation.override("en"):
        assert render(message("%(x)s", x=number(0.96, 0))) == f"{0.96:.0f}" == "1"
        assert render(message("%(x)s", x=number(1234.56, 1))) == "1,234.6"
    assert render(message("%(x)s", x=number(1234.56, 1)), "de") == "1.234,6"


@pytest.mark.django_db
def test_a_team_is_named_in_the_readers_language(started_session):
    team = started_session.teams.order_by("number").first()
    with translation.override("fr"):
        assert team.name == f"Équipe {team.number}"
    with translation.override("de"):
        assert team.name == f"Team {team.number}"
    assert team.name == f"Team {team.number}"
