"""Text the database can store: no NUL character (PostgreSQL's text and jsonb refuse it) and no lone
surrogate (not encodable as UTF-8). Refused in words, never a 500.

Three layers use it: services that store what a person typed (`text_check`, e.g. the join form);
the WebSocket frame parser (classroom/consumer_base.py `frame_decode`, every string of every frame);
and `TextInputMiddleware`, the safety net for every HTTP query value, form value and JSON body,
which answers 400 with a plain page or JSON before any view runs.
"""
import json

from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from classroom.errors import LabError

JSON_BODY_MAX = 1_000_000
# Where first_unstorable and the middleware point when no field name can be shown; translated where shown.
WHERE_WORDS = (gettext_noop("the message"), gettext_noop("the address"), gettext_noop("a field name"))


def text_storable(text: str) -> bool:
    """False for text the database refuses: NUL (PostgreSQL text and jsonb) and lone surrogates (not UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_message(label: str) -> str:
    """The sentence for text that cannot be stored, naming `label` (a sentence start), in the active language."""
    return _("%(label)s contains a character that cannot be stored (a NUL character or an unpaired surrogate, "
             "which a keyboard does not type). Remove it, or retype the text, and try again.") % {"label": label}


def unstorable_value_message(field: str) -> str:
    """unstorable_message for a value named by its field (or path); the few words in WHERE_WORDS translated."""
    return _("The value of %(field)s contains a character that cannot be stored (a NUL character or an unpaired "
             "surrogate, which a keyboard does not type). Remove it, or retype the text, and try again.") % {
        "field": repr(_(field) if field in WHERE_WORDS else field)}


def text_check(text: str, *, field: str, label: str) -> str:
    """`text`, or LabError("invalid_text") naming `label` (a sentence start in the active language, e.g.
    _("A display name"))."""
    if not text_storable(text):
        raise LabError("invalid_text", unstorable_message(label), field=field)
    return text


def first_unstorable(value, path: str = "") -> str | None:
    """The path (e.g. "levers.price" or "[2]") of the first key or string in a JSON value that is not storable."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if not text_storable(item):
                return where or WHERE_WORDS[0]
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and not text_storable(key):
                    return where or WHERE_WORDS[0]
                stack.append((child, child_path))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]") for index, child in enumerate(item))
    return None


def checks_own_text(view):
    """Marks a form view whose services check every typed value with `text_check`, naming the field in the form's
    own words: the middleware leaves that form's values to it (never its path or query), so the person gets the
    form back with what they typed and the error at the field instead of an error page."""
    view.checks_own_text = True
    return view


def _view_checks_own_text(request) -> bool:
    try:
        return getattr(resolve(request.path_info).func, "checks_own_text", False)
    except Resolver404:
        return False


def _request_field(request) -> str | None:
    if not text_storable(request.path):
        return WHERE_WORDS[1]
    form = request.method == "POST" and _is_form(request)
    sources = [request.GET, request.POST] if form and not _view_checks_own_text(request) else [request.GET]
    for source in sources:
        for key, values in source.lists():
            if not text_storable(key):
                return WHERE_WORDS[2]
            if any(not text_storable(v) for v in values):
                return key
    if request.content_type == "application/json" and request.body and len(request.body) <= JSON_BODY_MAX:
        try:
            body = json.loads(request.body)
        except (ValueError, RecursionError):
            return None  # not JSON: the view says so
        return first_unstorable(body)
    return None


def _is_form(request) -> bool:
    return request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")


def _wants_json(request) -> bool:
    return (request.path.startswith("/api/") or request.content_type == "application/json"
            or "json" in request.headers.get("Accept", ""))


class TextInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _request_field(request)
        if field is None:
            return self.get_response(request)
        error = LabError("invalid_text", unstorable_value_message(field), field=field)
        if _wants_json(request):
            body = {"code": error.code, "message": error.message, "field": field}
            # Flat too: the REST API's error shape is {code, message, field} (docs/api.md); the console reads "error".
            return JsonResponse({"error": body, **body}, status=400)
        return render(request, "frontend/error.html", {"error": error}, status=400)
