"""Real processes for the services-mode tests: the environment a web or worker process needs to share the test
database, Redis, Celery queue and channel prefix with this test process, and a Celery worker started from it."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def services_env(**overrides: str) -> dict:
    """What a subprocess needs to run on this test process's database, Redis, queue and channel prefix."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "CHANNEL_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
    }
    env.update(overrides)
    return env


def stop_process(proc) -> None:
    """SIGTERM, 20 s to finish, then SIGKILL: a test's process never outlives it."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def wait_until(predicate, timeout: float = 30.0, every: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(every)
    return False


class CeleryWorker:
    """`celery worker -P solo` on the env's queue, its output in test-artifacts/; ready once it says so."""

    def __init__(self, env: dict, name: str):
        self.env, self.name, self.proc = env, name, None

    def start(self, timeout: float = 60.0) -> "CeleryWorker":
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"celery-{self.name}-{os.getpid()}.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-l", "info",
             "-n", f"{self.name}@%h", "-Q", self.env["CELERY_QUEUE"],
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, text=True)
        ready = wait_until(lambda: self.proc.poll() is not None or " ready." in self.log_path.read_text(), timeout)
        assert ready and self.proc.poll() is None, f"celery worker {self.name} did not start: see {self.log_path}"
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, nothing is acknowledged or handed back."""
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        stop_process(self.proc)
        if self.proc:
            self.log.close()
