"""The web bench against its ceiling: a bare Channels broadcast app and the lab, same load, same run.

For each N and each server (daphne, uvicorn), on 127.0.0.1:
  - **bare**: bench/bare_channels (one group per team of four; every message a socket sends goes to
    its whole group, nothing else). Person i is in team i // 4.
  - **lab**: a fresh lab (embedded: SQLite WAL + in-memory layer, one process; or services: PostgreSQL
    + Redis + a Celery worker) with a session started over HTTP as in load.py: N people join
    through the join form, the facilitator's console socket is open too (it hears every edit).
Both get the same client load from the same generator: N sockets, each person one message every
INTERVAL s at a random phase for DURATION s (bare: an echo message the size of an edit; lab: a
`package.edit` of a lever its role owns), then the sockets drain. No pings, no baseline phase.

Reported for each run, and every lab figure also as a ratio to the bare app on the same server:
connected sockets, teammate latency (message sent -> each teammate's copy, p50/p95/p99/max), the
sender's own answer (lab: ack; bare: its own echo), lost updates (teammate copies that never came),
duplicated updates (a copy already seen: lab, a `package.updated` whose seq the client had; bare, a
(sender, number) seen twice), error frames, seq gaps (lab: team seq; bare: a sender's numbers),
CPU of each process (server, Celery worker, PostgreSQL+Redis, generator, whole box) and server CPU
milliseconds per message; after the load, the lab's facilitator closes the round and the bench times
the close to the last screen (each person's socket has its round.results). A lab on uvicorn is also set against the lab on daphne.

    .venv/bin/python bench/web/ceiling.py --n 200 --duration 20                     # bare + lab, daphne
    .venv/bin/python bench/web/ceiling.py --n 200 --duration 20 --servers daphne,uvicorn
    .venv/bin/python bench/web/ceiling.py --mode services --n 200 --duration 20
"""
import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402
from load import ROOT, join_all, login_and_start, ms, pct  # noqa: E402
from server import REDIS_URL, Lab, Processes, _redis_flush, base_env, machine  # noqa: E402
from wsclient import WebSocket, WSClosed  # noqa: E402

HOST = "127.0.0.1"
BARE_APP = "bare_channels.asgi:application"
CLOSED = (WSClosed, asyncio.IncompleteReadError, ConnectionError)


class BareLab:
    """What Processes needs to run the bare app: no database, the same channel layer as the lab's mode."""

    def __init__(self, mode: str, python: str):
        self.mode, self.python, self.src = "bare", python, ROOT
        self.workdir = Path(tempfile.mkdtemp(prefix="benchweb-bare-"))
        self.env = base_env("embedded", self.workdir)
        self.env.update({"DJANGO_SETTINGS_MODULE": "bare_channels.settings",
                         "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "bench"),
                                                                     self.env.get("PYTHONPATH", "")]))})
        if mode == "services":
            self.env.update({"REDIS_URL": REDIS_URL, "CHANNEL_PREFIX": "benchbare"})
        self.redis = mode == "services"

    def fresh(self) -> None:
        if self.redis:
            _redis_flush()

    def close(self) -> None:
        import shutil

        shutil.rmtree(self.workdir, ignore_errors=True)


# ----------------------------------------------------------------------------- the bare app's people
class BareStats:
    def __init__(self):
        self.sent = {}          # (sender, n) -> t_sent
        self.received = {}      # (sender, n) -> {receiver: t}
        self.own = []           # seconds, sender's own echo
        self.duplicates = 0
        self.gaps = 0
        self.gap_missing = 0
        self.frames = 0
        self.closed = 0
        self.skipped = 0


