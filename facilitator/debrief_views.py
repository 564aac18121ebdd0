"""The debrief page and the results export, for the session's facilitator (or an admin): thin views that
check access, call the debrief selectors (game/debrief.py) and render or write the file."""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from classroom.errors import LabError
from classroom.services.access import session_for_facilitator
from game.counterfactual import counterfactual_widget_options
from game.debrief import SCORECARD_PARTS, session_debrief
from game.debrief_story import session_stories
from game.results_export import results_csv, results_xlsx

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _denied(request, exc: LabError):
    return render(request, "frontend/error.html", {"error": exc}, status=exc.http_status)


@login_required
def session_debrief_page(request, session_id: int):
    try:
        session = session_for_facilitator(session_id=session_id, user=request.user)
    except LabError as exc:
        return _denied(request, exc)
    debrief = session_debrief(session=session)
    stories = session_stories(session=session)  # each team's story (game/debrief_story.py), as its room shows it
    for team in debrief["teams"]:
        team["story"] = stories.get(team["team_id"])
    return render(request, "frontend/debrief.html", {
        "session": session, "debrief": debrief, "parts": SCORECARD_PARTS,
        "chart_data": {"series": debrief["series"], "currency": debrief["currency"],
                       "kpis": {k["key"]: k for g in debrief["kpi_groups"] for k in g["kpis"]}},
        "replay": {**counterfactual_widget_options(session=session), "defaultKpi": "scorecard",
                   "url": reverse("session-counterfactual", kwargs={"session_id": session.id})},
    })


def _results_download(request, session_id: int, fmt: str):
    try:
        session = session_for_facilitator(session_id=session_id, user=request.user)
    except LabError as exc:
        return _denied(request, exc)
    now = timezone.now()
    body = results_csv(session=session) if fmt == "csv" else results_xlsx(session=session, generated_at=now)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="results-session{session.id}-{now:%Y%m%d-%H%M}.{fmt}"'
    return response


@login_required
def session_results_csv(request, session_id: int):
    return _results_download(request, session_id, "csv")


@login_required
def session_results_xlsx(request, session_id: int):
    return _results_download(request, session_id, "xlsx")
