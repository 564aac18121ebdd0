"""The columns of HR's four report views: key, header (in words, with its unit), cell type and XLSX width.

One place for them: the page's tables, the CSV and XLSX files and the API's schema are all built from
these tuples, and docs/reports.md defines each column in the same order. Headers, titles and labels are kept
in English here (marked for translation with gettext_noop, named _ in this file only) and translated where a
page or a file shows them: gettext(column.header). Keys stay English: they are the API's field names.
"""
from dataclasses import dataclass

from django.utils.translation import gettext_noop as _

from classroom.roles import role_title


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text | roles | int | float | percent | date | datetime | bool
    width: int  # characters, for the XLSX sheet


_SESSION = (
    Column("session_id", _("Session id"), "int", 10),
    Column("session", _("Session"), "text", 28),
    Column("session_date", _("Session date (UTC)"), "date", 18),
)
_PERSON = (
    Column("participant", _("Participant"), "text", 24),
    Column("participant_id", _("Participant id"), "int", 12),
    Column("email", _("Email"), "text", 28),
    Column("employee_id", _("Employee id"), "text", 14),
    Column("platform_user", _("Learning platform user (subject at issuer)"), "text", 36),
    Column("platform_person_id", _("Learning platform person id"), "text", 18),
    Column("team", _("Team"), "text", 9),
)
# What a person did, the same figures per person and per role (docs/reports.md, "Per-person report").
_ACTIVITY = (
    Column("edits", _("Edits"), "int", 8),
    Column("statements", _("Forecasts and rationale lines written (of the edits)"), "int", 16),
    Column("approvals", _("Approvals"), "int", 10),
    Column("approvals_before_deadline", _("Approvals before the round deadline"), "int", 18),
    Column("median_seconds_to_approve", _("Median seconds from the team's last change to approval"), "float", 24),
    Column("chat_messages", _("Chat messages"), "int", 10),
    Column("chat_share", _("Share of the team's chat messages"), "percent", 16),
    Column("minutes_connected", _("Minutes connected"), "float", 12),
    Column("minutes_in_rounds", _("Minutes connected while a round was open"), "float", 18),
    Column("idle_minutes", _("Idle minutes (connected in an open round without acting in it)"), "float", 22),
    Column("reconnects", _("Reconnects (times back after a disconnect)"), "int", 16),
    Column("rounds_participated", _("Rounds active (edited, approved or chatted)"), "int", 16),
)

PERSON_COLUMNS = (
    *_SESSION,
    *_PERSON,
    Column("roles", _("Roles"), "roles", 26),
    Column("joined_at", _("Joined at (UTC)"), "datetime", 20),
    Column("first_activity", _("First activity (UTC)"), "datetime", 20),
    Column("last_activity", _("Last activity (UTC)"), "datetime", 20),
    *_ACTIVITY,
    Column("rejoins", _("Rejoins (seat reopened with the rejoin code)"), "int", 14),
    Column("present_at_end", _("Present at end"), "bool", 15),
)
ROLE_COLUMNS = (
    *_SESSION,
    *_PERSON,
    Column("role", _("Role"), "roles", 12),
    Column("holds_role_now", _("Holds the role now"), "bool", 12),
    *_ACTIVITY,
)
TEAM_COLUMNS = (
    *_SESSION,
    Column("team", _("Team"), "text", 9),
    Column("members", _("Members (people seated now)"), "int", 12),
    Column("rounds_played", _("Rounds played (closed, with a result)"), "int", 14),
    Column("rounds_aligned", _("Rounds aligned"), "int", 10),
    Column("median_minutes_to_align", _("Median minutes to align"), "float", 14),
    Column("minutes_to_align_by_round", _("Minutes to align, round by round"), "text", 40),
    Column("package_versions", _("Package versions (all rounds)"), "int", 14),
    Column("revisions", _("Revisions (versions after each round's version 1)"), "int", 16),
    Column("edits", _("Edits"), "int", 8),
    Column("approvals", _("Approvals"), "int", 10),
    Column("chat_messages", _("Chat messages"), "int", 10),
)
SESSION_COLUMNS = (
    Column("session_id", _("Session id"), "int", 10),
    Column("session", _("Session"), "text", 28),
    Column("facilitator", _("Facilitator"), "text", 18),
    Column("scenario", _("Scenario"), "text", 12),
    Column("session_date", _("Session date (UTC)"), "date", 18),
    Column("started_at", _("Started at (UTC)"), "datetime", 20),
    Column("finished_at", _("Finished at (UTC)"), "datetime", 20),
    Column("rounds_played", _("Rounds played"), "int", 14),
    Column("rounds_planned", _("Rounds planned"), "int", 15),
    Column("teams", _("Teams"), "int", 8),
    Column("participants", _("Participants"), "int", 13),
    Column("avg_minutes_connected", _("Average minutes connected"), "float", 26),
    Column("edits", _("Edits"), "int", 8),
    Column("approvals", _("Approvals"), "int", 10),
    Column("chat_messages", _("Chat messages"), "int", 14),
    Column("reconnects", _("Reconnects"), "int", 11),
    Column("rejoins", _("Rejoins"), "int", 9),
    Column("revisions", _("Revisions (package versions after version 1)"), "int", 16),
    Column("median_minutes_to_align", _("Median minutes to align (all team-rounds)"), "float", 18),
    Column("aligned_share", _("Aligned share of team-rounds"), "percent", 28),
)

