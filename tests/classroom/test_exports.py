"""CSV and XLSX files re-read with csv and openpyxl: types, headers, timezone, formula injection."""
import csv
import io
from datetime import date, datetime, timezone as dt_timezone

import pytest
from openpyxl import load_workbook

from classroom.exports import display_value, neutralise, report_csv, report_xlsx, sheet_name
from classroom.models import Session
from classroom.report_columns import REPORT_TITLES, SHEET_NAMES
from classroom.report_filters import REPORT_KINDS, ReportFilter
from classroom.reports import PERSON_COLUMNS, SESSION_COLUMNS, Report, participation_report
from tests import factories
from tests.classroom.test_report_figures import clock, workshop  # noqa: F401  (fixtures)
from tests.classroom.test_reports import minute, play_workshop

NASTY = ["=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-3", "@SUM(A1)", "\tTab", "Zoë Ångström"]


def person_row(**overrides) -> dict:
    row = {"session_id": 7, "session": "Cohort", "session_date": date(2026, 3, 10), "participant": "Ada",
           "participant_id": 70, "email": "ada@example.com", "employee_id": "E1",
           "platform_user": "ada-7 at https://lms.example.test", "platform_person_id": "P-7", "team": "Team 1",
           "roles": "director, hr", "joined_at": minute(0), "first_activity": minute(0), "last_activity": minute(35),
           "edits": 2, "statements": 1, "approvals": 1, "approvals_before_deadline": 1, "median_seconds_to_approve": 42.0,
           "chat_messages": 3, "chat_share": 0.75, "minutes_connected": 50.0, "minutes_in_rounds": 40.0,
           "idle_minutes": 10.0, "reconnects": 1, "rounds_participated": 2, "rejoins": 0, "present_at_end": True}
    assert set(row) == {c.key for c in PERSON_COLUMNS}  # the sample covers every column
    return {**row, **overrides}


def people_report(rows) -> Report:
    return Report("people", "Participation by person", PERSON_COLUMNS, rows)


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_neutralise_prefixes_formula_starts_only():
    assert [neutralise(t) for t in NASTY] == ["'=HYPERLINK(\"http://x\",\"y\")", "'+1+2", "'-3", "'@SUM(A1)",
                                               "'\tTab", "Zoë Ångström"]
    assert neutralise("Ada = 1") == "Ada = 1"


def test_csv_has_a_header_utc_times_and_neutralised_text():
    rows = [person_row(participant=name, session=name) for name in NASTY] + [person_row(last_activity=None)]
    table = read_csv(report_csv(report=people_report(rows)))
    header = table[0]
    assert header[:4] == ["Session id", "Session", "Session date (UTC)", "Participant"]
    assert "Joined at (UTC)" in header and len(table) == len(rows) + 1
    col = {name: i for i, name in enumerate(header)}
    names = [r[col["Participant"]] for r in table[1:len(NASTY) + 1]]
    assert names == [neutralise(n) for n in NASTY]
    assert all(not n.startswith(("=", "+", "-", "@", "\t")) for n in names)
    assert table[1][col["Session"]].startswith("'=")
    first = table[1]
    assert first[col["Joined at (UTC)"]] == "2026-03-10 09:00:00"
    assert first[col["Minutes connected"]] == "50.0" and first[col["Edits"]] == "2"
    assert first[col["Present at end"]] == "yes"
    assert table[-1][col["Last activity (UTC)"]] == ""


def test_xlsx_is_typed_frozen_and_safe():
    rows = [person_row(participant=name) for name in NASTY] + [person_row(employee_id="\x01E2\x02")]
    body = report_xlsx(reports=[people_report(rows)], about=[("Generated at (UTC)", minute(1)), ("Session", "all")])
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["People", "About"]
    sheet = book["People"]
    header = [c.value for c in sheet[1]]
    assert header == [c.header for c in PERSON_COLUMNS]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.column_dimensions["B"].width >= 20
    col = {name: i for i, name in enumerate(header)}
    data = list(sheet.iter_rows(min_row=2))
    assert len(data) == len(rows)
    for row, name in zip(data, NASTY):
        cell = row[col["Participant"]]
        assert cell.data_type == "s" and cell.value == neutralise(name)  # a string, never a formula
    first = data[0]
    joined = first[col["Joined at (UTC)"]]
    assert isinstance(joined.value, datetime) and joined.value == datetime(2026, 3, 10, 9, 0)
    assert joined.number_format == "yyyy-mm-dd hh:mm:ss"
    assert first[col["Session date (UTC)"]].value == datetime(2026, 3, 10)  # Excel dates read back as datetimes
    assert first[col["Minutes connected"]].value == 50.0 and first[col["Minutes connected"]].data_type == "n"
    assert first[col["Edits"]].value == 2 and first[col["Edits"]].data_type == "n"
    assert first[col["Present at end"]].value is True
    assert data[-1][col["Employee id"]].value == "E2"  # control characters Excel refuses are dropped
    about = {r[0].value: r[1].value for r in book["About"].iter_rows()}
    assert about["Generated at (UTC)"] == datetime(2026, 3, 10, 9, 1) and about["Session"] == "all"


