"""The columns of HR's four report views: key, header (in words, with its unit), cell type and XLSX width.

One place for them: the page's tables, the CSV and XLSX files and the API's schema are all built from
these tuples, and docs/reports.md defines each column in the same order.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text | int | float | percent | date | datetime | bool
    width: int  # characters, for the XLSX sheet


_SESSION = (
    Column("session_id", "Session id", "int", 10),
    Column("session", "Session", "text", 28),
    Column("session_date", "Session date (UTC)", "date", 18),
)
_PERSON = (
    Column("participant", "Participant", "text", 24),
    Column("participant_id", "Participant id", "int", 12),
    Column("email", "Email", "text", 28),
    Column("employee_id", "Employee id", "text", 14),
    Column("platform_user", "Learning platform user (subject at issuer)", "text", 36),
    Column("platform_person_id", "Learning platform person id", "text", 18),
    Column("team", "Team", "text", 9),
)
# What a person did, the same figures per person and per role (docs/reports.md, "Per-person report").
_ACTIVITY = (
    Column("edits", "Edits", "int", 8),
    Column("statements", "Forecasts and rationale lines written (of the edits)", "int", 16),
    Column("approvals", "Approvals", "int", 10),
    Column("approvals_before_deadline", "Approvals before the round deadline", "int", 18),
    Column("median_seconds_to_approve", "Median seconds from the team's last change to approval", "float", 24),
    Column("chat_messages", "Chat messages", "int", 10),
    Column("chat_share", "Share of the team's chat messages", "percent", 16),
    Column("minutes_connected", "Minutes connected", "float", 12),
    Column("minutes_in_rounds", "Minutes connected while a round was open", "float", 18),
    Column("idle_minutes", "Idle minutes (connected in an open round without acting in it)", "float", 22),
    Column("reconnects", "Reconnects (times back after a disconnect)", "int", 16),
    Column("rounds_participated", "Rounds active (edited, approved or chatted)", "int", 16),
)

PERSON_COLUMNS = (
    *_SESSION,
    *_PERSON,
    Column("roles", "Roles", "text", 26),
    Column("joined_at", "Joined at (UTC)", "datetime", 20),
    Column("first_activity", "First activity (UTC)", "datetime", 20),
    Column("last_activity", "Last activity (UTC)", "datetime", 20),
    *_ACTIVITY,
    Column("rejoins", "Rejoins (seat reopened with the rejoin code)", "int", 14),
    Column("present_at_end", "Present at end", "bool", 15),
)
ROLE_COLUMNS = (
    *_SESSION,
    *_PERSON,
    Column("role", "Role", "text", 12),
    Column("holds_role_now", "Holds the role now", "bool", 12),
    *_ACTIVITY,
)
TEAM_COLUMNS = (
    *_SESSION,
    Column("team", "Team", "text", 9),
    Column("members", "Members (people seated now)", "int", 12),
    Column("rounds_played", "Rounds played (closed, with a result)", "int", 14),
    Column("rounds_aligned", "Rounds aligned", "int", 10),
    Column("median_minutes_to_align", "Median minutes to align", "float", 14),
    Column("minutes_to_align_by_round", "Minutes to align, round by round", "text", 40),
    Column("package_versions", "Package versions (all rounds)", "int", 14),
    Column("revisions", "Revisions (versions after each round's version 1)", "int", 16),
    Column("edits", "Edits", "int", 8),
    Column("approvals", "Approvals", "int", 10),
    Column("chat_messages", "Chat messages", "int", 10),
)
SESSION_COLUMNS = (
    Column("session_id", "Session id", "int", 10),
    Column("session", "Session", "text", 28),
    Column("facilitator", "Facilitator", "text", 18),
    Column("scenario", "Scenario", "text", 12),
    Column("session_date", "Session date (UTC)", "date", 18),
    Column("started_at", "Started at (UTC)", "datetime", 20),
    Column("finished_at", "Finished at (UTC)", "datetime", 20),
    Column("rounds_played", "Rounds played", "int", 14),
    Column("rounds_planned", "Rounds planned", "int", 15),
    Column("teams", "Teams", "int", 8),
    Column("participants", "Participants", "int", 13),
    Column("avg_minutes_connected", "Average minutes connected", "float", 26),
    Column("edits", "Edits", "int", 8),
    Column("approvals", "Approvals", "int", 10),
    Column("chat_messages", "Chat messages", "int", 14),
    Column("reconnects", "Reconnects", "int", 11),
    Column("rejoins", "Rejoins", "int", 9),
    Column("revisions", "Revisions (package versions after version 1)", "int", 16),
    Column("median_minutes_to_align", "Median minutes to align (all team-rounds)", "float", 18),
    Column("aligned_share", "Aligned share of team-rounds", "percent", 28),
)

REPORT_COLUMNS = {"people": PERSON_COLUMNS, "roles": ROLE_COLUMNS, "teams": TEAM_COLUMNS,
                  "sessions": SESSION_COLUMNS}
# Titles are also the XLSX sheet of a single report: at most 31 characters.
REPORT_TITLES = {"people": "Participation by person", "roles": "Participation by role",
                 "teams": "Participation by team", "sessions": "Participation by session"}
# The workbook names each view's sheet with one word.
SHEET_NAMES = {"people": "People", "roles": "Roles", "teams": "Teams", "sessions": "Sessions"}
# The view picker on /reports/: the server owns the words.
VIEW_LABELS = {"people": "Per person", "roles": "Per person and role", "teams": "Per team",
               "sessions": "Per session"}

# The printable pages' round tables (not views of their own: one person's rounds, one session's team-rounds).
PERSON_ROUND_COLUMNS = (
    Column("round", "Round", "int", 6),
    Column("opened_at", "Opened at (UTC)", "datetime", 20),
    Column("deadline", "Deadline (UTC)", "datetime", 20),
    Column("closed_at", "Closed at (UTC)", "datetime", 20),
    Column("active", "Active in the round", "bool", 8),
    Column("edits", "Edits", "int", 6),
    Column("approvals", "Approvals", "int", 6),
    Column("approvals_before_deadline", "Approvals before the deadline", "int", 8),
    Column("median_seconds_to_approve", "Median seconds from the team's last change to approval", "float", 10),
    Column("chat_messages", "Chat messages", "int", 6),
    Column("minutes_in_rounds", "Minutes connected while the round was open", "float", 10),
    Column("idle_minutes", "Idle minutes", "float", 8),
)
TEAM_ROUND_COLUMNS = (
    Column("round", "Round", "int", 6),
    Column("team", "Team", "text", 9),
    Column("opened_at", "Opened at (UTC)", "datetime", 20),
    Column("deadline", "Deadline (UTC)", "datetime", 20),
    Column("closed_at", "Closed at (UTC)", "datetime", 20),
    Column("package_versions", "Package versions", "int", 8),
    Column("revisions", "Revisions", "int", 8),
    Column("minutes_to_align", "Minutes to align", "float", 8),
    Column("aligned", "Aligned at the close", "bool", 8),
)
