"""The pages' own words (frontend/templates) read in the reader's language: a browser whose language cookie says
German or French gets translated headings, labels and attribute text, and none of their English originals.

The expected words come from the catalogue (translation.override + gettext), so a changed translation does not
break these tests; a few sanity anchors are written out, so a catalogue that silently returns English fails."""
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from classroom.identity import cookie_name, sign_token
from tests import factories
from tests.classroom.test_reports import make_hr_user
from tests.played import play_two_months

COOKIE = settings.LANGUAGE_COOKIE_NAME
LANGUAGES = ["de", "fr"]

# The page's own text, wrapped as it is in the template: (before, msgid, after).
JOIN = [(">", "Join your workshop", "<"), (">", "Type the code shown on the projector, or scan its QR code.", "<"),
        (">", "Join code", " <input"), (">", "Your display name", " <input"), (">", "Rejoin code", " <input"),
        ("<summary>", "Back in the workshop on another device? Your rejoin code", "</summary>"),
        ('class="primary">', "Join", "</button>"), ("<title>", "Join a workshop", " · ")]
ROOM = [(">", "Your decisions", " <span"), (">", "The team's commitment for the month", "<"),
        (">", "Approve this package", "<"), (">", "Team chat", "<"), (">", "Send", "<"),
        ('aria-label="', "Team members", '"'), ('placeholder="', "Say something to your team", '"'),
        (">", "Does the package fit?", "<"), (">", "Results, month by month", "<")]
CONSOLE_LIST = [(">", "New session", "<"), (">", "Session name", " <input"), (">", "Create session", "<"),
                (">", "Scenario library", "<"), (">", "Your sessions", "<"), ("> ", "Ask for their email", "</label>"),
                (">", "Participation reports", "<")]
CONSOLE = [(">", "Start session", "<"), (">", "Close round now", "<"), (">", "Inject or schedule a disruption", "<"),
           (">", "Leaderboard", "<"), ('aria-label="', "Cover absent roles", '"'),
           (">", "Open the projector view", "<"), (">", "Debrief and results", "<"),
           ('title="', "Adds bots to teams with fewer than four people (lobby only)", '"')]
PROJECTOR = [(">", "Join the workshop", "<"), (">", "Who has joined", "<"), (">", "Announced disruptions", "<"),
             (">", "Join code", "<")]
DEBRIEF = [(">", "Leaderboard on the balanced scorecard", "<"), (">", "Why they rank as they do", "<"),
           (">", "Any KPI, team by team", "<"), (">", "Mistakes the plant revealed", "<"),
           (">", "The alignment story", "<"), (">", "Decisions, month by month", "<"), (">", "Print the debrief", "<"),
           ('aria-label="', "Leaderboard, scrollable", '"')]
REPORTS = [("<h1>", "Participation reports", "</h1>"), (">", "Show report", "<"), (">", "From (UTC)", "\n"),
           (">", "All sessions", "<"),
           (">", "A session counts on the day (UTC) it was created; both dates are included. Times are UTC.", "<")]
LOGIN = [("<h1>", "Facilitator login", "</h1>"), (">", "Username", " <input"), (">", "Password", " <input"),
         ('class="primary">', "Log in", "</button>")]

# Sanity anchors: the catalogue really holds these words (not the English, not an empty string).
ANCHORS = {"de": ["Treten Sie Ihrem Workshop bei", "Beitrittscode"],
           "fr": ["Rejoignez votre atelier", "Code de participation"]}


def reader(language: str, client: Client | None = None) -> Client:
    client = client or Client()
    client.cookies[COOKIE] = language
    return client


def assert_translated(response, language: str, expected: list[tuple[str, str, str]]):
    """Each msgid shows in its translation, in its place, and its English original is gone from that place."""
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(rf'<html lang="{language}"', body)
    for before, msgid, after in expected:
        with translation.override(language):
            translated = translation.gettext(msgid)
        assert translated != msgid, f"{msgid!r} has no {language} translation"
        assert before + translated + after in body, f"{language}: {translated!r} (for {msgid!r}) not on the page"
        assert before + msgid + after not in body, f"{language}: the English {msgid!r} is still on the page"


