"""Decision packages: every edit makes a version, approvals are per version, alignment locks.

Levers belong to roles (game.engine.LEVERS[name].role); a participant edits only levers of
roles they hold in their own team. Edits of different levers merge onto the latest version, so
two roles typing at once never block each other; an edit based on a version older than the last
change of the same lever is refused as stale. The director may reopen an aligned package while the
round is open: a new version with the same levers and no approvals. Every message carries a client id: a retry is
applied once and answered again. The approval that aligns the last team closes the round
(rounds.py, which this module builds on).
"""
import math

from django.db import transaction
from django.db.models import Exists, F
from django.utils import timezone
from django.utils.translation import gettext as _

from classroom.errors import Forbidden, LabError
from classroom.models import LedgerEntry, Participant, Seat, Team
from classroom.services.access import participant_roles
from classroom.services.ledger import client_id_clean, ledger_applied
from game import engine
from game.models import Approval, PackageVersion, Round
from game.engine_text import engine_text
from game.package_checks import decision_error_text, role_code_text
from game.round_log import approval_entry, version_entries
from game.selectors import approvals_payload, package_latest, package_payload, session_scenario
from game.services.rounds import package_broadcast, round_close_if_all_aligned


def _beyond_float_as_inf(value):
    """JSON integers have no size limit (10**400 is valid JSON) and the engine's checks compare floats: a number
    beyond float range, out of every lever's range anyway, becomes inf, which engine.validate_lever refuses with
    its usual message naming the allowed range (instead of an OverflowError)."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
        return value
    if isinstance(value, list):
        return [_beyond_float_as_inf(item) for item in value]
    return value


# Every message reads the person, their team and session in one statement, without the two large JSON
# columns it never needs: the team's plant state, and the scenario snapshot (session_scenario parses it
# once per process). Issue 12: an edit went from about 15 SQL statements to 7 (tests/game/test_query_counts.py).
_DEFERRED = ("team__engine_state", "team__session__scenario_snapshot")


def _lock_team(participant_id: int) -> Participant:
    """The person, with their team locked and its session, in one statement. FOR UPDATE OF the team's row
    only: joining the session must not lock it for every edit."""
    participant = (Participant.objects.select_related("team__session").defer(*_DEFERRED)
                   .select_for_update(of=("team",))
                   # an inner join to the team (a lock cannot take the nullable side of an outer join)
                   .filter(pk=participant_id, team__session=F("session")).first())
    if participant is None:
        Participant.objects.get(pk=participant_id)  # an unknown person is a bug: DoesNotExist, as ever
        raise LabError("not_seated", _("You are not seated in a team yet."))
    return participant


def _round_for_message(participant: Participant, client_msg_id: str, role: str | None = None) -> Round | None:
    """The session's current round (round_current), read after the team's lock in one statement with whether
    this message was applied before (`applied`: a retry, or the same message raced in on another socket) and,
    given a role, whether the person holds it (`holds_role`)."""
    checks = {"applied": ledger_applied(participant_id=participant.id, client_msg_id=client_msg_id)}
    if role is not None:
        checks["holds_role"] = Exists(Seat.objects.filter(participant_id=participant.id, role=role))
    return (Round.objects.filter(session_id=participant.team.session_id).exclude(state=Round.State.PENDING)
            .annotate(**checks).order_by("-number").first())


def _check_open(game_round: Round | None) -> None:
    if game_round is None:
        raise LabError("round_not_open", _("The session has not started yet: wait for the facilitator."))
    if game_round.state == Round.State.PAUSED:
        raise LabError("round_paused", _("The facilitator has paused the round; your change was not saved."))
    if game_round.state != Round.State.OPEN:
        raise LabError("round_closed", _("Round %(number)s is closed; changes are no longer accepted.")
                       % {"number": game_round.number})


def _ledger(participant: Participant, team: Team, game_round: Round, kind: str, client_msg_id: str,
            role: str = "", detail: dict | None = None, counted: bool = True) -> None:
    """Every applied message is filed (a retry is then answered once); `counted` False when it changed nothing,
    so HR's figures count what people did, not how often they clicked."""
    LedgerEntry.objects.create(session_id=team.session_id, team=team, participant=participant, role=role,
                               round_number=game_round.number, kind=kind, client_msg_id=client_msg_id,
                               detail=detail or {}, counted=counted)


