"""What a participant and a facilitator see when the connection goes: a banner that stays in view,
Approve held back, recovery when the network returns, a half-open socket noticed, and a refused
socket sending the person to the join / login page instead of retrying forever."""
import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from classroom.identity import cookie_name, sign_token
from tests import factories

pytestmark = pytest.mark.browser


def room(browser, server, person, **context_args):
    person = type(person).objects.select_related("session").get(pk=person.pk)
    code = person.session.join_code
    context = browser.new_context(**context_args)
    context.add_cookies([{"name": cookie_name(code), "value": sign_token(person.rejoin_token), "url": server.url}])
    page = context.new_page()
    page.goto(f"{server.url}/play/{code}/")
    expect(page.locator("#conn")).to_have_text("live", timeout=10_000)
    expect(page.locator("#team-name")).not_to_be_empty()  # the snapshot has arrived
    return page


def expect_offline(page):
    banner = page.locator("#offline-banner")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_have_attribute("role", "status")
    expect(banner).to_contain_text("edits are kept")
    expect(page.locator("#approve")).to_be_disabled()
    # Why, in words, for everyone: the button is described by the line that says it.
    expect(page.locator("#approve")).to_have_attribute("aria-describedby", "approve-why")
    expect(page.locator("#approve-why")).to_have_text("Offline: you can approve once the connection is back.")


def expect_online(page, timeout=10_000):
    expect(page.locator("#conn")).to_have_text("live", timeout=timeout)
    expect(page.locator("#offline-banner")).to_be_hidden()
    expect(page.locator("#approve")).to_be_enabled()
    expect(page.locator("#approve-why")).not_to_contain_text("Offline")


def test_offline_banner_stays_in_view_and_approve_waits_for_the_network(browser, lab_server, started_session):
    factories.committed(started_session)  # the director has stated the forecast: Approve can be enabled
    page = room(browser, lab_server, factories.holder(started_session, "hr"), viewport={"width": 900, "height": 420})
    expect_online(page)
    page.context.set_offline(True)
    expect_offline(page)
    # Scrolled to the bottom of a long page, the banner is still on screen.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 200
    box = page.locator("#offline-banner").bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 420, box
    # An edit made offline waits in the outbox and is sent on reconnect.
    page.fill("#lever-overtime_share", "20")  # percent of planned hours
    page.locator("#lever-overtime_share").dispatch_event("change")
    expect(page.locator("#status-overtime_share")).to_have_text("saving…")
    page.context.set_offline(False)
    expect_online(page)
    expect(page.locator("#package-version")).to_have_text("version 2", timeout=10_000)


def test_banner_when_the_server_goes_away_and_recovery_when_it_is_back(browser, lab_server, started_session):
    factories.committed(started_session)  # the director has stated the forecast: Approve can be enabled
    page = room(browser, lab_server, factories.holder(started_session, "director"))
    lab_server.stop()
    expect_offline(page)
    expect(page.locator("#conn")).to_have_text("reconnecting…")
    lab_server.start()
    expect_online(page, timeout=25_000)  # the backoff is capped at 15 s


def test_a_half_open_socket_is_noticed_and_replaced(browser, lab_server, started_session):
    factories.committed(started_session)  # the director has stated the forecast: Approve can be enabled
    """The network stops carrying frames but nobody closes the socket (Wi-Fi gone without a reset): the page
    pings after 10 s of silence and gives the socket up when 20 s more pass without a frame."""
    person = factories.holder(started_session, "hr")
    code = started_session.join_code
    context = browser.new_context()
    context.add_cookies([{"name": cookie_name(code), "value": sign_token(person.rejoin_token), "url": lab_server.url}])
    page = context.new_page()
    silent = {"on": False}
    sockets = []

    def relay(ws):  # a man in the middle that can go quiet in both directions
        server = ws.connect_to_server()
        sockets.append(ws)
        ws.on_message(lambda message: None if silent["on"] else server.send(message))
        server.on_message(lambda message: None if silent["on"] else ws.send(message))

    page.route_web_socket("**/ws/play/**", relay)
    page.clock.install()
    page.goto(f"{lab_server.url}/play/{code}/")
    expect_online(page)
    silent["on"] = True
    page.clock.fast_forward(11_000)  # the ping goes out, and nothing comes back
    page.wait_for_timeout(300)
    expect(page.locator("#offline-banner")).to_be_hidden()
    page.clock.fast_forward(21_000)
    expect_offline(page)
    silent["on"] = False
    page.clock.fast_forward(16_000)  # past any backoff: the new socket is relayed again
    expect_online(page)
    assert len(sockets) >= 2


