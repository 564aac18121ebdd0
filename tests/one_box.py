"""The one-box services mode of `make services` (deploy/one_box/services.py) for tests that start it: two web
processes behind nginx, a Celery worker and beat, on a scratch database of the test's own (created by the script
when missing, kept between runs so migrate has little to do) and a Redis DB of its own (flushed afterwards).
Shared by tests/test_one_box.py and tests/faults/test_web_process_killed.py."""
import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "deploy" / "one_box" / "services.py"


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


@contextlib.contextmanager
def one_box(tmp_path: Path, *, db: str, redis_url: str, name: str):
    """(port, env, run_dir) for `services.py start`, stopped and its Redis DB flushed afterwards. Skips when nginx
    cannot be had. `db`, `redis_url` and `name` (queue and channel prefix): one set per test module, so two
    modules never share a database or a Redis DB."""
    nginx = subprocess.run([sys.executable, str(SCRIPT), "nginx"], capture_output=True, text=True, timeout=600)
    if nginx.returncode != 0:
        pytest.skip(f"no nginx for the one-box services mode: {nginx.stderr.strip()}")
    port = free_port_block(3)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LAB_", "CELERY", "CHANNEL"))}
    env.update({"RUN_DIR": str(tmp_path / "run"), "PORT": str(port), "WEB": "2", "HOST": "127.0.0.1",
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}", "REDIS_URL": redis_url,
                "CELERY_QUEUE": name, "CHANNEL_PREFIX": name, "WORKER_CONCURRENCY": "1"})
    try:
        yield port, env, tmp_path / "run"
    finally:
        subprocess.run([sys.executable, str(SCRIPT), "stop"], env=env, capture_output=True, timeout=120)
        import redis

        redis.Redis.from_url(redis_url).flushdb()


def make_session(env: dict) -> dict:
    """A session in its lobby, made with the lab's own services in the one box's database (bench/web/setup_session.py):
    {"session_id", "join_code", "username", "password"} of its facilitator."""
    import json

    made = subprocess.run([sys.executable, "bench/web/setup_session.py", "--minutes", "30"], cwd=ROOT,
                          env={**env, "DJANGO_SECRET_KEY": (Path(env["RUN_DIR"]) / "secret_key").read_text().strip(),
                               "DJANGO_ALLOWED_HOSTS": "127.0.0.1"},
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr[-2000:]
    return json.loads(made.stdout)
