"""Which language a person reads the lab in (docs/i18n.md).

Each person picks one: a participant in the room (kept on their Participant row, so it follows their seat to
another device), staff in the console (kept on a StaffLanguage row, so it follows their login). The browser's
language cookie carries the choice between pages; Django's LocaleMiddleware reads it, then this module's
middleware lets a logged-in staff member's stored choice win. A code the lab does not offer falls back to
English.
"""
from django.conf import settings
from django.utils import translation

DEFAULT = "en"


def language_clean(code) -> str:
    """One of settings.LANGUAGES' codes: an unknown, empty or malformed code is English."""
    if not isinstance(code, str):
        return DEFAULT
    code = code.strip().lower().replace("_", "-")
    offered = {c for c, _ in settings.LANGUAGES}
    if code in offered:
        return code
    base = code.split("-", 1)[0]
    return base if base in offered else DEFAULT


def staff_language(user) -> str | None:
    """The language a staff member chose in the console, or None if they never chose."""
    if not getattr(user, "is_authenticated", False):
        return None
    choice = getattr(user, "lab_language", None)
    return choice.language if choice is not None else None


class StaffLanguageMiddleware:
    """After AuthenticationMiddleware: a logged-in staff member reads the lab in their stored language, on any
    browser they log in from. Everyone else keeps LocaleMiddleware's choice (cookie, then the browser's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        try:
            chosen = staff_language(user)
        except Exception:  # noqa: BLE001 - a missing table (before migrate) must not break a page
            chosen = None
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)


def socket_language(scope, participant_language: str = "") -> str:
    """A socket's language: the participant's stored choice, else the language cookie sent with the handshake."""
    if participant_language:
        return language_clean(participant_language)
    cookies = scope.get("cookies") or {}
    return language_clean(cookies.get(settings.LANGUAGE_COOKIE_NAME, DEFAULT))


def offered(request) -> dict:
    """Template context: the languages the picker offers, each named in its own language ("Deutsch" on an English
    page, "English" on a German one), as a reader looks for their own."""
    return {"lab_languages": settings.LANGUAGES}
