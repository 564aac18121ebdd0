"""The export audit: every report download (and API read) is filed with who, what, format, filters and rows."""
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from classroom.models import ExportRecord
from classroom.services.export_audit import export_record
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_record_keeps_who_what_format_filters_and_rows(facilitator):
    record = export_record(user=facilitator, what="participation_people", fmt="CSV",
                           filters={"session": 3, "from": date(2026, 1, 2), "to": None}, rows=12)
    record.refresh_from_db()
    assert (record.user, record.username, record.what, record.fmt, record.rows) == (
        facilitator, facilitator.username, "participation_people", "csv", 12)
    assert record.filters == {"session": 3, "from": "2026-01-02", "to": None}
    assert record.at is not None


def test_the_username_stays_when_the_account_goes(facilitator):
    record = export_record(user=facilitator, what="ledger", fmt="json", filters={}, rows=0)
    name = facilitator.username
    facilitator.sessions.all().delete()
    facilitator.delete()
    record.refresh_from_db()
    assert record.user is None and record.username == name


@pytest.mark.parametrize("kwargs", [
    {"what": "", "fmt": "csv", "rows": 1}, {"what": "x" * 61, "fmt": "csv", "rows": 1},
    {"what": "ledger", "fmt": "", "rows": 1}, {"what": "ledger", "fmt": "json", "rows": -1},
    {"what": "ledger", "fmt": "json", "rows": True}, {"what": "ledger", "fmt": "json", "rows": "3"},
])
def test_a_broken_call_fails_loudly(facilitator, kwargs):
    with pytest.raises(ValueError):
        export_record(user=facilitator, filters={}, **kwargs)
    assert not ExportRecord.objects.exists()


def test_an_anonymous_caller_is_filed_without_a_name():
    record = export_record(user=AnonymousUser(), what="ledger", fmt="json", filters={}, rows=0)
    assert record.user is None and record.username == ""


def test_a_download_from_the_reports_page_is_filed_and_a_preview_is_not(client, lobby_session, facilitator):
    factories.join_many(lobby_session, 3)
    client.force_login(facilitator)
    assert client.get(reverse("reports"), {"report": "people"}).status_code == 200
    assert not ExportRecord.objects.exists()
    response = client.get(reverse("reports"), {"report": "people", "session": lobby_session.id, "format": "csv"})
    assert response.status_code == 200
    record = ExportRecord.objects.get()
    assert (record.user, record.what, record.fmt, record.filters) == (
        facilitator, "participation_people", "csv", {"session": str(lobby_session.id)})
    assert record.rows == 3


def test_a_refused_download_is_not_filed(client, lobby_session):
    client.force_login(factories.make_facilitator())  # someone else's session
    response = client.get(reverse("reports"), {"report": "people", "session": lobby_session.id, "format": "csv"})
    assert response.status_code in (403, 404)
    assert not ExportRecord.objects.exists()


def test_the_printable_person_and_session_pages_are_filed_and_a_refused_one_is_not(client, lobby_session, facilitator):
    person = factories.join_many(lobby_session, 2)[0]
    client.force_login(factories.make_facilitator())  # someone else's session: refused, not filed
    assert client.get(reverse("report-person", args=[person.id])).status_code == 403
    assert not ExportRecord.objects.exists()
    client.force_login(facilitator)
    assert client.get(reverse("report-person", args=[person.id])).status_code == 200
    assert client.get(reverse("report-session", args=[lobby_session.id])).status_code == 200
    filed = list(ExportRecord.objects.order_by("id").values_list("what", "fmt", "filters", "rows"))
    assert filed == [("participation_person_page", "html", {"participant": person.id}, 1),
                     ("participation_session_page", "html", {"session": lobby_session.id}, 2)]
