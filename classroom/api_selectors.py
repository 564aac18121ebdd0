"""Reads behind the REST API: which sessions a user may list, and the ledger as they may see it.

Access is the reports' rule (`report_sessions_for_user`): HR (group 'hr') and superusers read every
session, a facilitator their own, anyone else is refused in words. Two API-only refinements:
- a facilitator who has not run a session yet gets an empty list, not "reports are for HR";
- the text of a chat message is personal content: it is shown to the people who run that session
  (its facilitator, a superuser), who read it in the debrief already, and withheld from HR, whose
  figures need that a message was sent, not what it said.
"""
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from classroom.errors import Forbidden, LabError
from classroom.models import LedgerEntry, Participant, Session
from classroom.report_filters import ReportFilter
from classroom.reports import person_match, report_sessions_for_user, report_sessions_narrowed
from classroom.services.access import user_may_facilitate

LEDGER_KINDS = tuple(LedgerEntry.Kind.values)
_ID_DIGITS = 18


def api_sessions_for_user(*, user, filters: ReportFilter) -> QuerySet[Session]:
    """Sessions `user` may read through the API, narrowed by the filters (created_at, UTC days, inclusive; a
    person's sessions)."""
    try:
        sessions = report_sessions_for_user(user=user, session_id=filters.session_id)
    except Forbidden as exc:
        if exc.code != "reports_forbidden" or not user_may_facilitate(user=user):
            raise
        sessions = Session.objects.none()  # a facilitator with no session yet: nothing to list, nothing wrong
    return report_sessions_narrowed(sessions, filters).order_by("created_at", "id")


def api_session_runner(*, user, session: Session) -> bool:
    """Whether `user` runs this session (its facilitator, or a superuser): they see its join code, seed, chat."""
    return bool(user.is_superuser or (session.facilitator_id == user.id and user_may_facilitate(user=user)))


def api_session_list(*, user, filters: ReportFilter) -> QuerySet[Session]:
    return (api_sessions_for_user(user=user, filters=filters).select_related("facilitator")
            .annotate(team_count=Count("teams", distinct=True),
                      participant_count=Count("participants", filter=Q(participants__is_bot=False), distinct=True)))


def api_session_teams(*, session: Session):
    """The session's teams in order, each with `people`: its members who are not bots."""
    return session.teams.annotate(people=Count("members", filter=Q(members__is_bot=False))).order_by("number")


@dataclass(frozen=True)
class LedgerFilter:
    participant_id: int | None = None
    kind: str | None = None
    team_id: int | None = None
    round_number: int | None = None
    counted: bool | None = None

    def as_echo(self) -> dict:
        return {"participant": self.participant_id, "kind": self.kind, "team": self.team_id,
                "round": self.round_number, "counted": self.counted}


def _positive(raw, field: str, what: str, digits: int = _ID_DIGITS) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > digits or int(text) < 1:
        shown = repr(text if len(text) <= 40 else text[:40] + "...")
        raise LabError(f"invalid_{field}", _("'%(field)s' must be %(what)s (a positive whole number); got %(got)s.")
                       % {"field": field, "what": _(what), "got": shown}, field=field)
    return int(text)


def ledger_filter_parse(*, params) -> LedgerFilter:
    kind = (params.get("kind") or "").strip().lower() or None
    if kind is not None and kind not in LEDGER_KINDS:
        raise LabError("invalid_kind", _("'kind' must be one of %(kinds)s; got %(got)s.") % {
            "kinds": ", ".join(LEDGER_KINDS), "got": repr(kind[:40])}, field="kind")
    counted_text = (params.get("counted") or "").strip().lower()
    if counted_text and counted_text not in ("true", "false"):
        raise LabError("invalid_counted", _("'counted' must be true or false; got %(got)s.") % {
            "got": repr(counted_text[:40])}, field="counted")
    return LedgerFilter(
        participant_id=_positive(params.get("participant"), "participant", gettext_noop("a participant id")),
        kind=kind,
        team_id=_positive(params.get("team"), "team", gettext_noop("a team id")),
        round_number=_positive(params.get("round"), "round", gettext_noop("a round number"), digits=5),
        counted={"true": True, "false": False}.get(counted_text),
    )


def ledger_list_for_user(*, user, filters: ReportFilter, ledger: LedgerFilter) -> QuerySet[LedgerEntry]:
    """Ledger entries of the sessions `user` may read, oldest first; bots' entries are left out, as
    in the reports, so the entries add up to the reports' figures."""
    entries = (LedgerEntry.objects.filter(session__in=api_sessions_for_user(user=user, filters=filters),
                                          participant__is_bot=False)
               .select_related("team", "participant", "session").order_by("at", "id"))
    if filters.person:
        entries = entries.filter(participant__in=Participant.objects.filter(person_match(filters.person)))
    if ledger.participant_id is not None:
        entries = entries.filter(participant_id=ledger.participant_id)
    if ledger.kind is not None:
        entries = entries.filter(kind=ledger.kind)
    if ledger.team_id is not None:
        entries = entries.filter(team_id=ledger.team_id)
    if ledger.round_number is not None:
        entries = entries.filter(round_number=ledger.round_number)
    if ledger.counted is not None:
        entries = entries.filter(counted=ledger.counted)
    return entries


def ledger_detail_for(*, entry: LedgerEntry, runner: bool) -> dict:
    """What an entry's detail shows the reader: everything but the text of a chat, which only a runner sees."""
    detail = dict(entry.detail or {})
    if entry.kind == LedgerEntry.Kind.CHAT and not runner:
        detail.pop("text", None)
        detail["text_withheld"] = True
    return detail
