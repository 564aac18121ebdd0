"""Summarise a stack-sampler profile written by sampled_daphne.py (or embedded in a results file).

    .venv/bin/python bench/web/profile_summary.py bench/web/results/profile.json [--mode embedded --n 200]
"""
import argparse
import json


def summarise(profile: dict, top: int = 25) -> str:
    lines = []
    for name, t in profile["threads"].items():
        if not t["samples"]:
            continue
        busy = t["busy"] / t["samples"]
        lines.append(f"## thread {name}: busy {100 * busy:.0f}% of {t['samples']} samples")
        if t["busy"] < 20:
            continue
        lines.append("   cumulative (share of busy samples):")
        for key, n in t["cumulative"][:top]:
            lines.append(f"   {100 * n / t['busy']:5.1f}%  {key}")
        lines.append("   self:")
        for key, n in t["self"][:12]:
            lines.append(f"   {100 * n / t['busy']:5.1f}%  {key}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--mode")
    parser.add_argument("--n", type=int)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    data = json.load(open(args.path))
    if "runs" in data:
        for run in data["runs"]:
            if "profile" in run and (args.mode in (None, run["mode"])) and (args.n in (None, run["n"])):
                print(f"# {run['mode']} N={run['n']}")
                print(summarise(run["profile"], args.top))
    else:
        print(summarise(data, args.top))


if __name__ == "__main__":
    main()
