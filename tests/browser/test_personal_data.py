"""The join page of a session that asks for personal data: the fields, why and how long, errors at the field,
no serious axe violations; the console's new-session form sets what a session asks."""
import re

import pytest
from playwright.sync_api import expect

from classroom.models import Participant, Session
from tests.browser.test_accessibility_pages import assert_accessible, log_in

pytestmark = pytest.mark.browser


def test_the_join_page_asks_says_why_and_checks_at_the_field(browser, lab_server, lobby_session):
    Session.objects.filter(pk=lobby_session.pk).update(asks_email=True, asks_employee_id=True,
                                                       personal_data_purpose="HR logs your training hours.",
                                                       retention_days=60)
    page = browser.new_context().new_page()
    page.goto(f"{lab_server.url}/join/{lobby_session.join_code}/")
    fields = page.get_by_role("group", name="This workshop asks for your email and your employee id")
    expect(fields).to_contain_text("HR logs your training hours.")
    expect(fields).to_contain_text("kept for 60 days")
    assert_accessible(page, "join page asking for personal data")
    page.fill("input[name=display_name]", "Ada")
    page.get_by_label("Email").fill("ada@nowhere")
    page.get_by_label("Employee id").fill("E-77")
    page.evaluate("document.querySelector('form.stack').noValidate = true")  # let the server judge it
    page.click("main button[type=submit]")
    email = page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#email-error")).to_contain_text("is not an email address")
    assert_accessible(page, "join page with an email error")
    email.fill("ada@example.com")
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{lab_server.url}/play/{lobby_session.join_code}/", timeout=10_000)
    person = Participant.objects.get(session=lobby_session, display_name="Ada")
    assert (person.email, person.employee_id) == ("ada@example.com", "E-77")


def test_the_console_form_sets_what_a_session_asks(browser, lab_server, facilitator):
    page = log_in(browser, lab_server, facilitator)
    page.get_by_label("Session name").fill("Cohort 12")
    page.get_by_label("Ask for their email").check()
    page.get_by_label("Why you ask (shown to participants)").fill("Attendance for the HR record.")
    page.get_by_label("Keep it for (days after the session ends)").fill("21")
    assert_accessible(page, "console with the personal data part")
    page.get_by_role("button", name="Create session").click()
    expect(page).to_have_url(re.compile(r"/console/s/\d+/$"), timeout=10_000)
    session = Session.objects.get(name="Cohort 12")
    assert (session.asks_email, session.asks_employee_id, session.personal_data_purpose, session.retention_days) == (
        True, False, "Attendance for the HR record.", 21)


def test_the_lobby_changes_what_it_asks(browser, lab_server, lobby_session, facilitator):
    page = log_in(browser, lab_server, facilitator, path=f"/console/s/{lobby_session.id}/")
    settings = page.locator("#personal-data-settings")
    expect(settings.locator("summary")).to_have_text("Personal data asked: none")
    settings.locator("summary").click()
    settings.get_by_label("Ask for their employee id").check()
    settings.get_by_label("Keep it for (days after the session ends)").fill("15")
    assert_accessible(page, "console with the personal data form open")
    settings.get_by_role("button", name="Save what this session asks").click()
    expect(page.locator("#personal-data-settings summary")).to_have_text(
        "Personal data asked: employee id, kept 15 days")
    lobby_session.refresh_from_db()
    assert lobby_session.asks_employee_id and lobby_session.retention_days == 15
