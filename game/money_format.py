"""Money as a manager reads it in server-written sentences: thousands separators in the reader's language and the
currency code (1,234,567 EUR in English, 1.234.567 EUR in German, 1 234 567 EUR in French)."""
from django.utils import formats
from django.utils.translation import gettext_noop

from classroom.i18n_text import message, number


def _whole(amount: float) -> int:
    """Rounded as before (Python's formatting), so -0.4 is 0, never -0."""
    return int(f"{amount:.0f}")


def money(amount: float, currency: str) -> str:
    """In the active language: call it where the text is made for one reader."""
    return f"{formats.number_format(_whole(amount), 0, use_l10n=True, force_grouping=True)} {currency}"


def money_message(amount: float, currency: str) -> dict:
    """The same amount inside a message (classroom/i18n_text.py), formatted in each reader's language."""
    return message(gettext_noop("%(amount)s %(currency)s"), amount=number(_whole(amount), 0), currency=currency)
