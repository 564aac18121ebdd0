"""Text the engine writes for people, as messages game translates (docs/i18n.md, "The engine").

The engine knows no Django, so it cannot translate. It returns {"i18n": msgid, "params": {...}}, the shape
of classroom.i18n_text.message, and game renders it in each reader's language. Numbers inside a message are
{"number": value, "digits": d} so they are formatted for the reader's language too. `gettext_noop` has the
name makemessages looks for: it marks a string for the catalogue and returns it unchanged.
"""
from __future__ import annotations

KEY = "i18n"


def gettext_noop(text: str) -> str:
    return text


def message(msgid: str, **params) -> dict:
    """A text to be rendered later; mark msgid where it is written: message(gettext_noop("..."), n=...)."""
    return {KEY: msgid, "params": params} if params else {KEY: msgid}


def number(value, digits: int = 0) -> dict:
    """A number formatted in the reader's language, inside a message. Rounded here as Python's format rounds
    (half to even), so the English text is what an f-string wrote before."""
    plain = int(value) if float(value).is_integer() else round(float(value), digits)  # no NumPy types in JSON
    return {"number": plain, "digits": digits}


def english(node) -> str:
    """A message as English text, for the engine's own command line and tests (game renders for people)."""
    if not isinstance(node, dict):
        return node
    if KEY in node:
        params = {k: english(v) for k, v in (node.get("params") or {}).items()}
        return node[KEY] % params if params else node[KEY]
    if "number" in node:
        return f"{node['number']:,.{node.get('digits', 0)}f}"
    return node
