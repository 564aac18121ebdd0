"""/api/ledger/: entries, filters, chat text for the session's runners only, bots left out, pages."""
from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from classroom.models import LedgerEntry, Participant
from tests import factories
from tests.classroom.api_helpers import auth, played_sessions
from tests.played import seat

pytestmark = pytest.mark.django_db(transaction=True)
LEDGER = "/api/ledger/"


@pytest.fixture
def played(facilitator):
    return played_sessions(facilitator)


def rows(client, user, **params) -> list[dict]:
    response = client.get(LEDGER, {"page_size": 500, **params}, **auth(user))
    assert response.status_code == 200, response.content
    return response.json()["rows"]


def test_hr_reads_every_entry_of_people_in_order(client, played):
    entries = rows(client, factories.make_hr_only())
    people = LedgerEntry.objects.filter(participant__is_bot=False)
    assert [e["id"] for e in entries] == list(people.order_by("at", "id").values_list("id", flat=True))
    edit = next(e for e in entries if e["kind"] == "edit" and e["detail"].get("lever") == "overtime_share")
    hr_person = seat(played["mine"].teams.get(number=1), "hr")
    assert edit["participant"] == {"id": hr_person.id, "name": hr_person.display_name}
    assert edit["session"] == played["mine"].id and edit["round"] == 1 and edit["counted"] is True
    assert edit["team"]["name"] == "Team 1" and edit["roles"] == ["hr"] and edit["at"].endswith("Z")
    assert edit["detail"] == {"lever": "overtime_share", "value": 0.1, "version": 2}
    joins = [e for e in entries if e["kind"] == "join"]
    assert len(joins) == 16 and all(e["detail"] == {} for e in joins)


def test_chat_text_only_for_those_who_run_the_session(client, played, facilitator):
    for_hr = [e for e in rows(client, factories.make_hr_only(), kind="chat")]
    assert len(for_hr) == 3 and all(e["detail"] == {"text_withheld": True} for e in for_hr)
    own = rows(client, facilitator, kind="chat")
    assert sorted(e["detail"]["text"] for e in own) == sorted(
        ["Where do we stand on overtime?", "Ten percent, and approve please", "we forgot to approve"])
    assert all("text_withheld" not in e["detail"] for e in own)
    root = get_user_model().objects.create_superuser("root", password="pw")
    assert all("text" in e["detail"] for e in rows(client, root, kind="chat"))


def test_filters(client, played):
    hr = factories.make_hr_only()
    mine = played["mine"]
    team1 = mine.teams.get(number=1)
    director = seat(team1, "director")
    assert {e["participant"]["id"] for e in rows(client, hr, participant=director.id)} == {director.id}
    assert {e["team"]["id"] for e in rows(client, hr, team=team1.id)} == {team1.id}
    assert {e["round"] for e in rows(client, hr, round=2)} == {2}
    assert {e["kind"] for e in rows(client, hr, kind="approve")} == {"approve"}
    assert {e["session"] for e in rows(client, hr, session=played["theirs"].id)} == {played["theirs"].id}
    no_ops = rows(client, hr, counted="false")
    assert [e["id"] for e in no_ops] == list(LedgerEntry.objects.filter(counted=False).order_by("at", "id")
                                             .values_list("id", flat=True))
    assert all(not e["counted"] for e in no_ops) and all(e["counted"] for e in rows(client, hr, counted="true"))
    echoed = client.get(LEDGER, {"kind": "chat", "round": 1}, **auth(hr)).json()["filters"]
    assert echoed == {"session": None, "from": None, "to": None, "person": None, "participant": None, "kind": "chat",
                      "team": None, "round": 1, "counted": None}


