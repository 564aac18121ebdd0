"""Disruptions planned and sized, in Chromium: the facilitator sizes a supplier failure for round 2 in the
console (each team's month without and with it), schedules it announced, plans a surprise breakdown (then
edits it) and a demand spike (then cancels it). During round 1 nobody sees any of them, in the rooms or on the
projector; when round 2 opens the announced one is news in the rooms, on the wall and in the what-if preview,
and it lands in round 2's results with the surprise; the surprise and the cancelled one never reach the
projector's state.json. The console has no serious accessibility violations with the form open."""
import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from game.models import Disruption, RoundResult
from tests import factories
from tests.browser.axe import axe_violations
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_connection import room

pytestmark = pytest.mark.browser


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}: " + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}" for v in violations)


def console_page(browser, server, session, facilitator):
    facilitator.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")  # the server's hasher
    facilitator.save()
    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    page.goto(f"{server.url}/console/s/{session.id}/")
    page.fill("input[name=username]", facilitator.username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main button[type=submit]")
    expect(page.locator("#conn")).to_have_text("live", timeout=10_000)
    return page


def wall(page, server, session) -> dict:
    """The projector's public state, as the wall polls it."""
    response = page.request.get(f"{server.url}/projector/{session.join_code}/state.json")
    assert response.ok
    return response.json()


def fill_disruption(page, kind, *, round_number, day, days, magnitude, targets="", announce=True):
    form = page.locator("#inject-form")
    form.get_by_label("What happens").select_option(kind)
    form.get_by_role("combobox", name="Round", exact=True).select_option(str(round_number))
    form.get_by_label("From day").fill(str(day))
    form.get_by_label("For days").fill(str(days))
    form.get_by_label("Magnitude").fill(str(magnitude))
    form.get_by_label("Stations / suppliers").fill(targets)
    form.get_by_label("Announce to the teams").set_checked(announce)


def listed(page, kind):
    return page.locator(f"#disruptions li[data-kind={kind}]")


def test_a_scheduled_disruption_is_sized_then_lands_in_its_round_and_a_surprise_never_shows(
        browser, lab_server, lobby_session, facilitator):
    factories.join_many(lobby_session, 8)  # two teams of four; two rounds
    session = factories.start(lobby_session, facilitator)
    console = console_page(browser, lab_server, session, facilitator)
    director = room(browser, lab_server, factories.holder(session, "director"))
    form = console.locator("#inject-form")
    expect(form.get_by_role("combobox", name="Round", exact=True)).to_have_value("1")  # now, by default
    expect(console.locator("#inject-submit")).to_have_text("Inject into this round")

    # Sized first: a bad magnitude is refused at its field, nothing written.
    fill_disruption(console, "supplier_failure", round_number=2, day=3, days=10, magnitude=3, targets="1")
    expect(console.locator("#inject-submit")).to_have_text("Schedule for round 2")
    expect(form.get_by_label("Announce to the teams")).to_be_checked()
    expect(console.locator("#inject-announce-label")).to_have_text("Announce to the teams when round 2 opens")
    console.get_by_role("button", name="See expected impact").click()
    expect(console.locator("#inject-error-magnitude")).to_contain_text("between 0 and 1")
    expect(form.get_by_label("Magnitude")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("Magnitude").fill("1")
    console.get_by_role("button", name="See expected impact").click()
    impact = console.locator("#impact")
    expect(impact.locator("table")).to_have_count(2, timeout=20_000)  # one per team: none ticked is every team
    expect(console.locator("#inject-error-magnitude")).to_be_hidden()
    expect(impact).to_contain_text("Round 2, 1 month ahead")
    team1 = impact.locator("table").first
    expect(team1.locator("caption")).to_contain_text("Team 1")
    good = team1.locator("tr[data-kpi=good_units] td")
    expect(good.nth(2)).to_contain_text("\u2212")  # the difference: fewer good units
    for row in ("good_units", "cash", "scorecard"):
        expect(team1.locator(f"tr[data-kpi={row}] td")).to_have_count(3)
    assert Disruption.objects.count() == 0
    assert_accessible(console, "console with the disruption form and its impact open")
    ARTIFACTS.mkdir(exist_ok=True)
    console.locator("#disruptions-card").screenshot(path=str(ARTIFACTS / "console-disruption-impact.png"))

    # Scheduled, announced.
    console.locator("#inject-submit").click()
    expect(listed(console, "supplier_failure")).to_have_count(1)
    expect(listed(console, "supplier_failure")).to_contain_text("scheduled")
    expect(impact).to_be_hidden()
    # A surprise breakdown for round 2, then edited; a demand spike for round 2, then cancelled.
    fill_disruption(console, "machine_breakdown", round_number=2, day=1, days=3, magnitude=0.5, announce=False)
    console.locator("#inject-submit").click()
    expect(listed(console, "machine_breakdown")).to_contain_text("a surprise")
    listed(console, "machine_breakdown").get_by_role("button", name="Edit").click()
    expect(console.locator("#inject-editing")).to_contain_text("Editing the machine breakdown of round 2")
    expect(console.locator("#inject-submit")).to_have_text("Save changes")
    expect(form.get_by_label("Magnitude")).to_have_value("0.5")
    form.get_by_label("Magnitude").fill("1")
    console.locator("#inject-submit").click()
    expect(listed(console, "machine_breakdown")).to_contain_text("× 1,")
    expect(console.locator("#inject-submit")).to_have_text("Schedule for round 2")
    fill_disruption(console, "demand_spike", round_number=2, day=5, days=4, magnitude=1)
    console.locator("#inject-submit").click()
    expect(listed(console, "demand_spike")).to_have_count(1)
    messages = []
    console.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    listed(console, "demand_spike").get_by_role("button", name="Cancel").click()
    expect(listed(console, "demand_spike")).to_contain_text("cancelled")
    expect(listed(console, "demand_spike").get_by_role("button")).to_have_count(0)
    assert "It will not happen" in messages[0]
    console.locator("#disruptions-card").screenshot(path=str(ARTIFACTS / "console-disruptions-planned.png"))
    assert_accessible(console, "console with three planned disruptions")

    # Round 1: nobody has heard of any of them.
    director.wait_for_timeout(500)
    expect(director.locator("#news")).to_be_hidden()
    state = wall(console, lab_server, session)
    assert state["round"]["number"] == 1 and state["disruptions"] == []

    # Round 1 closes: round 2 opens with the announced one as news, and only that one.
    console.get_by_role("button", name="Close round now").click()
    expect(director.locator("#round-label")).to_have_text("Round 2 of 2", timeout=20_000)
    expect(director.locator("#news-list li[data-kind=supplier_failure]")).to_be_visible()
    expect(director.locator("#news-list li")).to_have_count(1)
    state = wall(console, lab_server, session)
    assert [d["title"] for d in state["disruptions"]] == ["Supplier failure"]
    text = str(state).lower()
    assert "breakdown" not in text and "demand" not in text
    assert RoundResult.objects.filter(round__number=1).exclude(disruptions=[]).count() == 0
    # The room's what-if preview runs the news.
    director.click("#preview-btn")
    expect(director.locator("#preview")).to_contain_text("Includes the news announced for this month: supplier failure",
                                                         timeout=20_000)
    expect(listed(console, "supplier_failure")).to_contain_text("in play this round")

    # Round 2 closes: both land in its results, the cancelled one does not; the wall never showed the surprise.
    console.get_by_role("button", name="Close round now").click()
    expect(console.locator("#round-label")).to_have_text("Session finished", timeout=20_000)
    for result in RoundResult.objects.filter(round__number=2):
        assert sorted(d["kind"] for d in result.disruptions) == ["machine_breakdown", "supplier_failure"]
    expect(director.locator("#reveal")).to_contain_text("What hit the plant", timeout=20_000)
    expect(director.locator("#reveal")).to_contain_text("supplier failure")
    expect(listed(console, "supplier_failure")).to_contain_text("landed")
    expect(listed(console, "machine_breakdown")).to_contain_text("landed")
    assert "breakdown" not in str(wall(console, lab_server, session)).lower()
