"""The projector view: a read-only page for the room's wall, by join code, with no login.

It shows only what facilitator/projector.py puts in the public state; the page polls that state as
JSON every 2 s. The join address and its QR code depend on the request (the facilitator's pick of a
network address is kept in their browser session), so they come with the page and the QR endpoint.
"""
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from classroom.errors import LabError
from classroom.language import DEFAULT, staff_language
from facilitator.join_url import join_qr_svg, join_target
from facilitator.projector import projector_session, projector_state

POLL_SECONDS = 2


def wall_language(session) -> str:
    """The wall speaks the facilitator's language (their console choice), whoever's browser shows it."""
    return staff_language(session.facilitator) or DEFAULT


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def projector(request, join_code: str):
    try:
        session = projector_session(join_code=join_code, client=request.META.get("REMOTE_ADDR", ""))
    except LabError as exc:
        return render(request, "frontend/error.html", {"error": exc}, status=exc.http_status)
    target = join_target(request, session_id=session.id)
    url = target.url(session.join_code)
    translation.activate(wall_language(session))
    request.LANGUAGE_CODE = translation.get_language()
    return _no_store(render(request, "frontend/projector.html", {
        "state": projector_state(session=session),
        "join_code": session.join_code,
        "join_url": url,
        "join_base": target.base,  # the address breaks before its path on a narrow wall, not inside the port
        "join_path": url[len(target.base):],
        "join_host": target.host,
        "poll_ms": POLL_SECONDS * 1000,
    }))


@require_GET
def projector_state_json(request, join_code: str):
    try:
        session = projector_session(join_code=join_code, client=request.META.get("REMOTE_ADDR", ""))
    except LabError as exc:
        return _no_store(JsonResponse({"error": {"code": exc.code, "message": exc.message}}, status=exc.http_status))
    with translation.override(wall_language(session)):
        return _no_store(JsonResponse(projector_state(session=session)))


@require_GET
def projector_qr(request, join_code: str):
    try:
        session = projector_session(join_code=join_code, client=request.META.get("REMOTE_ADDR", ""))
    except LabError as exc:
        return HttpResponse(exc.message, status=exc.http_status, content_type="text/plain")
    target = join_target(request, session_id=session.id)
    return HttpResponse(join_qr_svg(target.url(session.join_code)), content_type="image/svg+xml")
