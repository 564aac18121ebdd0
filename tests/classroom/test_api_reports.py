"""The reports API over every kind in REPORT_KINDS, and pagination of its JSON rows."""
import csv
import io

import pytest
from django.urls import reverse

from classroom.api_pagination import PAGE_SIZE, PAGE_SIZE_MAX
from classroom.api_reports import report_columns
from classroom.report_filters import REPORT_KINDS
from tests import factories
from tests.classroom.api_helpers import auth, played_sessions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def played(facilitator):
    return played_sessions(facilitator)


def url(kind: str) -> str:
    return f"/api/reports/participation/{kind}/"


def test_every_kind_has_columns_and_a_named_endpoint():
    for kind in REPORT_KINDS:
        assert report_columns(kind), f"report kind {kind!r} has no columns to document its API rows"
        assert reverse(f"api-report-{kind}") == url(kind)
    assert reverse("api-report-people") == url("people") and reverse("api-report-sessions") == url("sessions")


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_each_kind_answers_json_rows_with_its_columns(client, played, kind):
    response = client.get(url(kind), **auth(factories.make_hr_only()))
    assert response.status_code == 200
    body = response.json()
    assert body["report"] == kind and body["timezone"] == "UTC" and body["count"] == len(body["rows"]) > 0
    keys = [c.key for c in report_columns(kind)]
    assert all(list(row) == keys for row in body["rows"])
    assert body["page"] == 1 and body["pages"] == 1 and body["next"] is None and body["previous"] is None


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_each_kind_is_documented_with_its_columns(client, kind):
    schema = client.get("/api/schema/", {"format": "json"}, **auth(factories.make_hr_only())).json()
    ok = schema["paths"][url(kind)]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    envelope = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert {"count", "page", "page_size", "pages", "next", "previous", "rows", "filters"} <= set(envelope["properties"])
    row_ref = envelope["properties"]["rows"]["items"]["$ref"].rsplit("/", 1)[1]
    assert list(schema["components"]["schemas"][row_ref]["properties"]) == [c.key for c in report_columns(kind)]


def test_unknown_kind_is_a_json_404_listing_the_kinds(client, played):
    response = client.get(url("payroll"), **auth(factories.make_hr_only()))
    assert response.status_code == 404 and response.json()["code"] == "unknown_report"
    assert all(kind in response.json()["message"] for kind in REPORT_KINDS)


def test_pages_walk_the_whole_report_in_order(client, played):
    hr = auth(factories.make_hr_only())
    whole = client.get(url("people"), **hr).json()
    assert whole["count"] == 16 and whole["page_size"] == PAGE_SIZE  # 12 + 4 people
    seen, link, pages = [], url("people") + "?page_size=5", 0
    while link:
        page = client.get(link, **hr).json()
        pages += 1
        assert page["count"] == 16 and page["pages"] == 4 and page["page_size"] == 5
        assert len(page["rows"]) == (5 if page["page"] < 4 else 1)
        seen += page["rows"]
        link = page["next"]
    assert pages == 4 and seen == whole["rows"]
    third = client.get(url("people"), {"page": 3, "page_size": 5}, **hr).json()
    assert third["previous"].startswith("http://testserver/api/reports/participation/people/?")
    assert "page=2" in third["previous"] and "page_size=5" in third["previous"]
    second = client.get(third["previous"], **hr).json()
    assert "page=" not in second["previous"] and "page_size=5" in second["previous"]  # page 1 needs no page=


def test_pages_keep_the_filters(client, played):
    hr = auth(factories.make_hr_only())
    mine = played["mine"].id
    first = client.get(url("people"), {"session": mine, "page_size": 5}, **hr).json()
    assert first["count"] == 12 and f"session={mine}" in first["next"]
    assert first["filters"] == {"session": mine, "from": None, "to": None, "person": None}


@pytest.mark.parametrize("params, status, code, field", [
    ({"page": "x"}, 400, "invalid_page", "page"),
    ({"page": "0"}, 400, "invalid_page", "page"),
    ({"page": "-2"}, 400, "invalid_page", "page"),
    ({"page_size": "many"}, 400, "invalid_page_size", "page_size"),
    ({"page_size": "0"}, 400, "invalid_page_size", "page_size"),
    ({"page_size": str(PAGE_SIZE_MAX + 1)}, 400, "page_size_too_large", "page_size"),
    ({"page": "2"}, 404, "no_such_page", "page"),
    ({"page": "2", "format": "csv"}, 400, "not_paginated", "page"),
    ({"page_size": "5", "format": "xlsx"}, 400, "not_paginated", "page_size"),
])
def test_bad_page_parameters_are_named(client, played, params, status, code, field):
    response = client.get(url("people"), params, **auth(factories.make_hr_only()))
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["field"] == field and f"{field}" in body["message"]


def test_largest_page_size_is_accepted(client, played):
    response = client.get(url("people"), {"page_size": PAGE_SIZE_MAX}, **auth(factories.make_hr_only()))
    assert response.status_code == 200 and response.json()["page_size"] == PAGE_SIZE_MAX


def test_csv_download_is_the_whole_report_not_a_page(client, played):
    response = client.get(url("people"), {"format": "csv"}, **auth(factories.make_hr_only()))
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response.status_code == 200 and len(table) == 1 + 16


def test_facilitator_reads_own_sessions_only_on_every_kind(client, played, facilitator):
    for kind in REPORT_KINDS:
        rows = client.get(url(kind), **auth(facilitator)).json()["rows"]
        assert rows and {row["session_id"] for row in rows} == {played["mine"].id}
        denied = client.get(url(kind), {"session": played["theirs"].id}, **auth(facilitator))
        assert denied.status_code == 403 and denied.json()["field"] == "session"


def test_each_read_is_filed_in_the_export_audit(client, played):
    from classroom.models import ExportRecord

    hr = factories.make_hr_only()
    mine = played["mine"].id
    client.get(url("people"), {"session": mine, "page": 2, "page_size": 5}, **auth(hr))
    client.get(url("teams"), {"format": "csv"}, **auth(hr))
    client.get(url("people"), {"page_size": 9999}, **auth(hr))  # refused: nothing handed out, nothing filed
    page, download = ExportRecord.objects.order_by("id")
    assert (page.user, page.what, page.fmt, page.rows) == (hr, "participation_people", "json", 5)
    assert page.filters == {"session": str(mine), "page": 2, "page_size": 5}
    assert (download.what, download.fmt, download.filters) == ("participation_teams", "csv", {})
    assert download.rows == len(client.get(url("teams"), **auth(hr)).json()["rows"])
