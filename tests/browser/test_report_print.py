"""The printable person report in Chromium: HR signs in, opens a person's page and prints it to PDF; the PDF
holds the person's name and figures and none of the page's navigation or buttons, and table rows are kept whole."""
import io

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect
from pypdf import PdfReader

from classroom.report_filters import ReportFilter
from classroom.reports import participation_report
from tests import factories
from tests.browser.axe import axe_violations
from tests.browser.conftest import ARTIFACTS
from tests.classroom.test_reports import play_workshop

pytestmark = pytest.mark.browser


@pytest.fixture
def person_page(browser, lab_server, facilitator):
    workshop = play_workshop(facilitator)
    hr = factories.make_hr_only("hanna")
    hr.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")  # the server's hasher
    hr.save()
    person = workshop["director"]
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{lab_server.url}/reports/people/{person.id}/")
    page.fill("input[name=username]", hr.username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text(f"Participation: {person.display_name}")
    row = next(r for r in participation_report(user=hr, kind="people",
                                               filters=ReportFilter(session_id=workshop["session"].id)).rows
               if r["participant_id"] == person.id)
    return page, person, row


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_person_report_prints_to_pdf_with_figures_and_no_navigation(person_page):
    page, person, row = person_page
    on_screen = page.locator("header.topbar nav a, button")
    assert on_screen.count() >= 2 and page.get_by_role("button", name="Print or save as PDF").is_visible()
    page.emulate_media(media="print")
    ARTIFACTS.mkdir(exist_ok=True)
    expect(page.locator("header.topbar")).to_be_hidden()
    for i in range(on_screen.count()):
        assert not on_screen.nth(i).is_visible(), on_screen.nth(i).evaluate("e => e.outerHTML.slice(0, 120)")
    # rows are never split across pages, and a table split across pages repeats its header
    assert page.evaluate("getComputedStyle(document.querySelector('#overall tr')).breakInside") == "avoid"
    assert page.evaluate("getComputedStyle(document.querySelector('.print-table tbody tr')).breakInside") == "avoid"
    assert page.evaluate("getComputedStyle(document.querySelector('.print-table thead')).display") == \
        "table-header-group"

    page.screenshot(path=str(ARTIFACTS / f"report-person-{person.id}-print.png"), full_page=True)
    body = page.pdf(format="A4", landscape=True, print_background=True)
    (ARTIFACTS / f"report-person-{person.id}.pdf").write_bytes(body)
    assert body.startswith(b"%PDF-")
    text = pdf_text(body)
    flat = " ".join(text.split())
    assert f"Participation: {person.display_name}" in flat
    assert "Test workshop" in flat and "Roles Director" in flat
    # the person's figures, as the people report has them (worked out by hand in tests/classroom/test_reports.py)
    assert (row["minutes_connected"], row["edits"], row["approvals"], row["chat_messages"]) == (50.0, 2, 1, 1)
    for header, value in (("Minutes connected", "50.0"), ("Edits", "2"), ("Approvals", "1"),
                          ("Chat messages", "1"), ("Rounds active (edited, approved or chatted)", "2")):
        assert f"{header} {value}" in flat, (header, value)
    assert "Per role" in flat and "Per round" in flat
    for navigation in ("Participation reports", "Print or save as PDF", "Session summary", "Decision Lab",
                       "hanna"):
        assert navigation not in flat, navigation


def test_the_printable_pages_have_no_serious_accessibility_violations(person_page):
    page, person, row = person_page
    violations = axe_violations(page)
    assert not violations, violations
    page.get_by_role("link", name="Session summary").click()
    expect(page.locator("h1")).to_have_text("Session summary: Test workshop")
    expect(page.get_by_role("table", name="People")).to_contain_text(person.display_name)
    violations = axe_violations(page)
    assert not violations, violations
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    expect(page.get_by_role("table", name="Each team's rounds")).to_be_visible()
