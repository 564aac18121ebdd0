"""The facilitator extends a round by a chosen number of minutes, then ends the session now: the console
says it is finished, and the page has no serious accessibility violations along the way."""
import re

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from classroom.models import Session
from game.models import Round, RoundResult
from tests import factories
from tests.browser.axe import axe_violations

pytestmark = pytest.mark.browser


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}: " + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}" for v in violations)


def test_extend_by_five_minutes_then_end_the_session_now(browser, lab_server, lobby_session, facilitator):
    factories.join_many(lobby_session, 4)
    factories.start(lobby_session, facilitator)  # 10-minute rounds
    round1 = factories.open_round(lobby_session)
    facilitator.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")  # the server's hasher
    facilitator.save()

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{lab_server.url}/console/s/{lobby_session.id}/")
    page.fill("input[name=username]", facilitator.username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main button[type=submit]")
    expect(page.locator("#conn")).to_have_text("live", timeout=10_000)
    expect(page.locator("#timer")).to_have_text(re.compile(r"^(09|10):\d\d$"))
    assert_accessible(page, "console in a round")

    # A bad number: the error shows at the field, and nothing changes.
    minutes = page.get_by_label("Extend by")
    minutes.fill("61")
    page.get_by_role("button", name="Extend the round").click()
    expect(page.locator("#extend-error")).to_contain_text("between 1 and 60")
    expect(minutes).to_have_attribute("aria-invalid", "true")
    assert Round.objects.get(pk=round1.pk).deadline == round1.deadline

    minutes.fill("5")
    page.get_by_role("button", name="Extend the round").click()
    expect(page.locator("#timer")).to_have_text(re.compile(r"^1[45]:\d\d$"), timeout=10_000)
    expect(page.locator("#extend-error")).to_be_hidden()
    expect(minutes).to_have_attribute("aria-invalid", "false")
    extended = Round.objects.get(pk=round1.pk).deadline - round1.deadline
    assert extended.total_seconds() == pytest.approx(300, abs=2)

    # End now: the browser asks first; declining changes nothing, accepting ends it.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="End session now").click()
    page.wait_for_timeout(300)
    assert Session.objects.get(pk=lobby_session.pk).state == Session.State.RUNNING
    messages = []

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="End session now").click()
    expect(page.locator("#round-label")).to_have_text("Session finished", timeout=15_000)
    assert "cannot be undone" in messages[0]
    expect(page.get_by_role("button", name="End session now")).to_be_disabled()
    expect(page.get_by_role("button", name="Archive", exact=True)).to_be_enabled()
    expect(page.locator("#console-error")).to_be_hidden()
    session = Session.objects.get(pk=lobby_session.pk)
    assert session.state == Session.State.FINISHED
    assert RoundResult.objects.filter(round=round1).count() == 1
    assert Round.objects.get(session=session, number=2).state == Round.State.PENDING
    assert_accessible(page, "console after the session ended")

    # Archive from the console: the button becomes Unarchive.
    page.get_by_role("button", name="Archive", exact=True).click()
    expect(page.get_by_role("button", name="Unarchive")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Archive", exact=True)).to_be_hidden()
    assert Session.objects.get(pk=lobby_session.pk).archived_at is not None
