"""The team room page: a shell that its WebSocket fills (game/consumers.py); joining is classroom's."""
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation

from classroom.errors import LabError
from classroom.identity import cookie_token
from classroom.services.sessions import participant_by_token, session_by_code
from game import engine
from game.dashboards import dashboards_json, kpi_catalog_json
from game.lever_display import role_titles, room_lever_specs
from game.selectors import session_scenario


def room(request, join_code: str):
    code = join_code.upper()
    participant = participant_by_token(join_code=code, rejoin_token=cookie_token(request.COOKIES, code))
    if participant is None:
        try:
            session_by_code(join_code=code, client=request.META.get("REMOTE_ADDR", ""))  # unknown codes count
        except LabError as exc:
            return render(request, "frontend/join.html", {"form": {"join_code": code}, "error": exc},
                          status=exc.http_status)
        return redirect(reverse("join-code", kwargs={"join_code": code}))
    if participant.language:  # their choice, made on any device, wins over this browser's
        translation.activate(participant.language)
        request.LANGUAGE_CODE = participant.language
    # Labels, units and role titles below are built now, in the language just chosen (game/lever_display.py).
    response = render(request, "frontend/room.html", {
        "join_code": code,
        "participant": participant,
        "levers": room_lever_specs(currency=session_scenario(session=participant.session).currency),
        "roles": list(engine.ROLES),
        "role_titles": role_titles(),
        "dashboards": dashboards_json(),
        "kpis": kpi_catalog_json(),
    })
    if participant.language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != participant.language:
        # The page's scripts fetch /jsi18n/ next, which knows only the cookie: it carries the seat's language
        # there (and to this browser's other pages), so room.js speaks it on another device too.
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, participant.language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite=settings.LANGUAGE_COOKIE_SAMESITE, secure=settings.LANGUAGE_COOKIE_SECURE)
    return response
