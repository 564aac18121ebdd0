"""Services mode with two daphne processes: teammates on different processes see each other live,
because the Redis channel layer carries the events between them."""
import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import LabServer
from tests.browser.test_resilience import participant_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not settings.SERVICES_MODE, reason="two processes share events only through Redis"),
]


def test_an_edit_on_one_process_reaches_a_teammate_on_another(browser, lab_server, started_session):
    second = LabServer(lab_server.env)
    second.start()
    try:
        hr, director = (type(p).objects.select_related("session").get(pk=p.pk)
                        for p in (factories.holder(started_session, "hr"), factories.holder(started_session, "director")))
        hr_page = participant_page(browser, lab_server, hr)
        director_page = participant_page(browser, second, director)
        hr_page.fill("#lever-overtime_share", "0.15")
        hr_page.locator("#lever-overtime_share").dispatch_event("change")
        expect(director_page.locator("#package-version")).to_have_text("version 2", timeout=10_000)
        expect(director_page.locator("#lever-overtime_share")).to_have_value("0.15")
        director_page.click("#preview-btn")  # and the second process answers its own sockets
        expect(director_page.locator("#preview")).to_contain_text("Good units", timeout=20_000)
    finally:
        second.stop()