def test_counted_edits_add_up_to_the_people_report(client, played):
    hr = factories.make_hr_only()
    report = client.get("/api/reports/participation/people/", {"session": played["mine"].id}, **auth(hr)).json()
    edits = Counter(e["participant"]["name"] for e in rows(client, hr, kind="edit", counted="true",
                                                            session=played["mine"].id))
    approvals = Counter(e["participant"]["name"] for e in rows(client, hr, kind="approve", counted="true",
                                                                session=played["mine"].id))
    for row in report["rows"]:
        assert (row["edits"], row["approvals"]) == (edits[row["participant"]], approvals[row["participant"]])


def test_bots_are_not_in_the_ledger(client, played):
    team = played["mine"].teams.get(number=2)
    bot = Participant.objects.create(session=played["mine"], display_name="Bot", is_bot=True, team=team)
    LedgerEntry.objects.create(session=played["mine"], team=team, participant=bot, kind=LedgerEntry.Kind.JOIN)
    assert bot.id not in {e["participant"]["id"] for e in rows(client, factories.make_hr_only())}


def test_facilitator_reads_own_sessions_only(client, played, facilitator):
    assert {e["session"] for e in rows(client, facilitator)} == {played["mine"].id}
    denied = client.get(LEDGER, {"session": played["theirs"].id}, **auth(facilitator))
    assert denied.status_code == 403 and denied.json()["field"] == "session"
    assert client.get(LEDGER).status_code == 401


@pytest.mark.parametrize("params, field", [
    ({"kind": "gossip"}, "kind"), ({"participant": "x"}, "participant"), ({"team": "-1"}, "team"),
    ({"round": "0"}, "round"), ({"round": "123456"}, "round"), ({"counted": "maybe"}, "counted"),
    ({"from": "2026-02-30"}, "from"), ({"page_size": "1000"}, "page_size"), ({"page": "two"}, "page"),
    ({"kind": "chat\x00"}, "kind"),  # refused by classroom/text_input.py before the view, in the same shape
])
def test_bad_parameters_are_named(client, played, params, field):
    response = client.get(LEDGER, params, **auth(factories.make_hr_only()))
    assert response.status_code == 400 and response.json()["field"] == field and field in response.json()["message"]


def test_pages_follow_next_with_the_filters(client, played):
    hr = auth(factories.make_hr_only())
    everything = client.get(LEDGER, {"kind": "join", "page_size": 500}, **hr).json()["rows"]
    link, seen = f"{LEDGER}?kind=join&page_size=7", []
    while link:
        page = client.get(link, **hr).json()
        assert page["count"] == 16 and all(e["kind"] == "join" for e in page["rows"])
        seen += page["rows"]
        link = page["next"]
    assert seen == everything
    assert client.get(LEDGER, {"kind": "join", "page_size": 7, "page": 4}, **hr).status_code == 404


def test_each_read_is_filed_in_the_export_audit(client, played):
    from classroom.models import ExportRecord

    hr = factories.make_hr_only()
    client.get(LEDGER, {"kind": "chat", "page_size": 2}, **auth(hr))
    (record,) = ExportRecord.objects.all()
    assert (record.user, record.what, record.fmt, record.rows) == (hr, "ledger", "json", 2)
    assert record.filters["kind"] == "chat" and record.filters["page_size"] == 2


def test_an_erased_persons_chat_stays_counted_without_its_text(client, played, facilitator):
    from classroom.services.personal_data import participant_personal_data_erase

    writer = seat(played["mine"].teams.get(number=3), "engineering")  # "we forgot to approve"
    participant_personal_data_erase(participant_id=writer.id, by=facilitator, mode="anonymise")
    (for_hr,) = rows(client, factories.make_hr_only(), kind="chat", participant=writer.id)
    assert for_hr["detail"] == {"redacted": True, "text_withheld": True} and for_hr["counted"] is True
    (own,) = rows(client, facilitator, kind="chat", participant=writer.id)
    assert own["detail"]["redacted"] is True and "we forgot" not in own["detail"].get("text", "")
    assert own["participant"]["name"] != writer.display_name  # the anonymous label
