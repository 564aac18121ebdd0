"""Finding one person for an access or erasure request: the `person` filter (part of a name, email, employee id or
learning-platform id, any case) on the reports page, its files and every API list, within what the reader may
read."""
import csv
import io

import pytest
from openpyxl import load_workbook

from classroom.services.sessions import participant_join
from tests import factories
from tests.classroom.api_helpers import auth
from tests.classroom.test_report_figures import clock, workshop  # noqa: F401  (fixtures)
from tests.classroom.test_report_pages import text_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other_session():
    session = factories.make_session(factories.make_facilitator("someone-else"))
    participant_join(join_code=session.join_code, display_name="Dora")
    return session


def csv_names(response, column: str = "Participant") -> list[str]:
    return [row[column] for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))]


def test_the_page_finds_one_person_by_email_in_any_case_and_her_sessions_only(client, workshop, other_session):
    client.force_login(factories.make_hr_only())
    page = client.get("/reports/", {"person": "CY@EXAMPLE"})
    assert page.status_code == 200
    shown = text_of(page)
    assert "Participation by person (1 row)" in shown and "Cy" in shown and "Ann" not in shown
    assert 'name="person" value="CY@EXAMPLE"' in page.content.decode()  # the search stays in the box
    assert csv_names(client.get("/reports/", {"person": "cy@example", "format": "csv"})) == ["Cy"]
    roles = client.get("/reports/", {"report": "roles", "person": "E-Cy", "format": "csv"})
    assert csv_names(roles) == ["Cy"]
    sessions = client.get("/reports/", {"report": "sessions", "person": "e-cy", "format": "csv"})
    assert csv_names(sessions, "Session") == ["Test workshop"]  # Dora's session is not hers
    assert csv_names(client.get("/reports/", {"person": "dora", "format": "csv"})) == ["Dora"]


def test_the_workbook_keeps_the_person_filter_in_every_sheet(client, workshop, other_session):
    client.force_login(factories.make_hr_only())
    book = load_workbook(io.BytesIO(client.get("/reports/", {"person": "ann", "format": "xlsx"}).content))
    people = [row[3] for row in book["People"].iter_rows(min_row=2, values_only=True)]
    roles = [row[3] for row in book["Roles"].iter_rows(min_row=2, values_only=True)]
    assert people == ["Ann"] and roles == ["Ann", "Ann"]  # director and finance
    assert [row[1] for row in book["Sessions"].iter_rows(min_row=2, values_only=True)] == ["Test workshop"]


def test_every_api_list_takes_the_person_filter(client, workshop, other_session):
    hr = auth(factories.make_hr_only())
    people = client.get("/api/reports/participation/people/", {"person": "e-ben"}, **hr).json()
    assert [r["participant"] for r in people["rows"]] == ["Ben"] and people["filters"]["person"] == "e-ben"
    sessions = client.get("/api/sessions/", {"person": "DORA"}, **hr).json()
    assert [s["id"] for s in sessions["rows"]] == [other_session.id]
    ledger = client.get("/api/ledger/", {"person": "ann@", "page_size": 100}, **hr).json()
    assert ledger["count"] > 0 and {e["participant"]["name"] for e in ledger["rows"]} == {"Ann"}
    nobody = client.get("/api/reports/participation/people/", {"person": "nobody-called-this"}, **hr).json()
    assert nobody["rows"] == [] and nobody["count"] == 0


def test_a_facilitator_finds_people_of_their_own_sessions_only(client, workshop, other_session):
    client.force_login(workshop["facilitator"])
    assert csv_names(client.get("/reports/", {"person": "dora", "format": "csv"})) == []
    assert csv_names(client.get("/reports/", {"person": "cy", "format": "csv"})) == ["Cy"]


def test_a_search_too_long_is_refused_at_its_field(client, workshop):
    hr = factories.make_hr_only()
    response = client.get("/api/reports/participation/people/", {"person": "x" * 101}, **auth(hr))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_person" and response.json()["field"] == "person"
    client.force_login(hr)
    page = client.get("/reports/", {"person": "x" * 101})
    assert page.status_code == 400 and "at most 100 characters" in text_of(page)
