"""The facilitator console: list and create sessions, the live console page, its commands."""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from classroom.errors import LabError
from classroom.selectors import session_archived_count_for_user, session_list_for_user
from classroom.services.access import facilitator_check, session_for_facilitator
from classroom.services.lifecycle import session_archive, session_unarchive
from classroom.services.personal_data import personal_data_policy_clean
from classroom.services.seat_changes import seat_assign_role, seat_move
from classroom.services.sessions import session_create
from classroom.services.projector import session_projector_settings
from facilitator.join_url import join_address_choose, join_qr_svg, join_target, join_url
from facilitator.scenario_authoring import authored_scenario_for_session, authored_scenario_list, user_may_author
from game import engine
from game.services import rounds
from game.bots.service import bots_fill
from game.engine_text import disruption_kinds_shown
from game.scenario_text import scenario_shown
from game.services.cover import cover_settings, seat_cover_command
from game.services.disruptions import disruption_cancel, disruption_edit, disruption_schedule
from facilitator.json_commands import json_body, json_error
from game.services.lifecycle import session_clone_with_plan, session_end

COMMANDS = {
    "start": lambda session_id, user, body: rounds.session_start(session_id=session_id, user=user),
    "pause": lambda session_id, user, body: rounds.round_pause(session_id=session_id, user=user),
    "resume": lambda session_id, user, body: rounds.round_resume(session_id=session_id, user=user),
    "extend": lambda session_id, user, body: rounds.round_extend(session_id=session_id, user=user,
                                                                 minutes=body.get("minutes", 2)),
    "advance": lambda session_id, user, body: rounds.round_advance(session_id=session_id, user=user,
                                                                   round_number=body.get("round")),
    "seat": lambda session_id, user, body: seat_move(session_id=session_id, user=user,
                                                     participant_id=body.get("participant"),
                                                     team_number=body.get("team")),
    "role": lambda session_id, user, body: seat_assign_role(session_id=session_id, user=user,
                                                            participant_id=body.get("participant"),
                                                            role=body.get("role")),
    "cover": lambda session_id, user, body: seat_cover_command(session_id=session_id, user=user,
                                                               team_number=body.get("team"), role=body.get("role"),
                                                               by=body.get("by", "teammate")),
    "cover-settings": lambda session_id, user, body: cover_settings(session_id=session_id, user=user,
                                                                    mode=body.get("mode"),
                                                                    after_seconds=body.get("after_seconds")),
    "projector-settings": lambda session_id, user, body: session_projector_settings(
        session_id=session_id, user=user, show_leaderboard=body.get("show_leaderboard")),
    "bots": lambda session_id, user, body: bots_fill(session_id=session_id, user=user, teams=body.get("teams"),
                                                     strategy=body.get("strategy", "keep")),
    "inject": lambda session_id, user, body: disruption_schedule(session_id=session_id, user=user,
                                                                 spec=body.get("disruption"),
                                                                 team_ids=body.get("teams"),
                                                                 announce=body.get("announce", True) is not False,
                                                                 round_number=body.get("round")),
    "disruption-edit": lambda session_id, user, body: disruption_edit(
        session_id=session_id, user=user, disruption_id=body.get("id"), spec=body.get("disruption"),
        team_ids=body.get("teams"), announce=body.get("announce", True) is not False,
        round_number=body.get("round")),
    "disruption-cancel": lambda session_id, user, body: disruption_cancel(session_id=session_id, user=user,
                                                                          disruption_id=body.get("id")),
    "end": lambda session_id, user, body: session_end(session_id=session_id, user=user),
    "archive": lambda session_id, user, body: session_archive(session_id=session_id, user=user),
    "unarchive": lambda session_id, user, body: session_unarchive(session_id=session_id, user=user),
}


def _scenarios():
    """The shipped scenarios as the reader sees them (title, description and note in their language)."""
    return [scenario_shown(engine.load_scenario(name)) for name in engine.scenario_names()]


def _scenario_context(request) -> dict:
    """The new-session form's scenarios: the shipped ones, then those authored in the scenario editor."""
    return {"scenarios": _scenarios(), "authored_scenarios": [scenario_shown(s) for s in authored_scenario_list()],
            "may_author": user_may_author(user=request.user, action="view")}


def _error_page(request, exc: LabError):
    return render(request, "frontend/error.html", {"error": exc}, status=exc.http_status)


def _list_context(request) -> dict:
    """The console list: archived sessions hidden unless ?archived=1."""
    show_archived = request.GET.get("archived") == "1"
    return {"sessions": session_list_for_user(user=request.user, archived=show_archived),
            "show_archived": show_archived, "archived_count": session_archived_count_for_user(user=request.user),
            **_scenario_context(request)}


PERSONAL_DATA_FIELDS = ("asks_email", "asks_employee_id", "purpose", "retention_days")


def _personal_data_form() -> dict:
    """The new-session form's personal-data part, as a new session would have it (asks nothing)."""
    policy = personal_data_policy_clean()
    return {"asks_email": "", "asks_employee_id": "", "purpose": policy.purpose,
            "retention_days": policy.retention_days}


