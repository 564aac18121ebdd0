"""Load benchmark of the web tier: N participants editing their levers over real WebSockets.

For each mode (embedded: SQLite WAL + in-memory layer; services: PostgreSQL + Redis layer + a
Celery worker) and each N, on a fresh database and a fresh daphne process on 127.0.0.1:
  1. a bench script creates a facilitator and a session; N people join over HTTP (the join form,
     CSRF and all) and keep their `dl_participant_<CODE>` cookie; the facilitator logs in over
     HTTP and starts the session (POST /console/s/<id>/start/);
  2. N team-room sockets and the facilitator's console socket open;
  3. baseline: every participant sends `ping` every INTERVAL s for BASELINE s (no database);
  4. load: every participant sends a `package.edit` of a lever its role owns every INTERVAL s
     (alternating values, base_version = latest version seen) and a `ping` half-way between two
     edits, for DURATION s; then the sockets drain for a few seconds.
Measured: edit -> ack latency, edit -> teammates' `package.updated` latency and the share of
those deliveries that arrived, seq gaps (each answered with a `resync`, as the browser does),
error frames by code, ping latency in both phases, CPU of daphne / Celery / PostgreSQL+Redis /
the load generator / the whole box.

    .venv/bin/python bench/web/load.py                       # both modes, N = 50 100 200 400 1000
    .venv/bin/python bench/web/load.py --modes embedded --n 200 --duration 20 --profile
"""
import argparse
import asyncio
import concurrent.futures
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server import Lab, Processes, machine, named_cpu_seconds, proc_cpu_seconds, system_cpu  # noqa: E402
from wsclient import WebSocket, WSClosed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
HOST = "127.0.0.1"
# One integer lever per role (an edit must change the value, or no version is made).
ROLE_LEVER = {"director": "production_target", "finance": "outsourcing_units",
              "engineering": "engineering_hours", "hr": "temp_labor"}
MAX_OUTSTANDING = 20  # per socket; beyond this the generator skips an edit and counts it


# ----------------------------------------------------------------------------- HTTP (join, login, start)
def _request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        cookies = SimpleCookie()
        for value in resp.headers.get_all("Set-Cookie") or []:
            cookies.load(value)
        return resp.status, data, cookies
    finally:
        conn.close()


def _csrf(port: int, path: str) -> tuple[str, str]:
    status, html, cookies = _request(port, "GET", path)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
    return cookies["csrftoken"].value, token


def join_all(port: int, code: str, n: int, workers: int) -> tuple[list[tuple[str, str]], list[float]]:
    csrf_cookie, token = _csrf(port, "/join/")
    cookie_name = f"dl_participant_{code}"

    def join(i: int):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "join_code": code,
                                       "display_name": f"P{i:04d}"}).encode()
        started = time.perf_counter()
        status, data, cookies = _request(port, "POST", "/join/", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}"})
        elapsed = time.perf_counter() - started
        if status != 302 or cookie_name not in cookies:
            raise RuntimeError(f"join {i} failed: {status} {data[:300]!r}")
        return (cookie_name, cookies[cookie_name].coded_value), elapsed

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(join, range(n)))
    return [r[0] for r in results], [r[1] for r in results]


def login_and_start(port: int, session_id: int, username: str, password: str) -> dict:
    csrf_cookie, token = _csrf(port, "/console/login/")
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password,
                                   "next": "/console/"}).encode()
    status, data, cookies = _request(port, "POST", "/console/login/", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}"})
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login failed: {status} {data[:300]!r}")
    csrf_cookie = cookies["csrftoken"].value if "csrftoken" in cookies else csrf_cookie
    cookie = f"csrftoken={csrf_cookie}; sessionid={cookies['sessionid'].value}"
    status, data, _ = _request(port, "POST", f"/console/s/{session_id}/start/", b"{}", {
        "Content-Type": "application/json", "X-CSRFToken": csrf_cookie, "Cookie": cookie})
    if status != 200:
        raise RuntimeError(f"start failed: {status} {data[:300]!r}")
    return {"cookie": cookie}


