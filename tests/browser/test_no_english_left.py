"""A German and a French workshop, read in Chromium as people see it: the join page, the room, the console, the
projector, the debrief, the guide and the reports carry no English sentence (issue 14). What people typed (names, the rationale) is typed here in the
reader's language; a line counts as English when it holds two or more words only English uses."""
import re

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from classroom.models import Participant, StaffLanguage
from game.models import PackageVersion
from game.services import rounds
from tests import factories
from classroom.identity import cookie_name, sign_token

pytestmark = pytest.mark.browser

# Words German and French never use (so "was", "an", "on", "as" are left out).
ENGLISH = {"the", "and", "your", "you", "with", "this", "that", "what", "which", "when", "before", "after", "only",
           "will", "has", "have", "were", "its", "from", "each", "every", "than", "into", "are", "of", "to", "is"}
PEOPLE = {"de": ("Anna", "Bernd", "Carla", "Dieter"), "fr": ("Amélie", "Bruno", "Chloé", "Didier")}
RATIONALE = {"de": "Erst die Instandhaltung, dann die Menge.", "fr": "D'abord la maintenance, ensuite le volume."}


def open_room(browser, server, person):
    """The room as the person's browser opens it (test_connection.room waits for the English word "live")."""
    context = browser.new_context()
    context.add_cookies([{"name": cookie_name(person.session.join_code), "value": sign_token(person.rejoin_token),
                          "url": server.url}])
    page = context.new_page()
    page.goto(f"{server.url}/play/{person.session.join_code}/")
    expect(page.locator("#conn.ok")).to_be_visible(timeout=10_000)
    expect(page.locator("#team-name")).not_to_be_empty()  # the snapshot has arrived
    return page


def english_lines(page) -> list[str]:
    text = page.evaluate("document.body.innerText")
    return [line.strip() for line in text.splitlines()
            if sum(1 for word in re.findall(r"[A-Za-z]+", line) if word.lower() in ENGLISH) >= 2]


@pytest.mark.parametrize("language", ["de", "fr"])
def test_a_workshop_in_one_language_shows_no_english(browser, lab_server, facilitator, language):
    session = factories.make_session(facilitator)
    session.name = {"de": "Werkstatt Nord", "fr": "Atelier Nord"}[language]
    session.save(update_fields=["name"])
    for name in PEOPLE[language]:
        factories.join_many(session, 1, prefix=name)
    session = factories.start(session, facilitator)
    factories.committed(session)
    PackageVersion.objects.filter(round__session=session).update(rationale=RATIONALE[language])
    Participant.objects.filter(session=session).update(language=language)
    StaffLanguage.objects.create(user=facilitator, language=language)
    facilitator.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")  # the server's hasher
    facilitator.save()

    seen = {}
    director = open_room(browser, lab_server, factories.holder(session, "director"))
    expect(director.locator("html")).to_have_attribute("lang", language)
    director.wait_for_timeout(500)
    seen["room, round open"] = english_lines(director)
    expect(director.locator("#team-name")).to_have_text({"de": "Team 1", "fr": "Équipe 1"}[language])

    console = browser.new_context().new_page()
    console.goto(f"{lab_server.url}/console/s/{session.id}/")
    console.fill("input[name=username]", facilitator.username)
    console.fill("input[name=password]", "pw-for-tests")
    console.click("main button[type=submit]")
    expect(console.locator("html")).to_have_attribute("lang", language)
    console.wait_for_timeout(1000)
    seen["console"] = english_lines(console)

    projector = browser.new_context().new_page()
    projector.goto(f"{lab_server.url}/projector/{session.join_code}/")
    expect(projector.locator("html")).to_have_attribute("lang", language)
    projector.wait_for_timeout(1000)
    seen["projector"] = english_lines(projector)

    rounds.round_advance(session_id=session.id, user=facilitator, round_number=1)
    director.reload()
    expect(director.locator("html")).to_have_attribute("lang", language)
    director.wait_for_timeout(1500)
    seen["room, after the month"] = english_lines(director)
    for path in (f"/console/s/{session.id}/debrief/", f"/console/s/{session.id}/guide/", "/console/", "/reports/"):
        console.goto(lab_server.url + path)
        console.wait_for_timeout(1000)
        seen[path] = english_lines(console)

    newcomer = browser.new_context()
    newcomer.add_cookies([{"name": "django_language", "value": language, "url": lab_server.url}])
    join = newcomer.new_page()
    join.goto(f"{lab_server.url}/join/{session.join_code}/")
    expect(join.locator("html")).to_have_attribute("lang", language)
    seen["join page"] = english_lines(join)

    assert {page: lines for page, lines in seen.items() if lines} == {}
