"""The console patches its sections in place (morphdom): another team's edit does not take away a select
the facilitator is using, nor replace the nodes that did not change."""
import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from classroom.identity import cookie_name, sign_token
from tests import factories

pytestmark = pytest.mark.browser

# A participant's socket without the room page: the edit arrives as another team's browser sends it.
EDIT = """async ([lever, value]) => {
    const ws = new WebSocket(`ws://${location.host}/ws/play/${document.body.dataset.code}/`);
    const answer = new Promise((resolve, reject) => {
        ws.onmessage = (m) => {
            const frame = JSON.parse(m.data);
            if (frame.type === "state") ws.send(JSON.stringify({type: "package.edit", id: "edit-1", lever: lever,
                                                                value: value, base_version: frame.package.version}));
            if (frame.type === "ack" || frame.type === "error") resolve(frame);
        };
        ws.onclose = (e) => reject(new Error("closed " + e.code));
    });
    const frame = await answer;
    ws.close();
    return frame;
}"""


def test_another_teams_edit_keeps_the_select_in_use_and_the_unchanged_nodes(browser, lab_server, lobby_session,
                                                                             facilitator):
    people = factories.join_many(lobby_session, 8)
    factories.start(lobby_session, facilitator)
    first, second = lobby_session.teams.order_by("number")
    ana = first.seats.order_by("participant_id").first().participant
    hr_of_team_2 = second.seats.get(role="hr").participant
    assert len(people) == 8

    facilitator.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")  # the server's hasher
    facilitator.save()
    console = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    console.goto(f"{lab_server.url}/console/s/{lobby_session.id}/")
    console.fill("input[name=username]", facilitator.username)
    console.fill("input[name=password]", "pw-for-tests")
    console.click("main button[type=submit]")
    expect(console.locator("#conn")).to_have_text("live", timeout=10_000)
    expect(console.locator(".team-card[data-team='2'] h3")).to_contain_text("v1")

    # The facilitator opens Arrange and is choosing a role for Ana (focused, a value picked, not yet sent).
    console.click(".team-card[data-team='1'] details.arrange summary")
    select = console.locator(f"select[data-role-for='{ana.id}']")
    select.focus()
    console.evaluate("""(id) => {
        const el = document.querySelector(`select[data-role-for="${id}"]`);
        el.value = el.options[1].value;           // picked, no change event: nothing sent yet
        el.labMark = "the same node";
        document.querySelector(`select[data-move="${id}"]`).labMark = "the same node";
        document.querySelector(".team-card[data-team='2']").labMark = "the same node";
        document.querySelector("#leaderboard").labMark = "the same node";
    }""", ana.id)
    picked = select.input_value()
    assert picked

    # Team 2's HR changes a lever from their own browser; the console hears package.updated.
    context = browser.new_context()
    code = lobby_session.join_code
    context.add_cookies([{"name": cookie_name(code), "value": sign_token(hr_of_team_2.rejoin_token),
                          "url": lab_server.url}])
    other = context.new_page()
    other.goto(f"{lab_server.url}/join/{code}/")
    other.evaluate("(code) => { document.body.dataset.code = code; }", code)
    frame = other.evaluate(EDIT, ["overtime_share", 0.2])
    assert frame["type"] == "ack", frame
    expect(console.locator(".team-card[data-team='2'] h3")).to_contain_text("v2")
    expect(console.locator(f"li[data-participant='{hr_of_team_2.id}'] .presence")).to_have_text("connected")

    kept = console.evaluate("""(id) => {
        const el = document.querySelector(`select[data-role-for="${id}"]`);
        return {mark: el.labMark, focused: document.activeElement === el, value: el.value,
                move: document.querySelector(`select[data-move="${id}"]`).labMark,
                card: document.querySelector(".team-card[data-team='2']").labMark,
                open: document.querySelector(".team-card[data-team='1'] details.arrange").open};
    }""", ana.id)
    assert kept == {"mark": "the same node", "focused": True, "value": picked, "move": "the same node",
                    "card": "the same node", "open": True}

    # Once the facilitator moves on, the render that follows patches the select in place as well.
    console.locator("#inject-form input[name=magnitude]").focus()
    assert console.evaluate(f"document.querySelector('select[data-role-for=\"{ana.id}\"]').labMark") == "the same node"
