"""PostgreSQL restarted or a connection dropped, against one real daphne on the test database.

A PostgreSQL restart ends every client connection; pg_terminate_backend on each connection of the
daphne process (found by its application_name) does the same to that process, and lets the test end
one chosen connection in the middle of an edit. A real restart is tested too, on a private cluster made
for the test (initdb, the test database copied in with pg_dump: about 2 s) that `pg_ctl restart` stops
and starts under a running daphne. The person gets an answer in plain words and can retry; no package
version or ledger row is half-written; the pooled connections recover without restarting daphne.
"""
import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import psycopg
import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from classroom.identity import cookie_name, sign_token
from classroom.models import LedgerEntry
from game.models import PackageVersion
from tests import factories
from tests.browser.conftest import LabServer
from tests.processes import free_port, services_env
from tests.test_connection_storm import wsclient

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.SERVICES_MODE, reason="needs PostgreSQL + Redis (set by `make test` when reachable)"),
    pytest.mark.django_db(transaction=True),
]

APP = "lab-fault-daphne"  # libpq's PGAPPNAME: how the test tells daphne's connections from its own
LEVER = "overtime_share"  # HR's


@pytest.fixture
def daphne(transactional_db):
    server = LabServer(services_env(PGAPPNAME=APP))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def hr(started_session):
    person = factories.holder(started_session, "hr")
    return {"code": started_session.join_code, "id": person.id, "team": person.team_id,
            "round": factories.open_round(started_session).id,
            "cookie": f"{cookie_name(started_session.join_code)}={sign_token(person.rejoin_token)}"}


def pg(**where) -> psycopg.Connection:
    """A connection of the test's own, outside Django's pool, so terminating daphne's never touches it."""
    db = settings.DATABASES["default"]
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"] or None,
              "dbname": db["NAME"], **where}
    return psycopg.connect(**params, application_name="lab-fault-test", autocommit=True)


def terminate(conn: psycopg.Connection, where: str = "", args=()) -> int:
    rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                        f"AND pid <> pg_backend_pid() AND application_name = %s {where}", [APP, *args]).fetchall()
    return len(rows)


def get(server: LabServer, path: str, cookie: str) -> int:
    request = urllib.request.Request(server.url + path, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


async def room(server: LabServer, person: dict):
    ws = await wsclient().WebSocket.connect("127.0.0.1", server.port, f"/ws/play/{person['code']}/",
                                            headers={"Cookie": person["cookie"]}, timeout=20)
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 20))
        if frame["type"] == "state":
            return ws, frame["package"]["version"]


async def answer(ws, ref: str) -> dict:
    """The one ack or error for `ref` (events may come in between)."""
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 20))
        if frame.get("ref") == ref:
            return frame


async def edit(ws, ref: str, value: float, base: int) -> dict:
    ws.send_json({"type": "package.edit", "id": ref, "lever": LEVER, "value": value, "base_version": base})
    return await answer(ws, ref)


def assert_plain_words(frame: dict) -> None:
    """An error a person can act on: not a bug report, no internals."""
    assert frame["type"] == "error" and frame["code"] != "internal_error", frame
    assert not any(word in frame["message"] for word in ("Traceback", "psycopg", "OperationalError", "SQL")), frame
    assert "try again" in frame["message"].lower(), frame


@database_sync_to_async
def versions(person: dict) -> list[int]:
    return list(PackageVersion.objects.filter(team_id=person["team"], round_id=person["round"])
                .order_by("version").values_list("version", flat=True))


@database_sync_to_async
def ledger_rows(person: dict, ref: str) -> int:
    return LedgerEntry.objects.filter(participant_id=person["id"], client_msg_id=ref).count()