def _begin(participant_id: int, client_msg_id: str, role: str | None = None) -> tuple[Participant, Round | None]:
    """Lock the person's team for a message and read the round; `round.applied` when it was applied before
    (then answer again, even after the close). The round is read after the lock, so a message that waited
    for a teammate's sees the round as it is now."""
    participant = _lock_team(participant_id)
    game_round = _round_for_message(participant, client_msg_id, role)
    if game_round is None or not game_round.applied:
        _check_open(game_round)
    return participant, game_round


def _stale_base(base_version) -> int:
    """base_version as a number the database can compare (checked against the latest version afterwards)."""
    if isinstance(base_version, bool) or not isinstance(base_version, int) or not 1 <= base_version <= 2**31 - 1:
        return 0
    return base_version


def latest_for_change(team, game_round, participant, *, changed: str, base_version, stale_text: str, field: str):
    """The latest version, read to be changed: not aligned, a sane base, and `changed` not changed by someone
    *else* since the base (your own earlier edit, still unacknowledged when you typed again, is no conflict)."""
    changed_since = (PackageVersion.objects.filter(team=team, round=game_round, version__gt=_stale_base(base_version),
                                                   changed_lever=changed).exclude(author=participant))
    latest = (team.package_versions.filter(round=game_round).select_related("author")
              .annotate(stale=Exists(changed_since)).order_by("-version").first())
    if latest.aligned_at:
        raise LabError("package_locked", _("Every role approved this package; it is locked for this round."))
    if isinstance(base_version, bool) or not isinstance(base_version, int) or not 1 <= base_version <= latest.version:
        raise LabError("invalid_message", _("base_version must be a version number between 1 and %(latest)s.")
                       % {"latest": latest.version},
                       field="base_version")
    if latest.stale:
        raise LabError("stale_version", stale_text, field=field)
    return latest


def package_edit(*, participant_id: int, lever: str, value, base_version, client_msg_id) -> dict:
    client_msg_id = client_id_clean(client_msg_id)
    spec = engine.LEVERS.get(lever) if isinstance(lever, str) else None
    with transaction.atomic():
        participant, game_round = _begin(participant_id, client_msg_id, spec.role if spec else None)
        team = participant.team
        if game_round.applied:
            return _current_package(team, game_round)
        if spec is None:
            raise LabError("unknown_lever", _("There is no lever called %(lever)s.") % {"lever": repr(lever)},
                           field="lever")
        if not game_round.holds_role:
            raise Forbidden("not_your_lever", _("%(label)s belongs to the %(role)s role.") % {
                "label": engine_text(spec.label), "role": role_code_text(spec.role)}, field=lever)
        try:
            value = engine.validate_lever(lever, _beyond_float_as_inf(value))
        except engine.DecisionError as exc:
            raise LabError("invalid_value", decision_error_text(exc, session_scenario(session=team.session).currency),
                           field=lever)
        latest = latest_for_change(team, game_round, participant, changed=lever, base_version=base_version,
                                   stale_text=_("%(label)s was changed by a teammate since version %(version)s; "
                                                "review the new value and edit again.")
                                   % {"label": engine_text(spec.label), "version": base_version}, field=lever)
        if latest.levers.get(lever) == value:  # nothing changes: filed for the retry, not counted
            _ledger(participant, team, game_round, LedgerEntry.Kind.EDIT, client_msg_id, spec.role,
                    {"lever": lever, "value": value, "version": latest.version}, counted=False)
            return package_payload(package=latest, scenario=session_scenario(session=team.session))
        _ledger(participant, team, game_round, LedgerEntry.Kind.EDIT, client_msg_id, spec.role,
                {"lever": lever, "value": value, "version": latest.version + 1})
        package = PackageVersion.objects.create(
            team=team, round=game_round, version=latest.version + 1, levers={**latest.levers, lever: value},
            author=participant, author_role=spec.role, changed_lever=lever, base_version=base_version,
            forecast=latest.forecast, rationale=latest.rationale, notes=latest.notes,  # the commitment stays
        )
        payload = package_payload(package=package, scenario=session_scenario(session=team.session), approvals={})
        package_broadcast(team=team, payload=payload,
                          log=version_entries(package=package, previous_levers=latest.levers))
    return payload


