"""HR's erase button on a person's participation page (thin: parse, call the service, redirect).

The same service serves the admin action and the API (classroom/services/personal_data.py); this is the
one a new HR user finds, beside the figures of the person who asked to be erased.
"""
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from classroom.errors import LabError
from classroom.services.personal_data import participant_personal_data_erase


@login_required
@require_POST
def person_erase(request, participant_id: int):
    try:
        participant_personal_data_erase(participant_id=participant_id, by=request.user,
                                        mode=request.POST.get("mode", ""))
    except LabError as exc:
        return render(request, "frontend/error.html", {"error": exc}, status=exc.http_status)
    return redirect(reverse("report-person", args=[participant_id]) + "?" +
                    urlencode({"erased": request.POST["mode"]}))
