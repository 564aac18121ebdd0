"""Engine speed against a baseline commit, in the same command (the machine is shared and noisy).

    .venv/bin/python bench/engine/compare.py [--ref 0188cf2] [--pairs 3]

Checks the baseline out as a temporary git worktree, then runs bench_engine.py there and here in
alternation (--pairs times each), and prints the median of each figure and the ratio this/baseline.
"""
from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES = {"50 teams": r"50 teams x 1 round:\s+([\d.]+) ms", "1000 teams": r"1000 teams x 1 round:\s+([\d.]+) ms",
           "preview 200": r"preview, 200 samples:\s+([\d.]+) ms"}


def run(where: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "bench/engine/bench_engine.py", "--repeat", "9", "--simpy-reps", "1"],
                         cwd=where, capture_output=True, text=True, check=True).stdout
    return {k: float(re.search(rx, out).group(1)) for k, rx in FIGURES.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", default="0188cf2", help="baseline commit (default: the engine before issue 7)")
    ap.add_argument("--pairs", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), a.ref], cwd=ROOT, check=True)
        try:
            runs = {"baseline": [], "this": []}
            for _ in range(a.pairs):
                runs["baseline"].append(run(base))
                runs["this"].append(run(ROOT))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=True)
    print(f"| figure | baseline {a.ref} (ms) | this commit (ms) | ratio |\n|---|---|---|---|")
    for k in FIGURES:
        b = statistics.median(r[k] for r in runs["baseline"])
        t = statistics.median(r[k] for r in runs["this"])
        print(f"| {k} | {b:.1f} | {t:.1f} | {t / b:.2f} |")


if __name__ == "__main__":
    main()
