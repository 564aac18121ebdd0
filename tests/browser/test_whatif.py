"""A participant's "what if we had...": before the end the page says when it opens; after the session ends,
HR picks "No overtime" from round 1 and sees actual against counterfactual as a chart and as a table; a bad
lever value is said at its field; nothing axe-core calls serious or critical."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from classroom.identity import cookie_name, sign_token
from classroom.models import Session
from game.models import RoundResult
from game.services import rounds
from game.services.packages import package_approve, package_edit
from tests import factories
from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}: " + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}" for v in violations)


def test_after_the_end_a_participant_replays_no_overtime_and_sees_chart_and_table(browser, lab_server, facilitator):
    session = factories.make_session(facilitator, rounds_count=2, seed=31)
    factories.join_many(session, 4)
    session = factories.start(session, facilitator)
    team = session.teams.get()
    hr = team.seats.get(role="hr").participant
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.25, base_version=1, client_msg_id="ot")
    factories.committed(session)
    for seat in team.seats.all():  # the only team aligns: round 1 closes
        package_approve(participant_id=seat.participant_id, version=2, client_msg_id=f"a{seat.id}")
    assert factories.open_round(session).number == 2

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": cookie_name(session.join_code), "value": sign_token(hr.rejoin_token),
                          "url": lab_server.url}])
    page = context.new_page()
    page.goto(f"{lab_server.url}/play/{session.join_code}/what-if/")
    expect(page.locator("#whatif-closed")).to_contain_text("opens when the workshop has ended")
    expect(page.locator("#whatif")).to_have_count(0)
    assert_accessible(page, "what-if page before the end")

    rounds.round_advance(session_id=session.id, user=facilitator, round_number=2)  # overtime carried forward
    session.refresh_from_db()
    assert session.state == Session.State.FINISHED

    page.reload()
    expect(page.get_by_role("heading", name="What if we had…")).to_be_visible()
    page.get_by_label("Change from round").select_option(label="Round 1")
    page.get_by_label("Change", exact=True).select_option(label="No overtime")
    page.get_by_role("button", name="Replay").click()
    expect(page.locator("#cf-status")).to_contain_text("Replayed: No overtime, from round 1 on.", timeout=20_000)
    expect(page.locator("#cf-change")).to_have_text("No overtime, from round 1 on.")

    # the chart: two lines, as played and what if, one point per round
    canvas = page.locator("#cf-chart")
    expect(canvas).to_be_visible()
    drawn = page.evaluate("""() => { const c = Chart.getChart(document.getElementById('cf-chart'));
        return c ? c.data.datasets.map(d => [d.label, d.data.length]) : null; }""")
    assert drawn == [["As played", 2], ["What if", 2]]

    # the table alternative, for the KPI picked: hours a week, 50 as played (25 % overtime), 40 what if
    page.get_by_label("KPI to compare").select_option(label="Hours per week")
    table = page.locator("#cf-table")
    expect(table.locator("caption")).to_have_text("Hours per week: as played and what if, round by round")
    expect(table.locator("thead th")).to_have_text(["Round", "As played", "What if", "Difference"])
    expect(table.locator("tbody tr")).to_have_count(2)
    stored = RoundResult.objects.get(team=team, round__number=1).kpis
    assert stored["hours_per_week"] == 50.0
    first = table.locator("tbody tr[data-round='1']")
    expect(first.locator("td[data-side=actual]")).to_have_text("50.0 h a week")
    expect(first.locator("td[data-side=counterfactual]")).to_have_text("40.0 h a week")
    expect(page.locator("#cf-summary")).to_contain_text("Hours per week")
    aria = canvas.get_attribute("aria-label")
    assert "Hours per week as played and what if" in aria
    page.get_by_text("The levers that changed, round by round").click()
    expect(page.locator(".cf-changed")).to_contain_text("Overtime share")
    assert_accessible(page, "what-if page with a replay")
    page.screenshot(path="test-artifacts/whatif.png", full_page=True)

    # a bad lever value: said at its field, in the room's units; the last replay stays on the page
    page.get_by_role("button", name="Add a lever change").click()
    page.get_by_label("Lever", exact=True).select_option(label="Overtime share")
    page.get_by_label("New value (% of planned hours)").fill("90")
    page.get_by_role("button", name="Replay").click()
    error = page.locator("#cf-lever-1-error")
    expect(error).to_have_text("Overtime share must be a number from 0 to 30 % of planned hours. HR can change it.")
    expect(page.locator("#cf-lever-1-value")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#cf-lever-1-value")).to_be_focused()
    expect(table.locator("tbody tr")).to_have_count(2)
    assert_accessible(page, "what-if page with an error at a field")
    # fixed, it replays with the edit on top of the preset
    page.get_by_label("New value (% of planned hours)").fill("10")
    page.get_by_role("button", name="Replay").click()
    expect(page.locator("#cf-change")).to_have_text("Overtime share set to 10 % of planned hours, from round 1 on.")
    expect(error).to_be_hidden()
    expect(first.locator("td[data-side=counterfactual]")).to_have_text("44.0 h a week")
    page.set_viewport_size({"width": 360, "height": 800})  # a phone: nothing scrolls sideways (once the chart
    page.wait_for_function(  # has followed the new width: Chart.js resizes on its own observer)
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth", timeout=5_000)
    page.screenshot(path="test-artifacts/whatif-phone.png", full_page=True)
    context.close()


LAB = Path(__file__).resolve().parents[2] / "frontend" / "static"
BARE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Replay</title></head>'
        '<body><main><h1>Debrief</h1><section class="card"><h2>Counterfactual replay</h2><div id="cf"></div></section>'
        '</main></body></html>')
KPIS = {"scorecard": {"label": "Balanced scorecard", "unit": "score", "digits": 1, "better": "up"},
        "good_units": {"label": "Good units shipped", "unit": "units", "digits": 0, "better": "up"}}


def test_the_widget_with_a_team_picker_posts_the_team_and_shows_errors_at_their_field(browser):
    """Mounted as the debrief will mount it (teams given): the body names the team; an error names its field."""
    page = browser.new_context().new_page()
    posted = []

    def answer(route):
        body = route.request.post_data_json
        posted.append(body)
        if body["from_round"] == 2:
            route.fulfill(status=400, content_type="application/json", json={"error": {
                "code": "round_not_played", "field": "from_round",
                "message": "Round 2 has not been played yet: pick round 1."}})
        else:
            route.fulfill(status=200, content_type="application/json", json={
                "team": {"id": body["team"], "number": 2, "name": "Team 2"}, "from_round": 1, "preset": body["preset"],
                "levers": {}, "change": "Recommended preventive maintenance, from round 1 on.",
                "rounds": [{"round": 1, "actual": {"scorecard": 50.0, "good_units": 9000},
                            "counterfactual": {"scorecard": 55.5, "good_units": 9500},
                            "changed_levers": {"pm_hours": {"actual": [8] * 5, "counterfactual": [16, 16, 20, 16, 16]}}}]})

    page.route("**/replay", answer)
    page.set_content(BARE)
    for path in ("lab/lab.css", "lab/counterfactual.css"):
        page.add_style_tag(path=str(LAB / path))
    for path in ("lab/format.js", "vendor/chart.umd.min.js", "lab/counterfactual.js"):
        page.add_script_tag(path=str(LAB / path))
    page.evaluate("""(kpis) => LabCounterfactual.mount(document.getElementById('cf'), {
        url: 'http://lab.invalid/replay', teams: [{id: 11, name: 'Team 1'}, {id: 12, name: 'Team 2'}],
        rounds: 2, kpis: kpis, csrfToken: 't'})""", KPIS)
    page.get_by_label("Team").select_option(label="Team 2")
    page.get_by_label("Change from round").select_option(label="Round 2")
    page.get_by_label("Change", exact=True).select_option(label="Recommended preventive maintenance")
    page.get_by_role("button", name="Replay").click()
    expect(page.locator("#cf-from_round-error")).to_have_text("Round 2 has not been played yet: pick round 1.")
    expect(page.locator("#cf-from_round")).to_have_attribute("aria-invalid", "true")
    assert posted[-1] == {"team": 12, "from_round": 2, "preset": "recommended_pm"}
    assert_accessible(page, "the widget with an error at a field")

    page.get_by_label("Change from round").select_option(label="Round 1")
    page.get_by_role("button", name="Replay").click()
    expect(page.locator("#cf-change")).to_have_text("Team 2: Recommended preventive maintenance, from round 1 on.")
    expect(page.locator("#cf-from_round-error")).to_be_hidden()
    expect(page.locator("#cf-table tbody td[data-side=counterfactual]")).to_have_text("55.5 / 100")
    expect(page.locator("#cf-summary")).to_contain_text("+5.5 / 100 (better)")
    assert_accessible(page, "the widget with a replay")
