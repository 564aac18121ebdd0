"""Participant pages: the join form (the team room it leads to is game's: game/views.py)."""
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from classroom.errors import LabError
from classroom.identity import cookie_token, participant_cookie_set
from classroom.services.personal_data import personal_data_notice_for_code
from classroom.services.sessions import participant_by_token, participant_join, participant_rejoin
from classroom.text_input import checks_own_text


def _participant_from_request(request, join_code: str):
    return participant_by_token(join_code=join_code, rejoin_token=cookie_token(request.COOKIES, join_code))


def home(request):
    return render(request, "frontend/join.html", {"form": {}})


@checks_own_text
@require_http_methods(["GET", "POST"])
def join(request, join_code: str = ""):
    if request.method == "GET":
        code = (join_code or request.GET.get("code", "")).upper()
        # ?lost=: the room's socket refused this browser (docs/protocol.md); stay here rather than loop back.
        if code and not request.GET.get("lost") and _participant_from_request(request, code):
            return redirect("room", join_code=code)
        return render(request, "frontend/join.html", {"form": {"join_code": code},
                                                      "privacy": personal_data_notice_for_code(
                                                          join_code=code, client=request.META.get("REMOTE_ADDR", ""))})
    form = {k: request.POST.get(k, "") for k in ("join_code", "display_name", "email", "employee_id", "rejoin_code")}
    # The address guesses are counted against (behind the proxy, daphne --proxy-headers puts the client's here).
    client = request.META.get("REMOTE_ADDR", "")
    try:
        if form["rejoin_code"].strip():
            participant = participant_rejoin(join_code=form["join_code"], display_name=form["display_name"],
                                             rejoin_code=form["rejoin_code"], client=client)
        else:
            participant = participant_join(**{k: v for k, v in form.items() if k != "rejoin_code"}, client=client)
    except LabError as exc:
        return render(request, "frontend/join.html", {
            "form": form, "error": exc, "privacy": personal_data_notice_for_code(join_code=form["join_code"])},
            status=exc.http_status)
    response = redirect("room", join_code=participant.session.join_code)
    participant_cookie_set(response, participant)
    return response
