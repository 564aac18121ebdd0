"""How the reports page and its files read for HR: roles by their names (the API keeps the keys), personal-data
columns no session asked for left out of the preview (never out of the files), and the way to the API."""
import csv
import io

import pytest
from openpyxl import load_workbook

from classroom.models import Participant, StaffLanguage
from classroom.services.cover import seat_cover
from classroom.services.sessions import participant_join
from tests import factories
from tests.classroom.test_report_figures import clock, workshop  # noqa: F401  (fixtures)
from tests.classroom.test_report_pages import text_of

pytestmark = pytest.mark.django_db(transaction=True)


def preview_headers(response) -> list[str]:
    body = response.content.decode()
    table = body[body.index('<table class="table report-table">'):]
    head = table[:table.index("</thead>")]
    return [cell.split(">", 1)[1].split("<", 1)[0] for cell in head.split("<th")[1:]]


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_preview_leaves_out_personal_data_no_session_asked_for_but_the_files_keep_it(client):
    facilitator = factories.make_facilitator("fac")
    session = factories.make_session(facilitator)  # asks for no email or employee id
    participant_join(join_code=session.join_code, display_name="Noor")
    client.force_login(factories.make_hr_only())
    page = client.get("/reports/", {"session": session.id})
    headers = preview_headers(page)
    assert "Participant" in headers and "Edits" in headers
    for left_out in ("Email", "Employee id", "Learning platform user (subject at issuer)"):
        assert left_out not in headers
    assert ("No session here asked for these, so they are left out of this table (the downloads and the API keep "
            "them): Email, Employee id, Learning platform user (subject at issuer), Learning platform person id."
            ) in text_of(page)
    rows = csv_rows(client.get("/reports/", {"session": session.id, "format": "csv"}))
    assert rows[0]["Participant"] == "Noor" and rows[0]["Email"] == "" and "Employee id" in rows[0]


def test_the_preview_shows_personal_data_a_session_asked_for(client, workshop):
    client.force_login(factories.make_hr_only())
    page = client.get("/reports/", {"session": workshop["session"].id})
    headers = preview_headers(page)
    assert "Email" in headers and "Employee id" in headers and "cy@example.com" in text_of(page)
    assert "Learning platform person id" not in headers  # nobody came from a learning platform
    assert "left out of this table" in text_of(page)


def test_roles_read_as_names_on_pages_and_in_files_and_as_keys_in_the_api(client, workshop):
    client.force_login(factories.make_hr_only())
    sid = workshop["session"].id
    people = {row["Participant"]: row for row in csv_rows(client.get("/reports/", {"session": sid, "format": "csv"}))}
    assert people["Ann"]["Roles"] == "Director, Finance" and people["Ben"]["Roles"] == "HR"
    roles = csv_rows(client.get("/reports/", {"report": "roles", "session": sid, "format": "csv"}))
    assert [(r["Participant"], r["Role"]) for r in roles] == [
        ("Ann", "Director"), ("Ann", "Finance"), ("Ben", "HR"), ("Cy", "Engineering")]
    book = load_workbook(io.BytesIO(client.get("/reports/", {"session": sid, "format": "xlsx"}).content))
    sheet = book["People"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("Roles") + 1).value == "Director, Finance"
    person = client.get(f"/reports/people/{workshop['ann'].id}/")
    assert "Roles Director, Finance" in text_of(person)
    api = client.get("/api/reports/participation/people/", {"session": sid}).json()
    assert {row["participant"]: row["roles"] for row in api["rows"]}["Ann"] == "director, finance"


def test_roles_are_named_in_the_readers_language(client, workshop):
    hr = factories.make_hr_only()
    StaffLanguage.objects.create(user=hr, language="de")
    client.force_login(hr)
    rows = csv_rows(client.get("/reports/", {"session": workshop["session"].id, "format": "csv"}))
    assert [row["Rollen"] for row in rows] == ["Werkleitung, Finanzen", "Personal", "Technik"]


def test_hr_finds_the_api_token_and_docs_and_no_console_they_may_not_use(client, workshop):
    client.force_login(factories.make_hr_only())
    body = client.get("/reports/").content.decode()
    assert 'href="/reports/api-token/"' in body and 'href="/api/docs/"' in body
    assert 'href="/console/"' not in body
    client.force_login(workshop["facilitator"])
    assert 'href="/console/"' in client.get("/reports/").content.decode()


def test_a_role_covered_while_its_holder_is_away_is_still_theirs_in_the_reports(client):
    """A bot covers an absent person's role (cover mode); the session ends before they return. HR still reads
    which role the person played, for them and for the bot's stand-in."""
    facilitator = factories.make_facilitator("fac")
    session = factories.make_session(facilitator)
    factories.join_many(session, 4)
    factories.start(session, facilitator)
    absent = factories.holder(session, "finance")
    bot = Participant.objects.create(session=session, display_name="Bot 1", is_bot=True, team=absent.team)
    seat_cover(seat=absent.seats.get(role="finance"), by=bot)
    client.force_login(factories.make_hr_only())
    rows = {row["Participant"]: row for row in csv_rows(client.get("/reports/", {"session": session.id,
                                                                                "format": "csv"}))}
    assert rows[absent.display_name]["Roles"] == "Finance"
    roles = csv_rows(client.get("/reports/", {"report": "roles", "session": session.id, "format": "csv"}))
    assert [(r["Role"], r["Holds the role now"]) for r in roles if r["Participant"] == absent.display_name] == [
        ("Finance", "yes")]
    assert "Bot 1" not in rows  # a bot is not a person in HR's figures
