"""The services mode on one box, without containers: `make services` and `make services-stop`.

    start   PostgreSQL and Redis (started only if installed here and not answering), migrate, then
            WEB web processes (default: one per core) on consecutive local ports PORT+1..PORT+WEB,
            nginx in front of them on HOST:PORT (default 0.0.0.0:8000), one Celery worker and one
            Celery beat. Pids and logs go to RUN_DIR (default .services/).
    stop    stops exactly what `start` started (by the pids it wrote), PostgreSQL and Redis only if
            `start` started them.
    status  what runs.
    nginx   prints the nginx binary, installing Debian's package first if it is missing and this is root.

The environment it reads (all optional):
    WEB=N  PORT=8000  HOST=0.0.0.0  RUN_DIR=.services  WORKER_CONCURRENCY=2
    DATABASE_URL (default postgres://postgres@127.0.0.1:5432/decisionlab; the database is created if missing)
    REDIS_URL (default redis://127.0.0.1:6379/0), CELERY_QUEUE, CHANNEL_PREFIX (passed on)
    DJANGO_SECRET_KEY (default: a key made once and kept in RUN_DIR/secret_key)
    DJANGO_ALLOWED_HOSTS (default: localhost, this machine's name and every address of its interfaces)
    LAB_HTTPS (default false: plain HTTP, for a closed network; put a TLS proxy in front and set it to true)

Stdlib only, plus psycopg and ifaddr, which the lab installs anyway.
"""
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}


class Refused(Exception):
    """Something this box lacks, said in words."""


def say(text: str) -> None:
    print(f"services: {text}", flush=True)


