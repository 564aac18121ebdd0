"""The console's view of the teams' packages, coalesced.

Every edit and approval of every team changed a package the console shows (a version, the approval badges,
"aligned"): at 1,000 people editing every 2 s that was 500 messages a second into the one console group, more
than the channel layer's capacity for a socket. The console hears instead at most every
CONSOLE_PACKAGES_SECONDS per session, one `packages.changed` for every team whose package changed since,
carrying only what the console shows: a compact summary, never the levers or checks (docs/protocol.md).
"""
from django.db import transaction
from django.db.models import OuterRef, Subquery

from classroom.events import emit_coalesced, emit_session_event
from classroom.models import Session
from game.models import PackageVersion
from game.selectors import approvals_payload

CONSOLE_PACKAGES_SECONDS = 0.25


def packages_tell_console(*, session_id: int, team_ids: list[int]) -> None:
    """After commit: these teams' packages changed; the console hears with the next coalesced event."""
    emit_coalesced(f"packages.session.{session_id}", tuple(team_ids),
                   lambda handed: packages_publish_console(session_id=session_id,
                                                           team_ids=[t for ids in handed for t in ids]),
                   window=CONSOLE_PACKAGES_SECONDS)


def package_summary(*, package: PackageVersion) -> dict:
    """What the console shows of a package (its approvals prefetched with their participants)."""
    return {"version": package.version, "aligned": package.aligned_at is not None,
            "approvals": approvals_payload(approvals=package.approvals.all())}


def packages_publish_console(*, session_id: int, team_ids: list[int]) -> None:
    """One `packages.changed` with the latest package of each of these teams in the session's current round,
    read after the session's row is locked for the number: a later event never carries an older package."""
    with transaction.atomic():
        session = Session.objects.select_for_update().filter(pk=session_id).only("round_number").first()
        if session is None:
            return
        newest = (PackageVersion.objects.filter(team=OuterRef("team"), round=OuterRef("round"))
                  .order_by("-version").values("version")[:1])
        latest = (PackageVersion.objects
                  .filter(team_id__in=set(team_ids), round__session_id=session_id,
                          round__number=session.round_number, version=Subquery(newest))
                  .prefetch_related("approvals__participant").order_by("team_id"))
        teams = [{"team_id": p.team_id, "package": package_summary(package=p)} for p in latest]
        if teams:
            emit_session_event(session_id, "packages.changed", {"teams": teams})
