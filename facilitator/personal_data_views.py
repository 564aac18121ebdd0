"""The console's 'Personal data asked' form: the facilitator changes what a session in its lobby asks of
participants (rules: classroom/services/personal_data.py). A plain form: saved, back to the console; refused,
the console again with the error beside the form."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from classroom.errors import LabError
from classroom.services.personal_data import session_personal_data_policy_set
from facilitator import views

FIELDS = ("asks_email", "asks_employee_id", "purpose", "retention_days")


@login_required
@require_POST
def session_personal_data(request, session_id: int):
    try:
        session_personal_data_policy_set(session_id=session_id, user=request.user,
                                         **{k: request.POST.get(k, "") for k in FIELDS})
    except LabError as exc:
        if exc.http_status in (403, 404):
            return render(request, "frontend/error.html", {"error": exc}, status=exc.http_status)
        request.personal_data_error = exc  # the console shows it beside the form; nothing changed
        response = views.session_console(request, session_id)
        response.status_code = exc.http_status
        return response
    return redirect("session-console", session_id=session_id)
