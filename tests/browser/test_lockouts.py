"""In a browser against a real server: a device that guesses join codes is locked out with the wait in
words; the facilitator finds it on the console's Locked-out devices page, lifts it, and the device joins.
The page and the locked join page have no serious axe violations."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.test_accessibility_pages import log_in

pytestmark = pytest.mark.browser


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}: " + "\n".join(f"{v['impact']} {v['id']}: {v['help']}" for v in violations)


def test_a_guessing_device_is_locked_out_then_lifted_by_the_facilitator(browser, lab_server, lobby_session, facilitator):
    guesser = browser.new_context().new_page()
    for i in range(10):  # the server runs the shipped limit: 10 unknown codes a minute
        guesser.goto(f"{lab_server.url}/join/")
        guesser.fill("input[name=join_code]", f"ZZZZ{i:02d}")
        guesser.fill("input[name=display_name]", "Guesser")
        guesser.click("main button[type=submit]")
    expect(guesser.locator(".error")).to_contain_text("this device must now wait 5 minutes")
    guesser.fill("input[name=join_code]", lobby_session.join_code)
    guesser.click("main button[type=submit]")
    expect(guesser.locator(".error")).to_contain_text("Too many wrong join codes from this device. Wait 5 minutes")
    assert_accessible(guesser, "join page, locked out")

    console = log_in(browser, lab_server, facilitator, f"/console/s/{lobby_session.id}/")
    console.get_by_role("link", name="Locked-out devices").click()
    row = console.locator("table[data-lockouts=join] tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("127.0.0.1")
    expect(row).to_contain_text("10 wrong join codes within a minute")
    assert_accessible(console, "locked-out devices page")
    console.get_by_role("button", name="Lift the lockout of 127.0.0.1 (join codes)").click()
    expect(console.locator("p[data-lockouts=join]")).to_have_text("No device is locked out.")

    guesser.fill("input[name=join_code]", lobby_session.join_code)
    guesser.fill("input[name=display_name]", "Guesser")
    guesser.click("main button[type=submit]")
    expect(guesser).to_have_url(f"{lab_server.url}/play/{lobby_session.join_code}/")