@pytest.mark.asyncio
async def test_every_connection_dropped_the_next_request_and_edit_succeed_without_restarting(daphne, hr):
    ws, version = await room(daphne, hr)
    with pg() as conn:
        try:
            assert (await edit(ws, "before", 0.05, version))["type"] == "ack"
            # Requests at once, so the pool holds many idle connections, all dead after the drop: met one by
            # one with psycopg_pool's back-off (1, 2, 4 s...), five of them outlast its 10 s timeout.
            statuses = await asyncio.gather(*(asyncio.to_thread(get, daphne, f"/play/{hr['code']}/", hr["cookie"])
                                              for _ in range(12)))
            assert set(statuses) == {200}
            idle = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND state = 'idle'",
                                [APP]).fetchone()[0]
            dropped = terminate(conn)
            assert dropped >= 5, f"daphne held {dropped} connections, too few to show the pool's recovery"
            began = time.monotonic()
            # The first request after the drop: a dead pooled connection must not make it fail, nor wait long.
            assert get(daphne, f"/play/{hr['code']}/", hr["cookie"]) == 200
            page_after = time.monotonic() - began
            assert page_after < 3, f"the first page after the drop took {page_after:.1f} s"
            frame = await edit(ws, "after", 0.1, version + 1)
            if frame["type"] == "error":
                assert_plain_words(frame)
                frame = await edit(ws, "after", 0.1, version + 1)
            assert frame["type"] == "ack" and frame["package"]["version"] == version + 2, frame
            assert await versions(hr) == list(range(1, version + 3))
            print(f"\n  {dropped} connections of daphne terminated ({idle} idle in its pool); the next page answered "
                  f"200 in {page_after:.2f} s, the next edit was acknowledged; daphne (pid {daphne.proc.pid}) never "
                  "restarted")
            assert daphne.proc.poll() is None
        finally:
            await ws.close()


@pytest.mark.asyncio
async def test_an_edit_whose_connection_dies_mid_transaction_leaves_nothing_and_its_retry_applies_once(daphne, hr):
    ws, version = await room(daphne, hr)
    with pg() as conn, pg() as locker:
        try:
            # The edit's last step: at COMMIT PostgreSQL checks the new version's foreign key to its round
            # (Django's foreign keys are deferred), which waits while another transaction holds that row.
            # By then the edit has filed its ledger row, inserted the version and bumped the team's seq.
            locker.autocommit = False
            locker.execute("SELECT 1 FROM game_round WHERE id = %s FOR UPDATE", [hr["round"]])
            ws.send_json({"type": "package.edit", "id": "mid", "lever": LEVER, "value": 0.2, "base_version": version})
            waiting = None
            end = time.monotonic() + 20
            while waiting is None and time.monotonic() < end:
                row = conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s AND "
                                   "wait_event_type = 'Lock'", [APP]).fetchone()
                waiting = row and row[0]
                await asyncio.sleep(0.05)
            assert waiting, "the edit never waited on the round's row"
            written = {r[0] for r in conn.execute(
                "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = %s AND "
                "l.mode = 'RowExclusiveLock'", [waiting]).fetchall()}
            assert {"classroom_ledgerentry", "game_packageversion", "classroom_team"} <= written, written
            assert terminate(conn, "AND pid = %s", [waiting]) == 1
            began = time.monotonic()
            frame = await answer(ws, "mid")
            answered = time.monotonic() - began
        finally:
            locker.rollback()
    try:
        assert_plain_words(frame)
        assert await versions(hr) == list(range(1, version + 1)), "a version of the dropped edit was kept"
        assert await ledger_rows(hr, "mid") == 0, "the dropped edit was filed"
        retried = await edit(ws, "mid", 0.2, version)
        assert retried["type"] == "ack" and retried["package"]["version"] == version + 1, retried
        again = await edit(ws, "mid", 0.2, version)  # the same id once more: answered, not applied twice
        assert again["type"] == "ack" and again["package"]["version"] == version + 1, again
        assert await versions(hr) == list(range(1, version + 2))
        assert await ledger_rows(hr, "mid") == 1
        print(f"\n  edit's backend terminated at COMMIT; the person was told in {answered:.2f} s: "
              f"{frame['code']}: {frame['message']!r}; the retry made version {version + 1} once")
    finally:
        await ws.close()


