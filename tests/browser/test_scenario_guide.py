"""The facilitator guide in Chromium: from a session's console one click opens the guide of its scenario; the
questions are found by their heading, the look-fors name their KPIs, axe-core finds nothing serious, and
printing hides the navigation and the buttons."""
import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from classroom.services.sessions import session_create
from game import engine
from game.dashboards import KPIS
from tests import factories
from tests.browser.axe import axe_violations
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def test_one_click_from_the_console_to_a_printable_guide(browser, lab_server):
    facilitator = factories.make_facilitator("guide-facilitator")
    facilitator.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")  # the server's hasher
    facilitator.save()
    session = session_create(facilitator=facilitator, name="Shock cohort", scenario_name="shocks", rounds=8,
                             minutes_per_round=10, seed=3)
    scenario = engine.load_scenario("shocks")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{lab_server.url}/console/s/{session.id}/")
    page.fill("input[name=username]", facilitator.username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main button[type=submit]")

    page.get_by_role("link", name="Facilitator guide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Facilitator guide: {scenario.title}")
    questions = page.get_by_role("list", name="Discussion questions").get_by_role("listitem")
    expect(questions).to_have_text(scenario.teaching_note["questions"])
    look_for = page.get_by_role("list", name="What to look for in the data").get_by_role("listitem")
    expect(look_for).to_have_count(len(scenario.teaching_note["look_for"]))
    first = scenario.teaching_note["look_for"][0]
    expect(look_for.first).to_contain_text(KPIS[first["kpis"][0]].label)
    expect(page.get_by_role("table", name="Disruption schedule").locator("tbody tr")).to_have_count(
        len(scenario.disruption_schedule))

    violations = axe_violations(page)
    assert not violations, "\n".join(f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}"
                                     for v in violations)

    buttons = page.locator("header.topbar nav a, button")
    assert buttons.count() >= 2 and page.get_by_role("button", name="Print or save as PDF").is_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    for i in range(buttons.count()):
        assert not buttons.nth(i).is_visible(), buttons.nth(i).evaluate("e => e.outerHTML.slice(0, 120)")
    expect(questions.first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "guide-shocks-print.png"), full_page=True)
    body = page.pdf(format="A4")
    (ARTIFACTS / "guide-shocks.pdf").write_bytes(body)
    assert body.startswith(b"%PDF-")
