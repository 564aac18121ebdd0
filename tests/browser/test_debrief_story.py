"""The team's story in the room, in Chromium: none while the session runs; once it has ended the room shows
the team's story month by month (the same sentences the facilitator's debrief has), and printing shows the
story alone, without the room's controls."""
import pytest
from playwright.sync_api import expect

from classroom.identity import cookie_name, sign_token
from classroom.models import Session
from game.debrief_story import team_story_for
from game.services import rounds
from game.services.packages import package_approve
from tests import factories
from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser


def test_the_story_appears_in_the_room_once_the_session_has_ended(browser, lab_server, facilitator):
    session = factories.make_session(facilitator, rounds_count=2, seed=11)
    factories.join_many(session, 4)
    session = factories.start(session, facilitator)
    team = session.teams.get()
    factories.committed(session)
    for seat in team.seats.all():  # the only team aligns: round 1 closes
        package_approve(participant_id=seat.participant_id, version=1, client_msg_id=f"a{seat.id}")
    hr = team.seats.get(role="hr").participant

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": cookie_name(session.join_code), "value": sign_token(hr.rejoin_token),
                          "url": lab_server.url}])
    page = context.new_page()
    page.goto(f"{lab_server.url}/play/{session.join_code}/")
    expect(page.locator("#round-label")).to_have_text("Round 2 of 2", timeout=10_000)
    expect(page.locator("#story-card")).to_be_hidden()

    rounds.round_advance(session_id=session.id, user=facilitator, round_number=2)
    session.refresh_from_db()
    assert session.state == Session.State.FINISHED
    page.reload()
    card = page.locator("#story-card")
    expect(card).to_be_visible(timeout=10_000)
    story = team_story_for(team=team)
    months = card.locator(".story-round")
    expect(months).to_have_count(2)
    for i, month in enumerate(story["months"]):
        expect(months.nth(i).locator("h3")).to_have_text(f"Month {month['round']}")
        expect(months.nth(i).locator(".story-sentence")).to_have_text([s["text"] for s in month["sentences"]])
    expect(card.locator(".story-closing")).to_have_text(story["closing"]["text"])
    expect(card).to_contain_text(factories.DEFAULT_RATIONALE)
    violations = axe_violations(page)
    assert not violations, "\n".join(f"{v['impact']} {v['id']}: {v['help']}" for v in violations)

    page.emulate_media(media="print")
    expect(card).to_be_visible()
    expect(page.locator(".room-grid")).to_be_hidden()
    expect(page.get_by_role("button", name="Print the story")).to_be_hidden()