@login_required
def session_list(request):
    try:
        facilitator_check(user=request.user)
    except LabError as exc:
        return _error_page(request, exc)
    demo = engine.load_scenario("demo")
    form = {"name": "", "scenario_name": "demo", "rounds": demo.rounds,
            "minutes_per_round": demo.minutes_per_round, "seed": 42, **_personal_data_form()}
    return render(request, "frontend/console_list.html", {**_list_context(request), "form": form})


@login_required
@require_POST
def session_new(request):
    try:
        facilitator_check(user=request.user)
    except LabError as exc:
        return _error_page(request, exc)
    form = {k: request.POST.get(k, "") for k in ("name", "scenario_name", "rounds", "minutes_per_round", "seed")}
    privacy = {k: request.POST.get(k, "") for k in PERSONAL_DATA_FIELDS}
    try:  # a shipped scenario by name, or an authored one passed whole (the session keeps its snapshot)
        policy = personal_data_policy_clean(**privacy)
        scenario = authored_scenario_for_session(name=form["scenario_name"])
        session = session_create(facilitator=request.user, **form, scenario=scenario, personal_data=policy)
    except LabError as exc:
        return render(request, "frontend/console_list.html",
                      {**_list_context(request), "form": {**form, **privacy}, "error": exc}, status=exc.http_status)
    return redirect("session-console", session_id=session.id)


@login_required
@require_POST
def session_clone_view(request, session_id: int):
    """Clone a session's set-up and disruption plan into a new lobby session and open its console."""
    try:
        session, _ = session_clone_with_plan(session_id=session_id, user=request.user)
    except LabError as exc:
        return _error_page(request, exc)
    return redirect("session-console", session_id=session.id)


def _join_url(request, session) -> str:
    return join_url(request, session.join_code, session_id=session.id)


def _join_context(request, session) -> dict:
    target = join_target(request, session_id=session.id)
    return {"join_url": target.url(session.join_code), "join": target,
            "join_error": getattr(request, "join_address_error", None)}


@login_required
def session_console(request, session_id: int):
    try:
        session = session_for_facilitator(session_id=session_id, user=request.user)
    except LabError as exc:
        return render(request, "frontend/error.html", {"error": exc}, status=exc.http_status)
    return render(request, "frontend/console.html", {
        "session": session, **_join_context(request, session),
        "disruption_kinds": disruption_kinds_shown(),
    })


@login_required
def session_qr(request, session_id: int):
    try:
        session = session_for_facilitator(session_id=session_id, user=request.user)
    except LabError as exc:
        return HttpResponse(exc.message, status=exc.http_status, content_type="text/plain")
    return HttpResponse(join_qr_svg(_join_url(request, session)), content_type="image/svg+xml")


def _invalid_json():
    return json_error("invalid_json", gettext("The request body must be a JSON object."), 400)


@login_required
@require_POST
def session_join_address(request, session_id: int):
    """The facilitator picks the join address among those detected: a JSON command like the others
    ({"address": "192.168.1.23"}, "" for the automatic pick), or the console's plain form."""
    as_json = request.content_type == "application/json"
    try:  # whose session it is, before the body is read
        session_for_facilitator(session_id=session_id, user=request.user)
    except LabError as exc:
        if as_json:
            return JsonResponse({"error": {"code": exc.code, "message": exc.message, "field": exc.field}},
                                status=exc.http_status)
        return _error_page(request, exc)
    if as_json:
        body = json_body(request)
        if body is None:
            return _invalid_json()
        address = body.get("address")
    else:
        address = request.POST.get("address")
    try:
        target = join_address_choose(request=request, session_id=session_id, address=address)
    except LabError as exc:
        if as_json:
            return JsonResponse({"error": {"code": exc.code, "message": exc.message, "field": exc.field}},
                                status=exc.http_status)
        if exc.http_status in (403, 404):
            return render(request, "frontend/error.html", {"error": exc}, status=exc.http_status)
        request.join_address_error = exc  # the console page shows it beside the picker; nothing changed
        response = session_console(request, session_id)
        response.status_code = exc.http_status
        return response
    if as_json:
        session = session_for_facilitator(session_id=session_id, user=request.user)
        return JsonResponse({"ok": True, "join_url": target.url(session.join_code), "address": target.chosen})
    return redirect("session-console", session_id=session_id)


@login_required
@require_POST
def session_command(request, session_id: int, action: str):
    def refused(exc: LabError):
        return JsonResponse({"error": {"code": exc.code, "message": exc.message, "field": exc.field}},
                            status=exc.http_status)

    try:  # another facilitator's command is refused before its name or body is judged
        session_for_facilitator(session_id=session_id, user=request.user)
    except LabError as exc:
        return refused(exc)
    command = COMMANDS.get(action)
    if command is None:
        return JsonResponse({"error": {"code": "unknown_command", "message": gettext("Unknown command %(action)s.") % {
            "action": repr(action)}}},
                            status=404)
    body = json_body(request)
    if body is None:
        return _invalid_json()
    try:
        command(session_id, request.user, body)
    except LabError as exc:
        return refused(exc)
    return JsonResponse({"ok": True})
