"""A commitment with every package: the director's forecast and rationale, and each role's one line.

The director states what the team expects from the month (good units, cash, optionally one more KPI) and
why; the package cannot align without it (packages.package_approve). Stating or changing it is a package
change like an edit of a lever: a new version with the same levers, approvals start again, filed in the
ledger as an edit (HR counts it), told to the team with a round-log entry. Each role may add one line on its
own levers, the same way. Built on packages.py's locking, retry and ledger helpers.
"""
import math

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _, gettext_noop

from classroom.errors import Forbidden, LabError
from classroom.models import LedgerEntry
from classroom.services.ledger import client_id_clean
from classroom.text_input import text_storable
from game import engine
from game.dashboards import kpi_label
from game.models import PackageVersion
from game.money_format import money
from game.package_checks import role_code_text
from game.round_log import version_entries
from game.selectors import (NOTE_MAX, RATIONALE_MAX, commitment_limits, package_payload, session_scenario)
from game.services.packages import _begin, _current_package, _ledger, latest_for_change
from game.services.rounds import package_broadcast

# What a text field may hold, per field, as whole sentences (`what` is "rationale" or "note").
TEXT_RULES = {
    "rationale": (gettext_noop("The rationale must be text."),
                  gettext_noop("The rationale has at most %(limit)s characters; this one has %(length)s."),
                  gettext_noop("The rationale cannot contain NUL characters or unpaired surrogate code points; remove "
                               "them and send again.")),
    "note": (gettext_noop("The note must be text."),
             gettext_noop("The note has at most %(limit)s characters; this one has %(length)s."),
             gettext_noop("The note cannot contain NUL characters or unpaired surrogate code points; remove them and "
                          "send again.")),
}


def _grouped(value) -> str:
    """A whole number grouped in the active language (12,345 in English)."""
    return formats.number_format(value, 0, use_l10n=True, force_grouping=True)


def _general(value: float) -> str:
    """As Python's :g writes it (12.5, 40), with the active language's decimal mark."""
    text = f"{value:g}"
    if "e" in text:
        return text
    return formats.number_format(float(text), len(text.split(".")[1]) if "." in text else 0, use_l10n=True)


COMMIT = "forecast"  # PackageVersion.changed_lever of a commitment; "note:<role>" for a role's line


