"""Markdown tables from load.py result files (the figures quoted in docs/performance-web.md).

    .venv/bin/python bench/web/report.py bench/web/results/sweep1.json [more.json ...]
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import HEADER, row  # noqa: E402


def main() -> None:
    for path in sys.argv[1:]:
        data = json.load(open(path))
        print(f"\n{Path(path).name}: source {data['source']}, settings {data['args'].get('settings', 'config.settings.base')}, "
              f"duration {data['args']['duration']} s, interval {data['args']['interval']} s\n")
        print(HEADER)
        for run in data["runs"]:
            if "failed" in run:
                print(f"| {run['mode']} | {run['n']} | failed: {run['failed'][:120]} |")
            else:
                print(row(run["mode"], run["n"], run))
        extra = []
        for run in data["runs"]:
            if "failed" in run:
                continue
            extra.append(f"- {run['mode']} N={run['n']}: join {run['join']['per_s']}/s (p95 {run['join']['p95_ms']} ms), "
                         f"connect p95 {run['connect_ms']['p95']} ms, ping under load p50/p95 {run['ping_load_ms']['p50']}/"
                         f"{run['ping_load_ms']['p95']} ms, console events {run['console']['events']} (gaps "
                         f"{run['console']['gaps']}), deliveries {run['deliveries']}, generator lag p95 "
                         f"{run['generator_lag_ms']['load_p95']} ms")
        print("\n" + "\n".join(extra))


if __name__ == "__main__":
    main()