def config() -> dict:
    def env(name: str, default: str) -> str:
        return os.environ.get(name) or default

    run_dir = Path(env("RUN_DIR", str(ROOT / ".services"))).resolve()
    port = int(env("PORT", "8000"))
    web = int(env("WEB", str(os.cpu_count() or 1)))
    if not 1 <= web <= 64:
        raise Refused(f"WEB={web}: between 1 and 64 web processes")
    return {"run_dir": run_dir, "port": port, "host": env("HOST", "0.0.0.0"), "web": web, "server": "daphne",
            "web_ports": [port + 1 + i for i in range(web)],
            "database_url": env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/decisionlab"),
            "redis_url": env("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "worker_concurrency": env("WORKER_CONCURRENCY", "2")}


# ----------------------------------------------------------------------------- processes and pid files
def start_time(pid: int) -> str | None:
    """The kernel's start time of pid (tells a reused pid from ours)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def group_members(pgid: int) -> list[int]:
    members = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def pid_dir(cfg: dict) -> Path:
    return cfg["run_dir"] / "pids"


def recorded(cfg: dict) -> list[tuple[str, int]]:
    """(name, pid) of every process `start` wrote down that is still that process."""
    alive = []
    for path in sorted(pid_dir(cfg).glob("*.pid")) if pid_dir(cfg).exists() else []:
        try:
            pid, started = path.read_text().split()
        except ValueError:
            continue
        if start_time(int(pid)) == started:
            alive.append((path.stem, int(pid)))
    return alive


def _more_open_files() -> None:
    """Each socket is a file: a soft limit of 1,024 (Debian's default) stops a web process near 500
    sockets in a storm (docs/scaling.md). Raise the soft limit to the hard one (at most 65,536)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def spawn(cfg: dict, name: str, cmd: list[str], env: dict) -> subprocess.Popen:
    """Start cmd in a process group of its own (so stop takes its children too), log to RUN_DIR."""
    log = open(cfg["run_dir"] / "logs" / f"{name}.log", "ab")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True, preexec_fn=_more_open_files)
    log.close()
    (pid_dir(cfg) / f"{name}.pid").write_text(f"{proc.pid} {start_time(proc.pid)}\n")
    return proc


def wait_until(ready, seconds: float, interval: float = 0.2) -> bool:
    """Poll `ready()` until it is true (True) or `seconds` have passed (False)."""
    end = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > end:
            return False
        time.sleep(interval)
    return True


def stop_group(name: str, pid: int, timeout: float = 20.0) -> None:
    """SIGTERM the process group `start` made for pid, then SIGKILL what is left after timeout."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if not wait_until(lambda: not group_members(pid), timeout, 0.1):
        say(f"{name} did not stop within {timeout:.0f} s: killed")
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        wait_until(lambda: not group_members(pid), 5, 0.1)


def port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host or "127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def wait_http(url: str, proc: subprocess.Popen | None, name: str, cfg: dict, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Host": "localhost"}), timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.3)
    log = cfg["run_dir"] / "logs" / f"{name}.log"
    tail = log.read_text(errors="replace")[-2500:] if log.exists() else ""
    raise Refused(f"{name} did not answer {url} within {timeout:.0f} s; end of {log}:\n{tail}")


# ----------------------------------------------------------------------------- nginx, PostgreSQL, Redis
def nginx_binary(install: bool = True) -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found or not install:
        if not found:
            raise Refused("nginx is not installed")
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise Refused("nginx is not installed and I cannot install it (not root, or no apt-get): "
                      "install Debian's nginx (`sudo apt-get install nginx`) and run this again")
    say("installing Debian's nginx (apt-get install nginx)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "text": True}
    result = subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], **quiet)
    if result.returncode != 0:  # a fresh machine may not have the package lists yet
        subprocess.run(["apt-get", "update", "-qq"], **quiet)
        result = subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], **quiet)
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not found:
        raise Refused(f"apt-get could not install nginx: {result.stderr.strip()[-500:]}")
    return found


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


def ensure_postgres(cfg: dict) -> None:
    host, port = _host_port(cfg["database_url"], 5432)
    if answers(host, port):
        return
    if host not in LOCAL_HOSTS or not shutil.which("pg_lsclusters"):
        raise Refused(f"PostgreSQL does not answer on {host}:{port} and is not a cluster of this box "
                      "(install Debian's postgresql, or set DATABASE_URL to a server that runs)")
    clusters = [line.split() for line in subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True,
                                                        text=True).stdout.splitlines()]
    down = [c for c in clusters if len(c) >= 4 and c[2] == str(port) and c[3] == "down"]
    if not down:
        raise Refused(f"PostgreSQL does not answer on {host}:{port} and no stopped cluster uses that port")
    version, name = down[0][0], down[0][1]
    say(f"starting PostgreSQL {version}/{name} (pg_ctlcluster)")
    subprocess.run(["pg_ctlcluster", version, name, "start"], check=True)
    (cfg["run_dir"] / "started-postgresql").write_text(f"{version} {name}\n")
    if not wait_until(lambda: answers(host, port), 30, 0.3):
        raise Refused(f"PostgreSQL {version}/{name} started but does not answer on {host}:{port}")


def ensure_redis(cfg: dict) -> None:
    host, port = _host_port(cfg["redis_url"], 6379)
    if answers(host, port):
        return
    if host not in LOCAL_HOSTS or not shutil.which("redis-server"):
        raise Refused(f"Redis does not answer on {host}:{port} and redis-server is not installed here "
                      "(install Debian's redis-server, or set REDIS_URL to a server that runs)")
    say(f"starting Redis on 127.0.0.1:{port} (redis-server --daemonize yes; it keeps nothing on disk)")
    pidfile = cfg["run_dir"] / "redis.pid"
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(port),
                    "--save", "", "--appendonly", "no", "--dir", str(cfg["run_dir"]), "--pidfile", str(pidfile),
                    "--logfile", str(cfg["run_dir"] / "logs" / "redis.log")], check=True)
    if not wait_until(lambda: answers(host, port) and pidfile.exists(), 15):
        raise Refused(f"redis-server started but does not answer on {host}:{port}")
    pid = int(pidfile.read_text().split()[0])
    (cfg["run_dir"] / "started-redis").write_text(f"{pid} {start_time(pid)}\n")


def ensure_database(cfg: dict) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(cfg["database_url"])
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            say(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


# ----------------------------------------------------------------------------- the lab's environment
def allowed_hosts(cfg: dict) -> str:
    names = ["localhost", "127.0.0.1", "[::1]", socket.gethostname()]
    try:
        import ifaddr

        for adapter in ifaddr.get_adapters():
            for ip in adapter.ips:
                if isinstance(ip.ip, str):
                    names.append(ip.ip)
                elif not ip.ip[0].lower().startswith("fe80"):  # link-local v6 needs a zone: no browser uses it
                    names.append(f"[{ip.ip[0]}]")
    except ImportError:
        pass
    if cfg["host"] not in ("0.0.0.0", "::", ""):
        names.append(cfg["host"])
    return ",".join(dict.fromkeys(names))


def lab_env(cfg: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SQLITE_PATH")}
    env.update({"DATABASE_URL": cfg["database_url"], "REDIS_URL": cfg["redis_url"],
                "DJANGO_SETTINGS_MODULE": "config.settings.base", "PYTHONUNBUFFERED": "1"})
    if not env.get("DJANGO_SECRET_KEY"):
        key_file = cfg["run_dir"] / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
            say(f"made a secret key for this box in {key_file} (kept across restarts; set DJANGO_SECRET_KEY to use your own)")
        env["DJANGO_SECRET_KEY"] = key_file.read_text().strip()
    if not env.get("DJANGO_ALLOWED_HOSTS"):
        env["DJANGO_ALLOWED_HOSTS"] = allowed_hosts(cfg)
    if not env.get("LAB_HTTPS"):
        env["LAB_HTTPS"] = "false"
        say("plain HTTP (LAB_HTTPS=false): for a closed workshop network; behind a TLS proxy set LAB_HTTPS=true")
    return env


def web_command(cfg: dict, port: int) -> list[str]:
    # daphne only: uvicorn + uvloop measured no clear gain (docs/performance.md, "The ceiling").
    # --proxy-headers: the client's address (for lockouts) from nginx's X-Forwarded-For.
    # backlog: Twisted listens with a queue of 50; a storm of sockets through nginx would be reset. A handshake
    # may wait its turn for longer than daphne's default 5 s under a storm: dropped, nginx answered 502.
    return [str(BIN / "daphne"), "--proxy-headers", "--websocket_connect_timeout", "60", "-e", f"tcp:port={port}:interface=127.0.0.1:backlog=2048",
            "config.asgi:application"]


def write_nginx_conf(cfg: dict) -> Path:
    listen = f"[{cfg['host']}]:{cfg['port']}" if ":" in cfg["host"] else f"{cfg['host']}:{cfg['port']}"
    upstream = "\n".join(f"        server 127.0.0.1:{p};" for p in cfg["web_ports"])
    text = (TEMPLATE.read_text().replace("@RUN_DIR@", str(cfg["run_dir"])).replace("@LISTEN@", listen)
            .replace("@UPSTREAM_SERVERS@", upstream))
    conf = cfg["run_dir"] / "nginx.conf"
    conf.write_text(text)
    (cfg["run_dir"] / "nginx-tmp").mkdir(exist_ok=True)
    return conf


# ----------------------------------------------------------------------------- commands
def start(cfg: dict) -> None:
    run_dir = cfg["run_dir"]
    if recorded(cfg):
        raise Refused(f"already running from {run_dir} ({', '.join(n for n, _ in recorded(cfg))}): "
                      "`make services-stop` first")
    for sub in ("", "logs", "pids"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    run_dir.chmod(0o755)  # nginx's workers run as another user and use nginx-tmp/ below it
    (run_dir / ".gitignore").write_text("*\n")
    for stale in pid_dir(cfg).glob("*.pid"):
        stale.unlink()
    busy = [p for p in [cfg["port"], *cfg["web_ports"]]
            if not port_free(cfg["host"] if p == cfg["port"] else "127.0.0.1", p)]
    if busy:
        raise Refused(f"port(s) {', '.join(map(str, busy))} in use: choose another PORT (web processes use PORT+1..PORT+WEB)")
    nginx = nginx_binary()
    ensure_postgres(cfg)
    ensure_redis(cfg)
    ensure_database(cfg)
    env = lab_env(cfg)
    # migrate, collectstatic and presence_reset (no web process runs yet) in one Django start-up.
    prepare = ("import django; django.setup(); from django.core.management import call_command as c; "
               "c('migrate', interactive=False, verbosity=0); c('collectstatic', interactive=False, verbosity=0); "
               "c('presence_reset')")
    result = subprocess.run([str(BIN / "python"), "-c", prepare], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise Refused(f"migrate / collectstatic / presence_reset failed:\n{(result.stdout + result.stderr)[-2500:]}")
    try:
        procs = {}
        for i, port in enumerate(cfg["web_ports"], 1):
            procs[f"web{i}"] = spawn(cfg, f"web{i}", web_command(cfg, port), env)
        celery = str(BIN / "celery")
        queue = ["-Q", env["CELERY_QUEUE"]] if env.get("CELERY_QUEUE") else []
        spawn(cfg, "worker", [celery, "-A", "config", "worker", "-l", "info", "--concurrency",
                              cfg["worker_concurrency"], *queue], env)
        # Periodic jobs (the daily personal-data retention job): exactly one beat.
        spawn(cfg, "beat", [celery, "-A", "config", "beat", "-l", "info", "--schedule",
                            str(run_dir / "celerybeat-schedule"), "--pidfile", str(run_dir / "celerybeat.pid")], env)
        for (name, proc), port in zip(procs.items(), cfg["web_ports"]):
            wait_http(f"http://127.0.0.1:{port}/", proc, name, cfg)
        conf = write_nginx_conf(cfg)
        check = subprocess.run([nginx, "-t", "-q", "-p", str(run_dir), "-c", str(conf)], capture_output=True, text=True)
        if check.returncode != 0:
            raise Refused(f"nginx refused {conf}:\n{check.stderr[-2000:]}")
        proxy = spawn(cfg, "nginx", [nginx, "-p", str(run_dir), "-c", str(conf), "-g", "daemon off;"], env)
        local = "127.0.0.1" if cfg["host"] in ("0.0.0.0", "") else ("[::1]" if cfg["host"] == "::" else cfg["host"])
        wait_http(f"http://{local}:{cfg['port']}/", proxy, "nginx", cfg, timeout=20)
    except BaseException:
        say("start failed: stopping what it started")
        stop(cfg, quiet=True)
        raise
    say(f"the lab on http://{'127.0.0.1' if cfg['host'] in ('0.0.0.0', '') else cfg['host']}:{cfg['port']}/ "
        f"(nginx on {cfg['host']}:{cfg['port']} -> {cfg['web']} {cfg['server']} process(es) on 127.0.0.1:"
        f"{cfg['web_ports'][0]}-{cfg['web_ports'][-1]}), a Celery worker and beat; pids and logs in {run_dir}")
    say(f"host names accepted: {env['DJANGO_ALLOWED_HOSTS']}")
    say("no demo accounts here: `.venv/bin/python manage.py createsuperuser` with the same DATABASE_URL; "
        "stop it all with `make services-stop`")


def stop(cfg: dict, quiet: bool = False) -> None:
    running = dict(recorded(cfg))
    order = ["nginx"] + sorted(n for n in running if n.startswith("web")) + ["beat", "worker"]
    for name in order + [n for n in running if n not in order]:
        if name in running:
            stop_group(name, running[name])
            if not quiet:
                say(f"stopped {name} (pid {running[name]})")
    for path in pid_dir(cfg).glob("*.pid") if pid_dir(cfg).exists() else []:
        path.unlink()
    marker = cfg["run_dir"] / "started-redis"
    if marker.exists():
        pid, started = marker.read_text().split()
        if start_time(int(pid)) == started:
            os.kill(int(pid), signal.SIGTERM)
            say(f"stopped the Redis it had started (pid {pid})")
        marker.unlink()
    marker = cfg["run_dir"] / "started-postgresql"
    if marker.exists():
        version, name = marker.read_text().split()
        subprocess.run(["pg_ctlcluster", version, name, "stop"], check=False)
        say(f"stopped the PostgreSQL cluster it had started ({version}/{name})")
        marker.unlink()
    if not running and not quiet:
        say(f"nothing of {cfg['run_dir']} was running")


def status(cfg: dict) -> None:
    running = recorded(cfg)
    for name, pid in running:
        print(f"{name}: pid {pid}, {len(group_members(pid))} process(es)")
    if not running:
        print(f"nothing of {cfg['run_dir']} is running")


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "status"
    try:
        cfg = config()
        if command == "start":
            start(cfg)
        elif command == "stop":
            stop(cfg)
        elif command == "status":
            status(cfg)
        elif command == "nginx":
            print(nginx_binary())
        else:
            print(__doc__)
            return 2
    except Refused as exc:
        print(f"services: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
