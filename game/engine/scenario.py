"""Scenarios: a named plant set-up (parameter overrides, default levers, disruption schedule)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .disruptions import Disruption
from .params import DEFAULT_PARAMS, merge_params

SCENARIO_DIR = Path(__file__).parent / "scenarios"
# The note's free-text parts, then its two lists: discussion questions (text) and what to look for in the
# data (each {"text", "kpis"}: the KPI keys it refers to, from game/dashboards.py's catalogue; the engine
# checks their shape only, the catalogue lives in the game app).
TEACHING_NOTE_TEXT_KEYS = ("about", "trap", "strong_team")
TEACHING_NOTE_KEYS = TEACHING_NOTE_TEXT_KEYS + ("questions", "look_for")
LOOK_FOR_KEYS = ("text", "kpis")
# A shipped scenario's own text in the other languages the lab speaks (English is the scenario itself):
# {"de": {"title", "description", "teaching_note": {the note's texts, "questions", "look_for": [{"text"}]}}}.
# look_for items hold their text only (the KPIs are the English item's); both lists follow the English order.
TRANSLATION_LANGUAGES = ("de", "fr")
TRANSLATION_KEYS = ("title", "description", "teaching_note")


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
    # For the facilitator: what the scenario teaches ("about"), the trap teams fall into ("trap"),
    # what a strong team does ("strong_team"), discussion questions ("questions": a list of text) and
    # what to look for in the data ("look_for": a list of {"text", "kpis": [KPI keys]}). Any key may
    # be missing. Participants read only "about" (game/briefs.py).
    teaching_note: dict = field(default_factory=dict, hash=False, compare=False)
    # The title, description and note in German and French (TRANSLATION_LANGUAGES); game picks the
    # reader's (game/scenario_text.py). Authored scenarios have none.
    translations: dict = field(default_factory=dict, hash=False, compare=False)
    currency: str = "EUR"  # ISO 4217 code: how the room writes money

    def disruptions_for_round(self, round_number: int) -> list[Disruption]:
        return [d for d in self.disruption_schedule if d.round == round_number]


def _text_list(value, key: str) -> list[str]:
    if not isinstance(value, list) or any(not isinstance(x, str) or not x.strip() for x in value):
        raise ValueError(f"teaching_note {key} must be a list of non-empty texts")
    return list(value)


def _look_for(value, strict: bool) -> list[dict]:
    if not isinstance(value, list) or any(not isinstance(x, dict) for x in value):
        raise ValueError('teaching_note look_for must be a list of {"text": ..., "kpis": [...]} objects')
    out = []
    for i, item in enumerate(value, start=1):
        unknown = set(item) - set(LOOK_FOR_KEYS)
        if unknown and strict:
            raise ValueError(f"teaching_note look_for item {i}: unknown keys {sorted(unknown)} "
                             f"(known: {', '.join(LOOK_FOR_KEYS)})")
        text, kpis = item.get("text"), item.get("kpis", [])
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"teaching_note look_for item {i}: text must be non-empty text")
        if not isinstance(kpis, list) or any(not isinstance(k, str) or not k for k in kpis):
            raise ValueError(f"teaching_note look_for item {i}: kpis must be a list of KPI keys")
        out.append({"text": text, "kpis": list(kpis)})
    return out


def _teaching_note(note, strict: bool) -> dict:
    note = {} if note is None else note
    if not isinstance(note, dict) or any(not isinstance(note[k], str) for k in TEACHING_NOTE_TEXT_KEYS if k in note):
        raise ValueError(f"teaching_note must map {', '.join(TEACHING_NOTE_TEXT_KEYS)} to text")
    unknown = set(note) - set(TEACHING_NOTE_KEYS)
    if unknown and strict:
        raise ValueError(f"unknown teaching_note keys: {sorted(unknown)} (known: {', '.join(TEACHING_NOTE_KEYS)})")
    out = {k: note[k] for k in TEACHING_NOTE_TEXT_KEYS if k in note}
    if "questions" in note:
        out["questions"] = _text_list(note["questions"], "questions")
    if "look_for" in note:
        out["look_for"] = _look_for(note["look_for"], strict)
    return out


def _translation(lang: str, value, note: dict) -> dict:
    """One language's texts, checked against the English note: the same keys, lists of the same length."""
    where = f"translations {lang}"
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be an object")
    unknown = set(value) - set(TRANSLATION_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)} (known: {', '.join(TRANSLATION_KEYS)})")
    out = {}
    for key in ("title", "description"):
        if key in value:
            if not isinstance(value[key], str) or not value[key].strip():
                raise ValueError(f"{where}: {key} must be non-empty text")
            out[key] = value[key]
    tn = value.get("teaching_note", {})
    if not isinstance(tn, dict):
        raise ValueError(f"{where}: teaching_note must be an object")
    unknown = set(tn) - set(TEACHING_NOTE_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown teaching_note keys {sorted(unknown)} "
                         f"(known: {', '.join(TEACHING_NOTE_KEYS)})")
    out_note = {}
    for key in TEACHING_NOTE_TEXT_KEYS:
        if key in tn:
            if not isinstance(tn[key], str) or not tn[key].strip():
                raise ValueError(f"{where}: teaching_note {key} must be non-empty text")
            out_note[key] = tn[key]
    if "questions" in tn:
        out_note["questions"] = _text_list(tn["questions"], "questions")
        if len(out_note["questions"]) != len(note.get("questions", [])):
            raise ValueError(f"{where}: teaching_note questions must be as many as the English "
                             f"({len(note.get('questions', []))})")
    if "look_for" in tn:
        items = tn["look_for"]
        if not isinstance(items, list) or any(not isinstance(x, dict) or set(x) != {"text"} for x in items):
            raise ValueError(f'{where}: teaching_note look_for must be a list of {{"text": ...}} objects')
        out_note["look_for"] = [{"text": t} for t in _text_list([x["text"] for x in items], "look_for")]
        if len(items) != len(note.get("look_for", [])):
            raise ValueError(f"{where}: teaching_note look_for must be as many as the English "
                             f"({len(note.get('look_for', []))})")
    if out_note:
        out["teaching_note"] = out_note
    return out


