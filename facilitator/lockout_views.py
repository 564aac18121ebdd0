"""The console's list of devices locked out for guessing codes, with a button to lift each lockout.

Wrong join codes belong to no session, so every facilitator sees (and may lift) those; wrong rejoin codes
belong to a session, so only that session's console shows them. The session's facilitator is checked
before anything else (classroom.services.access.session_for_facilitator)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classroom.errors import LabError
from classroom.services.access import session_for_facilitator
from classroom.services.throttle import JOIN_SCOPE, lockout_lift, lockout_list, rejoin_scope

KINDS = {"join": gettext_lazy("Wrong join codes (any workshop)"),
         "rejoin": gettext_lazy("Wrong rejoin codes (this workshop)")}


def _scopes(session) -> dict[str, str]:
    return {"join": JOIN_SCOPE, "rejoin": rejoin_scope(session.id)}


@login_required
@require_http_methods(["GET", "POST"])
def session_lockouts(request, session_id: int):
    try:
        session = session_for_facilitator(session_id=session_id, user=request.user)
    except LabError as exc:
        return render(request, "frontend/error.html", {"error": exc}, status=exc.http_status)
    scopes, error, status = _scopes(session), None, 200
    if request.method == "POST":
        kind, client = request.POST.get("kind", ""), request.POST.get("client", "").strip()
        try:
            if kind not in scopes:
                raise LabError("invalid_value", _("Choose which lockout to lift (join or rejoin)."), field="kind")
            lockout_lift(scope=scopes[kind], client=client)
        except LabError as exc:
            error, status = exc, exc.http_status
        else:
            return redirect("session-lockouts", session_id=session.id)
    # the reason is kept in English (classroom/services/throttle.py SCOPE_REASONS): shown in the reader's language
    groups = [{"kind": kind, "title": KINDS[kind],
               "lockouts": [{**lockout, "reason": _(lockout["reason"])} for lockout in lockout_list(scope=scope)]}
              for kind, scope in scopes.items()]
    return render(request, "frontend/lockouts.html", {"session": session, "groups": groups, "error": error},
                  status=status)
