"""HR erases a person's personal data from the person's participation page (the admin and the API use the
same service): who may, what changes, that the figures stay, and bad input."""
import pytest

from classroom.models import LedgerEntry, Participant
from classroom.reports import participation_rows_per_person
from classroom.models import Session
from game.services.chat import chat_send
from tests import factories
from tests.classroom.test_reports import make_hr_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(started_session):
    person = factories.holder(started_session, "finance")
    chat_send(participant_id=person.id, text="My phone is 0176 555", client_msg_id="c1")
    return Participant.objects.get(pk=person.id)


def figures(session_id: int) -> list[dict]:
    rows = participation_rows_per_person(sessions=Session.objects.filter(pk=session_id), date_from=None, date_to=None)
    return [{k: v for k, v in row.items() if isinstance(v, (int, float)) and not isinstance(v, bool)} for row in rows]


def test_hr_finds_the_erase_form_on_the_person_page_and_anonymises(client, person):
    client.force_login(make_hr_user())
    page = client.get(f"/reports/people/{person.id}/").content.decode()
    assert "Erase this person&#x27;s personal data on request" in page or "Erase this person's personal data" in page
    assert f'action="/reports/people/{person.id}/erase/"' in page
    assert f'href="/api/personal-data/participants/{person.id}/"' in page
    before = figures(person.session_id)

    response = client.post(f"/reports/people/{person.id}/erase/", {"mode": "anonymise", "confirm": "on"})

    assert response.status_code == 302 and response["Location"] == f"/reports/people/{person.id}/?erased=anonymise"
    erased = Participant.objects.get(pk=person.id)
    assert erased.display_name.startswith("Participant ") and erased.anonymised_at is not None
    chat = LedgerEntry.objects.get(participant=person, kind="chat")
    assert "0176" not in str(chat.detail)
    assert figures(person.session_id) == before  # every figure stays
    shown = client.get(response["Location"]).content.decode()
    assert 'role="status"' in shown and "anonymised" in shown and person.display_name not in shown


@pytest.mark.parametrize("who, status", [("other_facilitator", 403), ("facilitator", 302)])
def test_only_those_entitled_may_erase(client, person, facilitator, who, status):
    client.force_login(facilitator if who == "facilitator" else factories.make_facilitator())
    response = client.post(f"/reports/people/{person.id}/erase/", {"mode": "anonymise"})
    assert response.status_code == status
    assert (Participant.objects.get(pk=person.id).anonymised_at is None) == (status == 403)
    if status == 403:
        assert "run by someone else" in response.content.decode()


def test_bad_input_is_refused_in_words_and_nothing_changes(client, person):
    client.force_login(make_hr_user())
    response = client.post(f"/reports/people/{person.id}/erase/", {"mode": "shred"})
    assert response.status_code == 400 and "&#x27;mode&#x27; must be" in response.content.decode()
    assert client.get(f"/reports/people/{person.id}/erase/").status_code == 405
    assert client.post("/reports/people/999999/erase/", {"mode": "anonymise"}).status_code == 404
    assert Participant.objects.get(pk=person.id).display_name == person.display_name


def test_anonymous_visitors_are_sent_to_log_in(client, person):
    response = client.post(f"/reports/people/{person.id}/erase/", {"mode": "anonymise"})
    assert response.status_code == 302 and "/console/login/" in response["Location"]
    assert Participant.objects.get(pk=person.id).anonymised_at is None