def _translations(value, note: dict, strict: bool) -> dict:
    value = {} if value is None else value
    if not isinstance(value, dict):
        raise ValueError("translations must map a language code to its texts")
    unknown = set(value) - set(TRANSLATION_LANGUAGES)
    if unknown and strict:
        raise ValueError(f"translations: unknown languages {sorted(unknown)} "
                         f"(known: {', '.join(TRANSLATION_LANGUAGES)})")
    out = {}
    for lang in TRANSLATION_LANGUAGES:
        if lang in value:
            try:
                out[lang] = _translation(lang, value[lang], note)
            except ValueError:
                if strict:
                    raise
                # a snapshot whose note changed shape since: that language reads English
    return out


def _currency(code) -> str:
    if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()):
        raise ValueError("currency must be a three-letter ISO 4217 code such as EUR or USD")
    return code


def scenario_from_dict(d: dict, *, strict: bool = True) -> Scenario:
    """A scenario from its JSON form.

    strict (scenario files): an unknown parameter name is an error. Not strict (a snapshot stored
    with a session): parameter names and teaching-note keys the engine no longer knows are
    ignored, and parameters added since the snapshot was taken get their current defaults.
    """
    sched = tuple(Disruption.from_dict(x) for x in d.get("disruption_schedule", []))
    if any(x.round is None for x in sched):
        raise ValueError("every scheduled disruption needs a round")
    params = dict(d.get("params", {}))
    if not strict:
        params = {k: v for k, v in params.items() if k in DEFAULT_PARAMS}
    return Scenario(name=d["name"], title=d["title"], description=d["description"],
                    rounds=int(d.get("rounds", 8)), minutes_per_round=int(d.get("minutes_per_round", 10)),
                    params=merge_params(params), disruption_schedule=sched,
                    default_levers=dict(d.get("default_levers", {})),
                    teaching_note=(note := _teaching_note(d.get("teaching_note"), strict)),
                    translations=_translations(d.get("translations"), note, strict),
                    currency=_currency(d.get("currency", "EUR")))


def scenario_to_dict(scenario: Scenario) -> dict:
    """The JSON form of a scenario, with every parameter (merged with the defaults), so that
    `scenario_from_dict(scenario_to_dict(s))` rebuilds it whatever the defaults become later."""
    return json.loads(json.dumps(allow_nan=False, obj={
        "name": scenario.name, "title": scenario.title, "description": scenario.description,
        "rounds": scenario.rounds, "minutes_per_round": scenario.minutes_per_round,
        "params": scenario.params,
        "default_levers": scenario.default_levers,
        "disruption_schedule": [d.to_dict() for d in scenario.disruption_schedule],
        "teaching_note": scenario.teaching_note,
        "translations": scenario.translations,
        "currency": scenario.currency,
    }))


def scenario_names() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.json"))


@lru_cache(maxsize=None)
def load_scenario(name: str) -> Scenario:
    path = SCENARIO_DIR / f"{name}.json"
    if not path.is_file() or "/" in name or "\\" in name:
        raise KeyError(f"unknown scenario {name!r} (known: {', '.join(scenario_names())})")
    return scenario_from_dict(json.loads(path.read_text()))