class BarePerson:
    def __init__(self, index: int, port: int, stats: BareStats):
        self.index, self.team, self.port, self.stats = index, index // 4, port, stats
        self.ws = None
        self.n = 0
        self.pending = {}       # n -> t_sent (until its own echo comes back)
        self.last = {}          # sender -> highest n seen

    async def connect(self) -> float:
        started = time.perf_counter()
        self.ws = await WebSocket.connect(HOST, self.port, f"/ws/{self.team}/", timeout=120)
        return time.perf_counter() - started

    def edit(self) -> None:
        if len(self.pending) >= load.MAX_OUTSTANDING:
            self.stats.skipped += 1
            return
        self.n += 1
        now = time.perf_counter()
        self.pending[self.n] = now
        self.stats.sent[(self.index, self.n)] = now
        # About the size of the lab's package.edit frame.
        self.ws.send_json({"type": "package.edit", "id": f"b{self.index}-{self.n}", "from": self.index,
                           "n": self.n, "lever": "production_target", "value": self.n % 2, "base_version": self.n})

    async def reader(self) -> None:
        stats = self.stats
        try:
            while True:
                msg = json.loads(await self.ws.recv())
                now = time.perf_counter()
                stats.frames += 1
                sender, n = msg["from"], msg["n"]
                if sender == self.index:
                    sent = self.pending.pop(n, None)
                    if sent is not None:
                        stats.own.append(now - sent)
                    continue
                seen = stats.received.setdefault((sender, n), {})
                if self.index in seen:
                    stats.duplicates += 1
                    continue
                seen[self.index] = now
                last = self.last.get(sender, 0)
                if n > last + 1:
                    stats.gaps += 1
                    stats.gap_missing += n - last - 1
                self.last[sender] = max(last, n)
        except CLOSED:
            stats.closed += 1


# ----------------------------------------------------------------------------- one driver for both
async def _open_all(people, concurrency: int) -> tuple[list, int, float, list]:
    gate = asyncio.Semaphore(concurrency)
    times, failures, reasons = [], 0, {}

    async def open_one(person):
        nonlocal failures
        async with gate:
            try:
                times.append(await person.connect())
            except (OSError, asyncio.TimeoutError, WSClosed, RuntimeError, asyncio.IncompleteReadError) as exc:
                failures += 1
                reason = f"{type(exc).__name__}: {exc}"[:120]
                reasons[reason] = reasons.get(reason, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(open_one(p) for p in people))
    if reasons:
        print("  connect failures:", json.dumps(reasons), file=sys.stderr, flush=True)
    return times, failures, time.perf_counter() - started, [p for p in people if p.ws is not None]


async def _load_and_drain(args, live, stats, procs) -> tuple[dict, dict, float]:
    """Each live person edits every INTERVAL s for DURATION s; then wait for answers and quiet sockets."""
    meter = load.CpuMeter(procs)
    cpu0 = meter.read()
    until = time.perf_counter() + args.duration
    await asyncio.gather(*(load.periodic(args.interval, random.uniform(0, args.interval), until, p.edit)
                           for p in live))
    cpu1 = meter.read()
    drain_until = time.perf_counter() + args.drain
    while time.perf_counter() < drain_until and any(p.pending for p in live):
        await asyncio.sleep(0.2)
    last = -1
    while time.perf_counter() < drain_until + args.drain and stats.frames != last:
        last = stats.frames
        await asyncio.sleep(1.5)
    cpu_s = {k: round(cpu1[k] - cpu0[k], 3) for k in ("server", "worker", "db_redis", "generator")}
    return load.CpuMeter.share(cpu0, cpu1), cpu_s, until


def _latency(values: list) -> dict:
    return {"p50": ms(pct(values, 50)), "p95": ms(pct(values, 95)), "p99": ms(pct(values, 99)),
            "max": ms(max(values, default=None)), "n": len(values)}


