"""In Chromium: HR makes, rotates and revokes their API token on its page, and reads the interactive API docs,
which load everything from the lab itself (workshops run on closed networks)."""
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import make_password
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import axe_violations
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def hr_page(browser, lab_server, facilitator):
    factories.join_many(factories.make_session(facilitator), 2)
    hr = factories.make_hr_only("hanna")
    hr.password = make_password("pw-for-tests", hasher="pbkdf2_sha256")  # the server's hasher
    hr.save()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    asked = {}  # URL -> host, for every http(s) request the page sent (blob: and data: are the page's own)
    page.on("request", lambda request: asked.setdefault(request.url, urlsplit(request.url).hostname)
            if request.url.startswith("http") else None)
    # a request the page's Content-Security-Policy stopped never left the browser
    page.on("requestfailed", lambda request: asked.pop(request.url, None)
            if (request.failure or "").lower() in ("csp", "net::err_blocked_by_csp") else None)
    page.goto(f"{lab_server.url}/reports/api-token/")
    page.fill("input[name=username]", hr.username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Your API token")
    return page, lab_server.url, asked


def status_with(page, url: str, key: str) -> int:
    return page.request.get(f"{url}/api/sessions/", headers={"Authorization": f"Token {key}"}).status


def test_token_page_creates_rotates_and_revokes(hr_page):
    page, url, _ = hr_page
    assert axe_violations(page) == []
    page.get_by_role("button", name="Create a token").click()
    key_box = page.get_by_label("Your API token (shown only now)")
    first = key_box.input_value()
    assert len(first) == 40 and status_with(page, url, first) == 200
    page.screenshot(path=str(ARTIFACTS / "api-token-created.png"), full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Rotate: make a new key").click()
    second = page.get_by_label("Your API token (shown only now)").input_value()
    assert second != first and status_with(page, url, first) == 401 and status_with(page, url, second) == 200
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    assert page.get_by_label("Your API token (shown only now)").count() == 0
    assert status_with(page, url, second) == 401


def test_swagger_ui_renders_the_api_from_local_files(hr_page):
    page, url, asked = hr_page
    page.goto(f"{url}/api/docs/")
    expect(page.locator(".swagger-ui .opblock-summary-path", has_text="/api/ledger/")).to_be_visible(timeout=15000)
    detail = re.compile(r"^/api/sessions/\{session_id\}/$")
    assert page.locator(".swagger-ui .opblock-summary-path", has_text=detail).count() == 1
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
    page.goto(f"{url}/api/redoc/")
    expect(page.get_by_role("heading", name="The participation ledger")).to_be_visible(timeout=15000)
    page.wait_for_load_state("networkidle")
    assert set(asked.values()) == {"127.0.0.1"}, f"the docs asked other hosts: {asked}"