def package_approve(*, participant_id: int, version, client_msg_id) -> dict:
    client_msg_id = client_id_clean(client_msg_id)
    with transaction.atomic():
        participant, game_round = _begin(participant_id, client_msg_id)
        team = participant.team
        if game_round.applied:
            return _current_package(team, game_round)
        latest = package_latest(team=team, game_round=game_round)
        if isinstance(version, bool) or not isinstance(version, int):
            raise LabError("invalid_message", _("version must be the package version number you reviewed."),
                           field="version")
        if version != latest.version:
            raise LabError("stale_version", _("The package changed: you reviewed version %(version)s, the latest is "
                                             "version %(latest)s. Review it and approve again.")
                           % {"version": version, "latest": latest.version})
        if latest.aligned_at:
            return package_payload(package=latest, scenario=session_scenario(session=team.session))
        try:
            engine.validate_package(latest.levers, session_scenario(session=team.session))
        except engine.DecisionError as exc:
            raise LabError("invalid_package", _("This package cannot be approved yet: %(reason)s")
                           % {"reason": decision_error_text(exc)},
                           field=exc.field)
        if not latest.forecast or not latest.rationale:  # a team defends a number, not just a set of levers
            raise LabError("no_commitment", _("The director has not stated the team's forecast and rationale yet: "
                                             "the package cannot be approved without them."), field="forecast")
        roles = participant_roles(participant=participant)
        approvals = list(latest.approvals.select_related("participant"))
        approved = {a.role for a in approvals}
        added = Approval.objects.bulk_create(
            Approval(package_version=latest, role=role, participant=participant) for role in sorted(roles - approved))
        log = [approval_entry(approval=approval, version=latest.version) for approval in added]
        _ledger(participant, team, game_round, LedgerEntry.Kind.APPROVE, client_msg_id, ",".join(sorted(roles)),
                {"version": latest.version}, counted=bool(log))  # a second click approves nothing new
        if approved | roles >= set(engine.ROLES):
            latest.aligned_at = timezone.now()
            latest.save(update_fields=["aligned_at"])
        payload = package_payload(package=latest, scenario=session_scenario(session=team.session),
                                  approvals=approvals_payload(approvals=approvals + added))
        package_broadcast(team=team, payload=payload, log=log)
        if latest.aligned_at:
            transaction.on_commit(lambda: round_close_if_all_aligned(round_id=game_round.id), robust=True)
    return payload


def package_reopen(*, participant_id: int, client_msg_id) -> dict:
    """The director takes an aligned package back to the table before the deadline: a new version with the
    same levers and no approvals, so every role approves again; the whole team is told (package.updated
    with a `reopen` log entry)."""
    client_msg_id = client_id_clean(client_msg_id)
    with transaction.atomic():
        participant, game_round = _begin(participant_id, client_msg_id, "director")
        team = participant.team
        if game_round.applied:
            return _current_package(team, game_round)
        if not game_round.holds_role:
            raise Forbidden("not_your_decision", _("Only the director can reopen an aligned package."))
        latest = package_latest(team=team, game_round=game_round)
        if latest.aligned_at is None:
            raise LabError("not_aligned", _("The package is not aligned yet: it is still open for changes."))
        _ledger(participant, team, game_round, LedgerEntry.Kind.EDIT, client_msg_id, "director",
                {"reopen": True, "version": latest.version + 1})
        # No longer aligned: the round's close takes the team as not aligned unless it aligns again.
        latest.aligned_at = None
        latest.save(update_fields=["aligned_at"])
        package = PackageVersion.objects.create(
            team=team, round=game_round, version=latest.version + 1, levers=latest.levers, author=participant,
            author_role="director", base_version=latest.version, reopened=True,
            forecast=latest.forecast, rationale=latest.rationale, notes=latest.notes)
        payload = package_payload(package=package, scenario=session_scenario(session=team.session), approvals={})
        package_broadcast(team=team, payload=payload, log=version_entries(package=package, previous_levers=latest.levers))
    return payload


def _current_package(team: Team, game_round: Round) -> dict | None:
    """A retry's answer: the package as it is now."""
    return package_payload(package=package_latest(team=team, game_round=game_round),
                           scenario=session_scenario(session=team.session))
