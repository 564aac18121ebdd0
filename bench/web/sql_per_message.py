"""SQL statements and service time per socket message (issue 12, "a cheaper edit").

Runs each service a socket message calls (package.edit, a no-op edit, a retry, package.approve, chat.send,
connect, heartbeat, disconnect) many times on a fresh test database and reports the statements per call and
the median time per call. The group send after commit is left out (replaced by a no-op in both runs): this
measures the service and its SQL. `--ref` runs the same script on another commit in the same command (its
tree exported with `git archive`), so the figures compare as a ratio on this shared box. A last table
measures the fan-out of one package.updated to a team's sockets through the in-memory channel layer:
encoded per socket (before) against one frame for the group (after).

    .venv/bin/python bench/web/sql_per_message.py --ref 45b6dd1 --n 200             # embedded SQLite
    eval "$(.venv/bin/python config/services_probe.py)" && .venv/bin/python bench/web/sql_per_message.py --ref 45b6dd1
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def measure(n: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    settings.LAB_CHAT_MESSAGES_PER_WINDOW = 10**9
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from classroom import events

        events._send = lambda group, message: None  # the group send is not measured here
        from classroom.services.presence import connection_close, connection_heartbeat, connection_open
        from game.models import PackageVersion
        from game.services.chat import chat_send
        from game.services.packages import package_approve, package_edit
        from tests import factories

        facilitator = factories.make_facilitator()
        session = factories.make_session(facilitator, minutes=120)
        factories.join_many(session, 4)
        factories.start(session, facilitator)
        factories.committed(session)  # approvals need the director's forecast; edits carry it forward
        hr, director = factories.holder(session, "hr"), factories.holder(session, "director")
        results = {}

        def run(name, call, before=None):
            counts, times = [], []
            try:
                for i in range(n):
                    if before:
                        before(i)
                    with CaptureQueriesContext(connection) as ctx:
                        start = time.perf_counter()
                        call(i)
                        times.append(time.perf_counter() - start)
                    counts.append(len(ctx.captured_queries))
            except Exception as exc:  # reported, and the other kinds still run
                print(f"{name}: {exc!r}", file=sys.stderr)
                return
            results[name] = {"statements": statistics.median(counts), "max_statements": max(counts),
                             "median_us": statistics.median(times) * 1e6}

        def latest():
            return PackageVersion.objects.filter(team=hr.team).order_by("-version").first()

        state = {}

        def look(i, same=False):  # before each call, not counted: the version and value the client would send
            package = latest()
            current = package.levers["overtime_share"]
            state.update(version=package.version, value=current if same else (0.1 if current != 0.1 else 0.2))

        def edit(i, msg=None):
            package_edit(participant_id=hr.id, lever="overtime_share", value=state["value"],
                         base_version=state["version"], client_msg_id=msg or f"e{i}-{time.monotonic_ns()}")

        run("package.edit", edit, before=look)
        run("package.edit (no change)", edit, before=lambda i: look(i, same=True))
        run("package.edit (a retry)", lambda i: package_edit(participant_id=hr.id, lever="overtime_share",
                                                               value=0.3, base_version=1, client_msg_id="e0-retry"),
            before=lambda i: i == 0 and (look(0), edit(0, msg="e0-retry")))
        run("package.approve", lambda i: package_approve(participant_id=director.id, version=state["version"] + 1,
                                                         client_msg_id=f"a{i}"),
            before=lambda i: (look(i), edit(i)))
        from game.services.commitments import package_commit

        run("package.commit", lambda i: package_commit(
            participant_id=director.id, forecast={"good_units": 9000 + i, "cash": 1e6, "extra": None},
            rationale="Steady plan.", base_version=state["version"], client_msg_id=f"k{i}"), before=look)
        run("chat.send", lambda i: chat_send(participant_id=hr.id, text=f"message {i}", client_msg_id=f"c{i}"))
        run("connect (first socket)", lambda i: connection_open(participant_id=hr.id, channel_name=f"s{i}"),
            before=lambda i: i and connection_close(channel_name=f"s{i - 1}"))
        run("heartbeat", lambda i: connection_heartbeat(channel_name=f"s{n - 1}"),
            before=lambda i: i == 0 and [connection_close(channel_name=f"s{j}") for j in range(n - 1)])
        run("disconnect (last socket)", lambda i: connection_close(channel_name=f"d{i}"),
            before=lambda i: (connection_close(channel_name=f"s{n - 1}") if i == 0 else None,
                              connection_open(participant_id=hr.id, channel_name=f"d{i}")))
        return {"vendor": connection.vendor, "results": results}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def fanout(n: int, sockets: int = 5) -> dict:
    """One package.updated to a team group of `sockets` channels through the in-memory layer, received and
    encoded as each socket sends it: the old dict (deep-copied and json-encoded per socket) against one frame."""
    import asyncio

    from channels.layers import InMemoryChannelLayer

    package = {"version": 12, "levers": {f"lever_{i}": i * 0.1 for i in range(24)}, "aligned": False,
               "approvals": {"hr": {"participant_id": 3, "name": "Player 3"}}, "author": "Player 1",
               "author_role": "hr", "changed_lever": "lever_3", "reopened": False,
               "checks": [{"kind": "fits", "lever": f"lever_{i}", "text": "x" * 80} for i in range(8)]}
    event = {"type": "package.updated", "seq": 40, "package": package, "log": [{"kind": "edit", "version": 12}]}

    async def once(layer, channels, frame: bool) -> None:
        message = {"type": event["type"], "frame": json.dumps(event)} if frame else event
        await layer.group_send("team.1", message)
        for channel in channels:
            got = await layer.receive(channel)
            text = got["frame"] if frame else json.dumps(got)
            assert text

    async def main() -> dict:
        out = {}
        for frame in (False, True):
            layer = InMemoryChannelLayer()
            channels = [await layer.new_channel() for _ in range(sockets)]
            for channel in channels:
                await layer.group_add("team.1", channel)
            times = []
            for _ in range(n):
                start = time.perf_counter()
                await once(layer, channels, frame)
                times.append(time.perf_counter() - start)
            out["one frame per group" if frame else "encoded per socket"] = statistics.median(times) * 1e6
        return out

    return asyncio.run(main())


def run_tree(tree: Path, n: int) -> dict:
    out = subprocess.run([sys.executable, str(tree / "bench/web/sql_per_message.py"), "--json", "--n", str(n)],
                         cwd=tree, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)})
    if out.returncode:
        sys.exit(f"{tree}: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def export(ref: str) -> Path:
    tree = Path(tempfile.mkdtemp(prefix="sqlpm-"))
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    shutil.copy(Path(__file__), tree / "bench/web/sql_per_message.py")
    return tree


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200, help="calls per message kind")
    parser.add_argument("--ref", help="also run this commit (e.g. the one before issue 12) in the same command")
    parser.add_argument("--json", action="store_true", help="print this tree's figures as JSON only")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.n)))
        return
    runs = {}
    if args.ref:
        tree = export(args.ref)
        try:
            runs[args.ref] = run_tree(tree, args.n)
        finally:
            shutil.rmtree(tree, ignore_errors=True)
    runs["this tree"] = run_tree(ROOT, args.n)
    names = list(runs)
    vendor = runs[names[-1]]["vendor"]
    print(f"SQL statements and median time per message ({vendor}, {args.n} calls each, group send not included)\n")
    print("| message | " + " | ".join(f"{n} statements | {n} us" for n in names)
          + (" | time ratio |" if len(names) == 2 else " |"))
    print("|---" * (1 + 2 * len(names) + (len(names) == 2)) + "|")
    for kind in runs[names[-1]]["results"]:
        cells, times = [], []
        for name in names:
            r = runs[name]["results"].get(kind)
            cells += [f"{r['statements']:g}" if r else "-", f"{r['median_us']:.0f}" if r else "-"]
            times.append(r["median_us"] if r else None)
        ratio = f" | {times[1] / times[0]:.2f}" if len(names) == 2 and all(times) else (" | -" if len(names) == 2 else "")
        print(f"| {kind} | " + " | ".join(cells) + ratio + " |")
    fan = fanout(args.n)
    print(f"\nOne package.updated to a team of 5 sockets, in-memory layer (median us per group message): "
          + ", ".join(f"{k} {v:.0f}" for k, v in fan.items())
          + f", ratio {fan['one frame per group'] / fan['encoded per socket']:.2f}")


if __name__ == "__main__":
    main()
