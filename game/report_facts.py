"""What HR's reports need to know about rounds, told to classroom through `report_round_facts_register`
(game/apps.py): classroom may not import game, so game hands it plain facts.

For each opened round of the sessions asked: when it opened, its deadline (the one in force: a pause or an
extension moves it), when its close began, and per team the time each package version was made, when the
team's final version aligned (the same `aligned_at` the alignment score uses) and whether its result was aligned.
Three queries whatever the number of sessions.
"""
from collections import defaultdict

from classroom.report_figures import RoundFacts, TeamRound, utc
from game.models import PackageVersion, Round, RoundResult


def round_facts(*, session_ids: list[int]) -> dict[int, list[RoundFacts]]:
    rounds = list(Round.objects.filter(session_id__in=session_ids, opens_at__isnull=False)
                  .order_by("session_id", "number").values("id", "session_id", "number", "opens_at", "deadline",
                                                            "closed_at"))
    round_ids = [r["id"] for r in rounds]
    versions = defaultdict(lambda: defaultdict(dict))  # round id -> team id -> {version: made at}
    aligned = {}  # (round id, team id) -> aligned_at of the last aligned version
    for round_id, team_id, version, created_at, aligned_at in (
            PackageVersion.objects.filter(round_id__in=round_ids).order_by("version")
            .values_list("round_id", "team_id", "version", "created_at", "aligned_at")):
        versions[round_id][team_id][version] = utc(created_at)
        if aligned_at is not None:
            aligned[round_id, team_id] = utc(aligned_at)
    results = {(round_id, team_id): ok for round_id, team_id, ok in
               RoundResult.objects.filter(round_id__in=round_ids).values_list("round_id", "team_id", "aligned")}
    out = defaultdict(list)
    for row in rounds:
        round_id = row["id"]
        teams = {team_id: TeamRound(version_times=dict(times), aligned_at=aligned.get((round_id, team_id)),
                                    result_aligned=results.get((round_id, team_id)))
                 for team_id, times in versions[round_id].items()}
        out[row["session_id"]].append(RoundFacts(number=row["number"], opened_at=utc(row["opens_at"]),
                                                 deadline=utc(row["deadline"]), closed_at=utc(row["closed_at"]),
                                                 teams=teams))
    return dict(out)
