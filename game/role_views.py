"""What one seat may receive, given the roles its person holds (information asymmetry, MODEL.md).

The services broadcast a month's results in full to the team's group; each socket passes them through
`results_event_for` with its current roles before anything leaves the server. The snapshot uses the
same functions, so a reconnect and a live event show the same thing.
"""
from game.dashboards import visible_kpis
from game.plant_view import plant_view
from game.reveal import round_reveal, visible_result


def results_event_for(event: dict, roles) -> dict:
    """A `round.results` group message as this seat may see it: its result, reveal and plant picture."""
    result = event["result"]
    results = [r for r in (event.get("previous"), result) if r]
    return {
        "type": event["type"],
        "seq": event["seq"],
        "result": visible_result(result=result, roles=roles),
        "reveal": round_reveal(results=results, roles=roles, currency=event.get("currency", "EUR")),
        "plant": plant_view(stations=event["stations"], last_kpis=result["kpis"], roles=roles),
        "credibility": event.get("credibility"),  # good units and cash only: figures every seat sees
    }


def preview_for(preview: dict, roles) -> dict:
    """A what-if preview with only the KPIs this seat may see."""
    keep = visible_kpis(roles)
    return {**preview, "kpis": {k: v for k, v in preview.get("kpis", {}).items() if k in keep}}
