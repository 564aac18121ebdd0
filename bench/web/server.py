"""Start and stop the lab for a load run: a fresh database, daphne, (services) a Celery worker.

Embedded: a temporary SQLite file (SQLITE_PATH), DATABASE_URL and REDIS_URL unset.
Services: PostgreSQL database `dl_bench_web` (cloned from a migrated template `dl_bench_web_tpl`,
both dropped at the end) and Redis DB 14 with its own channel prefix and Celery queue.
"""
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB, PG_TEMPLATE = "dl_bench_web", "dl_bench_web_tpl"
REDIS_URL = "redis://127.0.0.1:6379/14"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def base_env(mode: str, workdir: Path, settings: str = "config.settings.base") -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "SQLITE_PATH", "DJANGO_DEBUG", "CELERY_QUEUE", "CHANNEL_PREFIX")}
    # People join over HTTP without a lobby socket; joining 1,000 takes minutes, and at the start the first of them
    # would count as having left the lobby (no socket, not seen within the TTL) and give up their seats.
    env.update({"DJANGO_SETTINGS_MODULE": settings, "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
                "LAB_PRESENCE_TTL_SECONDS": "600"})
    if not settings.startswith("config."):  # a bench-only experiment module from bench/web
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH", "")]))
    if mode == "embedded":
        env["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    else:
        env.update({"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{PG_DB}", "REDIS_URL": REDIS_URL,
                    "CELERY_QUEUE": "benchweb", "CHANNEL_PREFIX": "benchweb"})
        # The services profile refuses defaults (config/settings/base.py): a key of this run, the loopback
        # names, plain HTTP.
        env.setdefault("DJANGO_SECRET_KEY", __import__("secrets").token_urlsafe(50))
        env.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
        env.setdefault("LAB_HTTPS", "false")
    return env


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def _pg_drop(name: str) -> None:
    _pg(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _redis_flush() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


class Lab:
    """One mode's template database; `fresh()` gives a clean copy for each run."""

    def __init__(self, mode: str, src: Path, python: str, settings: str = "config.settings.base"):
        self.mode, self.src, self.python = mode, src, python
        self.workdir = Path(tempfile.mkdtemp(prefix=f"benchweb-{mode}-"))
        self.env = base_env(mode, self.workdir, settings)
        self.template_env = dict(self.env)
        if mode == "embedded":
            self.template_env["SQLITE_PATH"] = str(self.workdir / "template.sqlite3")
        else:
            self.template_env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_TEMPLATE}"
            _pg_drop(PG_DB)
            _pg_drop(PG_TEMPLATE)
            _pg(f"CREATE DATABASE {PG_TEMPLATE}")
        started = time.monotonic()
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=src, env=self.template_env,
                       check=True)
        self.migrate_seconds = time.monotonic() - started

    def fresh(self) -> None:
        if self.mode == "embedded":
            target = Path(self.env["SQLITE_PATH"])
            for suffix in ("", "-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            with sqlite3.connect(self.template_env["SQLITE_PATH"]) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copyfile(self.template_env["SQLITE_PATH"], target)
        else:
            _pg_drop(PG_DB)
            _pg(f"CREATE DATABASE {PG_DB} TEMPLATE {PG_TEMPLATE}")
            _redis_flush()

    def run_script(self, *args: str) -> str:
        out = subprocess.run([self.python, *args], cwd=self.src, env=self.env, check=True, capture_output=True,
                             text=True)
        return out.stdout

    def close(self) -> None:
        if self.mode == "services":
            _pg_drop(PG_DB)
            _pg_drop(PG_TEMPLATE)
            _redis_flush()
        shutil.rmtree(self.workdir, ignore_errors=True)


class Processes:
    """daphne (optionally under the stack sampler) or uvicorn, and, in services mode, a Celery worker.

    `app` is the ASGI application served (the lab's, or the bare Channels app of bench/bare_channels);
    `server` is "daphne" or "uvicorn" (uvloop + httptools, one process).
    """

    def __init__(self, lab: Lab, port: int, profile_out: Path | None = None, server: str = "daphne",
                 app: str = "config.asgi:application", web: int = 1):
        self.lab, self.port, self.profile_out = lab, port, profile_out
        self.kind, self.app, self.web = server, app, web
        self.server = self.worker = self.nginx = None
        self.extra = []  # web processes 2..N (services mode, behind nginx on `port`)
        self.logs = []

    def server_pids(self) -> list[int]:
        """Every process serving people: the web processes and, with several, nginx."""
        return [p.pid for p in [self.server, *self.extra, self.nginx] if p is not None]

    def _log(self, name: str):
        fh = open(self.lab.workdir / f"{name}.log", "w")
        self.logs.append(fh)
        return fh

    def start(self) -> None:
        py = self.lab.python
        if self.lab.mode == "services":
            celery = str(Path(py).parent / "celery")
            self.worker = subprocess.Popen([celery, "-A", "config", "worker", "-P", "solo", "-Q", "benchweb",
                                            "-l", "warning"], cwd=self.lab.src, env=self.lab.env,
                                           stdout=self._log("celery"), stderr=subprocess.STDOUT)
        if self.web > 1:
            self._start_behind_nginx(py)
            return
        daphne_args = ["--websocket_connect_timeout", "60", "-e", f"tcp:port={self.port}:interface=127.0.0.1:backlog=2048", self.app]
        if self.kind == "uvicorn":
            cmd = [py, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(self.port), "--loop", "uvloop",
                   "--http", "httptools", "--lifespan", "off", "--no-access-log", "--log-level", "warning", self.app]
        elif self.profile_out:
            cmd = [py, str(HERE / "sampled_daphne.py"), str(self.profile_out), *daphne_args]
        else:
            cmd = [py, "-m", "daphne", *daphne_args]
        self.server = subprocess.Popen(cmd, cwd=self.lab.src, env=self.lab.env, stdout=self._log("daphne"),
                                       stderr=subprocess.STDOUT)
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2)
                return
            except OSError:
                if self.server.poll() is not None:
                    raise RuntimeError("daphne died:\n" + self.server_log())
                time.sleep(0.2)
        raise RuntimeError("daphne did not answer within 30 s:\n" + self.server_log())

    def _start_behind_nginx(self, py: str) -> None:
        """As `make services` runs them: WEB daphnes on the next ports, nginx on `port` (its one-box config)."""
        sys.path.insert(0, str(self.lab.src / "deploy" / "one_box"))
        import services as one_box

        ports = [self.port + 1 + i for i in range(self.web)]
        procs = [subprocess.Popen([py, "-m", "daphne", "--websocket_connect_timeout", "60", "-e", f"tcp:port={p}:interface=127.0.0.1:backlog=2048",
                                   self.app], cwd=self.lab.src, env=self.lab.env, stdout=self._log("daphne" if i == 0 else f"daphne{i}"),
                                  stderr=subprocess.STDOUT) for i, p in enumerate(ports)]
        self.server, self.extra = procs[0], procs[1:]
        run_dir = self.lab.workdir / "nginx"
        run_dir.mkdir(exist_ok=True)
        conf = one_box.write_nginx_conf({"run_dir": run_dir, "host": "127.0.0.1", "port": self.port,
                                         "web_ports": ports})
        self.nginx = subprocess.Popen([one_box.nginx_binary(install=False), "-c", str(conf), "-p", str(run_dir),
                                       "-g", "daemon off;"], stdout=self._log("nginx"), stderr=subprocess.STDOUT)
        for port in [*ports, self.port]:
            for _ in range(150):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                    break
                except OSError:
                    if any(p.poll() is not None for p in [*procs, self.nginx]):
                        raise RuntimeError("a web process or nginx died:\n" + self.server_log())
                    time.sleep(0.2)
            else:
                raise RuntimeError(f"nothing answered on {port} within 30 s")

    def server_log(self) -> str:
        return (self.lab.workdir / "daphne.log").read_text(errors="replace")[-4000:]

    def signal_server(self, sig) -> None:
        # Only the sampler wrapper handles these; plain daphne would die of SIGUSR1.
        if self.profile_out and self.server and self.server.poll() is None:
            self.server.send_signal(sig)

    def stop(self) -> None:
        for proc in (self.nginx, self.server, *self.extra, self.worker):
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for fh in self.logs:
            fh.close()


def proc_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def named_cpu_seconds(prefixes: tuple[str, ...]) -> float:
    """CPU seconds of every process whose command name starts with one of prefixes (postgres, redis)."""
    total = 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            comm = Path(entry.path, "comm").read_text().strip()
        except OSError:
            continue
        if comm.startswith(prefixes):
            total += proc_cpu_seconds(int(entry.name))
    return total


def system_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def machine() -> dict:
    mem_kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")).split()[1])
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "?")
    return {"nproc": os.cpu_count(), "cpu": model, "mem_gib": round(mem_kb / 2**20, 1),
            "python": sys.version.split()[0]}
