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
from django.utils import timezone

from classroom.errors import Forbidden, LabError
from classroom.models import LedgerEntry, Participant, Team
from classroom.services.access import participant_roles
from classroom.services.ledger import client_id_clean, ledger_has_applied
from game import engine
from game.models import Approval, PackageVersion, Round
from game.package_checks import decision_error_text
from game.round_log import approval_entry, version_entries
from game.selectors import package_latest, package_payload, round_current, session_scenario
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


def _lock_team_round(participant: Participant) -> tuple[Team, Round]:
    if participant.team_id is None:
        raise LabError("not_seated", "You are not seated in a team yet.")
    # of=self: lock the team row only; joining the session must not lock it for every edit.
    team = Team.objects.select_for_update(of=("self",)).select_related("session").get(pk=participant.team_id)
    game_round = round_current(session=team.session)
    if game_round is None:
        raise LabError("round_not_open", "The session has not started yet: wait for the facilitator.")
    if game_round.state == Round.State.PAUSED:
        raise LabError("round_paused", "The facilitator has paused the round; your change was not saved.")
    if game_round.state != Round.State.OPEN:
        raise LabError("round_closed", f"Round {game_round.number} is closed; changes are no longer accepted.")
    return team, game_round


def _ledger(participant: Participant, team: Team, game_round: Round, kind: str, client_msg_id: str,
            role: str = "", detail: dict | None = None, counted: bool = True) -> None:
    """Every applied message is filed (a retry is then answered once); `counted` False when it changed nothing,
    so HR's figures count what people did, not how often they clicked."""
    LedgerEntry.objects.create(session_id=team.session_id, team=team, participant=participant, role=role,
                               round_number=game_round.number, kind=kind, client_msg_id=client_msg_id,
                               detail=detail or {}, counted=counted)


def _begin(participant_id: int, client_msg_id: str) -> tuple[Participant, Team | None, Round | None]:
    """Load the participant and lock their team for a message; no team when it was applied before."""
    participant = Participant.objects.get(pk=participant_id)
    if ledger_has_applied(participant=participant, client_msg_id=client_msg_id):
        return participant, None, None  # a retry: answer again, even after the close
    team, game_round = _lock_team_round(participant)
    if ledger_has_applied(participant=participant, client_msg_id=client_msg_id):
        return participant, None, None  # the same message raced in on another socket
    return participant, team, game_round


def package_edit(*, participant_id: int, lever: str, value, base_version, client_msg_id) -> dict:
    client_msg_id = client_id_clean(client_msg_id)
    with transaction.atomic():
        participant, team, game_round = _begin(participant_id, client_msg_id)
        if team is None:
            return _current_package(participant)
        spec = engine.LEVERS.get(lever) if isinstance(lever, str) else None
        if spec is None:
            raise LabError("unknown_lever", f"There is no lever called {lever!r}.", field="lever")
        if spec.role not in participant_roles(participant=participant):
            raise Forbidden("not_your_lever", f"{spec.label} belongs to the {spec.role} role.", field=lever)
        try:
            value = engine.validate_lever(lever, _beyond_float_as_inf(value))
        except engine.DecisionError as exc:
            raise LabError("invalid_value", decision_error_text(exc, session_scenario(session=team.session).currency),
                           field=lever)
        latest = package_latest(team=team, game_round=game_round)
        if latest.aligned_at:
            raise LabError("package_locked", "Every role approved this package; it is locked for this round.")
        if isinstance(base_version, bool) or not isinstance(base_version, int) or not 1 <= base_version <= latest.version:
            raise LabError("invalid_message", f"base_version must be a version number between 1 and {latest.version}.",
                           field="base_version")
        # Stale only if someone *else* changed this lever since the base: your own earlier edit,
        # still unacknowledged when you typed again, is not a conflict.
        if (team.package_versions.filter(round=game_round, version__gt=base_version, changed_lever=lever)
                .exclude(author=participant).exists()):
            raise LabError("stale_version", f"{spec.label} was changed by a teammate since version {base_version}; "
                           "review the new value and edit again.", field=lever)
        if latest.levers.get(lever) == value:  # nothing changes: filed for the retry, not counted
            _ledger(participant, team, game_round, LedgerEntry.Kind.EDIT, client_msg_id, spec.role,
                    {"lever": lever, "value": value, "version": latest.version}, counted=False)
            return package_payload(package=latest, scenario=session_scenario(session=team.session))
        _ledger(participant, team, game_round, LedgerEntry.Kind.EDIT, client_msg_id, spec.role,
                {"lever": lever, "value": value, "version": latest.version + 1})
        package = PackageVersion.objects.create(
            team=team, round=game_round, version=latest.version + 1, levers={**latest.levers, lever: value},
            author=participant, author_role=spec.role, changed_lever=lever, base_version=base_version,
        )
        payload = package_payload(package=package, scenario=session_scenario(session=team.session))
        package_broadcast(team=team, payload=payload,
                          log=version_entries(package=package, previous_levers=latest.levers))
    return payload


