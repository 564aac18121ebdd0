"""A course link followed in a real Chromium: the simulated platform (tests/facilitator/lti_platform.py) serves
the course page and answers the lab's authentication request with its self-posting form, as a platform does;
the learner confirms the filled-in join form and lands live in the room, the instructor on the console."""
import pytest
from playwright.sync_api import expect

from classroom.models import Participant
from facilitator.lti_models import LtiAccount
from tests.browser.test_accessibility_pages import assert_accessible
from tests.facilitator.lti_platform import INSTRUCTOR, Platform

pytestmark = pytest.mark.browser


@pytest.fixture
def platform(lab_server):
    simulated = Platform(tool_url=lab_server.url)
    yield simulated
    simulated.close()


def test_a_learner_follows_the_course_link_into_the_room(browser, lab_server, platform, lobby_session):
    platform.register()
    platform.next_person = {"sub": "learner-42", "session_code": lobby_session.join_code}
    page = browser.new_context().new_page()
    page.goto(f"{platform.url}/course")
    page.get_by_role("button", name="Open the Decision Lab").click()
    name = page.get_by_label("Your display name")
    expect(name).to_have_value("Ada Lovelace", timeout=10_000)
    assert_accessible(page, "join form of a launch")
    name.fill("Ada L.")
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(f"{lab_server.url}/play/{lobby_session.join_code}/")
    expect(page.locator("#conn")).to_have_text("live", timeout=10_000)
    person = Participant.objects.get()
    assert (person.display_name, person.platform_subject, person.platform_issuer) == (
        "Ada L.", "learner-42", platform.issuer)
    # the next launch, in the same browser: straight to the same seat
    page.goto(f"{platform.url}/course")
    page.get_by_role("button", name="Open the Decision Lab").click()
    page.wait_for_url(f"{lab_server.url}/play/{lobby_session.join_code}/")
    assert Participant.objects.count() == 1


def test_the_instructor_follows_the_course_link_to_the_console(browser, lab_server, platform, lobby_session,
                                                               facilitator):
    LtiAccount.objects.create(platform=platform.register(), subject="teacher-7", user=facilitator)
    platform.next_person = {"sub": "teacher-7", "roles": [INSTRUCTOR], "session_code": lobby_session.join_code}
    page = browser.new_context().new_page()
    page.goto(f"{platform.url}/course")
    page.get_by_role("button", name="Open the Decision Lab").click()
    page.wait_for_url(f"{lab_server.url}/console/s/{lobby_session.id}/")
    expect(page.get_by_text(lobby_session.join_code).first).to_be_visible()


def test_a_framed_course_link_opens_the_lab_in_its_own_tab(browser, lab_server, platform, lobby_session):
    platform.register()
    platform.next_person = {"sub": "learner-43", "session_code": lobby_session.join_code}
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{platform.url}/framed")
    frame = page.frame_locator("iframe[title='Decision Lab']")
    opener = frame.get_by_role("button", name="Open the Decision Lab")
    expect(opener).to_be_visible(timeout=10_000)  # shown in the frame, not blocked by X-Frame-Options
    with context.expect_page() as new_tab:
        opener.click()
    tab = new_tab.value
    expect(tab.get_by_label("Your display name")).to_have_value("Ada Lovelace", timeout=10_000)
    tab.get_by_role("button", name="Join").click()
    tab.wait_for_url(f"{lab_server.url}/play/{lobby_session.join_code}/")
    assert Participant.objects.get().platform_subject == "learner-43"
