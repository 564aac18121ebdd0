"""The reports REST API (token auth), the console page and the create_hr_user command."""
import csv
import io
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from classroom.models import Session
from tests import factories
from tests.classroom.test_reports import make_hr_user, play_workshop

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = "/api/reports/participation/people/"
SESSIONS = "/api/reports/participation/sessions/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def token_for(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@pytest.fixture
def workshops(facilitator):
    """Two finished workshops: one of `facilitator`, one of someone else."""
    mine = play_workshop(facilitator, names=["Ann", "Ben", "Cat", "Dov"])["session"]
    other = factories.make_facilitator("other")
    theirs = play_workshop(other, names=["=Eve", "Fay", "Gus", "Hal"])["session"]
    return {"mine": mine, "theirs": theirs, "other": other}


def names(response) -> list[str]:
    return sorted(row["participant"] for row in response.json()["rows"])


def test_hr_token_sees_every_session_as_json(client, workshops):
    hr = make_hr_user()
    response = client.get(PEOPLE, **token_for(hr))
    assert response.status_code == 200
    body = response.json()
    assert body["report"] == "people" and body["timezone"] == "UTC" and body["count"] == 8
    assert names(response) == sorted(["Ann", "Ben", "Cat", "Dov", "=Eve", "Fay", "Gus", "Hal"])
    ann = next(r for r in body["rows"] if r["participant"] == "Ann")
    assert ann["joined_at"] == "2026-03-10T09:00:00Z" and ann["session_date"] == "2026-03-10"
    assert isinstance(ann["minutes_connected"], float) and isinstance(ann["edits"], int)
    sessions = client.get(SESSIONS, **token_for(hr)).json()
    assert sessions["count"] == 2 and {r["aligned_share"] for r in sessions["rows"]} == {0.5}


def test_superuser_sees_every_session(client, workshops):
    root = get_user_model().objects.create_superuser("root", password="pw")
    assert client.get(SESSIONS, **token_for(root)).json()["count"] == 2


def test_facilitator_sees_only_own_sessions(client, workshops, facilitator):
    auth = token_for(facilitator)
    assert names(client.get(PEOPLE, **auth)) == ["Ann", "Ben", "Cat", "Dov"]
    assert [r["session_id"] for r in client.get(SESSIONS, **auth).json()["rows"]] == [workshops["mine"].id]
    denied = client.get(PEOPLE, {"session": workshops["theirs"].id}, **auth)
    assert denied.status_code == 403
    assert denied.json()["field"] == "session" and "own sessions" in denied.json()["message"]


def test_user_without_sessions_or_hr_is_refused_clearly(client, workshops):
    response = client.get(PEOPLE, **token_for(factories.make_facilitator("nobody")))
    assert response.status_code == 403
    assert response.json()["code"] == "reports_forbidden" and "'hr'" in response.json()["message"]


def test_anonymous_and_bad_tokens_get_401(client, workshops):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Token not-a-real-token"}):
        response = client.get(PEOPLE, **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert "Authorization: Token" in response.json()["message"]


def test_filters_by_session_and_dates(client, workshops, facilitator):
    hr = token_for(make_hr_user())
    assert names(client.get(PEOPLE, {"session": workshops["theirs"].id}, **hr)) == ["=Eve", "Fay", "Gus", "Hal"]
    Session.objects.filter(pk=workshops["theirs"].pk).update(
        created_at=datetime(2026, 4, 2, 10, tzinfo=dt_timezone.utc))
    march = client.get(PEOPLE, {"from": "2026-03-01", "to": "2026-03-31"}, **hr)
    assert names(march) == ["Ann", "Ben", "Cat", "Dov"]
    assert march.json()["filters"] == {"session": None, "from": "2026-03-01", "to": "2026-03-31", "person": None}
    assert client.get(SESSIONS, {"from": "2026-04-02"}, **hr).json()["rows"][0]["session_id"] == workshops["theirs"].id
    assert client.get(SESSIONS, {"to": "2026-03-01"}, **hr).json()["count"] == 0


@pytest.mark.parametrize("params, status, field", [
    ({"from": "2026-13-01"}, 400, "from"),
    ({"to": "not-a-date"}, 400, "to"),
    ({"from": "2026-03-02", "to": "2026-03-01"}, 400, "from"),
    ({"session": "x1"}, 400, "session"),
    ({"session": "999999"}, 404, "session"),
    ({"format": "pdf"}, 400, "format"),
])
def test_bad_input_is_a_json_error_naming_the_parameter(client, workshops, params, status, field):
    response = client.get(PEOPLE, params, **token_for(make_hr_user()))
    assert response.status_code == status and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["field"] == field and field in body["message"] and body["code"]


def test_csv_download(client, workshops):
    response = client.get(PEOPLE, {"format": "csv", "session": workshops["theirs"].id}, **token_for(make_hr_user()))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'participation-people-session{workshops["theirs"].id}-' in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][3] == "Participant" and len(table) == 5
    assert sorted(r[3] for r in table[1:]) == ["'=Eve", "Fay", "Gus", "Hal"]


