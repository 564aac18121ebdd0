"""A real server (daphne, in a subprocess, on the test database) and a real headless Chromium."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import services_env

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    """Module-scoped: Playwright's sync API holds an event loop in this thread while it runs, which
    would break async_to_sync in the tests that follow, so it stops with the browser module."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing (install Debian's chromium: `make browser` as root)")
        pytest.skip(f"{CHROMIUM} is missing; `make browser` as root installs it")
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # plain synchronous code between browser steps, so Django's async guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class LabServer:
    """daphne serving config.asgi on the test database, in the same mode as the suite."""

    def __init__(self, env: dict):
        self.env = env
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self) -> None:
        # A file, not a pipe: nobody reads a pipe while the test runs, and a full one blocks daphne.
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = open(ARTIFACTS / f"daphne-{self.port}.log", "a")
        self.proc = subprocess.Popen([sys.executable, "-m", "daphne", "--websocket_connect_timeout", "60", "-e",
                                      f"tcp:port={self.port}:interface=127.0.0.1:backlog=2048",
                                      "config.asgi:application"], cwd=ROOT, env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT, text=True)
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/", timeout=1)
                return
            except OSError:
                assert self.proc.poll() is None, f"daphne died: see {self.log.name}"
                time.sleep(0.2)
        self.proc.kill()
        pytest.fail("daphne did not answer within 20 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture
def lab_server(transactional_db, request):
    db = settings.DATABASES["default"]
    if settings.SERVICES_MODE:
        request.getfixturevalue("celery_worker_process")
        env = services_env()
    else:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "LOG_LEVEL": "WARNING"}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        env["SQLITE_PATH"] = str(db["NAME"])
    server = LabServer(env)
    server.start()
    yield server
    server.stop()


STAFF_PASSWORD = "pw-for-tests"


def staff_page(browser, server, user, path: str, *, viewport=(1366, 900)):
    """A new browser page that opens `path` on `server` and logs `user` in on the login page it is sent to (the
    password is set with PBKDF2, a hasher the server's production settings read)."""
    from django.contrib.auth.hashers import make_password

    user.password = make_password(STAFF_PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    page = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}).new_page()
    page.goto(f"{server.url}{path}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.click("main button[type=submit]")
    return page
