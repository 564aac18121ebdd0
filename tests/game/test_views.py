"""The team room page: the seated person gets the shell with their levers and dashboards; others are sent to join."""
from django.urls import reverse

from classroom.identity import cookie_name, sign_token
from tests import factories


def test_the_room_page_serves_its_seated_person(client, started_session):
    hr = factories.holder(started_session, "hr")
    code = started_session.join_code
    client.cookies[cookie_name(code)] = sign_token(hr.rejoin_token)
    response = client.get(reverse("room", kwargs={"join_code": code.lower()}))
    assert response.status_code == 200 and response.context["participant"] == hr
    assert response.context["join_code"] == code and set(response.context["dashboards"]) == set(response.context["roles"])
    assert "overtime_share" in str(response.context["levers"])


def test_the_room_page_sends_strangers_to_join_and_names_a_bad_code(client, started_session):
    code = started_session.join_code
    response = client.get(f"/play/{code}/")
    assert response.status_code == 302 and response["Location"] == reverse("join-code", kwargs={"join_code": code})
    assert client.get("/play/NOSUCH/").status_code == 404