def test_xlsx_download(client, workshops, facilitator):
    response = client.get(SESSIONS, {"format": "xlsx"}, **token_for(facilitator))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["People", "Roles", "Teams", "Sessions", "About"]  # every view, whichever was asked
    sheet = book["Sessions"]
    assert book.active.title == "Sessions"  # the workbook opens on the view asked for
    header = [c.value for c in sheet[1]]
    (row,) = list(sheet.iter_rows(min_row=2, values_only=True))
    record = dict(zip(header, row))
    assert record["Session id"] == workshops["mine"].id and record["Participants"] == 4
    assert record["Average minutes connected"] == 34.0 and record["Aligned share of team-rounds"] == 0.5
    assert record["Finished at (UTC)"] == datetime(2026, 3, 10, 10, 0)


def test_schema_documents_the_report_endpoints(client):
    assert client.get("/api/schema/").status_code == 401  # the schema needs a login or a token, like the API
    response = client.get("/api/schema/", **token_for(make_hr_user()))
    assert response.status_code == 200
    text = response.content.decode()
    assert PEOPLE in text and SESSIONS in text and "minutes_connected" in text and "aligned_share" in text


# --- the console page -------------------------------------------------------------------------

def test_page_needs_login(client):
    response = client.get("/reports/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]


def test_page_shows_preview_and_download_links(client, workshops):
    client.force_login(make_hr_user())
    page = client.get("/reports/", {"session": workshops["mine"].id})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Participation by person" in text and "Ann" in text and "Eve" not in text
    assert f"?report=people&amp;session={workshops['mine'].id}&amp;format=csv" in text
    assert "format=xlsx" in text and "&lt;script" not in text
    download = client.get("/reports/", {"report": "sessions", "format": "xlsx"})
    assert download["Content-Type"] == XLSX and load_workbook(io.BytesIO(download.content)).active.max_row == 3


def test_page_shows_errors_and_refusals(client, workshops, facilitator):
    client.force_login(facilitator)
    bad = client.get("/reports/", {"from": "2026-13-01"})
    assert bad.status_code == 400 and "&#x27;from&#x27; must be a real date" in bad.content.decode()
    assert 'aria-invalid="true"' in bad.content.decode()
    forbidden = client.get("/reports/", {"session": workshops["theirs"].id})
    assert forbidden.status_code == 403 and "own sessions" in forbidden.content.decode()
    assert client.get("/reports/", {"report": "payroll"}).status_code == 400
    assert client.get("/reports/", {"session": "123456"}).status_code == 404
    client.force_login(factories.make_facilitator("nobody"))
    refused = client.get("/reports/")
    assert refused.status_code == 403 and "Ask an administrator" in refused.content.decode()
    assert "<form method=\"get\"" not in refused.content.decode()


# --- create_hr_user -----------------------------------------------------------------------------

def test_create_hr_user_prints_a_working_token_and_rotates_it(client, workshops):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_hr_user", "hanna", "--email", "hanna@example.com", stdout=out, stderr=err)
    key = out.getvalue().strip()
    user = get_user_model().objects.get(username="hanna")
    assert user.groups.filter(name="hr").exists() and user.email == "hanna@example.com"
    assert not user.has_usable_password() and "Created" in err.getvalue()
    assert client.get(SESSIONS, HTTP_AUTHORIZATION=f"Token {key}").json()["count"] == 2
    again = io.StringIO()
    call_command("create_hr_user", "hanna", "--password", "s3cret-pass", stdout=again, stderr=io.StringIO())
    new_key = again.getvalue().strip()
    assert new_key != key
    assert client.get(SESSIONS, HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert client.get(SESSIONS, HTTP_AUTHORIZATION=f"Token {new_key}").status_code == 200
    assert client.login(username="hanna", password="s3cret-pass")
    assert client.get("/reports/").status_code == 200


def test_dates_in_json_are_utc(client, workshops):
    rows = client.get(PEOPLE, **token_for(make_hr_user())).json()["rows"]
    parsed = datetime.fromisoformat(rows[0]["last_activity"].replace("Z", "+00:00"))
    assert parsed.utcoffset() == timedelta(0)
