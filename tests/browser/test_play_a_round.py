"""A facilitator and four participants, in five browser contexts, play a two-round session to its end."""
import re

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from game.models import Approval, RoundResult
from tests import factories
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
ROLE_NAMES = {"Director": "director", "Finance": "finance", "Engineering": "engineering", "HR": "hr"}


def join(browser, url, code, name):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}/join/{code}/")
    page.fill("input[name=display_name]", name)
    page.click("main button[type=submit]")
    expect(page.locator("#conn")).to_have_text("live", timeout=10_000)
    return page


def test_facilitator_and_four_participants_play_a_session_to_its_end(browser, lab_server):
    url = lab_server.url
    host = factories.make_facilitator("host")
    host.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")  # the server's hasher
    host.save()
    console = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    console.goto(f"{url}/console/")
    console.fill("input[name=username]", "host")
    console.fill("input[name=password]", "pw-for-tests")
    console.click("main button[type=submit]")
    console.fill("input[name=name]", "Browser cohort")
    console.fill("input[name=rounds]", "2")
    console.fill("input[name=minutes_per_round]", "5")
    console.click("text=Create session")
    code = console.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code)
    expect(console.locator("#conn")).to_have_text("live", timeout=10_000)

    # A wrong code and an empty name get clear messages on the page.
    stray = browser.new_context().new_page()
    stray.goto(f"{url}/join/")
    stray.fill("input[name=join_code]", "ZZZZZZ")
    stray.fill("input[name=display_name]", "Lost")
    stray.click("main button[type=submit]")
    expect(stray.locator(".error")).to_contain_text("No workshop has the code")

    players = [join(browser, url, code, name) for name in ("Ana", "Ben", "Chloe", "Dev")]
    expect(console.locator("#people-count")).to_have_text("(4 people)")
    console.click("button[data-cmd=start]")
    expect(console.locator("#round-label")).to_contain_text("Round 1 of 2")

    by_role = {}
    for page in players:
        expect(page.locator("#round-label")).to_have_text("Round 1 of 2")
        role = ROLE_NAMES[page.locator("#your-roles .role").first.inner_text()]
        by_role[role] = page
    assert set(by_role) == set(ROLE_NAMES.values()), "each of four people holds one role"

    hr, director = by_role["hr"], by_role["director"]
    # The facilitator announces a supplier failure to every team; the rooms show it at once.
    console.select_option("#inject-form select[name=kind]", "supplier_failure")
    console.fill("#inject-form input[name=magnitude]", "0.8")
    console.click("#inject-form button[type=submit]")
    expect(console.locator("#disruptions li[data-kind=supplier_failure]")).to_have_count(1)
    expect(director.locator("#news-list li[data-kind=supplier_failure]")).to_be_visible()
    # What-if: run the package forward over sampled futures before approving.
    director.click("#preview-btn")
    expect(director.locator("#preview")).to_contain_text("Good units", timeout=20_000)
    expect(director.locator("#lever-overtime_share")).to_be_disabled()  # not the director's lever
    # Overtime is typed as a percentage of planned hours; out of range is said at the field, as you type.
    hr.fill("#lever-overtime_share", "90")
    hr.locator("#lever-overtime_share").dispatch_event("change")
    expect(hr.locator("#status-overtime_share")).to_have_text("Out of range: 0 – 30 % of planned hours.")
    expect(hr.locator("#lever-overtime_share")).to_have_attribute("aria-invalid", "true")
    hr.fill("#lever-overtime_share", "10")
    hr.locator("#lever-overtime_share").dispatch_event("change")
    expect(director.locator("#package-version")).to_have_text("version 2")
    expect(director.locator("#lever-overtime_share")).to_have_value("10")
    # The director sees what changed since the round opened, and who changed it.
    expect(director.locator("#changes tr[data-lever=overtime_share]")).to_contain_text("HR")
    # A short envelope is a choice, not an error: everyone sees what the plant will cut, in words.
    finance = by_role["finance"]
    finance.fill("#lever-maintenance_budget", "0")
    finance.locator("#lever-maintenance_budget").dispatch_event("change")
    fit = director.get_by_role("region", name="Does the package fit?")
    cut = fit.get_by_role("region", name="What the plant will cut").locator("li")
    expect(cut).to_contain_text("Maintenance envelope")
    expect(cut).to_contain_text("PM")
    finance.fill("#lever-maintenance_budget", "60000")
    finance.locator("#lever-maintenance_budget").dispatch_event("change")
    expect(director.locator("#package-version")).to_have_text("version 4")
    expect(cut).to_have_count(0)

    # A reload puts HR back in the same seat, with the edit kept.
    hr.reload()
    expect(hr.locator("#your-roles")).to_have_text("HR")
    expect(hr.locator("#lever-overtime_share")).to_have_value("10")

    # Nobody can approve before the director states the team's forecast and why; the form says a wrong figure at once.
    expect(hr.locator("#approve")).to_be_disabled()
    expect(hr.locator("#approve-why")).to_contain_text("Waiting for the director to state the team's forecast")
    expect(hr.locator("#commitment-form")).to_be_hidden()  # the director's form only
    director.get_by_label("Good units we will make").fill("9000")
    director.get_by_label(re.compile(r"^Cash at the end of the month")).fill("900000000")
    director.get_by_label("Why this plan, and which risk it accepts").fill(
        "One month of overtime to catch up; we accept the fatigue risk.")
    director.get_by_role("button", name="State the commitment").click()
    expect(director.locator("#commitment-error")).to_contain_text("Cash at the end of the month must be between")
    expect(director.locator("#package-version")).to_have_text("version 4")  # nothing changed
    director.get_by_label(re.compile(r"^Cash at the end of the month")).fill("1000000")
    director.get_by_role("button", name="State the commitment").click()
    expect(hr.locator("#package-version")).to_have_text("version 5")
    expect(hr.locator("#forecast-stated")).to_contain_text("9,000 units")
    expect(hr.locator("#rationale-stated")).to_contain_text("we accept the fatigue risk")
    # Beside the forecast, the what-if band: the preview of version 1 is old now; a new one says where 9,000 falls.
    expect(director.locator("#forecast-band")).to_contain_text("preview again")
    director.click("#preview-btn")
    expect(director.locator("#forecast-band")).to_contain_text(re.compile(
        r"Preview of version 5, 10–90 % of sampled futures: Good units shipped .+ \(forecast (inside|above|below) the band"),
        timeout=20_000)

    roles = list(by_role)
    for role in roles:
        page = by_role[role]
        expect(page.locator("#approve")).to_have_text("Approve version 5")
        page.click("#approve")
        if role != roles[-1]:  # the last approval aligns the team and closes the round at once
            expect(director.locator(f"#approvals li[data-role={role}]")).to_contain_text("approved by")
    for page in players:  # the month's results are revealed at the top of every room
        expect(page.locator("#reveal")).to_be_visible(timeout=20_000)
        expect(page.get_by_role("heading", name="Month 1 results")).to_be_visible()
        expect(page.locator("#round-label")).to_have_text("Round 2 of 2")
    approved = Approval.objects.filter(package_version__round__number=1, package_version__version=5)
    assert sorted(approved.values_list("role", flat=True)) == sorted(roles)
    expect(hr.locator("#reveal")).to_contain_text("What hit the plant")
    hr.get_by_role("button", name="Got it").click()
    expect(hr.locator("#reveal")).to_be_hidden()
    expect(hr.locator("#results-table")).to_be_visible()
    good = hr.locator("#results-table td[data-kpi=good_units]").first.inner_text()
    assert float(re.sub(r"[^0-9.]", "", good)) > 0
    # The team's forecast against what the plant did, with the error, and its credibility so far.
    promised = hr.locator("#forecast-table tr[data-round='1'][data-kpi=good_units]")
    expect(promised).to_contain_text("9,000 units")
    expect(promised).to_contain_text(good)
    expect(hr.locator("#credibility")).to_contain_text(re.compile(r"Credibility [\d.]+ / 100 over 1 month"))
    # Each role's own dashboard fills in after the round: HR sees fatigue first, finance cash.
    expect(hr.locator("#dashboard table[data-role=hr] td[data-kpi=fatigue]")).not_to_have_text("–")
    expect(by_role["finance"].locator("#dashboard table[data-role=finance] td[data-kpi=cash]")).not_to_have_text("–")
    # The plant picture: engineering sees the stations in detail (rates), finance only the summary.
    expect(by_role["engineering"].locator("#plant")).to_contain_text("Bottleneck")
    expect(by_role["engineering"].locator("#plant")).to_contain_text("u/h")
    expect(by_role["finance"].locator("#plant")).to_contain_text("Bottleneck")
    expect(by_role["finance"].locator("#plant")).not_to_contain_text("u/h")
    expect(console.locator("#debrief-chart")).to_be_visible()
    expect(console.locator("#leaderboard tbody tr")).to_have_count(1)
    expect(console.locator("#leaderboard tbody tr")).to_contain_text(re.compile(r"[\d.]+ \(.*, 1 month\)"))  # credibility
    # The console shows round 2's fresh package (carried forward, not yet approved) and its clock.
    expect(console.locator(".team-card[data-team='1'] h3")).not_to_contain_text("aligned")
    expect(console.locator("#timer")).to_have_text(re.compile(r"0[45]:\d\d"))
    assert console.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    assert RoundResult.objects.filter(round__number=1).count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    console.screenshot(path=str(ARTIFACTS / "console.png"), full_page=True)
    hr.screenshot(path=str(ARTIFACTS / "room.png"), full_page=True)

    # Round 2: nobody aligns; the facilitator closes it and the session ends for everyone.
    console.click("button[data-cmd=advance]")
    expect(console.locator("#round-label")).to_have_text("Session finished", timeout=20_000)
    for page in players:
        expect(page.locator("#round-state")).to_have_text("The workshop has ended. Thank you!", timeout=20_000)
        expect(page.locator("#results-table thead th")).to_have_count(3)  # KPI + rounds 1 and 2
        expect(page.get_by_role("link", name=re.compile("What if we had"))).to_be_visible()  # the replay opens
    assert RoundResult.objects.filter(round__number=2, aligned=False).count() == 1
    expect(console.locator("#leaderboard tbody tr")).to_have_count(1)
