"""Scenarios: a named plant set-up (parameter overrides, default levers, disruption schedule)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .disruptions import Disruption
from .params import merge_params

SCENARIO_DIR = Path(__file__).parent / "scenarios"


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    description: str
    rounds: int = 8
    minutes_per_round: int = 10
    params: dict = field(default_factory=dict, hash=False, compare=False)
    disruption_schedule: tuple[Disruption, ...] = ()
    default_levers: dict = field(default_factory=dict, hash=False, compare=False)

    def disruptions_for_round(self, round_number: int) -> list[Disruption]:
        return [d for d in self.disruption_schedule if d.round == round_number]


def scenario_from_dict(d: dict) -> Scenario:
    sched = tuple(Disruption.from_dict(x) for x in d.get("disruption_schedule", []))
    if any(x.round is None for x in sched):
        raise ValueError("every scheduled disruption needs a round")
    return Scenario(name=d["name"], title=d["title"], description=d["description"],
                    rounds=int(d.get("rounds", 8)), minutes_per_round=int(d.get("minutes_per_round", 10)),
                    params=merge_params(d.get("params", {})), disruption_schedule=sched,
                    default_levers=dict(d.get("default_levers", {})))


def scenario_names() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.json"))


@lru_cache(maxsize=None)
def load_scenario(name: str) -> Scenario:
    path = SCENARIO_DIR / f"{name}.json"
    if not path.is_file() or "/" in name or "\\" in name:
        raise KeyError(f"unknown scenario {name!r} (known: {', '.join(scenario_names())})")
    return scenario_from_dict(json.loads(path.read_text()))
