"""The printable facilitator guide: of a scenario (from the console list) and of a session's scenario (from the
session console, with the teams' figures). Parse, authorize, call facilitator/guide.py, render."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from classroom.errors import LabError
from facilitator.guide import guide_scenario, scenario_guide, session_guide


def _error(request, exc: LabError):
    return render(request, "frontend/error.html", {"error": exc}, status=exc.http_status)


@login_required
def scenario_guide_page(request, scenario_name: str):
    try:
        guide = scenario_guide(scenario=guide_scenario(user=request.user, name=scenario_name))
    except LabError as exc:
        return _error(request, exc)
    return render(request, "frontend/guide.html", {"guide": guide})


@login_required
def session_guide_page(request, session_id: int):
    try:
        guide = session_guide(user=request.user, session_id=session_id)
    except LabError as exc:
        return _error(request, exc)
    return render(request, "frontend/guide.html", {"guide": guide})
