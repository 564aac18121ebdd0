"""Personal data: a session asks only what it says, a join stores only that, and erasing a person or a session
leaves nothing personal while every figure of the participation reports stays the same."""
import json

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.authtoken.models import Token

from classroom.errors import Forbidden, LabError, NotFound
from classroom.models import Connection, ExportRecord, LedgerEntry, Participant, Session
from classroom.report_filters import ReportFilter
from classroom.reports import HR_GROUP, participation_report
from classroom.services import personal_data as pd
from classroom.services.presence import connection_close, connection_open
from classroom.services.sessions import participant_join
from game import engine
from game.models import PackageVersion
from game.services import rounds
from game.services.chat import chat_send
from game.services.packages import package_approve, package_edit
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)  # closing rounds and events run on commit

CHATS = ("my phone is 0612345678", "see you at the canteen, Alice")


def asking(session: Session, *, email=True, employee_id=True, purpose="To record attendance for HR.", days=30):
    Session.objects.filter(pk=session.pk).update(asks_email=email, asks_employee_id=employee_id,
                                                 personal_data_purpose=purpose, retention_days=days)
    session.refresh_from_db()
    return session


def workshop(facilitator) -> Session:
    """Four people with email and employee id play round 1 (edits, a no-op edit, approvals, chat, sockets)
    and the session ends."""
    session = asking(factories.make_session(facilitator, rounds_count=2))
    for i, name in enumerate(["Alice Martin", "Bob Stone", "Cara Diaz", "Dan Olsen"]):
        participant_join(join_code=session.join_code, display_name=name, email=f"person{i}@example.com",
                         employee_id=f"EMP-{i:04d}")
    people = {role: factories.holder(session, role) for role in engine.ROLES}
    chat_send(participant_id=people["hr"].id, text=CHATS[0], client_msg_id="c1")
    factories.start(session, facilitator)
    factories.committed(session)
    for person in people.values():
        connection_open(participant_id=person.id, channel_name=f"sock-{person.id}")
    director = people["director"]
    package_edit(participant_id=director.id, lever="production_target", value=12000, base_version=1,
                 client_msg_id="e1")
    package_edit(participant_id=director.id, lever="production_target", value=12000, base_version=2,
                 client_msg_id="e2")  # changes nothing: filed, not counted
    chat_send(participant_id=director.id, text=CHATS[1], client_msg_id="c2")
    connection_close(channel_name=f"sock-{people['finance'].id}")
    for role in engine.ROLES:
        package_approve(participant_id=people[role].id, version=2, client_msg_id=f"a-{role}")
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=2)
    for person in people.values():
        connection_close(channel_name=f"sock-{person.id}")
    session.refresh_from_db()
    return session


def hr_user():
    return factories.make_hr_only()


def figures(user, session: Session) -> dict:
    """Every numeric column of both participation reports, row by row."""
    out = {}
    for kind in ("people", "sessions"):
        report = participation_report(user=user, kind=kind, filters=ReportFilter(session_id=session.id))
        numeric = [c.key for c in report.columns if c.kind in ("int", "float", "percent")]
        out[kind] = [[row[key] for key in numeric] for row in report.rows]
    return out


def personal_texts(session: Session) -> list[str]:
    """Every text the database holds about the session's people: all their fields, their ledger details and
    the package versions they authored (as the author's name)."""
    texts = []
    for person in Participant.objects.filter(session=session, is_bot=False):
        texts += [person.display_name, person.email, person.employee_id, person.rejoin_token, person.rejoin_code,
                  str(person)]
    for entry in LedgerEntry.objects.filter(session=session):
        texts += [json.dumps(entry.detail), entry.client_msg_id or "", entry.role]
    for version in PackageVersion.objects.filter(team__session=session, author__isnull=False):
        texts.append(str(version.author))
    return texts


# --- What a session asks, and the join -------------------------------------------------------------------


def test_a_new_session_asks_nothing_by_default_and_keeps_for_the_setting(facilitator, settings):
    settings.LAB_PERSONAL_DATA_RETENTION_DAYS = 45
    session = factories.make_session(facilitator)
    assert (session.asks_email, session.asks_employee_id, session.retention_days) == (False, False, 45)
    assert pd.personal_data_notice(session=session) is None


def test_a_session_that_asks_nothing_stores_nothing_sent(lobby_session):
    person = participant_join(join_code=lobby_session.join_code, display_name="Ada", email="ada@example.com",
                              employee_id="E1")
    person.refresh_from_db()
    assert (person.email, person.employee_id) == ("", "")


