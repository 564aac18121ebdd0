"""Run daphne with a wall-clock stack sampler over every thread (a stdlib stand-in for py-spy).

    python bench/web/sampled_daphne.py OUT.json [daphne args...]

cProfile sees only the thread it starts in, and the lab does its database work in asgiref's
worker thread, so this samples `sys._current_frames()` every few milliseconds instead and writes,
per thread, how often it was busy (not parked in select/epoll/a lock wait) and the functions it
was in (self = innermost frame; cumulative = anywhere on the stack).
"""
import atexit
import collections
import json
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.getcwd())
INTERVAL = float(os.environ.get("SAMPLE_INTERVAL", "0.005"))
IDLE_LEAVES = {("selectors.py", "select"), ("threading.py", "wait"), ("queue.py", "get"),
               ("thread.py", "_worker"), ("epollreactor.py", "doPoll"), ("threading.py", "_wait_for_tstate_lock")}

samples = collections.Counter()       # thread name -> samples
busy = collections.Counter()          # thread name -> busy samples
self_counts = collections.defaultdict(collections.Counter)
cum_counts = collections.defaultdict(collections.Counter)
stop = threading.Event()
lock = threading.Lock()
dumped = []


def _key(code) -> str:
    return f"{os.path.basename(code.co_filename)}:{code.co_name}:{code.co_firstlineno}"


def _sampler() -> None:
    me = threading.get_ident()
    while not stop.wait(INTERVAL):
        with lock:
            _sample_once(me)


def _sample_once(me: int) -> None:
    names = {t.ident: t.name for t in threading.enumerate()}
    for ident, frame in sys._current_frames().items():
        if ident == me:
            continue
        name = names.get(ident, str(ident))
        if name.startswith("ThreadPoolExecutor") or name.startswith("asyncio_"):
            name = "executor:" + name
        samples[name] += 1
        leaf = (os.path.basename(frame.f_code.co_filename), frame.f_code.co_name)
        if leaf in IDLE_LEAVES:
            continue
        busy[name] += 1
        self_counts[name][_key(frame.f_code)] += 1
        seen = set()
        f = frame
        while f is not None:
            k = _key(f.f_code)
            if k not in seen:
                seen.add(k)
                cum_counts[name][k] += 1
            f = f.f_back


def _dump(path: str, final: bool = False) -> None:
    if final and dumped:
        return
    with lock:
        _write(path)
    dumped.append(path)


def _write(path: str) -> None:
    out = {"interval_s": INTERVAL, "threads": {}}
    for name, n in samples.most_common():
        out["threads"][name] = {
            "samples": n, "busy": busy[name],
            "self": self_counts[name].most_common(40),
            "cumulative": cum_counts[name].most_common(60),
        }
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1)


def _reset(*_):
    with lock:
        for table in (samples, busy, self_counts, cum_counts):
            table.clear()


def main() -> None:
    out_path = sys.argv[1]
    # The load generator sends SIGUSR1 when the measured phase starts and SIGUSR2 when it ends.
    signal.signal(signal.SIGUSR1, _reset)
    signal.signal(signal.SIGUSR2, lambda *_: _dump(out_path))
    sys.argv = ["daphne"] + sys.argv[2:]
    threading.Thread(target=_sampler, name="sampler", daemon=True).start()
    atexit.register(_dump, out_path, True)
    started = time.time()
    from daphne.cli import CommandLineInterface

    try:
        CommandLineInterface.entrypoint()
    finally:
        print(f"sampled for {time.time() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
