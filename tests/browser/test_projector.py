"""The projector view in Chromium: the room's wall shows the way in and who joined, then the round, its
timer and announced disruptions, never a surprise one; no controls, axe-clean, no scrolling at 1280x720."""
import re

import pytest
from playwright.sync_api import expect

from classroom.services.projector import session_projector_settings
from game.services import rounds
from game.services.disruptions import disruption_inject
from tests import factories
from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser

ANNOUNCED = {"kind": "demand_spike", "targets": [], "start_day": 2, "duration_days": 3, "magnitude": 0.5}
SURPRISE = {"kind": "supplier_failure", "targets": [0], "start_day": 1, "duration_days": 4, "magnitude": 1.0}
LATE_NEWS = {"kind": "energy_price_spike", "targets": [], "start_day": 5, "duration_days": 2, "magnitude": 3.0}
SCREENS = [(1280, 720), (1920, 1080)]


def open_projector(browser, server, session, width=1280, height=720):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{server.url}/projector/{session.join_code}/")
    return page


def assert_read_only(page) -> None:
    controls = page.locator("button, input, select, textarea, form, [contenteditable], [tabindex]")
    assert controls.count() == 0, f"the projector has controls: {controls.first.evaluate('e => e.outerHTML')}"


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}: " + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}" for v in violations)


def assert_fits(page, what: str) -> None:
    """Nothing scrolls, either way: the whole wall is in view."""
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
                          " document.documentElement.scrollHeight, document.documentElement.clientHeight]")
    assert sizes[0] <= sizes[1], f"{what}: the page scrolls sideways ({sizes[0]} px wide in {sizes[1]} px)"
    assert sizes[2] <= sizes[3], f"{what}: the page scrolls down ({sizes[2]} px high in {sizes[3]} px)"


def test_lobby_shows_the_code_the_qr_and_who_joined(browser, lab_server, lobby_session):
    factories.join_many(lobby_session, 6)
    for width, height in SCREENS:
        page = open_projector(browser, lab_server, lobby_session, width, height)
        expect(page.locator("#pj-code")).to_have_text(lobby_session.join_code)
        expect(page.locator(".pj-join-url")).to_contain_text(f"/join/{lobby_session.join_code}/")
        expect(page.locator("#pj-people-title")).to_have_text("6 people have joined")
        for i in range(1, 7):
            expect(page.locator(".pj-names li", has_text=f"Player {i}")).to_be_visible()
        qr = page.locator("img.pj-qr")
        expect(qr).to_be_visible()
        assert page.evaluate("document.querySelector('img.pj-qr').naturalWidth") > 0, "the QR code did not load"
        assert_read_only(page)
        assert_fits(page, f"lobby at {width}x{height}")
        assert_accessible(page, f"projector lobby at {width}x{height}")
        page.screenshot(path=f"test-artifacts/projector-lobby-{width}.png")
        page.context.close()
    # Someone arrives: the wall shows them within a poll or two.
    page = open_projector(browser, lab_server, lobby_session)
    factories.join_many(lobby_session, 1, prefix="Latecomer")
    expect(page.locator(".pj-names li", has_text="Latecomer 1")).to_be_visible(timeout=8_000)
    expect(page.locator("#pj-people-title")).to_have_text("7 people have joined")


