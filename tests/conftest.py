"""Root fixtures: people, sessions, a started session, writable scenario files, and (in services mode)
a Celery worker."""
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(items):
    """`make test` runs the suite on two processes (pytest-xdist, --dist loadgroup): the browser tests stay
    together on one of them, so two Chromiums and their servers never race for the same two cores while
    the other process runs everything else."""
    for item in items:
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(autouse=True)
def english_to_start():
    """Every test starts in English: a request through the test client leaves its reader's language active in this
    thread (LocaleMiddleware activates and never resets), and a later test calling a service would read German."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test gets a channel layer of its own. Each async test runs on its own event loop, and a layer whose
    receive lock a previous test's socket left held on that test's loop fails the next test's sockets ("bound to a
    different event loop"), depending on which tests ran before on this process."""
    yield
    from channels.layers import channel_layers

    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def coalescing_forgotten(request):
    """Coalesced events (classroom/events.py) a test left for later are dropped when it ends, and a publish
    already running on its timer thread is waited for: it would run into the next test, or hold the database
    while pytest-django flushes it ("couldn't be flushed"). Torn down before the database is: a test that uses
    the database has it set up first."""
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("_django_db_helper")
    yield
    from classroom import events

    with events._coalescing:
        timers = list(events._timers)
        for timer in timers:
            timer.cancel()
    for timer in timers:
        timer.join(timeout=5)
    with events._coalescing:
        events._timers.clear()
        events._waiting.clear()
        events._publishing.clear()
        events._last.clear()


@pytest.fixture
def facilitator(db):
    return factories.make_facilitator()


@pytest.fixture
def lobby_session(facilitator):
    return factories.make_session(facilitator)


@pytest.fixture
def started_session(lobby_session, facilitator):
    """A session with one full team of four, round 1 open."""
    factories.join_many(lobby_session, 4)
    return factories.start(lobby_session, facilitator)


@pytest.fixture
def scenario_files(tmp_path, monkeypatch):
    """The engine reads scenarios from a writable copy; returns `rewrite(name, **params)`, which
    changes parameters in that scenario's file as an author editing it would."""
    from game.engine import scenario as scenario_module

    for path in scenario_module.SCENARIO_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(scenario_module, "SCENARIO_DIR", tmp_path)
    scenario_module.load_scenario.cache_clear()

    def rewrite(name: str, **params) -> None:
        path = tmp_path / f"{name}.json"
        data = json.loads(path.read_text())
        data["params"].update(params)
        path.write_text(json.dumps(data))
        scenario_module.load_scenario.cache_clear()

    yield rewrite
    scenario_module.load_scenario.cache_clear()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    from tests.processes import services_env

    env = services_env()
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-l", "warning",
         "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    from config.celery import app as celery_app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = celery_app.control.ping(timeout=1.0)
        if replies:
            break
        assert proc.poll() is None, f"celery worker died: {proc.stdout.read()}"
    else:
        proc.kill()
        pytest.fail("celery worker did not answer a ping within 60 s")
    yield proc
    proc.terminate()
    proc.wait(timeout=20)