def test_a_room_whose_cookie_is_no_longer_valid_lands_on_the_join_page(browser, lab_server, started_session):
    hr = factories.holder(started_session, "hr")
    page = room(browser, lab_server, hr)
    code = started_session.join_code
    # The cookie expires while the page is open; the next reconnect is refused with 4401.
    page.context.clear_cookies()
    page.context.add_cookies([{"name": cookie_name(code), "value": "forged:sig", "url": lab_server.url}])
    page.context.set_offline(True)
    page.context.set_offline(False)
    page.wait_for_url(f"{lab_server.url}/join/{code}/?lost=signin", timeout=15_000)
    expect(page.locator("[data-code=signed_out]")).to_contain_text("no longer signed in")
    expect(page.locator("input[name=join_code]")).to_have_value(code)
    # Opening the room with that cookie goes to the join page too (the room page checks it first).
    page.goto(f"{lab_server.url}/play/{code}/")
    page.wait_for_url(f"{lab_server.url}/join/{code}/")


def test_a_console_whose_login_is_gone_lands_on_the_login_page(browser, lab_server, started_session, facilitator):
    facilitator.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")  # the server's hasher
    facilitator.save()
    page = browser.new_context().new_page()
    console_path = f"/console/s/{started_session.id}/"
    page.goto(lab_server.url + console_path)
    page.fill("input[name=username]", facilitator.username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main button[type=submit]")
    expect(page.locator("#conn")).to_have_text("live", timeout=10_000)
    page.context.clear_cookies()  # logged out elsewhere, or the session expired
    page.context.set_offline(True)
    expect(page.locator("#offline-banner")).to_be_visible()
    page.context.set_offline(False)
    page.wait_for_url(f"{lab_server.url}/console/login/?denied=4401&next={console_path.replace('/', '%2F')}",
                      timeout=15_000)
    expect(page.locator("[data-code=signed_out]")).to_be_visible()
    # Logging in again leads back to the console, live.
    page.fill("input[name=username]", facilitator.username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main button[type=submit]")
    expect(page.locator("#conn")).to_have_text("live", timeout=10_000)
    assert page.url == lab_server.url + console_path


def test_the_console_keeps_itself_alive_without_an_error(browser, lab_server, started_session, facilitator):
    """The console pings after 10 s of silence like the room; the server answers pong (it used to refuse
    the ping, and the console showed a red error every 20 s)."""
    facilitator.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")
    facilitator.save()
    page = browser.new_context().new_page()
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    page.clock.install()
    page.goto(f"{lab_server.url}/console/s/{started_session.id}/")
    page.fill("input[name=username]", facilitator.username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main button[type=submit]")
    expect(page.locator("#conn")).to_have_text("live", timeout=10_000)
    for _ in range(3):
        page.clock.fast_forward(11_000)
        page.wait_for_timeout(300)
    assert any('"pong"' in str(f) for f in frames), frames[-3:]
    expect(page.locator("#console-error")).to_be_hidden()
    expect(page.locator("#conn")).to_have_text("live")


CAPTURE_SOCKETS = """
window.__labSockets = [];
const NativeSocket = window.WebSocket;
window.WebSocket = function (url, protocols) {
  const socket = protocols === undefined ? new NativeSocket(url) : new NativeSocket(url, protocols);
  window.__labSockets.push(socket);
  return socket;
};
window.WebSocket.prototype = NativeSocket.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""


def test_a_flooding_room_is_told_why_and_comes_back_after_a_pause(browser, lab_server, started_session):
    factories.committed(started_session)  # the director has stated the forecast: Approve can be enabled
    """The server closes a socket that floods it with 4429 (after `too_fast`); the room says so in words and
    reconnects a few seconds later instead of at once."""
    person = factories.holder(started_session, "hr")
    person = type(person).objects.select_related("session").get(pk=person.pk)
    code = person.session.join_code
    context = browser.new_context()
    context.add_init_script(CAPTURE_SOCKETS)
    context.add_cookies([{"name": cookie_name(code), "value": sign_token(person.rejoin_token), "url": lab_server.url}])
    page = context.new_page()
    page.goto(f"{lab_server.url}/play/{code}/")
    expect_online(page)
    page.evaluate("""() => {
      const socket = window.__labSockets[window.__labSockets.length - 1];
      for (let i = 0; i < 300; i++) socket.send(JSON.stringify({type: "ping", id: "flood-" + i}));
    }""")
    expect(page.locator("#conn")).to_contain_text("too many messages at once", timeout=10_000)
    assert page.evaluate("window.__labSockets[window.__labSockets.length - 1].readyState") >= 2  # closing/closed
    expect_online(page, timeout=20_000)  # back by itself, on a new socket
    assert page.evaluate("window.__labSockets.length") >= 2
    context.close()