def _finite(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        value = float(value)
    except OverflowError:  # an integer beyond float range
        return None
    return value if math.isfinite(value) else None


def _forecast_clean(forecast, limits: dict) -> dict:
    """The forecast as stored, or a LabError at the field that is wrong (in words and units)."""
    if not isinstance(forecast, dict):
        raise LabError("invalid_value", _("The forecast needs good units and cash."), field="forecast")
    units = _finite(forecast.get("good_units"))
    if units is None or units < 0 or units != int(units):
        raise LabError("invalid_value", _("Good units must be a whole number of units, 0 or more."),
                       field="forecast.good_units")
    if units > limits["good_units_max"]:
        raise LabError("invalid_value", _(
            "Good units: at most %(most)s units. That is the most this plant could make in a month at full rate (the "
            "bottleneck's %(rate)s units an hour for %(hours)s hours, the longest month the shifts and overtime "
            "allow, plus the units already in the line).") % {
            "most": _grouped(limits["good_units_max"]), "rate": _general(limits["bottleneck_rate"]),
            "hours": f"{limits['hours']:.0f}"},
                       field="forecast.good_units")
    cash = _finite(forecast.get("cash"))
    currency = limits["currency"]
    if cash is None:
        raise LabError("invalid_value", _("Cash must be a number of %(currency)s (the cash at the end of the month).")
                       % {"currency": currency},
                       field="forecast.cash")
    if not limits["cash_min"] <= cash <= limits["cash_max"]:
        raise LabError("invalid_value", _(
            "Cash at the end of the month must be between %(low)s and %(high)s: the plant holds %(now)s now and "
            "cannot gain or lose more than three months of its revenue at full rate in one month.") % {
            "low": money(limits["cash_min"], currency), "high": money(limits["cash_max"], currency),
            "now": money(limits["cash_now"], currency)}, field="forecast.cash")
    extra = forecast.get("extra")
    if extra is not None:
        if not isinstance(extra, dict) or extra.get("kpi") not in limits["extra_kpis"]:
            names = ", ".join(kpi_label(k) for k in limits["extra_kpis"])
            raise LabError("invalid_value", _("The extra forecast must be one of: %(names)s.") % {"names": names},
                           field="forecast.extra.kpi")
        value = _finite(extra.get("value"))
        if value is None or (value < 0 and extra["kpi"] not in ("net_cash_flow", "margin")):
            signed = extra["kpi"] in ("net_cash_flow", "margin")
            raise LabError("invalid_value", (_("%(label)s must be a number.") if signed
                                             else _("%(label)s must be a number, 0 or more."))
                           % {"label": kpi_label(extra["kpi"])}, field="forecast.extra.value")
        extra = {"kpi": extra["kpi"], "value": value}
    return {"good_units": int(units), "cash": cash, "extra": extra}


def _text_clean(text, *, limit: int, field: str, what: str) -> str:
    if not isinstance(text, str):
        raise LabError("invalid_value", _(TEXT_RULES[what][0]), field=field)
    text = text.strip()
    if len(text) > limit:
        raise LabError("invalid_value", _(TEXT_RULES[what][1]) % {"limit": limit, "length": len(text)}, field=field)
    if not text_storable(text):
        raise LabError("invalid_value", _(TEXT_RULES[what][2]), field=field)
    return text


def _latest_for_change(team, game_round, participant, changed: str, base_version):
    return latest_for_change(team, game_round, participant, changed=changed, base_version=base_version,
                             stale_text=_("A teammate changed this since version %(version)s; review it and "
                                          "change it again.") % {"version": base_version},
                             field="forecast" if changed == COMMIT else "note")


def _new_version(participant, team, game_round, latest, *, role: str, changed: str, base_version, **fields) -> dict:
    package = PackageVersion.objects.create(
        team=team, round=game_round, version=latest.version + 1, levers=latest.levers, author=participant,
        author_role=role, changed_lever=changed, base_version=base_version,
        forecast=fields.get("forecast", latest.forecast), rationale=fields.get("rationale", latest.rationale),
        notes=fields.get("notes", latest.notes))
    payload = package_payload(package=package, scenario=session_scenario(session=team.session), approvals={})
    package_broadcast(team=team, payload=payload, log=version_entries(package=package, previous_levers=latest.levers))
    return payload


def package_commit(*, participant_id: int, forecast, rationale, base_version, client_msg_id) -> dict:
    """The director states (or changes) the team's forecast and rationale: a new version, approvals again."""
    client_msg_id = client_id_clean(client_msg_id)
    with transaction.atomic():
        participant, game_round = _begin(participant_id, client_msg_id, "director")
        team = participant.team
        if game_round.applied:
            return _current_package(team, game_round)
        if not game_round.holds_role:
            raise Forbidden("not_your_decision", _("Only the director states the team's forecast and rationale; "
                                                  "tell the director what you expect in the chat."), field="forecast")
        scenario = session_scenario(session=team.session)
        forecast = _forecast_clean(forecast, commitment_limits(team_id=team.id, scenario=scenario))
        rationale = _text_clean(rationale, limit=RATIONALE_MAX, field="rationale", what="rationale")
        latest = _latest_for_change(team, game_round, participant, COMMIT, base_version)
        detail = {"forecast": forecast, "rationale": rationale}
        if latest.forecast == forecast and latest.rationale == rationale:  # nothing changes: filed, not counted
            _ledger(participant, team, game_round, LedgerEntry.Kind.EDIT, client_msg_id, "director",
                    {**detail, "commit": True, "version": latest.version}, counted=False)
            return package_payload(package=latest, scenario=scenario)
        _ledger(participant, team, game_round, LedgerEntry.Kind.EDIT, client_msg_id, "director",
                {**detail, "commit": True, "version": latest.version + 1})
        return _new_version(participant, team, game_round, latest, role="director", changed=COMMIT,
                            base_version=base_version, forecast=forecast, rationale=rationale)


def package_note(*, participant_id: int, role, text, base_version, client_msg_id) -> dict:
    """A role's one line on its own levers (empty text removes it): a new version, approvals again."""
    client_msg_id = client_id_clean(client_msg_id)
    known = isinstance(role, str) and role in engine.ROLES
    with transaction.atomic():
        participant, game_round = _begin(participant_id, client_msg_id, role if known else None)
        team = participant.team
        if game_round.applied:
            return _current_package(team, game_round)
        if not known:
            raise LabError("invalid_value", _("role must be one of %(roles)s.") % {"roles": ", ".join(engine.ROLES)},
                           field="role")
        if not game_round.holds_role:
            raise Forbidden("not_your_role", _("You do not hold the %(role)s role in your team: each role writes its "
                                              "own line.") % {"role": role_code_text(role)}, field="note")
        text = _text_clean(text, limit=NOTE_MAX, field="note", what="note")
        if "\n" in text or "\r" in text:
            raise LabError("invalid_value", _("The note is one line: remove the line breaks."), field="note")
        latest = _latest_for_change(team, game_round, participant, f"note:{role}", base_version)
        notes = {k: v for k, v in (latest.notes or {}).items() if k != role}
        if text:
            notes[role] = text
        if notes == (latest.notes or {}):
            _ledger(participant, team, game_round, LedgerEntry.Kind.EDIT, client_msg_id, role,
                    {"note": text, "version": latest.version}, counted=False)
            return package_payload(package=latest, scenario=session_scenario(session=team.session))
        _ledger(participant, team, game_round, LedgerEntry.Kind.EDIT, client_msg_id, role,
                {"note": text, "version": latest.version + 1})
        return _new_version(participant, team, game_round, latest, role=role, changed=f"note:{role}",
                            base_version=base_version, notes=notes)