def test_only_what_is_asked_is_stored(lobby_session):
    asking(lobby_session, email=True, employee_id=False)
    person = participant_join(join_code=lobby_session.join_code, display_name="Ada", email=" ada@example.com ",
                              employee_id="E1")
    person.refresh_from_db()
    assert (person.email, person.employee_id) == ("ada@example.com", "")


@pytest.mark.parametrize("email, employee_id, code, field", [
    ("", "E1", "email_required", "email"),
    ("not-an-email", "E1", "invalid_email", "email"),
    ("a@b", "E1", "invalid_email", "email"),
    ("x" * 250 + "@example.com", "E1", "invalid_email", "email"),
    ("ada@example.com", "  ", "employee_id_required", "employee_id"),
    ("ada@example.com", "E" * 41, "invalid_employee_id", "employee_id"),
])
def test_asked_data_is_required_and_checked_at_its_field(lobby_session, email, employee_id, code, field):
    asking(lobby_session)
    with pytest.raises(LabError) as exc:
        participant_join(join_code=lobby_session.join_code, display_name="Ada", email=email, employee_id=employee_id)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not Participant.objects.filter(session=lobby_session).exists()


@pytest.mark.parametrize("kwargs, field", [
    ({"retention_days": "0"}, "retention_days"), ({"retention_days": "3651"}, "retention_days"),
    ({"retention_days": "2.5"}, "retention_days"), ({"retention_days": True}, "retention_days"),
    ({"purpose": "x" * 301}, "personal_data_purpose"), ({"purpose": "a\x00b"}, "personal_data_purpose"),
])
def test_a_bad_policy_is_refused_at_its_field(kwargs, field):
    with pytest.raises(LabError) as exc:
        pd.personal_data_policy_clean(**kwargs)
    assert exc.value.field == field


def test_the_policy_reads_a_form(settings):
    policy = pd.personal_data_policy_clean(asks_email="on", asks_employee_id="", purpose="  For   HR. ",
                                           retention_days=" 12 ")
    assert policy == pd.PersonalDataPolicy(True, False, "For HR.", 12)
    default = pd.personal_data_policy_clean(purpose="")
    assert default.purpose and default.retention_days == settings.LAB_PERSONAL_DATA_RETENTION_DAYS


def test_the_console_creates_a_session_with_its_policy(client, facilitator):
    client.force_login(facilitator)
    page = client.get(reverse("console")).content.decode()
    assert 'name="asks_email"' in page and f'maxlength="{pd.PURPOSE_MAX}"' in page
    assert f'max="{pd.RETENTION_DAYS_RANGE[1]}"' in page
    response = client.post(reverse("session-new"), {
        "name": "Cohort 9", "scenario_name": "demo", "rounds": "2", "minutes_per_round": "5", "seed": "1",
        "asks_employee_id": "on", "purpose": "Attendance for the training record.", "retention_days": "14"})
    assert response.status_code == 302
    session = Session.objects.get(name="Cohort 9")
    assert (session.asks_email, session.asks_employee_id, session.personal_data_purpose, session.retention_days) == (
        False, True, "Attendance for the training record.", 14)


def test_the_console_refuses_a_bad_retention_at_the_field(client, facilitator):
    client.force_login(facilitator)
    response = client.post(reverse("session-new"), {
        "name": "Cohort 9", "scenario_name": "demo", "rounds": "2", "minutes_per_round": "5", "seed": "1",
        "retention_days": "0"})
    assert response.status_code == 400
    assert 'data-field="retention_days"' in response.content.decode()
    assert not Session.objects.filter(name="Cohort 9").exists()


def test_the_join_page_shows_the_fields_why_and_how_long_only_when_asked(client, lobby_session):
    plain = client.get(reverse("join-code", args=[lobby_session.join_code])).content.decode()
    assert 'name="email"' not in plain and 'name="employee_id"' not in plain
    asking(lobby_session, email=True, employee_id=False, purpose="So HR can log your training hours.", days=30)
    page = client.get(reverse("join-code", args=[lobby_session.join_code])).content.decode()
    assert 'name="email"' in page and 'name="employee_id"' not in page
    assert "So HR can log your training hours." in page and "30 days" in page
    assert 'name="email"' not in client.get(reverse("home")).content.decode()  # no session known yet


