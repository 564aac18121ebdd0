"""Text the database can store: no NUL character (PostgreSQL's text and jsonb refuse it) and no lone
surrogate (not encodable as UTF-8). Refused in words, never a 500.

Three layers use it: services that store what a person typed (`text_check`, e.g. the join form);
the WebSocket frame parser (classroom/consumer_base.py `frame_decode`, every string of every frame);
and `TextInputMiddleware`, the safety net for every HTTP query value, form value and JSON body,
which answers 400 with a plain page or JSON before any view runs.
"""
import json

from django.shortcuts import render
from django.http import JsonResponse

from classroom.errors import LabError

UNSTORABLE_MESSAGE = ("contains a character that cannot be stored (a NUL character or an unpaired surrogate, "
                      "which a keyboard does not type). Remove it, or retype the text, and try again.")
JSON_BODY_MAX = 1_000_000


def text_storable(text: str) -> bool:
    """False for text the database refuses: NUL (PostgreSQL text and jsonb) and lone surrogates (not UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_check(text: str, *, field: str, label: str) -> str:
    """`text`, or LabError("invalid_text") naming `label` (a sentence start, e.g. "A display name")."""
    if not text_storable(text):
        raise LabError("invalid_text", f"{label} {UNSTORABLE_MESSAGE}", field=field)
    return text


def first_unstorable(value, path: str = "") -> str | None:
    """The path (e.g. "levers.price" or "[2]") of the first key or string in a JSON value that is not storable."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if not text_storable(item):
                return where or "the message"
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and not text_storable(key):
                    return where or "the message"
                stack.append((child, child_path))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]") for index, child in enumerate(item))
    return None


def _request_field(request) -> str | None:
    if not text_storable(request.path):
        return "the address"
    sources = [request.GET, request.POST] if request.method == "POST" and _is_form(request) else [request.GET]
    for source in sources:
        for key, values in source.lists():
            if not text_storable(key):
                return "a field name"
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
        error = LabError("invalid_text", f"The value of {field!r} {UNSTORABLE_MESSAGE}", field=field)
        if _wants_json(request):
            body = {"code": error.code, "message": error.message, "field": field}
            # Flat too: the REST API's error shape is {code, message, field} (docs/api.md); the console reads "error".
            return JsonResponse({"error": body, **body}, status=400)
        return render(request, "frontend/error.html", {"error": error}, status=400)
