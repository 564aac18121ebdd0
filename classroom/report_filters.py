"""Query parameters of the participation reports, parsed and validated once for page and API.

Every problem raises LabError with `field` set to the parameter's name, so the page can mark the
input and the API can say which parameter to fix.
"""
from django.utils.translation import gettext as _

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from classroom.errors import LabError

REPORT_KINDS = ("people", "roles", "teams", "sessions")  # the first is the default
API_FORMATS = ("json", "csv", "xlsx")
PAGE_FORMATS = ("html", "csv", "xlsx")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # fromisoformat alone also takes 20260101 and 2026-W01
_ID_MAX_DIGITS = 18  # fits a 64-bit key; longer is a typo, not a lookup
PERSON_MAX = 100  # a name, an email or an employee id; longer is not a search


@dataclass(frozen=True)
class ReportFilter:
    session_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    format: str = "json"
    person: str = ""  # part of a name, email, employee id or learning-platform id ("" = everyone)

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (without format), for links and echoing back."""
        params = {"session": self.session_id, "from": self.date_from, "to": self.date_to,
                  "person": self.person or None}
        return {key: str(value) for key, value in params.items() if value is not None}


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "...")


def _date(raw, field: str) -> date | None:
    text = (raw or "").strip()
    if not text:
        return None
    if _DATE_RE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise LabError("invalid_date", _("'%(field)s' must be a real date written YYYY-MM-DD; got %(got)s.") % {
        "field": field, "got": _shown(text)}, field=field)


def _session_id(raw) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > _ID_MAX_DIGITS or int(text) < 1:
        raise LabError("invalid_session", _("'session' must be a session id (a positive whole number); "
                                            "got %(got)s.") % {"got": _shown(text)}, field="session")
    return int(text)


def _person(raw) -> str:
    text = " ".join(str(raw or "").split())
    if len(text) > PERSON_MAX:
        raise LabError("invalid_person", _("'person' is part of a name, an email or an employee id, at most %(n)s "
                                           "characters; got %(got)s.") % {"n": PERSON_MAX, "got": _shown(text)},
                       field="person")
    return text


def report_filter_parse(*, params: Mapping[str, str], formats: Sequence[str]) -> ReportFilter:
    """Read session, from, to, person and format; the first of `formats` is the default."""
    session_id = _session_id(params.get("session"))
    date_from = _date(params.get("from"), "from")
    date_to = _date(params.get("to"), "to")
    if date_from and date_to and date_from > date_to:
        raise LabError("invalid_range", _("'from' (%(from)s) is after 'to' (%(to)s); swap them or widen the "
                                          "range.") % {"from": date_from, "to": date_to}, field="from")
    fmt = (params.get("format") or formats[0]).strip().lower()
    if fmt not in formats:
        raise LabError("invalid_format", _("'format' must be one of %(formats)s; got %(got)s.") % {
            "formats": ", ".join(formats), "got": _shown(fmt)}, field="format")
    return ReportFilter(session_id=session_id, date_from=date_from, date_to=date_to, format=fmt,
                        person=_person(params.get("person")))


def report_kind_parse(*, value: str | None) -> str:
    kind = (value or REPORT_KINDS[0]).strip().lower()
    if kind not in REPORT_KINDS:
        raise LabError("invalid_report", _("'report' must be one of %(kinds)s; got %(got)s.") % {
            "kinds": ", ".join(REPORT_KINDS), "got": _shown(kind)}, field="report")
    return kind
