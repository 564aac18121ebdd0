"""Print the parameter and lever tables of docs/model.md from the code (the single source).

    .venv/bin/python bench/engine/doc_tables.py
    .venv/bin/python bench/engine/doc_tables.py --ranges    # the table of docs/scenarios.md
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from game.engine.levers import LEVERS, PROJECTS  # noqa: E402
from game.engine.params import PARAM_DOCS, param_range_text  # noqa: E402


def fmt(v):
    if isinstance(v, dict):
        return ", ".join(f"{k} {x}" for k, x in v.items())
    if isinstance(v, list):
        return "[" + ", ".join(f"{x:g}" for x in v) + "]"
    return f"{v:,}" if isinstance(v, (int, float)) else str(v)


def ranges_table() -> str:
    """What an authored scenario may give each parameter (game/engine/params.py PARAM_RANGES)."""
    rows = [f"| `{k}` | {fmt(v)} | {param_range_text(k)} |" for k, (v, _) in PARAM_DOCS.items()]
    return "| parameter | default | allowed |\n|---|---|---|\n" + "\n".join(rows)


if "--ranges" in sys.argv:
    print(ranges_table())
    sys.exit(0)

print("| parameter | value | source or reason |\n|---|---|---|")
for k, (v, why) in PARAM_DOCS.items():
    print(f"| `{k}` | {fmt(v)} | {why} |")
print()
print("| lever | role | kind | range / choices | default | unit | meaning |\n|---|---|---|---|---|---|---|")
for s in LEVERS.values():
    rng = ", ".join(s.choices) if s.choices and s.kind == "choice" else (
        "project codes below" if s.kind == "multichoice" else f"{s.min:g} to {s.max:g}")
    if s.kind == "int_list":
        rng = f"{s.length} x ({s.min:g} to {s.max:g})"
    print(f"| `{s.name}` | {s.role} | {s.kind} | {rng} | {fmt(s.default)} | {s.unit} | {s.help} |")
print()
print("| project | engineering hours | capex | nominal rounds | effect |\n|---|---|---|---|---|")
for p in PROJECTS.values():
    print(f"| `{p.code}` | {p.effort_hours:,.0f} | {p.capex:,.0f} | {p.nominal_rounds} | {p.label} |")
