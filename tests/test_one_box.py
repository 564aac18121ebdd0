"""`make services` on one box: deploy/one_box/services.py starts two web processes behind nginx, a
Celery worker and beat; the lab answers through the proxy (a page and a team-room socket), and
`stop` leaves no process behind. Services mode only (PostgreSQL and Redis answer on 127.0.0.1). A
scratch database of its own (created by the script when missing, kept between runs so migrate has
little to do) and Redis DB 12 with its own prefix and queue (flushed afterwards): tests/one_box.py."""
import asyncio
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.one_box import ROOT, SCRIPT, group_pids, listening, make_session
from tests.one_box import one_box as shared_one_box

DB = "dl_one_box_test"
REDIS = "redis://127.0.0.1:6379/12"

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.SERVICES_MODE, reason="needs PostgreSQL + Redis (set by `make test` when reachable)"),
]


@pytest.fixture
def one_box(tmp_path):
    with shared_one_box(tmp_path, db=DB, redis_url=REDIS, name="onebox") as box:
        yield box


def join_and_open_room(port: int, env: dict) -> dict:
    """A session made with the lab's own services, one person joined over HTTP through nginx, and
    their team-room socket opened through nginx: the first frame is the room's snapshot."""
    sys.path.insert(0, str(ROOT / "bench" / "web"))
    from load import join_all
    from wsclient import WebSocket

    code = make_session(env)["join_code"]
    cookies, _ = join_all(port, code, 1, 1)

    async def room():
        ws = await WebSocket.connect("127.0.0.1", port, f"/ws/play/{code}/", {"Cookie": "=".join(cookies[0])})
        try:
            return json.loads(await asyncio.wait_for(ws.recv(), 30))
        finally:
            await ws.close()

    return asyncio.run(room())


def test_services_start_behind_nginx_answer_and_stop_leaving_nothing(one_box):
    port, env, run_dir = one_box
    started = subprocess.run([sys.executable, str(SCRIPT), "start"], env=env, capture_output=True, text=True,
                             timeout=240)
    assert started.returncode == 0, started.stdout + started.stderr
    assert "LAB_HTTPS=false" in started.stdout  # said in words: plain HTTP for a closed network
    pids = {p.stem: int(p.read_text().split()[0]) for p in (run_dir / "pids").glob("*.pid")}
    assert set(pids) == {"web1", "web2", "worker", "beat", "nginx"}
    assert listening(port + 1) and listening(port + 2)
    # Each socket is a file: the web processes get the hard limit, not Debian's soft 1,024.
    import resource

    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    limits = Path(f"/proc/{pids['web1']}/limits").read_text()
    soft = next(line.split()[3] for line in limits.splitlines() if line.startswith("Max open files"))
    assert soft == "unlimited" or int(soft) >= min(hard if hard != resource.RLIM_INFINITY else 65536, 65536)

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:  # through nginx
        assert response.status == 200
    conf = (run_dir / "nginx.conf").read_text()
    assert f"server 127.0.0.1:{port + 1};" in conf and f"server 127.0.0.1:{port + 2};" in conf

    state = join_and_open_room(port, env)
    assert state["type"] == "state" and state["you"]["name"] == "P0000"

    again = subprocess.run([sys.executable, str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode != 0 and "already running" in again.stderr

    stopped = subprocess.run([sys.executable, str(SCRIPT), "stop"], env=env, capture_output=True, text=True,
                             timeout=120)
    assert stopped.returncode == 0, stopped.stderr
    assert group_pids(set(pids.values())) == [], "processes left after stop"
    assert not any(listening(p) for p in (port, port + 1, port + 2))
    assert not list((run_dir / "pids").glob("*.pid"))