def console_command(port: int, session_id: int, cookie: str, name: str, body: dict) -> None:
    """A console button, as the console page posts it (cookie: login_and_start's)."""
    csrf = cookie.split("csrftoken=", 1)[1].split(";", 1)[0]
    status, data, _ = _request(port, "POST", f"/console/s/{session_id}/{name}/", json.dumps(body).encode(), {
        "Content-Type": "application/json", "X-CSRFToken": csrf, "Cookie": cookie})
    if status != 200:
        raise RuntimeError(f"{name} failed: {status} {data[:300]!r}")


# ----------------------------------------------------------------------------- the simulated people
class Stats:
    def __init__(self):
        self.ping = {"baseline": [], "load": []}
        self.edit_ack = []                 # seconds, acked edits that made a version
        self.edit_sent = 0
        self.edit_skipped = 0              # MAX_OUTSTANDING reached
        self.edit_noop = 0                 # acked without a new version
        self.errors = {}                   # code -> count
        self.error_latency = []
        self.versions = {}                 # (team, version) -> (t_sent, author index)
        self.deliveries = {}               # (team, version) -> {client index: t_received}
        self.gaps = 0
        self.gap_missing = 0
        self.resyncs = 0
        self.closed = 0
        self.frames = 0
        self.stale_events = 0
        self.reader_crashes = {}
        self.console_events = 0
        self.console_gaps = 0
        self.results_at = {}               # client index -> when its first round.results came
        self.phase = "idle"


class Participant:
    def __init__(self, index: int, cookie: tuple[str, str], code: str, port: int, stats: Stats):
        self.index, self.cookie, self.code, self.port, self.stats = index, cookie, code, port, stats
        self.ws = None
        self.pending = {}                  # msg id -> (t_sent, kind)
        self.counter = 0
        self.edits = 0
        self.seq = 0
        self.version = 1
        self.team = None
        self.members = 0
        self.lever = None
        self.values = None
        self.name = None
        self.snapshot_event = asyncio.Event()

    async def connect(self) -> float:
        started = time.perf_counter()
        self.ws = await WebSocket.connect(HOST, self.port, f"/ws/play/{self.code}/",
                                          {"Cookie": f"{self.cookie[0]}={self.cookie[1]}"}, timeout=120)
        self._apply_state(json.loads(await asyncio.wait_for(self.ws.recv(), 120)))
        return time.perf_counter() - started

    def _apply_state(self, state: dict) -> None:
        if state.get("type") != "state":
            raise RuntimeError(f"expected a snapshot, got {state.get('type')}")
        self.seq = state["seq"]
        self.team = state["team"]["id"]
        self.members = len(state["team"]["members"])
        self.name = state["you"]["name"]
        if state.get("package"):
            self.version = max(self.version, state["package"]["version"])
            if self.lever is None and state["you"]["roles"]:  # a person with no role listens only
                role = state["you"]["roles"][0]
                self.lever = ROLE_LEVER[role]
                current = state["package"]["levers"][self.lever]
                self.values = (current, current + 1)
        self.snapshot_event.set()

    async def reader(self) -> None:
        stats = self.stats
        try:
            while True:
                raw = await self.ws.recv()
                now = time.perf_counter()
                stats.frames += 1
                msg = json.loads(raw)
                kind = msg.get("type")
                if kind in ("ack", "pong", "error"):
                    sent = self.pending.pop(msg.get("ref"), None)
                    if sent is None:
                        continue
                    t_sent, what, phase = sent
                    if kind == "pong":
                        stats.ping[phase].append(now - t_sent)
                    elif kind == "ack":
                        package = msg.get("package") or {}
                        if package.get("changed_lever") == self.lever and package.get("author") == self.name:
                            stats.edit_ack.append(now - t_sent)
                            stats.versions[(self.team, package["version"])] = (t_sent, self.index)
                        else:
                            stats.edit_noop += 1
                        self.version = max(self.version, package.get("version") or 0)
                    else:
                        code = msg.get("code")
                        stats.errors[code] = stats.errors.get(code, 0) + 1
                        stats.error_latency.append(now - t_sent)
                    continue
                if kind == "state":
                    self._apply_state(msg)
                    continue
                if kind == "round.results":
                    stats.results_at.setdefault(self.index, now)
                seq = msg.get("seq")
                if isinstance(seq, int):
                    if seq <= self.seq:
                        if kind == "package.updated":
                            stats.stale_events += 1
                        continue
                    if seq > self.seq + 1:
                        stats.gaps += 1
                        stats.gap_missing += seq - self.seq - 1
                        stats.resyncs += 1
                        self.ws.send_json({"type": "resync", "id": self._next_id()})
                    self.seq = seq
                if kind == "package.updated":
                    version = msg["package"]["version"]
                    self.version = max(self.version, version)
                    stats.deliveries.setdefault((self.team, version), {})[self.index] = now
        except (WSClosed, asyncio.IncompleteReadError, ConnectionError) as exc:
            stats.closed += 1
            if os.environ.get("BENCH_DEBUG"):
                print("reader closed", self.index, stats.phase, repr(exc), file=sys.stderr)
        except Exception as exc:  # a bench bug must not pass for a silent server
            stats.reader_crashes[repr(exc)] = stats.reader_crashes.get(repr(exc), 0) + 1
            raise

    def _next_id(self) -> str:
        self.counter += 1
        return f"b{self.index}-{self.counter}"

    def ping(self, phase: str) -> None:
        ref = self._next_id()
        self.pending[ref] = (time.perf_counter(), "ping", phase)
        self.ws.send_json({"type": "ping", "id": ref})

    def edit(self) -> None:
        if len(self.pending) >= MAX_OUTSTANDING:
            self.stats.edit_skipped += 1
            return
        ref = self._next_id()
        self.stats.edit_sent += 1
        self.edits += 1
        value = self.values[self.edits % 2]  # first edit moves off the current value
        self.pending[ref] = (time.perf_counter(), "edit", "load")
        self.ws.send_json({"type": "package.edit", "id": ref, "lever": self.lever, "value": value,
                           "base_version": self.version})