def test_xlsx_percent_and_empty_cells():
    row = {c.key: None for c in SESSION_COLUMNS} | {"session_id": 1, "session": "S", "aligned_share": 0.5}
    sheet = load_workbook(io.BytesIO(report_xlsx(reports=[Report("sessions", "Participation by session",
                                                                 SESSION_COLUMNS, [row])]))).active
    header = [c.value for c in sheet[1]]
    share = sheet.cell(row=2, column=header.index("Aligned share of team-rounds") + 1)
    assert share.value == 0.5 and share.number_format == "0.0%"
    assert sheet.cell(row=2, column=header.index("Started at (UTC)") + 1).value is None


def test_sheet_names_fit_excel():
    assert sheet_name("Participation by person") == "Participation by person"
    long = sheet_name("A very long report title: with [forbidden] chars / more")
    assert len(long) <= 31 and not set("[]:*?/\\") & set(long)


@pytest.mark.django_db(transaction=True)
def test_a_real_workshop_exports_the_same_numbers(facilitator):
    play_workshop(facilitator, names=["=cmd|' /C calc'!A0", "Bob", "Cara", "Dan"])
    report = participation_report(user=facilitator, kind="people", filters=ReportFilter())
    table = read_csv(report_csv(report=report))
    col = {name: i for i, name in enumerate(table[0])}
    by_name = {r[col["Participant"]]: r for r in table[1:]}
    assert set(by_name) == {"'=cmd|' /C calc'!A0", "Bob", "Cara", "Dan"}
    assert sum(float(r[col["Minutes connected"]]) for r in table[1:]) == 136.0
    sheet = load_workbook(io.BytesIO(report_xlsx(reports=[report]))).active
    names = [row[col["Participant"]].value for row in sheet.iter_rows(min_row=2)]
    assert "'=cmd|' /C calc'!A0" in names
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def _xlsx_cell(kind: str, value):
    """A report value as openpyxl reads it back: UTC date-times without a zone, dates as midnight date-times."""
    if value is None or value == "":  # an empty text cell reads back as no value
        return None
    if kind == "datetime":
        return value.astimezone(dt_timezone.utc).replace(tzinfo=None)
    if kind == "date":
        return datetime.combine(value, datetime.min.time())
    if kind == "roles":  # role keys in the report, their names in the file
        return {"director, finance": "Director, Finance", "hr": "HR", "engineering": "Engineering",
                "director": "Director", "finance": "Finance"}[value]
    return value


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("asked", REPORT_KINDS)
def test_the_workbook_holds_every_view_whatever_was_asked_and_reads_back_equal(client, workshop, asked):
    """Downloaded from the page: sheets People, Roles, Teams, Sessions and About, each sheet equal, cell by
    cell, to its report's rows; the CSV holds the asked view only, equal to its rows as text."""
    client.force_login(workshop["facilitator"])
    session = workshop["session"]
    response = client.get("/reports/", {"report": asked, "session": session.id, "format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["People", "Roles", "Teams", "Sessions", "About"]
    assert book.active.title == SHEET_NAMES[asked]
    filters = ReportFilter(session_id=session.id)
    for kind in REPORT_KINDS:
        report = participation_report(user=workshop["facilitator"], kind=kind, filters=filters)
        sheet = book[SHEET_NAMES[kind]]
        assert [c.value for c in sheet[1]] == [c.header for c in report.columns]
        read = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert read == [[_xlsx_cell(c.kind, row[c.key]) for c in report.columns] for row in report.rows], kind
        assert len(read) == {"people": 3, "roles": 4, "teams": 1, "sessions": 1}[kind]
    about = {r[0].value: r[1].value for r in book["About"].iter_rows()}
    assert about["Report asked for"] == REPORT_TITLES[asked] and about["Session"] == session.id
    assert (about["Rows in People"], about["Rows in Roles"], about["Rows in Teams"], about["Rows in Sessions"]) == (
        3, 4, 1, 1)
    body = client.get("/reports/", {"report": asked, "session": session.id, "format": "csv"}).content
    table = read_csv(body)
    report = participation_report(user=workshop["facilitator"], kind=asked, filters=filters)
    assert table[0] == [c.header for c in report.columns]
    assert table[1:] == [[display_value(c.kind, row[c.key]) for c in report.columns] for row in report.rows]


@pytest.mark.django_db(transaction=True)
def test_the_workbook_of_a_date_range_covers_the_same_sessions_in_every_sheet(client, workshop):
    client.force_login(workshop["facilitator"])
    empty = factories.make_session(workshop["facilitator"])  # nobody joined: a row in Sessions only
    Session.objects.filter(pk=empty.pk).update(created_at=minute(0))
    response = client.get("/reports/", {"report": "people", "from": "2026-03-10", "to": "2026-03-10",
                                        "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    ids = {kind: sorted({r[0] for r in book[SHEET_NAMES[kind]].iter_rows(min_row=2, values_only=True)})
           for kind in REPORT_KINDS}
    session = workshop["session"].id
    assert ids == {"people": [session], "roles": [session], "teams": [session], "sessions": sorted([session, empty.id])}