def role_names(keys: str) -> str:
    """A "roles" cell's keys ("director, finance") as the pages and files show them ("Director, Finance"), in the
    active language; the API keeps the keys."""
    return ", ".join(role_title(key) for key in keys.split(", ") if key)


REPORT_COLUMNS = {"people": PERSON_COLUMNS, "roles": ROLE_COLUMNS, "teams": TEAM_COLUMNS,
                  "sessions": SESSION_COLUMNS}
# Titles are also the XLSX sheet of a single report: at most 31 characters.
REPORT_TITLES = {"people": _("Participation by person"), "roles": _("Participation by role"),
                 "teams": _("Participation by team"), "sessions": _("Participation by session")}
# The workbook names each view's sheet with one word.
SHEET_NAMES = {"people": _("People"), "roles": _("Roles"), "teams": _("Teams"), "sessions": _("Sessions")}
# The view picker on /reports/: the server owns the words.
VIEW_LABELS = {"people": _("Per person"), "roles": _("Per person and role"), "teams": _("Per team"),
               "sessions": _("Per session")}

# The printable pages' round tables (not views of their own: one person's rounds, one session's team-rounds).
PERSON_ROUND_COLUMNS = (
    Column("round", _("Round"), "int", 6),
    Column("opened_at", _("Opened at (UTC)"), "datetime", 20),
    Column("deadline", _("Deadline (UTC)"), "datetime", 20),
    Column("closed_at", _("Closed at (UTC)"), "datetime", 20),
    Column("active", _("Active in the round"), "bool", 8),
    Column("edits", _("Edits"), "int", 6),
    Column("approvals", _("Approvals"), "int", 6),
    Column("approvals_before_deadline", _("Approvals before the deadline"), "int", 8),
    Column("median_seconds_to_approve", _("Median seconds from the team's last change to approval"), "float", 10),
    Column("chat_messages", _("Chat messages"), "int", 6),
    Column("minutes_in_rounds", _("Minutes connected while the round was open"), "float", 10),
    Column("idle_minutes", _("Idle minutes"), "float", 8),
)
TEAM_ROUND_COLUMNS = (
    Column("round", _("Round"), "int", 6),
    Column("team", _("Team"), "text", 9),
    Column("opened_at", _("Opened at (UTC)"), "datetime", 20),
    Column("deadline", _("Deadline (UTC)"), "datetime", 20),
    Column("closed_at", _("Closed at (UTC)"), "datetime", 20),
    Column("package_versions", _("Package versions"), "int", 8),
    Column("revisions", _("Revisions"), "int", 8),
    Column("minutes_to_align", _("Minutes to align"), "float", 8),
    Column("aligned", _("Aligned at the close"), "bool", 8),
)