PG_BIN = "/usr/local/bin"


@pytest.fixture
def private_cluster(hr):
    """A PostgreSQL of the test's own on a free port, holding a copy of the test database as it is now (the
    session of `hr` included); {"port", "ctl"}: ctl(*args) runs pg_ctl on it. Run as the postgres user when the
    test runs as root (initdb refuses root)."""
    tools = [os.path.join(PG_BIN, "initdb"), os.path.join(PG_BIN, "pg_ctl"), shutil.which("pg_dump"),
             shutil.which("psql")]
    if not all(tool and os.access(tool, os.X_OK) for tool in tools):
        pytest.skip("initdb, pg_ctl, pg_dump and psql are needed for a private PostgreSQL")
    initdb, pg_ctl, pg_dump, psql = tools
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    home = tempfile.mkdtemp(prefix="lab-pg-restart-")
    if as_user:
        shutil.chown(home, "postgres")
    port = free_port()
    data = os.path.join(home, "data")

    def ctl(*args):
        # The server's output to its log, never to a pipe of ours: a restarted server holds it open for good.
        subprocess.run([*as_user, pg_ctl, "-D", data, "-w", "-l", os.path.join(home, "log"), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)

    subprocess.run([*as_user, initdb, "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"],
                   check=True, capture_output=True, timeout=60)
    ctl("-o", f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    try:
        db = settings.DATABASES["default"]
        dump = subprocess.run([pg_dump, "-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"], "--no-owner",
                               db["NAME"]], check=True, capture_output=True, timeout=60).stdout
        subprocess.run([psql, "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c", "CREATE DATABASE lab"],
                       check=True, capture_output=True, timeout=60)
        subprocess.run([psql, "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                        "-d", "lab"], input=dump, check=True, capture_output=True, timeout=60)
        yield {"port": port, "ctl": ctl}
    finally:
        ctl("-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def daphne_on_private(private_cluster):
    server = LabServer(services_env(PGAPPNAME=APP,
                                    DATABASE_URL=f"postgres://postgres@127.0.0.1:{private_cluster['port']}/lab"))
    server.start()
    yield server
    server.stop()


@pytest.mark.asyncio
async def test_a_real_restart_the_next_page_and_edit_succeed_without_restarting_daphne(private_cluster,
                                                                                      daphne_on_private, hr):
    server = daphne_on_private
    ws, version = await room(server, hr)
    try:
        assert (await edit(ws, "before", 0.05, version))["type"] == "ack"
        statuses = await asyncio.gather(*(asyncio.to_thread(get, server, f"/play/{hr['code']}/", hr["cookie"])
                                          for _ in range(12)))
        assert set(statuses) == {200}
        began = time.monotonic()
        private_cluster["ctl"]("-m", "fast", "restart")  # ends every connection, as a server restart does
        restarted = time.monotonic() - began
        began = time.monotonic()
        assert get(server, f"/play/{hr['code']}/", hr["cookie"]) == 200
        page_after = time.monotonic() - began
        frame = await edit(ws, "after", 0.1, version + 1)
        if frame["type"] == "error":
            assert_plain_words(frame)
            frame = await edit(ws, "after", 0.1, version + 1)
        assert frame["type"] == "ack" and frame["package"]["version"] == version + 2, frame
        with pg(port=private_cluster["port"], host="127.0.0.1", user="postgres", password=None, dbname="lab") as conn:
            kept = [r[0] for r in conn.execute("SELECT version FROM game_packageversion WHERE team_id = %s AND "
                                               "round_id = %s ORDER BY version", [hr["team"], hr["round"]])]
        assert kept == list(range(1, version + 3))
        assert server.proc.poll() is None
        print(f"\n  PostgreSQL restarted (pg_ctl restart -m fast, {restarted:.2f} s); the next page answered 200 in "
              f"{page_after:.2f} s and the next edit was acknowledged, daphne never restarted")
    finally:
        await ws.close()