def test_a_typed_code_that_asks_comes_back_with_the_fields_and_the_error_at_them(client, lobby_session):
    asking(lobby_session)
    response = client.post(reverse("join"), {"join_code": lobby_session.join_code, "display_name": "Ada"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="email-error"' in page and 'aria-invalid="true"' in page and 'name="employee_id"' in page
    response = client.post(reverse("join"), {"join_code": lobby_session.join_code, "display_name": "Ada",
                                             "email": "nope", "employee_id": "E7"})
    assert response.status_code == 400 and 'data-code="invalid_email"' in response.content.decode()
    response = client.post(reverse("join"), {"join_code": lobby_session.join_code, "display_name": "Ada",
                                             "email": "ada@example.com", "employee_id": "E7"})
    assert response.status_code == 302
    assert Participant.objects.filter(email="ada@example.com", employee_id="E7").count() == 1


# --- Erasing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["anonymise", "delete"])
def test_erasing_a_session_leaves_nothing_personal_and_every_figure(facilitator, mode):
    session = workshop(facilitator)
    hr = hr_user()
    before = figures(hr, session)
    secrets = [v for p in Participant.objects.filter(session=session)
               for v in (p.display_name, p.email, p.employee_id, p.rejoin_token, p.rejoin_code)] + list(CHATS)
    assert pd.session_personal_data_erase(session_id=session.id, by=hr, mode=mode) == 4
    texts = personal_texts(session)
    for secret in secrets:
        assert not any(secret in text for text in texts), secret
    assert figures(hr, session) == before
    people = Participant.objects.filter(session=session).order_by("joined_at", "id")
    assert [p.display_name for p in people] == [f"Participant {n}" for n in range(1, 5)]
    assert all(p.anonymised_at for p in people)


def test_delete_also_removes_what_no_figure_needs_and_anonymise_keeps_it(facilitator):
    session = workshop(facilitator)
    director = factories.holder(session, "director")
    finance = factories.holder(session, "finance")
    assert LedgerEntry.objects.filter(participant=director, counted=False).exists()
    pd.participant_personal_data_erase(participant_id=finance.id, by=facilitator, mode="anonymise")
    assert Connection.objects.filter(participant=finance).exists()
    assert LedgerEntry.objects.filter(participant=finance).exclude(client_msg_id=None).exists()
    pd.participant_personal_data_erase(participant_id=director.id, by=facilitator, mode="delete")
    assert not LedgerEntry.objects.filter(participant=director, counted=False).exists()
    assert not LedgerEntry.objects.filter(participant=director).exclude(client_msg_id=None).exists()
    assert not Connection.objects.filter(participant=director).exists()
    chat = LedgerEntry.objects.get(participant=director, kind="chat")
    assert chat.detail == {"redacted": True}
    director.refresh_from_db()
    assert director.last_seen_at is None


def test_anonymise_keeps_the_chat_entry_with_a_neutral_text(facilitator):
    session = workshop(facilitator)
    hr = factories.holder(session, "hr")
    pd.participant_personal_data_erase(participant_id=hr.id, by=facilitator, mode="anonymise")
    chat = LedgerEntry.objects.get(participant=hr, kind="chat")
    assert chat.detail == {"text": pd.REDACTED_TEXT, "redacted": True} and chat.counted


def test_an_erased_person_cannot_get_back_in_and_the_label_stays_on_repeat(started_session, facilitator):
    person = Participant.objects.filter(session=started_session).order_by("joined_at", "id")[2]
    old_token, old_code, old_name = person.rejoin_token, person.rejoin_code, person.display_name
    erased = pd.participant_personal_data_erase(participant_id=person.id, by=facilitator)
    assert erased.display_name == "Participant 3"
    assert (erased.rejoin_token, erased.rejoin_code) != (old_token, old_code)
    first = erased.anonymised_at
    again = pd.participant_personal_data_erase(participant_id=person.id, by=facilitator)
    assert again.display_name == "Participant 3" and again.anonymised_at == first
    assert not Participant.objects.filter(rejoin_token=old_token).exists()
    assert not Participant.objects.filter(display_name=old_name).exists()


def test_the_label_is_unique_when_someone_is_called_that(lobby_session, facilitator):
    first = participant_join(join_code=lobby_session.join_code, display_name="Ada")
    participant_join(join_code=lobby_session.join_code, display_name="participant 1")
    erased = pd.participant_personal_data_erase(participant_id=first.id, by=facilitator)
    assert erased.display_name == "Participant 2"  # "participant 1" is taken (names are case-insensitive)
    names = [n.lower() for n in Participant.objects.filter(session=lobby_session).values_list("display_name", flat=True)]
    assert len(names) == len(set(names))


def test_who_may_erase(started_session, facilitator, django_user_model):
    person = factories.holder(started_session, "hr")
    other_facilitator = factories.make_facilitator()
    nobody = django_user_model.objects.create_user("nobody", password="pw")
    for user in (other_facilitator, nobody):
        with pytest.raises(Forbidden):
            pd.participant_personal_data_erase(participant_id=person.id, by=user)
        with pytest.raises(Forbidden):
            pd.session_personal_data_erase(session_id=started_session.id, by=user)
    with pytest.raises(Forbidden):
        pd.participant_personal_data_erase(participant_id=person.id, by=None)
    person.refresh_from_db()
    assert person.anonymised_at is None
    pd.participant_personal_data_erase(participant_id=person.id, by=hr_user())  # HR: any session
    superuser = django_user_model.objects.create_superuser("root", password="pw")
    assert pd.session_personal_data_erase(session_id=started_session.id, by=superuser) == 4


def test_unknown_ids_and_modes(started_session, facilitator):
    with pytest.raises(NotFound):
        pd.participant_personal_data_erase(participant_id=10**9, by=facilitator)
    with pytest.raises(NotFound):
        pd.session_personal_data_erase(session_id=10**9, by=facilitator)
    person = factories.holder(started_session, "hr")
    with pytest.raises(LabError) as exc:
        pd.participant_personal_data_erase(participant_id=person.id, by=facilitator, mode="shred")
    assert exc.value.field == "mode"


def test_bots_are_not_people(lobby_session, facilitator):
    from game.bots.service import bots_fill

    factories.join_many(lobby_session, 2)
    assert bots_fill(session_id=lobby_session.id, user=facilitator) == 2
    bots = list(Participant.objects.filter(session=lobby_session, is_bot=True).values_list("display_name", flat=True))
    assert pd.session_personal_data_erase(session_id=lobby_session.id, by=facilitator) == 2
    assert list(Participant.objects.filter(session=lobby_session, is_bot=True)
                .values_list("display_name", flat=True)) == bots


@pytest.mark.asyncio
async def test_the_erased_persons_sockets_are_told_and_closed(started_session, facilitator):
    from tests.game.test_consumers import communicator, connect

    hr = await database_sync_to_async(
        lambda: Participant.objects.select_related("session").get(pk=factories.holder(started_session, "hr").pk))()
    socket, _ = await connect(hr)
    await database_sync_to_async(pd.participant_personal_data_erase)(participant_id=hr.id, by=facilitator)
    told = False
    while True:
        frame = await socket.receive_output(timeout=5)
        if frame["type"] == "websocket.close":
            assert frame["code"] == 4401
            break
        told = told or '"participant.erased"' in frame.get("text", "")
    assert told
    again = communicator(hr)  # the old cookie's token was replaced
    connected, _ = await again.connect()
    assert connected and await again.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    await again.disconnect()


# --- The API ---------------------------------------------------------------------------------------------


def api(client, user):
    token, _ = Token.objects.get_or_create(user=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_api_erases_a_participant_and_a_session(client, started_session, facilitator):
    person = factories.holder(started_session, "hr")
    api(client, hr_user())
    response = client.post(f"/api/personal-data/participants/{person.id}/erase/", {"mode": "delete"},
                           content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["participant"] == person.id and body["mode"] == "delete" and body["display_name"].startswith(
        "Participant ")
    response = client.post(f"/api/personal-data/sessions/{started_session.id}/erase/", {"mode": "anonymise"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json() == {"session": started_session.id, "mode": "anonymise",
                                                                "participants": 4}
    assert not Participant.objects.filter(session=started_session, anonymised_at__isnull=True).exists()


@pytest.mark.parametrize("path, body, status, code", [
    ("participants/{pid}/erase/", {"mode": "shred"}, 400, "invalid_mode"),
    ("participants/{pid}/erase/", {}, 400, "invalid_mode"),
    ("participants/abc/erase/", {"mode": "anonymise"}, 404, "unknown_participant"),
    ("participants/999999999/erase/", {"mode": "anonymise"}, 404, "unknown_participant"),
    ("sessions/999999999/erase/", {"mode": "anonymise"}, 404, "unknown_session"),
])
def test_api_errors_name_what_to_fix(client, started_session, path, body, status, code):
    person = factories.holder(started_session, "hr")
    api(client, hr_user())
    response = client.post("/api/personal-data/" + path.format(pid=person.id), body, content_type="application/json")
    assert response.status_code == status and response.json()["code"] == code
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_api_refuses_strangers_and_anonymous(client, started_session):
    person = factories.holder(started_session, "hr")
    response = client.post(f"/api/personal-data/participants/{person.id}/erase/", {"mode": "anonymise"},
                           content_type="application/json")
    assert response.status_code == 401 and set(response.json()) == {"code", "message", "field"}
    api(client, factories.make_facilitator())
    response = client.post(f"/api/personal-data/sessions/{started_session.id}/erase/", {"mode": "anonymise"},
                           content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "personal_data_forbidden"
    response = client.get(f"/api/personal-data/participants/{person.id}/")
    assert response.status_code == 403
    assert not Participant.objects.filter(session=started_session, anonymised_at__isnull=False).exists()
    assert not ExportRecord.objects.exists()


def test_a_persons_data_export_holds_everything_and_is_audited(client, facilitator):
    session = workshop(facilitator)
    hr = factories.holder(session, "hr")
    api(client, facilitator)
    response = client.get(f"/api/personal-data/participants/{hr.id}/")
    assert response.status_code == 200
    data = response.json()
    assert data["participant"]["email"] == hr.email and data["participant"]["employee_id"] == hr.employee_id
    assert CHATS[0] in json.dumps(data["ledger"])
    assert len(data["ledger"]) == LedgerEntry.objects.filter(participant=hr).count()
    assert len(data["connections"]) == Connection.objects.filter(participant=hr).count()
    assert hr.rejoin_token not in json.dumps(data) and "rejoin_token" not in json.dumps(data)
    record = ExportRecord.objects.get()
    assert (record.user, record.what, record.fmt, record.filters, record.rows) == (
        facilitator, "personal_data", "json", {"participant": hr.id}, len(data["ledger"]))


def test_the_api_is_in_the_schema_with_its_errors(client, django_user_model):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, method in [("/api/personal-data/participants/{participant_id}/erase/", "post"),
                         ("/api/personal-data/sessions/{session_id}/erase/", "post"),
                         ("/api/personal-data/participants/{participant_id}/", "get")]:
        responses = schema["paths"][path][method]["responses"]
        assert {"200", "400", "401", "403", "404"} <= set(responses), path


# --- Changing what a session asks, in its lobby -------------------------------------------------------------


def test_the_facilitator_changes_what_the_lobby_asks_and_what_is_no_longer_asked_goes(client, lobby_session,
                                                                                     facilitator):
    asking(lobby_session)
    person = participant_join(join_code=lobby_session.join_code, display_name="Ada", email="ada@example.com",
                              employee_id="E1")
    client.force_login(facilitator)
    console = client.get(reverse("session-console", args=[lobby_session.id])).content.decode()
    assert 'action="/console/s/%d/personal-data/"' % lobby_session.id in console
    response = client.post(reverse("session-personal-data", args=[lobby_session.id]),
                           {"asks_employee_id": "on", "purpose": "Training record.", "retention_days": "20"})
    assert response.status_code == 302
    lobby_session.refresh_from_db()
    assert (lobby_session.asks_email, lobby_session.asks_employee_id, lobby_session.personal_data_purpose,
            lobby_session.retention_days) == (False, True, "Training record.", 20)
    person.refresh_from_db()
    assert (person.email, person.employee_id) == ("", "E1")


def test_changing_what_is_asked_is_refused_after_the_lobby_and_for_others(client, started_session, facilitator):
    lobby_session = factories.make_session(facilitator)  # started_session is the lobby_session fixture, started
    client.force_login(facilitator)
    response = client.post(reverse("session-personal-data", args=[started_session.id]),
                           {"asks_email": "on", "retention_days": "20"})
    assert response.status_code == 400 and "in its lobby only" in response.content.decode()
    response = client.post(reverse("session-personal-data", args=[lobby_session.id]),
                           {"asks_email": "on", "retention_days": "0"})
    assert response.status_code == 400 and 'data-field="retention_days"' in response.content.decode()
    client.force_login(factories.make_facilitator())
    response = client.post(reverse("session-personal-data", args=[lobby_session.id]), {"asks_email": "on"})
    assert response.status_code == 403
    for session in (started_session, lobby_session):
        session.refresh_from_db()
        assert not session.asks_email


def test_the_join_page_tells_no_guesser_which_codes_exist(client, lobby_session, settings):
    """Opening /join/<CODE>/ counts as a guess: past the join lockout the fields never appear, so they cannot tell
    which codes exist."""
    settings.LAB_JOIN_TRIES_PER_MINUTE = 3
    asking(lobby_session)
    address = "10.99.0.7"
    for guess in ("ZZZZ01", "ZZZZ02", "ZZZZ03"):
        assert 'name="email"' not in client.get(f"/join/{guess}/", REMOTE_ADDR=address).content.decode()
    assert 'name="email"' not in client.get(f"/join/{lobby_session.join_code}/", REMOTE_ADDR=address).content.decode()
    assert 'name="email"' in client.get(f"/join/{lobby_session.join_code}/", REMOTE_ADDR="10.99.0.8").content.decode()
