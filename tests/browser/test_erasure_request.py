"""An erasure request in Chromium, as HR meets one: an email names a person, not a session. HR finds them with the
reports page's Person box, opens their page, erases their personal data, and the reports keep their figures
under "Participant N" with no email left."""
import re

import pytest
from playwright.sync_api import expect

from classroom.models import Participant
from tests import factories
from tests.browser.axe import axe_violations
from tests.browser.conftest import staff_page
from tests.classroom.test_reports import play_workshop

pytestmark = pytest.mark.browser


def test_hr_finds_a_person_by_email_and_erases_their_data(browser, lab_server, facilitator):
    workshop = play_workshop(facilitator)
    other = play_workshop(facilitator, name="Cohort 4", names=["Eve", "Finn", "Gus", "Hal"])  # another session
    for someone in Participant.objects.filter(session=other["session"]):
        someone.email = f"{someone.display_name.lower()}@example.org"
        someone.save(update_fields=["email"])
    person = Participant.objects.get(session=workshop["session"], email="p1@example.com")
    page = staff_page(browser, lab_server, factories.make_hr_only("hanna"), "/reports/")

    page.get_by_label("Person (part of a name, email or employee id)").fill("P1@EXAMPLE.COM")
    page.get_by_role("button", name="Show report").click()
    expect(page.get_by_role("heading", name=re.compile(r"Participation by person \(1 row\)"))).to_be_visible()
    preview = page.get_by_role("region", name="Report preview")
    expect(preview).to_contain_text("p1@example.com")
    assert not axe_violations(page)

    preview.get_by_role("link", name=person.display_name).click()
    expect(page.get_by_role("heading", name=f"Participation: {person.display_name}")).to_be_visible()
    page.get_by_role("radio", name=re.compile("Anonymise: the name becomes")).check()
    page.get_by_label("I have checked that this is the person who asked").check()
    page.get_by_role("button", name="Erase personal data").click()
    expect(page.get_by_role("status")).to_contain_text("erased (anonymised)")

    person.refresh_from_db()
    assert person.display_name.startswith("Participant ") and person.email == "" and person.employee_id == ""
    page.goto(f"{lab_server.url}/reports/?person=p1%40example.com")
    expect(page.get_by_role("heading", name=re.compile(r"Participation by person \(0 rows\)"))).to_be_visible()
    page.goto(f"{lab_server.url}/reports/?person={person.display_name.replace(' ', '+')}")
    row = page.get_by_role("region", name="Report preview").get_by_role("row").nth(1)
    expect(row).to_contain_text(person.display_name)
    expect(row).not_to_contain_text("p1@example.com")
    assert Participant.objects.filter(session=workshop["session"], is_bot=False).count() == 4  # figures kept
