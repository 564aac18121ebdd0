"""Before the session starts, seating deals roles only provisionally (the first person of a team holds all four
until others join): the room says so instead of showing every role as theirs."""
import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from classroom.identity import cookie_name, sign_token
from tests import factories

pytestmark = pytest.mark.browser


def test_lobby_roles_are_provisional_until_the_session_starts(browser, lab_server, lobby_session, facilitator):
    (ana,) = factories.join_many(lobby_session, 1)
    code = lobby_session.join_code
    context = browser.new_context()
    context.add_cookies([{"name": cookie_name(code), "value": sign_token(ana.rejoin_token), "url": lab_server.url}])
    page = context.new_page()
    page.goto(f"{lab_server.url}/play/{code}/")
    expect(page.locator("#conn")).to_have_text("live", timeout=10_000)
    expect(page.locator("#roles-provisional")).to_have_text("Provisional: your role is set when the session starts.")
    expect(page.locator("#your-roles .role.provisional")).to_have_count(4)
    expect(page.locator("#my-levers legend", has_text="(yours)")).to_have_count(0)
    expect(page.locator("#my-levers fieldset.mine")).to_have_count(0)
    expect(page.locator("#team-members")).to_contain_text("role set at the start")

    factories.join_many(lobby_session, 3, prefix="Late")
    facilitator.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")  # the server's hasher
    facilitator.save()
    console = browser.new_context().new_page()
    console.goto(f"{lab_server.url}/console/s/{lobby_session.id}/")
    console.fill("input[name=username]", facilitator.username)
    console.fill("input[name=password]", "pw-for-tests")
    console.click("main button[type=submit]")
    expect(console.locator("#people-count")).to_have_text("(4 people)", timeout=10_000)
    console.click("button[data-cmd=start]")  # the room hears session.changed and resyncs
    expect(page.locator("#round-label")).to_have_text("Round 1 of 2", timeout=10_000)
    expect(page.locator("#roles-provisional")).to_be_hidden()
    expect(page.locator("#your-roles .role.provisional")).to_have_count(0)
    expect(page.locator("#your-roles .role")).to_have_count(1)
    expect(page.locator("#my-levers legend", has_text="(yours)")).to_have_count(1)
    expect(page.locator("#team-members")).not_to_contain_text("role set at the start")
