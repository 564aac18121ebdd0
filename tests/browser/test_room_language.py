"""A participant who reads German gets room.js's own words in German (Django's JavaScript catalog) and its
numbers grouped the German way (format.js, Intl.NumberFormat with the page's language)."""
import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_connection import room

pytestmark = pytest.mark.browser


def test_the_room_speaks_german_to_a_german_reader(browser, lab_server, started_session):
    factories.committed(started_session)  # the director has stated the forecast: Approve can be enabled
    director = factories.holder(started_session, "director")
    director.language = "de"
    director.save(update_fields=["language"])
    page = room(browser, lab_server, director)  # "live" reads the same in German

    expect(page.locator("html")).to_have_attribute("lang", "de")
    rounds = started_session.rounds
    expect(page.locator("#round-label")).to_have_text(f"Runde 1 von {rounds}")
    expect(page.locator("#approve")).to_have_text(re.compile(r"^Version \d+ freigeben$"))
    expect(page.locator("#approve-why")).to_contain_text("Mit der Freigabe sagen Sie")
    expect(page.locator("#dashboard-note")).to_have_text("(Zahlen kommen nach dem ersten Monat)")
    # Thousands grouped with a dot, as German writes them ("24.035 Stück"), never with a comma.
    expect(page.locator("#forecast-units-hint")).to_have_text(
        re.compile(r"^Höchstens \d{1,3}(\.\d{3})+ Stück: was das Werk diesen Monat bei voller Leistung herstellen könnte\.$"))
    expect(page.locator("#forecast-cash-hint")).to_have_text(re.compile(r"^Heute: −?\d{1,3}(\.\d{3})+ EUR\.$"))

    # The connection status comes from socket.js in the reader's language too.
    page.context.set_offline(True)
    expect(page.locator("#conn")).to_have_text("Verbindung wird wiederhergestellt…", timeout=10_000)
    expect(page.locator("#approve-why")).to_have_text("Offline: Sie können freigeben, sobald die Verbindung wieder steht.")
    page.context.set_offline(False)
    expect(page.locator("#conn")).to_have_text("live", timeout=15_000)
    page.context.close()
