"""A facilitator checking on a phone while walking the room: the sessions list, the live console and the debrief fit
390 px with no sideways scroll (wide tables scroll inside their box), and the top bar's links stay reachable."""
import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import staff_page
from tests.played import play_two_months

pytestmark = pytest.mark.browser


def page_width(page) -> tuple[int, int]:
    return tuple(page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]"))


def test_the_console_list_live_console_and_debrief_fit_a_phone(browser, lab_server, facilitator):
    session = factories.make_session(facilitator, rounds_count=2)
    play_two_months(session, facilitator)
    page = staff_page(browser, lab_server, facilitator, "/console/", viewport=(390, 844))
    expect(page.get_by_role("heading", name="New session")).to_be_visible()
    for path, heading in (("/console/", "New session"), (f"/console/s/{session.id}/", "Teams"),
                          (f"/console/s/{session.id}/debrief/", "Debrief: Test workshop")):
        page.goto(f"{lab_server.url}{path}")
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        scroll, client = page_width(page)
        assert scroll <= client, f"{path}: the page is {scroll} px wide on a {client} px phone"
        for link in page.locator("header.topbar a").all():  # every link of the top bar is on the screen
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= client, f"{path}: {link.inner_text()}"
