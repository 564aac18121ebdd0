"""No serious or critical axe-core violations on the pages around the room: join, login, the console's
session list, a running session's live console, and HR's reports page."""
import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from classroom.identity import cookie_name, sign_token
from game.services.packages import package_approve
from tests import factories
from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}: " + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}" for v in violations)


def log_in(browser, server, user, path="/console/"):
    user.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")  # the server's hasher
    user.save()
    page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    page.goto(f"{server.url}{path}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main button[type=submit]")
    return page


def room(browser, server, person):
    code = person.session.join_code
    context = browser.new_context()
    context.add_cookies([{"name": cookie_name(code), "value": sign_token(person.rejoin_token), "url": server.url}])
    page = context.new_page()
    page.goto(f"{server.url}/play/{code}/")
    expect(page.locator("#conn")).to_have_text("live", timeout=10_000)
    return page


def test_join_page_has_no_serious_violations(browser, lab_server, lobby_session):
    page = browser.new_context().new_page()
    page.goto(f"{lab_server.url}/join/")
    page.click("summary")  # the rejoin code field, opened
    assert_accessible(page, "join page")
    page.fill("input[name=join_code]", "ZZZZZZ")
    page.fill("input[name=display_name]", "Lost")
    page.click("main button[type=submit]")
    expect(page.locator(".error")).to_contain_text("No workshop has the code")
    assert_accessible(page, "join page with an error")
    page.goto(f"{lab_server.url}/join/{lobby_session.join_code}/?lost=elsewhere")
    assert_accessible(page, "join page for a seat opened elsewhere")


def test_login_page_has_no_serious_violations(browser, lab_server):
    page = browser.new_context().new_page()
    page.goto(f"{lab_server.url}/console/login/?denied=4401")
    expect(page.locator(".error")).to_be_visible()
    assert_accessible(page, "login page")


def test_console_session_list_has_no_serious_violations(browser, lab_server, started_session, facilitator):
    factories.make_session(facilitator)
    page = log_in(browser, lab_server, facilitator)
    expect(page.locator("table.table tbody tr")).to_have_count(2)
    page.locator("details.scenario-note summary").first.click()
    assert_accessible(page, "console session list")


def test_live_console_of_a_running_session_has_no_serious_violations(browser, lab_server, lobby_session,
                                                                     facilitator):
    people = factories.join_many(lobby_session, 8)
    factories.start(lobby_session, facilitator)
    factories.committed(lobby_session)
    team2 = lobby_session.teams.order_by("number")[1]
    version = team2.package_versions.order_by("-version").first().version
    for person in team2.seats.values_list("participant_id", flat=True).distinct():
        package_approve(participant_id=person, version=version, client_msg_id=f"a11y-{person}")
    present = type(people[0]).objects.select_related("session").get(pk=people[0].pk)
    room(browser, lab_server, present)
    page = log_in(browser, lab_server, facilitator, f"/console/s/{lobby_session.id}/")
    expect(page.locator("#conn")).to_have_text("live", timeout=10_000)
    expect(page.locator("#people-count")).to_have_text("(8 people)")
    # State in words, not by colour alone: who is connected, who approved, which team is aligned.
    expect(page.locator(".team-card[data-team='2'] h3")).to_contain_text("aligned")
    expect(page.locator(".team-card[data-team='2'] .badge[data-role=hr]")).to_have_text("HR ✓ approved")
    expect(page.locator(".team-card[data-team='1'] .badge[data-role=hr]")).to_have_text("HR not yet approved")
    expect(page.locator(f"li[data-participant='{present.id}'] .presence")).to_have_text("connected")
    expect(page.locator(f"li[data-participant='{people[1].id}'] .presence")).to_have_text("not connected yet")
    page.locator(".team-card[data-team='1'] details.arrange summary").click()
    assert_accessible(page, "live console")

    # After a disruption and a closed round: the disruption list, the leaderboard and the debrief.
    page.fill("#inject-form input[name=magnitude]", "0.8")
    page.click("#inject-form button[type=submit]")
    expect(page.locator("#disruptions li")).to_have_count(1)
    page.click("button[data-cmd=advance]")
    expect(page.locator("#leaderboard tbody tr")).to_have_count(2, timeout=20_000)
    assert_accessible(page, "live console after a round")


def test_hr_reports_page_has_no_serious_violations(browser, lab_server, started_session):
    hr = factories.make_facilitator("hr-person")
    hr.groups.add(Group.objects.get_or_create(name="hr")[0])
    page = log_in(browser, lab_server, hr, "/reports/?report=people")
    expect(page.locator("table.report-table tbody tr")).to_have_count(4)
    assert_accessible(page, "reports page")
    page.goto(f"{lab_server.url}/reports/?report=sessions&from=2020-13-01")
    expect(page.locator(".error")).to_be_visible()
    assert_accessible(page, "reports page with an invalid filter")
