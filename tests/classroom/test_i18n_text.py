"""Text written once for many readers, rendered in each reader's language (classroom/i18n_text.py)."""
from django.utils import translation

from classroom.i18n_text import message, number, render


def test_a_payload_without_messages_is_returned_as_it_is():
    payload = {"type": "package.updated", "levers": [1, 2, {"x": "i18n"}]}
    assert render(payload, "de") is payload


def test_a_message_is_rendered_in_the_reader_language():
    payload = {"lines": [message("Change language")], "n": 3}
    assert render(payload, "de") == {"lines": ["Sprache wechseln"], "n": 3}
    assert render(payload, "fr") == {"lines": ["Changer de langue"], "n": 3}
    assert render(payload, "en") == {"lines": ["Change language"], "n": 3}
    assert payload["lines"][0] == message("Change language")  # the shared payload is not changed


def test_numbers_are_formatted_for_the_reader():
    text = message("%(units)s units", units=number(24035.5, 1))
    assert render(text, "en") == "24,035.5 units"
    assert render(text, "de") == "24.035,5 units"
    assert render(text, "fr").replace("\u202f", " ").replace("\xa0", " ") == "24 035,5 units"


def test_a_message_inside_a_message_is_rendered_first():
    text = message("%(what)s: %(n)s", what=message("Language"), n=number(2))
    assert render(text, "de") == "Sprache: 2"


def test_a_missing_parameter_never_breaks_the_frame():
    assert render(message("%(gone)s and more"), "de") == "%(gone)s and more"


def test_render_uses_the_active_language_by_default():
    with translation.override("fr"):
        assert render(message("Language")) == "Langue"


def test_numbers_are_rounded_not_cut():
    assert render(message("%(x)s", x=number(12.96, 1)), "en") == "13.0"
    assert render(message("%(x)s", x=number(2.5, 0)), "de") == "2"  # round half to even, as Python's round
