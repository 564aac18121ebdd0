"""A scenario's own text (title, description, teaching note) in the reader's language.

Shipped scenarios carry German and French beside their English (the "translations" key of their JSON);
authored scenarios have none and read as their author wrote them, whatever the language.
"""
from django.utils import translation


def _merged_note(note: dict, tr: dict) -> dict:
    out = {**note, **{k: tr[k] for k in ("about", "trap", "strong_team", "questions") if k in tr}}
    if "look_for" in tr and len(tr["look_for"]) == len(note.get("look_for", [])):
        # the KPIs are the English item's: a translation holds the text only
        out["look_for"] = [{**item, "text": t["text"]} for item, t in zip(note["look_for"], tr["look_for"])]
    return out


def scenario_shown(scenario) -> dict:
    """{"name", "title", "description", "teaching_note"} in the active language where the scenario has it,
    else English (or the author's text)."""
    note = dict(getattr(scenario, "teaching_note", None) or {})
    language = (translation.get_language() or "en").split("-")[0]
    tr = (getattr(scenario, "translations", None) or {}).get(language) or {}
    return {
        "name": getattr(scenario, "name", ""),
        "title": tr.get("title") or scenario.title,
        "description": tr.get("description") or scenario.description,
        "teaching_note": _merged_note(note, tr.get("teaching_note") or {}),
    }
