"""The shape every JSON endpoint of the console shares: the session's facilitator is checked before the
body is read (a stranger learns nothing from validation errors), the body must be a JSON object, and a
LabError becomes {"error": {code, message, field}} with its HTTP status."""
import json
from functools import wraps

from django.http import JsonResponse
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _

from classroom.errors import LabError
from classroom.services.access import session_for_facilitator


def json_error(code: str, message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "field": field}}, status=status)


def json_body(request) -> dict | None:
    """The request's JSON object body, or None when it is not one."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def facilitator_json_command(not_logged_in: str):
    """Decorate `view(request, session, body) -> dict` into a POST endpoint answering JSON.
    `not_logged_in`: what an anonymous caller is told (a JSON 401, not the login page's redirect); written at
    import time, so a gettext_lazy text, read in the caller's language."""
    def decorate(view):
        @require_POST
        @wraps(view)
        def endpoint(request, session_id: int):
            if not request.user.is_authenticated:
                return json_error("not_logged_in", str(not_logged_in), 401)
            try:
                session = session_for_facilitator(session_id=session_id, user=request.user)
            except LabError as exc:
                return json_error(exc.code, exc.message, exc.http_status, exc.field)
            body = json_body(request)
            if body is None:
                return json_error("invalid_json", _("The request body must be a JSON object."), 400)
            try:
                return JsonResponse(view(request, session, body))
            except LabError as exc:
                return json_error(exc.code, exc.message, exc.http_status, exc.field)
        return endpoint
    return decorate