def package_approve(*, participant_id: int, version, client_msg_id) -> dict:
    client_msg_id = client_id_clean(client_msg_id)
    with transaction.atomic():
        participant, team, game_round = _begin(participant_id, client_msg_id)
        if team is None:
            return _current_package(participant)
        latest = package_latest(team=team, game_round=game_round)
        if isinstance(version, bool) or not isinstance(version, int):
            raise LabError("invalid_message", "version must be the package version number you reviewed.",
                           field="version")
        if version != latest.version:
            raise LabError("stale_version", f"The package changed: you reviewed version {version}, the latest is "
                           f"version {latest.version}. Review it and approve again.")
        if latest.aligned_at:
            return package_payload(package=latest, scenario=session_scenario(session=team.session))
        try:
            engine.validate_package(latest.levers, session_scenario(session=team.session))
        except engine.DecisionError as exc:
            raise LabError("invalid_package", "This package cannot be approved yet: " + decision_error_text(exc),
                           field=exc.field)
        roles = participant_roles(participant=participant)
        approved = set(latest.approvals.values_list("role", flat=True))
        log = [approval_entry(approval=Approval.objects.create(package_version=latest, role=role, participant=participant),
                              version=latest.version)
               for role in sorted(roles - approved)]
        _ledger(participant, team, game_round, LedgerEntry.Kind.APPROVE, client_msg_id, ",".join(sorted(roles)),
                {"version": latest.version}, counted=bool(log))  # a second click approves nothing new
        if approved | roles >= set(engine.ROLES):
            latest.aligned_at = timezone.now()
            latest.save(update_fields=["aligned_at"])
        payload = package_payload(package=latest, scenario=session_scenario(session=team.session))
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
        participant, team, game_round = _begin(participant_id, client_msg_id)
        if team is None:
            return _current_package(participant)
        if "director" not in participant_roles(participant=participant):
            raise Forbidden("not_your_decision", "Only the director can reopen an aligned package.")
        latest = package_latest(team=team, game_round=game_round)
        if latest.aligned_at is None:
            raise LabError("not_aligned", "The package is not aligned yet: it is still open for changes.")
        _ledger(participant, team, game_round, LedgerEntry.Kind.EDIT, client_msg_id, "director",
                {"reopen": True, "version": latest.version + 1})
        # No longer aligned: the round's close takes the team as not aligned unless it aligns again.
        latest.aligned_at = None
        latest.save(update_fields=["aligned_at"])
        package = PackageVersion.objects.create(
            team=team, round=game_round, version=latest.version + 1, levers=latest.levers, author=participant,
            author_role="director", base_version=latest.version, reopened=True)
        payload = package_payload(package=package, scenario=session_scenario(session=team.session))
        package_broadcast(team=team, payload=payload, log=version_entries(package=package, previous_levers=latest.levers))
    return payload


def _current_package(participant: Participant) -> dict | None:
    team = participant.team
    game_round = round_current(session=team.session)
    return (package_payload(package=package_latest(team=team, game_round=game_round),
                            scenario=session_scenario(session=team.session)) if game_round else None)