def seated(session, role: str, language: str) -> Client:
    person = factories.holder(session, role)
    client = reader(language)
    client.cookies[cookie_name(session.join_code)] = sign_token(person.rejoin_token)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_join_page(language):
    response = reader(language).get("/join/")
    assert_translated(response, language, JOIN)
    assert all(anchor in response.content.decode() for anchor in ANCHORS[language])


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_join_page_asking_personal_data_says_how_long_in_the_language(lobby_session, language):
    type(lobby_session).objects.filter(pk=lobby_session.pk).update(asks_email=True, retention_days=30)
    body = reader(language).get(f"/join/{lobby_session.join_code}/").content.decode()
    with translation.override(language):
        how_long = translation.ngettext(
            "<strong>How long:</strong> kept for %(days)s day after\n        the workshop ends, then anonymised. "
            "Nothing else about you is asked.",
            "<strong>How long:</strong> kept for %(days)s days after\n        the workshop ends, then anonymised. "
            "Nothing else about you is asked.", 30) % {"days": 30}
        email = translation.gettext("Email")
    assert how_long in body and "30" in how_long and "How long" not in body
    assert f"<label>{email} <input" in body


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_team_room_with_a_seat(started_session, language):
    assert_translated(seated(started_session, "finance", language).get(f"/play/{started_session.join_code}/"),
                      language, ROOM)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_console_list_and_a_session_console(facilitator, started_session, language):
    client = reader(language)
    client.force_login(facilitator)
    assert_translated(client.get("/console/"), language, CONSOLE_LIST)
    assert_translated(client.get(f"/console/s/{started_session.id}/"), language, CONSOLE)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_projector_speaks_the_facilitator_s_language(facilitator, started_session, language):
    console = Client()
    console.force_login(facilitator)
    console.post("/language/", {"language": language, "next": "/console/"})  # the facilitator's choice
    wall = Client()  # the wall's own browser: no cookie, an English Accept-Language
    response = wall.get(f"/projector/{started_session.join_code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert_translated(response, language, PROJECTOR)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_debrief_with_its_numbers_in_the_language(facilitator, language):
    session = factories.make_session(facilitator, rounds_count=2)
    play_two_months(session, facilitator)
    client = reader(language)
    client.force_login(facilitator)
    response = client.get(f"/console/s/{session.id}/debrief/")
    assert_translated(response, language, DEBRIEF)
    body = response.content.decode()
    with translation.override(language):
        played = translation.ngettext("%(played)s of %(total)s month played", "%(played)s of %(total)s months played",
                                      2) % {"played": 2, "total": 2}
        teams = translation.ngettext("%(teams)s team", "%(teams)s teams", 3) % {"teams": 3}
    assert played in body and teams in body and "months played" not in body
    means = re.findall(r'<td class="num strong">([^<]+)</td>', body)  # each team's average scorecard, one decimal
    assert len(means) == 3 and all(re.fullmatch(r"\d+,\d", mean) for mean in means), means  # 71,4 not 71.4


@pytest.mark.django_db(transaction=True)
def test_the_debrief_numbers_stay_english_in_english(facilitator):
    session = factories.make_session(facilitator, rounds_count=2)
    play_two_months(session, facilitator)
    client = Client()
    client.force_login(facilitator)
    body = client.get(f"/console/s/{session.id}/debrief/").content.decode()
    means = re.findall(r'<td class="num strong">([^<]+)</td>', body)
    assert len(means) == 3 and all(re.fullmatch(r"\d+\.\d", mean) for mean in means), means
    assert "2 of 2 months played" in body and "Leaderboard on the balanced scorecard" in body


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reports_page(language):
    client = reader(language)
    client.force_login(make_hr_user())
    assert_translated(client.get("/reports/"), language, REPORTS)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_login_page_and_its_messages(language):
    client = reader(language)
    assert_translated(client.get("/console/login/"), language, LOGIN)
    body = client.get("/console/login/?denied=4403").content.decode()
    with translation.override(language):
        denied = translation.gettext("That session's console is\n    open to its facilitator only: log in as them.")
    assert f'data-code="forbidden">{denied}</p>' in body and "open to its facilitator only" not in body


@pytest.mark.django_db
def test_english_is_unchanged_without_a_choice():
    body = Client().get("/join/").content.decode()
    assert '<html lang="en"' in body and "<h1>Join your workshop</h1>" in body
    assert "<label>Join code <input" in body and '<button type="submit" class="primary">Join</button>' in body