def test_a_round_shows_the_timer_and_announced_news_never_a_surprise(browser, lab_server, lobby_session,
                                                                     facilitator):
    factories.join_many(lobby_session, 8)
    session = factories.start(lobby_session, facilitator)
    disruption_inject(session_id=session.id, user=facilitator, spec=SURPRISE, announce=False)
    disruption_inject(session_id=session.id, user=facilitator, spec=ANNOUNCED)
    page = open_projector(browser, lab_server, session)
    expect(page.locator("#pj-round-title")).to_have_text("Round 1 of 2")
    expect(page.locator("#pj-status")).to_have_text("Round 1 of 2: teams are deciding")
    timer = page.locator("#pj-timer")
    expect(timer).to_have_text(re.compile(r"^(9:5\d|10:00)$"))
    first = timer.inner_text()
    page.wait_for_timeout(1_300)
    assert timer.inner_text() != first, "the timer does not count down"
    disruptions = page.locator("#pj-disruptions")
    expect(disruptions).to_contain_text("Demand spike")
    expect(disruptions).to_contain_text("Customers order more than usual.")
    expect(disruptions).to_contain_text("From day 3, for 3 days · All teams")
    content = page.content()
    assert "Supplier failure" not in content and "supplier" not in content.lower(), "a surprise reached the wall"
    expect(page.locator("#pj-board")).to_be_hidden()  # off until the facilitator shows it
    expect(page.locator("#pj-people")).to_be_hidden()
    expect(page.locator("#pj-join-line")).to_contain_text(session.join_code)
    assert_read_only(page)
    assert_fits(page, "round at 1280x720")
    assert_accessible(page, "projector during a round")
    page.screenshot(path="test-artifacts/projector-round-1280.png")

    # Live: news announced now shows within a poll; another surprise still does not.
    disruption_inject(session_id=session.id, user=facilitator, spec=LATE_NEWS)
    disruption_inject(session_id=session.id, user=facilitator, spec={**SURPRISE, "start_day": 6}, announce=False)
    expect(disruptions).to_contain_text("Energy price spike", timeout=8_000)
    page.wait_for_timeout(2_500)
    assert "supplier" not in page.content().lower()

    # Pause: the timer stops and says why.
    rounds.round_pause(session_id=session.id, user=facilitator)
    expect(page.locator("#pj-timer-note")).to_have_text("Paused by the facilitator", timeout=8_000)
    paused = timer.inner_text()
    page.wait_for_timeout(1_500)
    assert timer.inner_text() == paused
    rounds.round_resume(session_id=session.id, user=facilitator)

    # The leaderboard goes up when the facilitator switches it on; the round's close brings a reveal.
    session_projector_settings(session_id=session.id, user=facilitator, show_leaderboard=True)
    expect(page.locator("#pj-board")).to_contain_text("The leaderboard fills when round 1 closes.", timeout=8_000)
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=1)
    expect(page.locator("#pj-round-title")).to_have_text("Round 2 of 2", timeout=8_000)
    reveal = page.locator("#pj-reveal")
    expect(reveal).to_contain_text("Round 1 closed: no team aligned.")
    expect(reveal).to_contain_text("The facilitator closed the round.")
    expect(reveal).to_contain_text("Best scorecard: Team ")
    expect(page.locator("#pj-board tbody tr")).to_have_count(2)
    expect(disruptions).to_contain_text("None announced this round.")
    for width, height in SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        assert_fits(page, f"round 2 with the leaderboard and a reveal at {width}x{height}")
        page.screenshot(path=f"test-artifacts/projector-reveal-{width}.png")
    assert_read_only(page)
    assert_accessible(page, "projector with the leaderboard and a reveal")

    rounds.round_advance(session_id=session.id, user=facilitator, round_number=2)
    expect(page.locator("#pj-round-title")).to_have_text("The workshop has ended", timeout=8_000)
    expect(reveal).to_contain_text("Round 2 closed")
    expect(page.locator("#pj-join-line")).to_be_hidden()
    assert_fits(page, "finished at 1920x1080")
    assert_accessible(page, "projector after the workshop")
    page.screenshot(path="test-artifacts/projector-finished-1920.png")


def test_a_full_room_still_fits_the_wall(browser, lab_server, lobby_session):
    factories.join_many(lobby_session, 48, prefix="Participant with a long name")
    page = open_projector(browser, lab_server, lobby_session)
    expect(page.locator("#pj-people-title")).to_have_text("48 people have joined")
    expect(page.locator(".pj-names li")).to_have_count(48)
    assert_fits(page, "a lobby of 48 at 1280x720")
    page.screenshot(path="test-artifacts/projector-lobby-48.png")


def test_an_unknown_code_says_so(browser, lab_server):
    page = browser.new_context().new_page()
    response = page.goto(f"{lab_server.url}/projector/ZZZZZZ/")
    assert response.status == 404
    expect(page.locator(".error")).to_contain_text("No workshop has the code 'ZZZZZZ'")
