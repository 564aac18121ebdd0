"""Text written once for many readers, read by each in their own language (docs/i18n.md).

A team's events go once to the team's group, whose members may read German, French and English. Text in such a
payload is a *message*: {"i18n": msgid, "params": {...}}: the English source (marked for makemessages with
gettext_noop) and its parameters. Each socket renders its frames in its reader's language just before sending
(classroom/consumer_base.py), so the group send stays one send. The engine, which knows no Django, returns the
same shape for its mistakes and evidence.

A parameter may itself be a message (a KPI's label inside a sentence) or a number to format in the reader's
language: {"number": 1234.5, "digits": 1} gives 1,234.5 in English and 1.234,5 in German.
"""
from django.utils import formats, translation
from django.utils.translation import gettext

KEY = "i18n"


def message(msgid: str, **params) -> dict:
    """A text to be read later in the reader's language. Mark msgid where it is written: gettext_noop("...")."""
    return {KEY: msgid, "params": params} if params else {KEY: msgid}


def number(value, digits: int = 0) -> dict:
    """A number formatted in the reader's language, inside a message."""
    return {"number": value, "digits": digits}


def _param(value):
    if isinstance(value, dict):
        if KEY in value:
            return _text(value)
        if "number" in value and isinstance(value["number"], (int, float)) and not isinstance(value["number"], bool):
            digits = value.get("digits", 0)
            # rounded first: number_format cuts the digits it drops (0.96 with 0 digits would read 0)
            return formats.number_format(round(value["number"], digits), decimal_pos=digits, use_l10n=True,
                                         force_grouping=True)
    return value


def _text(node: dict) -> str:
    msgid = node[KEY]
    text = gettext(msgid) if isinstance(msgid, str) else str(msgid)
    params = node.get("params")
    if not params:
        return text
    try:
        return text % {name: _param(value) for name, value in params.items()}
    except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder: the English stays readable
        return msgid % {name: _param(value) for name, value in params.items()}


def render(payload, language: str | None = None):
    """The payload with every message replaced by its text in `language` (default: the active one). Returns the
    same object when it holds no message, so frames without text cost one walk and no copy."""
    if language is None:
        return _render(payload)[0]
    with translation.override(language):
        return _render(payload)[0]


def _render(node):
    """(rendered node, whether anything changed)."""
    if isinstance(node, dict):
        if KEY in node and isinstance(node[KEY], str):
            return _text(node), True
        changed, out = False, {}
        for key, value in node.items():
            out[key], hit = _render(value)
            changed = changed or hit
        return (out, True) if changed else (node, False)
    if isinstance(node, list):
        changed, out = False, []
        for value in node:
            rendered, hit = _render(value)
            out.append(rendered)
            changed = changed or hit
        return (out, True) if changed else (node, False)
    return node, False