async def console_reader(ws: WebSocket, stats: Stats) -> None:
    seq = None
    try:
        while True:
            msg = json.loads(await ws.recv())
            if msg.get("type") == "state":
                seq = msg["seq"]
                continue
            stats.console_events += 1
            if isinstance(msg.get("seq"), int) and seq is not None:
                if msg["seq"] > seq + 1:
                    stats.console_gaps += 1
                    ws.send_json({"type": "resync"})
                seq = max(seq, msg["seq"])
    except (WSClosed, asyncio.IncompleteReadError, ConnectionError):
        pass


async def periodic(interval: float, offset: float, until: float, action) -> None:
    await asyncio.sleep(offset)
    next_at = time.perf_counter()
    while next_at < until:
        try:
            action()
        except (WSClosed, ConnectionError, RuntimeError):
            return
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


async def lag_monitor(samples: list, stop: asyncio.Event) -> None:
    while not stop.is_set():
        t = time.perf_counter()
        await asyncio.sleep(0.05)
        samples.append(time.perf_counter() - t - 0.05)


def pct(values: list, q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


class CpuMeter:
    def __init__(self, procs: Processes):
        self.procs = procs

    def read(self) -> dict:
        return {"t": time.monotonic(), "server": sum(proc_cpu_seconds(pid) for pid in self.procs.server_pids()),
                "worker": proc_cpu_seconds(self.procs.worker.pid) if self.procs.worker else 0.0,
                "db_redis": named_cpu_seconds(("postgres", "redis-server")),
                "generator": sum(os.times()[:2]), "system": system_cpu()}

    @staticmethod
    def share(a: dict, b: dict) -> dict:
        wall = b["t"] - a["t"]
        busy = b["system"][0] - a["system"][0]
        total = b["system"][1] - a["system"][1]
        return {k: round(100 * (b[k] - a[k]) / wall) for k in ("server", "worker", "db_redis", "generator")} | {
            "box": round(100 * busy / total * (os.cpu_count() or 1)) if total else None}


async def drive(args, port: int, code: str, cookies: list, console_cookie: str, session_id: int,
                procs: Processes) -> dict:
    stats = Stats()
    people = [Participant(i, c, code, port, stats) for i, c in enumerate(cookies)]
    connect_times, connect_failures = [], 0
    gate = asyncio.Semaphore(args.connect_concurrency)

    async def open_one(person):
        nonlocal connect_failures
        async with gate:
            try:
                connect_times.append(await person.connect())
            except (OSError, asyncio.TimeoutError, WSClosed, RuntimeError, asyncio.IncompleteReadError):
                connect_failures += 1

    console = await WebSocket.connect(HOST, port, f"/ws/console/{session_id}/", {"Cookie": console_cookie})
    console_task = asyncio.create_task(console_reader(console, stats))
    started = time.perf_counter()
    await asyncio.gather(*(open_one(p) for p in people))
    connect_wall = time.perf_counter() - started
    live = [p for p in people if p.ws is not None and p.lever is not None]
    readers = [asyncio.create_task(p.reader()) for p in live]
    lag, stop_lag = [], asyncio.Event()
    lag_task = asyncio.create_task(lag_monitor(lag, stop_lag))
    await asyncio.sleep(2)  # presence events of the last connects settle

    # Baseline: pings only, same rate and sockets as the load phase.
    stats.phase = "baseline"
    until = time.perf_counter() + args.baseline
    await asyncio.gather(*(periodic(args.interval, random.uniform(0, args.interval), until,
                                    lambda p=p: p.ping("baseline")) for p in live))
    await asyncio.sleep(1)
    baseline_lag = list(lag)
    lag.clear()

    # Load: an edit every INTERVAL s and a ping half-way between.
    meter = CpuMeter(procs)
    procs.signal_server(signal.SIGUSR1)
    cpu0 = meter.read()
    stats.phase = "load"
    until = time.perf_counter() + args.duration
    tasks = []
    for p in live:
        offset = random.uniform(0, args.interval)
        tasks.append(periodic(args.interval, offset, until, p.edit))
        tasks.append(periodic(args.interval, offset + args.interval / 2, until, lambda p=p: p.ping("load")))
    await asyncio.gather(*tasks)
    cpu1 = meter.read()
    procs.signal_server(signal.SIGUSR2)
    drain_until = time.perf_counter() + args.drain
    while time.perf_counter() < drain_until and any(p.pending for p in live):
        await asyncio.sleep(0.2)
    # Then until the sockets are quiet (teammates' updates can trail the acks) for 1.5 s.
    last = -1
    while time.perf_counter() < drain_until + args.drain and stats.frames != last:
        last = stats.frames
        await asyncio.sleep(1.5)
    stop_lag.set()
    await lag_task
    stats.phase = "done"
    unanswered = sum(1 for p in live for v in p.pending.values() if v[1] == "edit")

    # Deliveries: every version an edit made should reach every other member of that team.
    team_members = {}
    for p in live:
        team_members.setdefault(p.team, set()).add(p.index)
    expected = received = 0
    delivery_lat = []
    missing = {"member_saw_a_later_version": 0, "no_later_version_seen": 0, "sent_in_last_two_intervals": 0}
    for (team, version), (t_sent, author) in stats.versions.items():
        got = stats.deliveries.get((team, version), {})
        for member in team_members.get(team, ()):
            if member == author:
                continue
            expected += 1
            if member in got:
                received += 1
                delivery_lat.append(got[member] - t_sent)
            else:
                late = max((v for (tm, v), who in stats.deliveries.items() if tm == team and member in who), default=0)
                missing["member_saw_a_later_version" if late > version else "no_later_version_seen"] += 1
                if t_sent > until - 2 * args.interval:
                    missing["sent_in_last_two_intervals"] += 1

    for p in live:
        await p.ws.close()
    await console.close()
    for task in readers + [console_task]:
        task.cancel()
    await asyncio.gather(*readers, console_task, return_exceptions=True)

    base_p50, base_p95 = pct(stats.ping["baseline"], 50), pct(stats.ping["baseline"], 95)
    ack_p50, ack_p95, ack_p99 = (pct(stats.edit_ack, q) for q in (50, 95, 99))
    return {
        "connected": len(live), "connect_failures": connect_failures, "connect_wall_s": round(connect_wall, 1),
        "connect_ms": {"p50": ms(pct(connect_times, 50)), "p95": ms(pct(connect_times, 95))},
        "ping_baseline_ms": {"p50": ms(base_p50), "p95": ms(base_p95), "p99": ms(pct(stats.ping["baseline"], 99)),
                             "n": len(stats.ping["baseline"])},
        "ping_load_ms": {"p50": ms(pct(stats.ping["load"], 50)), "p95": ms(pct(stats.ping["load"], 95)),
                         "n": len(stats.ping["load"])},
        "edit_ack_ms": {"p50": ms(ack_p50), "p95": ms(ack_p95), "p99": ms(ack_p99), "max": ms(max(stats.edit_ack, default=None)),
                        "n": len(stats.edit_ack)},
        "edit_vs_ping": {"p50": round(ack_p50 / base_p50, 1) if ack_p50 and base_p50 else None,
                         "p95": round(ack_p95 / base_p95, 1) if ack_p95 and base_p95 else None},
        "delivery_ms": {"p50": ms(pct(delivery_lat, 50)), "p95": ms(pct(delivery_lat, 95)),
                        "p99": ms(pct(delivery_lat, 99))},
        "delivery_ratio": round(received / expected, 4) if expected else None,
        "deliveries": {"expected": expected, "received": received, "missing": missing},
        "edits": {"sent": stats.edit_sent, "acked_new_version": len(stats.edit_ack), "noop": stats.edit_noop,
                  "errors": stats.errors, "unanswered": unanswered, "skipped_backpressure": stats.edit_skipped,
                  "per_s": round(len(stats.edit_ack) / args.duration, 1)},
        "seq_gaps": stats.gaps, "events_with_old_seq": stats.stale_events, "seq_missing": stats.gap_missing, "resyncs": stats.resyncs,
        "sockets_closed": stats.closed, "reader_crashes": stats.reader_crashes,
        "console": {"events": stats.console_events, "gaps": stats.console_gaps},
        "cpu_pct": CpuMeter.share(cpu0, cpu1),
        "generator_lag_ms": {"baseline_p95": ms(pct(baseline_lag, 95)), "load_p95": ms(pct(lag, 95)),
                             "load_max": ms(max(lag, default=None))},
    }


# ----------------------------------------------------------------------------- one run, all runs
def run_one(args, lab: Lab, n: int, port: int) -> dict:
    lab.fresh()
    profile_out = (lab.workdir / f"profile-{n}.json") if args.profile else None
    procs = Processes(lab, port, profile_out)
    procs.start()
    try:
        setup = json.loads(lab.run_script("bench/web/setup_session.py", "--minutes", "60"))
        started = time.perf_counter()
        cookies, join_times = join_all(port, setup["join_code"], n, args.join_workers)
        join_wall = time.perf_counter() - started
        console = login_and_start(port, setup["session_id"], setup["username"], setup["password"])
        result = asyncio.run(drive(args, port, setup["join_code"], cookies, console["cookie"], setup["session_id"],
                                   procs))
        result["join"] = {"wall_s": round(join_wall, 1), "per_s": round(n / join_wall, 1),
                          "p50_ms": ms(pct(join_times, 50)), "p95_ms": ms(pct(join_times, 95))}
        log = (lab.workdir / "daphne.log").read_text(errors="replace")
        result["server_log"] = {"tracebacks": log.count("Traceback"), "lines": log.count("\n"),
                                "tail": log[-3000:]}
        if profile_out:
            time.sleep(0.5)
            if profile_out.exists():
                result["profile"] = json.loads(profile_out.read_text())
        return result
    finally:
        procs.stop()


def describe_source(src: Path) -> dict:
    def git(*a):
        return subprocess.run(["git", *a], cwd=src, capture_output=True, text=True).stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"), "dirty_files": len(git("status", "--porcelain").splitlines())}


def row(mode: str, n: int, r: dict) -> str:
    cpu = r["cpu_pct"]
    e = r["edits"]
    errs = ",".join(f"{k}:{v}" for k, v in sorted(e["errors"].items())) or "-"
    return (f"| {mode} | {n} | {r['edit_ack_ms']['p50']} | {r['edit_ack_ms']['p95']} | {r['edit_ack_ms']['p99']} "
            f"| {r['ping_baseline_ms']['p50']} / {r['ping_baseline_ms']['p95']} | {r['edit_vs_ping']['p50']}x / {r['edit_vs_ping']['p95']}x "
            f"| {r['delivery_ms']['p50']} / {r['delivery_ms']['p95']} | {100 * (r['delivery_ratio'] or 0):.2f}% "
            f"| {r['seq_gaps']} | {e['per_s']} | {errs} / {e['unanswered']} | {cpu['server']}% | {cpu['worker']}% "
            f"| {cpu['db_redis']}% | {cpu['generator']}% | {cpu['box']}% |")


HEADER = ("| mode | N | ack p50 ms | ack p95 | ack p99 | ping base p50 / p95 | edit/ping p50 / p95 | deliver p50 / p95 ms "
          "| delivered | seq gaps | edits/s | errors / unanswered | daphne CPU | celery CPU | pg+redis CPU "
          "| generator CPU | box CPU (of 200%) |\n" + "|---" * 17 + "|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default="embedded,services")
    parser.add_argument("--n", default="50,100,200,400,1000", help="participants per run (multiples of 4)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of edits")
    parser.add_argument("--baseline", type=float, default=10.0, help="seconds of ping-only baseline")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between one person's edits")
    parser.add_argument("--drain", type=float, default=10.0, help="seconds to wait for late answers")
    parser.add_argument("--port", type=int, default=18100)
    parser.add_argument("--join-workers", type=int, default=8)
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--stop-p95", type=float, default=2000.0, help="skip larger N once edit p95 exceeds (ms)")
    parser.add_argument("--profile", action="store_true", help="run daphne under the stack sampler")
    parser.add_argument("--settings", default="config.settings.base",
                        help="DJANGO_SETTINGS_MODULE (a module in bench/web for experiments)")
    parser.add_argument("--src", default=str(ROOT), help="source tree to serve (default: this checkout)")
    parser.add_argument("--out", default=None, help="JSON results file")
    args = parser.parse_args()
    ns = [int(x) for x in args.n.split(",")]
    if any(n > 1000 or n < 4 for n in ns) or args.duration > 120:
        parser.error("bounded: 4 <= N <= 1000, duration <= 120 s")
    src = Path(args.src).resolve()
    python = str(ROOT / ".venv" / "bin" / "python")
    report = {"machine": machine(), "source": describe_source(src), "args": vars(args), "runs": []}
    print(json.dumps(report["machine"]), json.dumps(report["source"]), flush=True)
    print(HEADER, flush=True)
    port = args.port
    for mode in args.modes.split(","):
        lab = Lab(mode, src, python, args.settings)
        try:
            for n in ns:
                port = port + 1 if port < 18999 else 18100
                try:
                    result = run_one(args, lab, n, port)
                except Exception as exc:  # record and stop this mode: the next N would fail harder
                    report["runs"].append({"mode": mode, "n": n, "failed": repr(exc)})
                    print(f"| {mode} | {n} | failed: {exc!r} |", flush=True)
                    break
                report["runs"].append({"mode": mode, "n": n, **result})
                print(row(mode, n, result), flush=True)
                p95 = result["edit_ack_ms"]["p95"]
                if p95 is None or p95 > args.stop_p95 or (result["delivery_ratio"] or 0) < 0.5:
                    print(f"stopping {mode}: edit p95 {p95} ms, delivered {result['delivery_ratio']}", flush=True)
                    break
        finally:
            lab.close()
    out = Path(args.out) if args.out else Path(__file__).resolve().parent / "results" / (
        time.strftime("%Y%m%d-%H%M%S") + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
