"""Reads behind game/api.py that need the game's models (the rest is in classroom/api_selectors.py)."""
from django.db.models import Count

from game.models import Round


def session_rounds_played(*, session_ids) -> dict[int, int]:
    """Closed rounds per session id (a session with none is absent)."""
    rows = (Round.objects.filter(session_id__in=list(session_ids), state=Round.State.CLOSED).values("session_id")
            .annotate(n=Count("id")))
    return {row["session_id"]: row["n"] for row in rows}
