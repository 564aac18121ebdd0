"""The debrief in Chromium: the KPI picker redraws the chart and rewrites its table, the team picker
shows one team's drill-down (decisions, alignment story), the page prints to PDF with no controls and
every team on it, and axe finds no serious violation."""
import re

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from game.models import RoundResult
from tests import factories
from tests.browser.axe import axe_violations
from tests.browser.conftest import ARTIFACTS
from tests.played import play_two_months, seat

pytestmark = pytest.mark.browser

CHART_DATA = "() => Chart.getChart(document.getElementById('kpi-chart')).data.datasets.map(d => d.data)"


@pytest.fixture
def debrief_page(browser, lab_server, facilitator):
    session = factories.make_session(facilitator, rounds_count=2)
    teams = play_two_months(session, facilitator)
    facilitator.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")  # the server's hasher
    facilitator.save()
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{lab_server.url}/console/s/{session.id}/debrief/")
    page.fill("input[name=username]", facilitator.username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Debrief: Test workshop")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('kpi-chart'))")
    return page, session, teams


def assert_accessible(page, what):
    violations = axe_violations(page)
    assert not violations, f"{what}: " + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}" for v in violations)


def test_picking_a_kpi_changes_the_chart_and_its_table(debrief_page):
    page, session, (team1, team2, team3) = debrief_page
    results = {(r.team_id, r.round.number): r.kpis for r in
               RoundResult.objects.filter(round__session=session).select_related("round")}
    expect(page.locator("#kpi-table caption")).to_have_text("Balanced scorecard by team and month")
    before = page.evaluate(CHART_DATA)
    assert before[0] == pytest.approx([results[(team1.id, 1)]["scorecard"], results[(team1.id, 2)]["scorecard"]])

    page.select_option("#kpi-pick", "oee_line")
    expect(page.locator("#kpi-table caption")).to_have_text("OEE, line by team and month")
    after = page.evaluate(CHART_DATA)
    assert after[0] == pytest.approx([100 * results[(team1.id, n)]["oee_line"] for n in (1, 2)])  # as percentages
    first_row = page.locator("#kpi-table tbody tr").first
    expect(first_row.locator("th")).to_have_text("Team 1")
    expect(first_row.locator("td").first).to_have_text(f"{100 * results[(team1.id, 1)]['oee_line']:,.1f} %")
    expect(page.locator("#kpi-about")).to_contain_text("Higher is better")
    assert "OEE, line" in page.get_attribute("#kpi-chart", "aria-label")

    page.select_option("#kpi-pick", "unplanned_hours")
    expect(page.locator("#kpi-table caption")).to_have_text("Unplanned downtime by team and month")
    expect(page.locator("#kpi-about")).to_contain_text("Lower is better")
    expect(page.locator("#kpi-table tbody tr").nth(2).locator("td").last).to_have_text(
        f"{results[(team3.id, 2)]['unplanned_hours']:,.0f} h")
    assert_accessible(page, "debrief, a KPI picked")


def test_the_drill_down_shows_a_teams_decisions_and_alignment_story(debrief_page):
    page, session, (team1, team2, team3) = debrief_page
    expect(page.locator("#team-1")).to_be_visible()
    expect(page.locator("#team-2")).to_be_hidden()
    overtime = page.locator("#team-1 .decisions-table tr[data-lever='overtime_share'] td")
    expect(overtime.nth(1)).to_have_text("10 % of planned hours")  # after the role column
    budget = page.locator("#team-1 .decisions-table tr[data-lever='maintenance_budget'] td").nth(1)
    expect(budget).to_have_text("60,000 EUR per month")
    month1 = page.locator("#team-1 .story-month[data-round='1']")
    finance = seat(team1, "finance").display_name
    expect(month1.locator(".approvals li[data-role='finance']")).to_contain_text(
        f"Finance ({finance}) approved version 3")
    expect(month1.locator(".approvals li").first).to_contain_text("cleared by a later edit")
    expect(month1.locator(".chat-lines li").first).to_contain_text("Where do we stand on overtime?")
    expect(page.locator("#team-1 .alignment-table tr[data-round='1'] .versions")).to_have_text("3")

    page.select_option("#team-pick", "2")
    expect(page.locator("#team-1")).to_be_hidden()
    expect(page.locator("#team-2")).to_be_visible()
    expect(page.locator("#team-2 .alignment-table tr[data-round='1'] .time-to-align")).to_contain_text("did not align")
    expect(page.locator("#team-2 .decisions-table tr[data-lever='overtime_share'] td").nth(1)).to_have_text(
        "0 % of planned hours")
    assert_accessible(page, "debrief, team 2's drill-down")

    page.select_option("#team-pick", "all")
    for n in (1, 2, 3):
        expect(page.locator(f"#team-{n}")).to_be_visible()


def test_the_debrief_prints_to_pdf_without_controls(debrief_page):
    page, session, teams = debrief_page
    assert page.locator("button, select").count() >= 3  # the controls are there on screen
    page.emulate_media(media="print")
    controls = page.locator("button, select, input, textarea")
    for i in range(controls.count()):
        assert not controls.nth(i).is_visible(), controls.nth(i).evaluate("e => e.outerHTML.slice(0, 120)")
    for n in (1, 2, 3):  # every team's drill-down, whatever was picked on screen
        expect(page.locator(f"#team-{n}")).to_be_visible()
    expect(page.locator("#kpi-explorer .chart-box")).to_be_hidden()
    expect(page.locator("#kpi-table")).to_be_visible()  # the chart's figures, as a table
    expect(page.locator("#leaderboard-table")).to_be_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"debrief-{session.id}.pdf"
    page.pdf(path=str(path), format="A4", landscape=True, print_background=True)
    body = path.read_bytes()
    assert body.startswith(b"%PDF-") and len(body) > 30_000, len(body)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", body))
    assert pages >= 4, pages  # the leaderboard and KPI table, then a page per team at least

    # "Print the stories" (the class its button sets before printing): each team's story alone
    page.evaluate("document.body.classList.add('print-stories')")
    for n in (1, 2, 3):
        expect(page.locator(f"#story-{n}")).to_be_visible()
        expect(page.locator(f"#team-{n} .decisions-table")).to_be_hidden()
    expect(page.locator("#leaderboard")).to_be_hidden()
    expect(page.locator("#kpi-explorer")).to_be_hidden()


def test_the_facilitator_replays_a_team_with_one_change_on_the_debrief(debrief_page):
    """The counterfactual widget on the debrief: any team, any played month, against the engine's replay."""
    page, session, teams = debrief_page
    replay = page.get_by_role("region", name=re.compile("What if they had"))
    expect(replay).to_be_visible()
    replay.get_by_label("Team").select_option(label=teams[1].name)
    replay.get_by_label("Change from round").select_option(label="Round 1")
    replay.get_by_label("Change", exact=True).select_option(label="No overtime")
    replay.get_by_role("button", name="Replay").click()
    expect(page.locator("#cf-change")).to_contain_text(f"{teams[1].name}: No overtime, from round 1 on.", timeout=20_000)
    drawn = page.evaluate("""() => { const c = Chart.getChart(document.getElementById('cf-chart'));
        return c ? c.data.datasets.map(d => [d.label, d.data.length]) : null; }""")
    assert drawn == [["As played", 2], ["What if", 2]]
    expect(page.locator("#cf-table tbody tr")).to_have_count(2)
    assert_accessible(page, "the debrief with a replay")
