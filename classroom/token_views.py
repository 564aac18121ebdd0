"""The API token page, /reports/api-token/: a logged-in HR user or facilitator manages their own token (thin)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.utils.translation import gettext as _

from classroom.errors import LabError
from classroom.services.api_tokens import api_token_create, api_token_get, api_token_revoke, api_token_rotate

ACTIONS = {"create": api_token_create, "rotate": api_token_rotate}
TEMPLATE = "frontend/api_token.html"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token_page(request):
    context = {"key": None, "notice": None}
    status = 200
    try:
        if request.method == "POST":
            action = request.POST.get("action", "")
            if action in ACTIONS:
                context["key"] = ACTIONS[action](user=request.user)
                context["notice"] = (_("Your new token. Copy it now: it is shown only this once.")
                                     if action == "create"
                                     else _("Your token was rotated: the old key no longer works. Copy the new one "
                                            "now: it is shown only this once."))
            elif action == "revoke":
                revoked = api_token_revoke(user=request.user)
                context["notice"] = (_("Your token was revoked: requests with it are refused from now on.")
                                     if revoked else _("You had no token to revoke."))
            else:
                raise LabError("invalid_action", _("Choose create, rotate or revoke."), field="action")
        context["token"] = api_token_get(user=request.user)
    except LabError as exc:
        context["error"] = exc
        status = exc.http_status
        if exc.http_status != 403:
            context["token"] = api_token_get(user=request.user)
    return render(request, TEMPLATE, context, status=status)
