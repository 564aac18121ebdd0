"""The admin: every model registered with its lists; records read-only for everyone; HR sees people and the
export audit; the erase actions; the rejoin token never shown."""
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from classroom.models import ExportRecord, LedgerEntry, Participant
from classroom.reports import HR_GROUP
from classroom.services.export_audit import export_record
from game.services.chat import chat_send
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

READ_ONLY = ["classroom.LedgerEntry", "classroom.ExportRecord", "classroom.Team", "classroom.Seat",
             "classroom.Connection", "game.Round", "game.PackageVersion", "game.Approval", "game.RoundResult",
             "game.Disruption"]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests")


@pytest.fixture
def hr_staff():
    user = factories.make_hr_only()
    user.is_staff = True
    user.save()
    return user


def request_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("app", ["classroom", "game"])
def test_every_model_is_registered_with_useful_lists(app):
    for model in apps.get_app_config(app).get_models():
        model_admin = admin.site._registry.get(model)
        assert model_admin is not None, f"{model.__name__} is not in the admin"
        assert model_admin.list_display != ("__str__",) or model_admin.search_fields, model.__name__


@pytest.mark.parametrize("label", READ_ONLY)
def test_records_are_read_only_even_for_superusers(superuser, label):
    model_admin = admin.site._registry[apps.get_model(label)]
    request = request_for(superuser)
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_ledger_cannot_be_changed_through_its_pages(client, superuser, started_session):
    person = factories.holder(started_session, "hr")
    chat_send(participant_id=person.id, text="hello", client_msg_id="c1")
    entry = LedgerEntry.objects.get(kind="chat")
    client.force_login(superuser)
    page = client.get(reverse("admin:classroom_ledgerentry_change", args=[entry.id]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    client.post(reverse("admin:classroom_ledgerentry_change", args=[entry.id]), {"kind": "edit", "detail": "{}"})
    assert client.post(reverse("admin:classroom_ledgerentry_delete", args=[entry.id]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:classroom_ledgerentry_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.kind == "chat" and entry.detail == {"text": "hello"}


def test_every_list_page_opens(client, superuser, started_session):
    chat_send(participant_id=factories.holder(started_session, "hr").id, text="hi", client_msg_id="c1")
    export_record(user=superuser, what="ledger", fmt="json", filters={}, rows=1)
    client.force_login(superuser)
    for app in ("classroom", "game"):
        for model in apps.get_app_config(app).get_models():
            url = reverse(f"admin:{app}_{model._meta.model_name}_changelist")
            assert client.get(url).status_code == 200, url
            assert client.get(url, {"q": "Player"}).status_code == 200, url


def test_a_participant_shows_personal_fields_but_never_the_rejoin_token(client, superuser, started_session):
    person = factories.holder(started_session, "hr")
    client.force_login(superuser)
    for url in (reverse("admin:classroom_participant_changelist"),
                reverse("admin:classroom_participant_change", args=[person.id])):
        page = client.get(url).content.decode()
        assert person.display_name in page
        assert person.rejoin_token not in page and "rejoin_token" not in page and "Rejoin token" not in page
    assert client.get(reverse("admin:classroom_participant_changelist"),
                      {"q": person.rejoin_token}).content.decode().count(f"/participant/{person.id}/") == 0


def test_hr_sees_people_sessions_and_the_export_audit_but_not_the_ledger(client, hr_staff, started_session):
    client.force_login(hr_staff)
    assert client.get(reverse("admin:classroom_participant_changelist")).status_code == 200
    assert client.get(reverse("admin:classroom_session_changelist")).status_code == 200
    assert client.get(reverse("admin:classroom_exportrecord_changelist")).status_code == 200
    assert client.get(reverse("admin:classroom_ledgerentry_changelist")).status_code == 403


def test_a_staff_member_without_hr_sees_nothing(client, django_user_model, started_session):
    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:classroom_participant_changelist")).status_code == 403
    assert client.get(reverse("admin:classroom_exportrecord_changelist")).status_code == 403


@pytest.mark.parametrize("action, mode_text", [("anonymise_personal_data", "anonymise"),
                                                ("delete_personal_data", "delete")])
def test_the_participant_actions_erase(client, hr_staff, started_session, action, mode_text):
    people = list(Participant.objects.filter(session=started_session).order_by("id")[:2])
    client.force_login(hr_staff)
    response = client.post(reverse("admin:classroom_participant_changelist"),
                           {"action": action, "_selected_action": [p.id for p in people]}, follow=True)
    assert response.status_code == 200
    assert f"Personal data of 2 participants erased ({mode_text})" in response.content.decode()
    assert Participant.objects.filter(session=started_session, anonymised_at__isnull=False).count() == 2


def test_the_session_action_erases_everyone(client, superuser, started_session):
    client.force_login(superuser)
    client.post(reverse("admin:classroom_session_changelist"),
                {"action": "anonymise_personal_data", "_selected_action": [started_session.id]}, follow=True)
    assert not Participant.objects.filter(session=started_session, anonymised_at__isnull=True).exists()


def test_a_refused_erase_says_why_and_changes_nothing(client, django_user_model, started_session):
    """A staff facilitator with the view permission who runs someone else's session is refused per session."""
    from django.contrib.auth.models import Permission

    other = factories.make_facilitator()
    other.is_staff = True
    other.save()
    other.user_permissions.add(Permission.objects.get(codename="view_participant"))
    client.force_login(other)
    person = factories.holder(started_session, "hr")
    response = client.post(reverse("admin:classroom_participant_changelist"),
                           {"action": "anonymise_personal_data", "_selected_action": [person.id]}, follow=True)
    assert "run by someone else" in response.content.decode()
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_the_session_form_checks_the_retention(client, superuser, started_session):
    client.force_login(superuser)
    url = reverse("admin:classroom_session_change", args=[started_session.id])
    response = client.post(url, {"name": started_session.name, "asks_email": "on", "personal_data_purpose": "",
                                 "retention_days": "0", "cover_mode": "auto", "cover_after_seconds": "120"})
    assert response.status_code == 200 and "between 1 and 3650" in response.content.decode()
    started_session.refresh_from_db()
    assert not started_session.asks_email
    client.post(url, {"name": started_session.name, "asks_email": "on", "personal_data_purpose": "",
                      "retention_days": "10", "cover_mode": "auto", "cover_after_seconds": "120"})
    started_session.refresh_from_db()
    assert started_session.asks_email and started_session.retention_days == 10
    assert started_session.personal_data_purpose  # an empty purpose gets the default text
    Participant.objects.filter(session=started_session).update(email="x@example.com", employee_id="E9")
    client.post(url, {"name": started_session.name, "personal_data_purpose": "Why", "retention_days": "10",
                      "cover_mode": "auto", "cover_after_seconds": "120", "asks_employee_id": "on"})
    people = Participant.objects.filter(session=started_session)
    assert set(people.values_list("email", "employee_id")) == {("", "E9")}  # no longer asked: emptied


def test_export_records_cannot_be_added_or_changed(client, superuser):
    record = export_record(user=superuser, what="ledger", fmt="json", filters={"session": 1}, rows=4)
    client.force_login(superuser)
    assert client.get(reverse("admin:classroom_exportrecord_add")).status_code == 403
    client.post(reverse("admin:classroom_exportrecord_change", args=[record.id]), {"rows": "0"})
    record.refresh_from_db()
    assert record.rows == 4 and ExportRecord.objects.count() == 1


def test_a_copy_of_one_persons_data_is_downloaded_and_audited(client, hr_staff, started_session):
    person = factories.holder(started_session, "hr")
    chat_send(participant_id=person.id, text="my own words", client_msg_id="c1")
    client.force_login(hr_staff)
    url = reverse("admin:classroom_participant_changelist")
    response = client.post(url, {"action": "export_personal_data", "_selected_action": [person.id]})
    assert response.status_code == 200 and response["Content-Disposition"].endswith(f'-{person.id}.json"')
    data = response.json()
    assert data["participant"]["display_name"] == person.display_name and "my own words" in str(data["ledger"])
    assert person.rejoin_token not in response.content.decode()
    record = ExportRecord.objects.get()
    assert (record.user, record.what, record.filters) == (hr_staff, "personal_data", {"participant": person.id})
    two = list(Participant.objects.filter(session=started_session).values_list("id", flat=True)[:2])
    response = client.post(url, {"action": "export_personal_data", "_selected_action": two}, follow=True)
    assert "Select exactly one participant" in response.content.decode() and ExportRecord.objects.count() == 1
