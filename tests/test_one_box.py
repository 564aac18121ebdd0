"""`make services` on one box: deploy/one_box/services.py starts two web processes behind nginx, a
Celery worker and beat; the lab answers through the proxy (a page and a team-room socket), and
`stop` leaves no process behind. Services mode only (PostgreSQL and Redis answer on 127.0.0.1). A
scratch database of its own (created by the script when missing, kept between runs so migrate has
little to do) and Redis DB 12 with its own prefix and queue (flushed afterwards)."""
import asyncio
import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "deploy" / "one_box" / "services.py"
DB = "dl_one_box_test"
REDIS = "redis://127.0.0.1:6379/12"

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.SERVICES_MODE, reason="needs PostgreSQL + Redis (set by `make test` when reachable)"),
]


def free_port_block(count: int) -> int:
    """A port p with p..p+count-1 all free on 127.0.0.1."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = s.getsockname()[1]
        if base + count > 65535:
            continue
        socks = []
        try:
            for p in range(base, base + count):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    pytest.fail("no free block of ports")


def group_pids(pgids: set[int]) -> list[int]:
    left = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) in pgids and fields[0] != "Z":
                left.append(int(entry.name))
    return left


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def one_box(tmp_path):
    nginx = subprocess.run([sys.executable, str(SCRIPT), "nginx"], capture_output=True, text=True, timeout=600)
    if nginx.returncode != 0:
        pytest.skip(f"no nginx for the one-box services mode: {nginx.stderr.strip()}")
    port = free_port_block(3)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LAB_", "CELERY", "CHANNEL"))}
    env.update({"RUN_DIR": str(tmp_path / "run"), "PORT": str(port), "WEB": "2", "HOST": "127.0.0.1",
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "REDIS_URL": REDIS,
                "CELERY_QUEUE": "onebox", "CHANNEL_PREFIX": "onebox", "WORKER_CONCURRENCY": "1"})
    yield port, env, tmp_path / "run"
    subprocess.run([sys.executable, str(SCRIPT), "stop"], env=env, capture_output=True, timeout=120)
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def join_and_open_room(port: int, env: dict) -> dict:
    """A session made with the lab's own services, one person joined over HTTP through nginx, and
    their team-room socket opened through nginx: the first frame is the room's snapshot."""
    sys.path.insert(0, str(ROOT / "bench" / "web"))
    from load import join_all
    from wsclient import WebSocket

    made = subprocess.run([sys.executable, "bench/web/setup_session.py", "--minutes", "30"], cwd=ROOT,
                          env={**env, "DJANGO_SECRET_KEY": (Path(env["RUN_DIR"]) / "secret_key").read_text().strip(),
                               "DJANGO_ALLOWED_HOSTS": "127.0.0.1"},
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr[-2000:]
    code = json.loads(made.stdout)["join_code"]
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