async def drive_bare(args, port: int, n: int, procs) -> dict:
    stats = BareStats()
    people = [BarePerson(i, port, stats) for i in range(n)]
    connect_times, failures, connect_wall, live = await _open_all(people, args.connect_concurrency)
    readers = [asyncio.create_task(p.reader()) for p in live]
    await asyncio.sleep(2)
    cpu, cpu_s, _ = await _load_and_drain(args, live, stats, procs)
    teams = {}
    for p in live:
        teams.setdefault(p.team, set()).add(p.index)
    expected = received = 0
    lat = []
    for (sender, num), t_sent in stats.sent.items():
        got = stats.received.get((sender, num), {})
        for member in teams.get(sender // 4, ()):
            if member == sender:
                continue
            expected += 1
            if member in got:
                received += 1
                lat.append(got[member] - t_sent)
    unanswered = sum(len(p.pending) for p in live)
    for p in live:
        await p.ws.close()
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    messages = len(stats.sent)
    return {"connected": len(live), "connect_failures": failures, "connect_wall_s": round(connect_wall, 1),
            "connect_ms": {"p50": ms(pct(connect_times, 50)), "p95": ms(pct(connect_times, 95))},
            "teammate_ms": _latency(lat), "own_answer_ms": _latency(stats.own),
            "messages": messages, "per_s": round(len(stats.own) / args.duration, 1),
            "expected": expected, "lost": expected - received, "duplicated": stats.duplicates,
            "error_frames": {}, "unanswered": unanswered, "skipped_backpressure": stats.skipped,
            "seq_gaps": stats.gaps, "seq_missing": stats.gap_missing, "sockets_closed": stats.closed,
            "cpu_pct": cpu, "cpu_s": cpu_s,
            "server_cpu_ms_per_message": round(1000 * cpu_s["server"] / messages, 3) if messages else None}


async def drive_lab(args, port: int, code: str, cookies: list, console_cookie: str, session_id: int, procs) -> dict:
    stats = load.Stats()
    people = [load.Participant(i, c, code, port, stats) for i, c in enumerate(cookies)]
    console = await WebSocket.connect(HOST, port, f"/ws/console/{session_id}/", {"Cookie": console_cookie})
    console_task = asyncio.create_task(load.console_reader(console, stats))
    connect_times, failures, connect_wall, opened = await _open_all(people, args.connect_concurrency)
    live = [p for p in opened if p.lever is not None]
    readers = [asyncio.create_task(p.reader()) for p in live]
    await asyncio.sleep(2)  # presence events of the last connects settle
    stats.phase = "load"
    cpu, cpu_s, _ = await _load_and_drain(args, live, stats, procs)
    stats.phase = "done"
    teams = {}
    for p in live:
        teams.setdefault(p.team, set()).add(p.index)
    expected = received = 0
    lat = []
    for (team, version), (t_sent, author) in stats.versions.items():
        got = stats.deliveries.get((team, version), {})
        for member in teams.get(team, ()):
            if member == author:
                continue
            expected += 1
            if member in got:
                received += 1
                lat.append(got[member] - t_sent)
    unanswered = sum(1 for p in live for v in p.pending.values() if v[1] == "edit")
    close = await _close_to_last_screen(args, port, session_id, console_cookie, live, stats)
    for p in live:
        await p.ws.close()
    await console.close()
    for task in readers + [console_task]:
        task.cancel()
    await asyncio.gather(*readers, console_task, return_exceptions=True)
    messages = stats.edit_sent
    return {"connected": len(live), "connect_failures": failures, "connect_wall_s": round(connect_wall, 1),
            "connect_ms": {"p50": ms(pct(connect_times, 50)), "p95": ms(pct(connect_times, 95))},
            "teammate_ms": _latency(lat), "own_answer_ms": _latency(stats.edit_ack),
            "messages": messages, "per_s": round(len(stats.edit_ack) / args.duration, 1),
            "acked_new_version": len(stats.edit_ack), "noop": stats.edit_noop,
            "expected": expected, "lost": expected - received, "duplicated": stats.stale_events,
            "error_frames": stats.errors, "unanswered": unanswered, "skipped_backpressure": stats.edit_skipped,
            "seq_gaps": stats.gaps, "seq_missing": stats.gap_missing, "resyncs": stats.resyncs,
            "sockets_closed": stats.closed, "reader_crashes": stats.reader_crashes,
            "console": {"events": stats.console_events, "gaps": stats.console_gaps},
            "cpu_pct": cpu, "cpu_s": cpu_s, "round_close": close,
            "server_cpu_ms_per_message": round(1000 * cpu_s["server"] / messages, 3) if messages else None}


async def _close_to_last_screen(args, port: int, session_id: int, console_cookie: str, live: list, stats) -> dict:
    """The facilitator closes round 1 (the console's button, over HTTP); how long until each person's socket
    has the round's results: the engine for every team, the results stored, one round.results per socket."""
    began = time.perf_counter()
    await asyncio.to_thread(load.console_command, port, session_id, console_cookie, "advance", {"round": 1})
    until = began + args.close_wait
    while time.perf_counter() < until and len(stats.results_at) < len(live):
        await asyncio.sleep(0.05)
    seen = sorted(t - began for i, t in stats.results_at.items())
    return {"screens": len(seen), "of": len(live), "first_s": round(seen[0], 2) if seen else None,
            "p50_s": round(pct(seen, 50), 2) if seen else None,
            "last_s": round(seen[-1], 2) if len(seen) == len(live) else None}


# ----------------------------------------------------------------------------- runs
def run_bare(args, bare: BareLab, n: int, port: int, server: str) -> dict:
    bare.fresh()
    procs = Processes(bare, port, server=server, app=BARE_APP)
    procs.start()
    try:
        return asyncio.run(drive_bare(args, port, n, procs))
    finally:
        procs.stop()


def run_lab(args, lab: Lab, n: int, port: int, server: str) -> dict:
    lab.fresh()
    procs = Processes(lab, port, server=server, web=args.web)
    procs.start()
    try:
        setup = json.loads(lab.run_script("bench/web/setup_session.py", "--minutes", "60"))
        cookies, _ = join_all(port, setup["join_code"], n, args.join_workers)
        console = login_and_start(port, setup["session_id"], setup["username"], setup["password"])
        result = asyncio.run(drive_lab(args, port, setup["join_code"], cookies, console["cookie"],
                                       setup["session_id"], procs))
        log = (lab.workdir / "daphne.log").read_text(errors="replace")
        result["server_log"] = {"tracebacks": log.count("Traceback"), "tail": log[-2000:]}
        return result
    finally:
        procs.stop()


def _ratio(a, b):
    if a is None or b is None or not b:
        return None
    return round(a / b, 2)


def ratios(run: dict, base: dict) -> dict:
    """run's figures over base's (latency, CPU); counts where base is zero have no ratio."""
    out = {}
    for key in ("p50", "p95", "p99", "max"):
        out[f"teammate_{key}"] = _ratio(run["teammate_ms"][key], base["teammate_ms"][key])
        out[f"own_{key}"] = _ratio(run["own_answer_ms"][key], base["own_answer_ms"][key])
    out["server_cpu_pct"] = _ratio(run["cpu_pct"]["server"], base["cpu_pct"]["server"])
    out["server_cpu_ms_per_message"] = _ratio(run["server_cpu_ms_per_message"], base["server_cpu_ms_per_message"])
    out["per_s"] = _ratio(run["per_s"], base["per_s"])
    out["connected"] = _ratio(run["connected"], base["connected"])
    for key in ("lost", "duplicated", "seq_gaps"):
        out[key] = _ratio(run[key], base[key])
    return out


HEADER = ("| app | server | N | connected | teammate p50 / p95 / p99 / max ms | own answer p50 / p95 ms | msg/s "
          "| lost / expected | duplicated | error frames | seq gaps | unanswered | server CPU | worker CPU "
          "| pg+redis CPU | generator CPU | box CPU (of 200%) | server CPU ms per message |\n" + "|---" * 18 + "|")


def row(app: str, server: str, n: int, r: dict) -> str:
    t, o, c = r["teammate_ms"], r["own_answer_ms"], r["cpu_pct"]
    errors = ",".join(f"{k}:{v}" for k, v in sorted(r["error_frames"].items())) or "0"
    return (f"| {app} | {server} | {n} | {r['connected']} | {t['p50']} / {t['p95']} / {t['p99']} / {t['max']} "
            f"| {o['p50']} / {o['p95']} | {r['per_s']} | {r['lost']} / {r['expected']} | {r['duplicated']} "
            f"| {errors} | {r['seq_gaps']} | {r['unanswered']} | {c['server']}% | {c['worker']}% | {c['db_redis']}% "
            f"| {c['generator']}% | {c['box']}% | {r['server_cpu_ms_per_message']} |")


RATIO_HEADER = ("| run | over | N | teammate p50 / p95 / p99 / max | own answer p50 / p95 | msg/s | connected "
                "| server CPU | server CPU per message |\n" + "|---" * 9 + "|")


def ratio_row(name: str, over: str, n: int, q: dict) -> str:
    def f(v):
        return "-" if v is None else f"{v}x"

    return (f"| {name} | {over} | {n} | {f(q['teammate_p50'])} / {f(q['teammate_p95'])} / {f(q['teammate_p99'])} / "
            f"{f(q['teammate_max'])} | {f(q['own_p50'])} / {f(q['own_p95'])} | {f(q['per_s'])} | {f(q['connected'])} "
            f"| {f(q['server_cpu_pct'])} | {f(q['server_cpu_ms_per_message'])} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("embedded", "services"), default="embedded",
                        help="the lab's mode (the bare app uses the same channel layer: in-memory or Redis)")
    parser.add_argument("--n", default="200", help="people per run (multiples of 4)")
    parser.add_argument("--servers", default="daphne", help="daphne,uvicorn")
    parser.add_argument("--apps", default="bare,lab")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--drain", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=18600)
    parser.add_argument("--join-workers", type=int, default=8)
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--web", type=int, default=1,
                        help="services mode: the lab's web processes, behind nginx as `make services` runs them")
    parser.add_argument("--close-wait", type=float, default=60.0,
                        help="after the load, the facilitator closes the round: wait this long for every screen")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    ns = [int(x) for x in args.n.split(",")]
    servers, apps = args.servers.split(","), args.apps.split(",")
    if any(n > 1000 or n < 4 or n % 4 for n in ns) or args.duration > 120:
        parser.error("bounded: 4 <= N <= 1000 in multiples of 4, duration <= 120 s")
    if not set(servers) <= {"daphne", "uvicorn"} or not set(apps) <= {"bare", "lab"}:
        parser.error("servers: daphne, uvicorn; apps: bare, lab")
    python = str(ROOT / ".venv" / "bin" / "python")
    if "uvicorn" in servers and not (ROOT / ".venv" / "bin" / "uvicorn").exists():
        parser.error("uvicorn is not installed: .venv/bin/pip install -e '.[uvicorn]'")
    report = {"machine": machine(), "source": load.describe_source(ROOT), "args": vars(args), "runs": []}
    print(json.dumps(report["machine"]), json.dumps(report["source"]), flush=True)
    print(HEADER, flush=True)
    bare = BareLab(args.mode, python) if "bare" in apps else None
    lab = Lab(args.mode, ROOT, python) if "lab" in apps else None
    port = args.port
    closes = []
    try:
        for n in ns:
            for server in servers:
                for app in apps:
                    port = port + 1 if port < 18999 else 18100
                    try:
                        result = (run_bare(args, bare, n, port, server) if app == "bare"
                                  else run_lab(args, lab, n, port, server))
                    except Exception as exc:  # record it; the other runs still tell something
                        traceback.print_exc()
                        report["runs"].append({"app": app, "server": server, "n": n, "failed": repr(exc),
                                               "traceback": traceback.format_exc()})
                        print(f"| {app} | {server} | {n} | failed: {exc!r} |", flush=True)
                        continue
                    report["runs"].append({"app": app, "server": server, "n": n, **result})
                    print(row(app, server, n, result), flush=True)
                    if result.get("round_close"):
                        close = result["round_close"]
                        closes.append(f"| {server} | {n} | {n // 4} | {close['screens']} of {close['of']} | "
                                      f"{close['first_s']} / {close['p50_s']} / {close['last_s']} |")
    finally:
        if bare:
            bare.close()
        if lab:
            lab.close()
    done = {(r["app"], r["server"], r["n"]): r for r in report["runs"] if "failed" not in r}
    lines = []
    for (app, server, n), r in done.items():
        if app == "lab" and ("bare", server, n) in done:
            q = ratios(r, done[("bare", server, n)])
            report.setdefault("ratios", []).append({"run": f"lab/{server}", "over": f"bare/{server}", "n": n, **q})
            lines.append(ratio_row(f"lab {server}", f"bare {server}", n, q))
        if server == "uvicorn" and (app, "daphne", n) in done:
            q = ratios(r, done[(app, "daphne", n)])
            report.setdefault("ratios", []).append({"run": f"{app}/uvicorn", "over": f"{app}/daphne", "n": n, **q})
            lines.append(ratio_row(f"{app} uvicorn", f"{app} daphne", n, q))
    if lines:
        print("\n" + RATIO_HEADER + "\n" + "\n".join(lines), flush=True)
    if closes:
        print("\nRound close (the facilitator's button -> round.results on each person's socket):\n"
              "| server | N | teams | screens | first / p50 / last s |\n|---|---|---|---|---|\n" + "\n".join(closes))
    out = Path(args.out) if args.out else Path(__file__).resolve().parent / "results" / (
        "ceiling-" + time.strftime("%Y%m%d-%H%M%S") + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
