"""What a participant on flaky Wi-Fi and a facilitator arranging teams see, in a real browser."""
import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from classroom.identity import cookie_name, sign_token
from game.models import PackageVersion
from tests import factories

pytestmark = pytest.mark.browser


def participant_page(browser, server, person):
    code = person.session.join_code
    context = browser.new_context()
    context.add_cookies([{"name": cookie_name(code), "value": sign_token(person.rejoin_token),
                          "url": server.url}])
    page = context.new_page()
    page.goto(f"{server.url}/play/{code}/")
    expect(page.locator("#conn")).to_have_text("live", timeout=10_000)
    expect(page.locator("#team-name")).not_to_be_empty()  # the snapshot has arrived
    return page


def test_an_edit_made_while_the_server_is_unreachable_is_not_lost(browser, lab_server, started_session):
    hr = factories.holder(started_session, "hr")
    page = participant_page(browser, lab_server, type(hr).objects.select_related("session").get(pk=hr.pk))
    lab_server.stop()
    expect(page.locator("#conn")).to_have_text("reconnecting…", timeout=10_000)
    page.fill("#lever-overtime_share", "20")  # percent of planned hours, sent as 0.2
    page.locator("#lever-overtime_share").dispatch_event("change")
    expect(page.locator("#status-overtime_share")).to_have_text("saving…")
    lab_server.start()
    expect(page.locator("#conn")).to_have_text("live", timeout=15_000)
    expect(page.locator("#package-version")).to_have_text("version 2", timeout=10_000)
    expect(page.locator("#status-overtime_share")).not_to_have_text("saving…")
    latest = PackageVersion.objects.filter(team=hr.team).order_by("-version").first()
    assert latest.version == 2 and latest.levers["overtime_share"] == 0.2


def test_facilitator_moves_a_person_to_a_new_team_and_their_room_follows(browser, lab_server, lobby_session,
                                                                          facilitator):
    facilitator.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")
    facilitator.save()
    ana, ben = factories.join_many(lobby_session, 2)
    ben_page = participant_page(browser, lab_server, type(ben).objects.select_related("session").get(pk=ben.pk))
    expect(ben_page.locator("#team-name")).to_have_text("Team 1")
    console = browser.new_context().new_page()
    console.goto(f"{lab_server.url}/console/s/{lobby_session.id}/")
    console.fill("input[name=username]", facilitator.username)
    console.fill("input[name=password]", "pw-for-tests")
    console.click("main button[type=submit]")
    expect(console.locator("#conn")).to_have_text("live", timeout=10_000)
    console.click(".team-card[data-team='1'] details.arrange summary")
    console.select_option(f"select[data-move='{ben.id}']", "new")
    expect(console.locator(".team-card[data-team='2']")).to_contain_text(ben.display_name)
    expect(ben_page.locator("#team-name")).to_have_text("Team 2")
    expect(ben_page.locator("#your-roles .role")).to_have_count(4)  # alone, Ben holds every role


def test_the_director_orders_projects_by_ticking_them(browser, lab_server, started_session):
    director = factories.holder(started_session, "director")
    page = participant_page(browser, lab_server, type(director).objects.select_related("session").get(pk=director.pk))
    page.check("#lever-projects input[value=second_supplier]")
    expect(page.locator("#package-version")).to_have_text("version 2")
    page.check("#lever-projects input[value=debottleneck_s3]")
    expect(page.locator("#package-version")).to_have_text("version 3")
    expect(page.locator("#lever-projects label:has(input[value=debottleneck_s3]) .rank")).to_have_text("#2")
    latest = PackageVersion.objects.filter(team=director.team).order_by("-version").first()
    assert latest.levers["projects"] == ["second_supplier", "debottleneck_s3"]  # first ticked = first priority
