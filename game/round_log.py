"""The round's history of a team's package: every edit (lever, old value, new value, who), commitment (the
director's forecast and rationale), role's note, approval and reopening, oldest first. The room shows it and works out "what changed since the version you approved".

Built from the package versions and approvals themselves (each version stores the full levers), so the
log cannot disagree with the package. An edit's lever label is a message (docs/i18n.md): the entry goes once
to the team's group and each socket renders it in its reader's language.
"""
from game.models import Approval, PackageVersion, Round
from game.package_checks import lever_label_message


def version_entries(*, package: PackageVersion, previous_levers: dict | None) -> list[dict]:
    """The log entry a new version makes (none for version 1, which only opens the round)."""
    by = package.author.display_name if package.author_id else None
    at = package.created_at.isoformat()
    if package.reopened:
        return [{"kind": "reopen", "version": package.version, "by": by, "role": package.author_role or None, "at": at}]
    if not package.changed_lever or previous_levers is None:
        return []
    if package.changed_lever == "forecast":  # the director stated the commitment (game/services/commitments.py)
        return [{"kind": "commit", "version": package.version, "forecast": package.forecast,
                 "rationale": package.rationale, "by": by, "role": package.author_role or None, "at": at}]
    if package.changed_lever.startswith("note:"):
        role = package.changed_lever.split(":", 1)[1]
        return [{"kind": "note", "version": package.version, "role": role, "text": (package.notes or {}).get(role, ""),
                 "by": by, "at": at}]
    lever = package.changed_lever
    return [{"kind": "edit", "version": package.version, "lever": lever, "label": lever_label_message(lever),
             "old": previous_levers.get(lever), "new": package.levers.get(lever), "by": by,
             "role": package.author_role or None, "at": at}]


def approval_entry(*, approval: Approval, version: int) -> dict:
    return {"kind": "approve", "version": version, "role": approval.role, "by": approval.participant.display_name,
            "at": approval.at.isoformat()}


def round_log(*, team_id: int, game_round: Round) -> list[dict]:
    versions = list(PackageVersion.objects.filter(team_id=team_id, round=game_round).select_related("author")
                    .order_by("version"))
    entries, previous = [], None
    for package in versions:
        entries += version_entries(package=package, previous_levers=previous)
        previous = package.levers
    approvals = (Approval.objects.filter(package_version__team_id=team_id, package_version__round=game_round)
                 .select_related("participant", "package_version"))
    entries += [approval_entry(approval=a, version=a.package_version.version) for a in approvals]
    entries.sort(key=lambda e: (e["at"], e["version"]))
    return entries
