"""LTI 1.3 edges: the platform's login initiation, the launch it posts back, the tool's public keys.

The platform posts across sites, so both are CSRF-exempt: the signed id_token, the one-time nonce and the
state cookie of the login are the proof (facilitator/lti_tool.py). A launch framed by the platform is asked
to open in its own tab first (the lab's pages refuse framing: docs/security.md, "LTI 1.3").
"""
import logging
from urllib.parse import urlencode

from django.contrib.auth import login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.utils.translation import gettext as _

from classroom.errors import LabError
from classroom.identity import participant_cookie_set
from facilitator.lti_launch import lti_join_pending, lti_launch_land, lti_learner_join
from facilitator.lti_tool import LaunchRefused, launch_validated, login_redirect, tool_jwks

logger = logging.getLogger("facilitator.lti")
LOGIN_PARAMS = ("iss", "login_hint", "target_link_uri", "lti_message_hint", "lti_deployment_id", "client_id")
NEW_WINDOW = "lti1p3_new_window"


def _refused(request, exc: LabError, stage: str):
    logger.warning("LTI %s refused: %s", stage, exc.code)  # the code only: no one's name or id in the log
    return render(request, "frontend/error.html", {"error": exc}, status=exc.http_status)


def _library_refused(request, exc: LaunchRefused, stage: str):
    logger.warning("LTI %s refused: %s", stage, exc.detail)
    return render(request, "frontend/error.html", {"error": LabError(
        "lti_refused", _("The lab could not check this launch from the learning platform, so it was refused. Go "
                         "back to the course and open the link again; if it keeps failing, show the administrator "
                         "the time of this attempt."))}, status=400)


@csrf_exempt
@xframe_options_exempt  # this page only offers a link to open the lab in its own tab
@require_http_methods(["GET", "POST"])
def lti_login(request):
    params = {k: (request.POST.get(k) or request.GET.get(k)) for k in LOGIN_PARAMS}
    if request.headers.get("Sec-Fetch-Dest") == "iframe" and not request.GET.get(NEW_WINDOW):
        # A framed lab would lose its cookies to third-party cookie blocking: start again at the top.
        query = urlencode({**{k: v for k, v in params.items() if v}, NEW_WINDOW: "1"})
        return render(request, "frontend/lti_new_window.html", {"url": f"{reverse('lti-login')}?{query}"})
    try:
        return login_redirect(request=request, launch_url=request.build_absolute_uri(reverse("lti-launch")))
    except LaunchRefused as exc:
        return _library_refused(request, exc, "login")


@csrf_exempt
@require_POST
def lti_launch(request):
    try:
        landing = lti_launch_land(claims=launch_validated(request=request))
    except LaunchRefused as exc:
        return _library_refused(request, exc, "launch")
    except LabError as exc:
        return _refused(request, exc, "launch")
    if landing.participant is not None:
        return _to_room(landing.participant)
    if landing.join is not None:
        join = landing.join
        return _join_page(request, join.session, privacy=join.privacy,
                          form={"display_name": join.display_name, "email": join.email, "token": join.token})
    login(request, landing.user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("session-console", session_id=landing.session_id)


@require_POST
def lti_join(request):
    """The learner confirms the join form their launch showed (a same-site form: CSRF-checked)."""
    form = {k: request.POST.get(k, "") for k in ("token", "display_name", "email", "employee_id")}
    try:
        person = lti_learner_join(**form, client=request.META.get("REMOTE_ADDR", ""))
    except LabError as exc:
        logger.info("LTI join form refused: %s", exc.code)
        pending = lti_join_pending(token=form["token"])
        if pending is None:
            return render(request, "frontend/error.html", {"error": exc}, status=exc.http_status)
        session, privacy = pending
        return _join_page(request, session, form=form, privacy=privacy, error=exc, status=exc.http_status)
    return _to_room(person)


def _to_room(person):
    response = redirect("room", join_code=person.session.join_code)
    participant_cookie_set(response, person)
    return response


def _join_page(request, session, *, form: dict, privacy, error=None, status=200):
    return render(request, "frontend/lti_join.html", {"session": session, "form": form, "privacy": privacy,
                                                      "error": error}, status=status)


@require_GET
def lti_jwks(request):
    return JsonResponse(tool_jwks())
