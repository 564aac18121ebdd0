"""No seat is ever lost, in a real browser: rejoin on another device with name and rejoin code; a silent
teammate's role is covered so the team still aligns; a rehearsal with bots only plays to the debrief."""
import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from classroom.models import Participant, Session
from tests import factories
from tests.browser.conftest import LabServer
from tests.browser.test_play_a_round import join

pytestmark = pytest.mark.browser


def test_a_closed_laptop_rejoins_on_another_with_the_same_seat_and_edit(browser, lab_server, started_session):
    hr = factories.holder(started_session, "hr")
    # HR was seated at start; give them a browser the way a person gets one: rejoin with name + code
    first = browser.new_context()
    page = first.new_page()
    page.goto(f"{lab_server.url}/join/{started_session.join_code}/")
    page.fill("input[name=display_name]", hr.display_name)
    page.get_by_text("Back in the workshop on another device").click()
    page.get_by_label("Rejoin code").fill(hr.rejoin_code)
    page.click("main button[type=submit]")
    expect(page.locator("#rejoin-code")).to_have_text(hr.rejoin_code, timeout=10_000)
    expect(page.locator("#your-roles")).to_contain_text("HR")
    page.fill("#lever-overtime_share", "0.1")
    page.locator("#lever-overtime_share").dispatch_event("change")
    expect(page.locator("#package-version")).to_have_text("version 2", timeout=10_000)
    first.close()  # the laptop dies

    second = browser.new_context().new_page()
    second.goto(f"{lab_server.url}/join/{started_session.join_code}/")
    second.fill("input[name=display_name]", hr.display_name.lower())
    second.get_by_text("Back in the workshop on another device").click()
    second.get_by_label("Rejoin code").fill(hr.rejoin_code.lower())
    second.click("main button[type=submit]")
    expect(second.locator("#your-roles")).to_contain_text("HR", timeout=10_000)
    expect(second.locator("#lever-overtime_share")).to_have_value("0.1")
    assert Participant.objects.filter(session=started_session).count() == 4  # the same person, not a new one


def test_a_silent_teammate_is_covered_and_the_team_still_aligns(browser, lab_server, lobby_session, facilitator):
    # a TTL well above the browsers' 10 s keep-alive, so present people never look absent
    server = LabServer({**lab_server.env, "LAB_PRESENCE_TTL_SECONDS": "25"})
    server.start()
    try:
        pages = [join(browser, server.url, lobby_session.join_code, name) for name in ("Ana", "Ben", "Chloe", "Dev")]
        factories.start(lobby_session, facilitator)
        factories.committed(lobby_session)
        Session.objects.filter(pk=lobby_session.pk).update(cover_after_seconds=3)
        for p in pages:
            p.reload()
        silent = pages[-1]
        silent.context.set_offline(True)  # Wi-Fi gone: no close frame, the socket just stops answering
        silent.evaluate("window.stop()")
        present = pages[:-1]
        # the silent person's roles move to a teammate; everyone present approves and the round closes
        for p in present:
            expect(p.locator("#approve")).to_be_enabled(timeout=30_000)
        deadline_roles = None
        for _ in range(90):
            held = set()
            for p in present:
                held |= set(p.locator("#your-roles .role").all_inner_texts())
            if held == {"Director", "Finance", "Engineering", "HR"}:
                deadline_roles = held
                break
            present[0].wait_for_timeout(1000)
        assert deadline_roles, "the silent person's roles were never covered"
        for p in present:
            expect(p.locator("#approve")).to_be_enabled(timeout=10_000)
            p.click("#approve")
        for p in present:
            expect(p.locator("#results-table")).to_be_visible(timeout=20_000)
    finally:
        server.stop()


def test_a_rehearsal_with_bots_only_plays_to_the_debrief(browser, lab_server):
    host = factories.make_facilitator("rehearser")
    host.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")
    host.save()
    console = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    console.goto(f"{lab_server.url}/console/")
    console.fill("input[name=username]", "rehearser")
    console.fill("input[name=password]", "pw-for-tests")
    console.click("main button[type=submit]")
    console.fill("input[name=name]", "Dry run")
    console.fill("input[name=rounds]", "2")
    console.click("text=Create session")
    expect(console.locator("#conn")).to_have_text("live", timeout=10_000)
    console.get_by_role("button", name="Add three teams of bots (rehearsal)").click()
    expect(console.locator("#people-count")).to_have_text("(12 people)", timeout=10_000)
    console.click("button[data-cmd=start]")
    expect(console.locator("#round-label")).to_have_text("Session finished", timeout=90_000)
    expect(console.locator("#leaderboard tbody tr")).to_have_count(3)
    session = Session.objects.get(name="Dry run")
    assert session.state == Session.State.FINISHED
    assert Participant.objects.filter(session=session, is_bot=True).count() == 12
