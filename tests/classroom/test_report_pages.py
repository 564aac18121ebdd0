"""The reports page with its four views, and the printable person and session pages: what they show and who may
see them (HR every session, a facilitator their own, anyone else 403 in words, an unknown id 404)."""
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model

from classroom.models import Participant
from classroom.report_columns import REPORT_COLUMNS, VIEW_LABELS
from classroom.report_filters import REPORT_KINDS
from tests import factories
from tests.classroom.test_report_figures import clock, workshop  # noqa: F401  (fixtures)
from tests.classroom.test_reports import make_hr_user

pytestmark = pytest.mark.django_db(transaction=True)


def text_of(response) -> str:
    """The page's visible text, tags dropped and whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def figure(response, header: str) -> str:
    """The value next to a figure's header in the page's Overall table."""
    body = response.content.decode()
    match = re.search(r'<th scope="row">' + re.escape(header.replace("'", "&#x27;")) + r"</th><td>([^<]*)</td>", body)
    assert match, f"no figure {header!r}"
    return unescape(match.group(1))


def test_the_reports_page_offers_every_view_with_all_its_columns(client, workshop):
    client.force_login(make_hr_user())
    page = client.get("/reports/")
    assert page.status_code == 200
    for kind in REPORT_KINDS:
        assert f'<option value="{kind}"' in page.content.decode() and VIEW_LABELS[kind] in text_of(page)
    for kind in REPORT_KINDS:
        response = client.get("/reports/", {"report": kind, "session": workshop["session"].id})
        assert response.status_code == 200, kind
        shown = text_of(response)
        assert all(c.header in shown for c in REPORT_COLUMNS[kind]), kind
        assert f'<option value="{kind}" selected' in response.content.decode()


def test_the_preview_links_names_to_the_printable_pages(client, workshop):
    client.force_login(make_hr_user())
    body = client.get("/reports/", {"report": "people"}).content.decode()
    cy, session = workshop["cy"], workshop["session"]
    assert f'<a href="/reports/people/{cy.id}/">Cy</a>' in body
    assert f'<a href="/reports/sessions/{session.id}/">Test workshop</a>' in body


def test_the_person_page_shows_their_figures_overall_per_role_and_per_round(client, workshop):
    client.force_login(make_hr_user())
    response = client.get(f"/reports/people/{workshop['cy'].id}/")
    assert response.status_code == 200
    shown = text_of(response)
    assert "Participation: Cy" in shown and "Team 1" in shown and "cy@example.com" in shown
    # the figures worked out by hand in test_report_figures.py
    assert figure(response, "Minutes connected") == "17.5"
    assert figure(response, "Idle minutes (connected in an open round without acting in it)") == "7.5"
    assert figure(response, "Reconnects (times back after a disconnect)") == "1"
    assert figure(response, "Rejoins (seat reopened with the rejoin code)") == "1"
    assert figure(response, "Median seconds from the team's last change to approval") == "180.0"
    assert figure(response, "Present at end") == "no"
    assert figure(response, "Share of the team's chat messages") == "25.0 %"  # 1 of 4; the CSV keeps 0.2500
    assert "Per role" in shown and "Per round" in shown
    assert "2026-03-10 09:05:00" in shown and "2026-03-10 09:21:00" in shown  # round 1 opened, round 2's deadline
    assert 'data-print' in response.content.decode()


def test_the_session_page_shows_the_session_its_teams_rounds_and_people(client, workshop):
    client.force_login(make_hr_user())
    response = client.get(f"/reports/sessions/{workshop['session'].id}/")
    assert response.status_code == 200
    shown = text_of(response)
    assert "Session summary: Test workshop" in shown
    assert figure(response, "Average minutes connected") == "19.3"
    assert figure(response, "Median minutes to align (all team-rounds)") == "6.0"
    assert figure(response, "Rejoins") == "1"
    assert "Round 1: 6.0; Round 2: not aligned" in shown
    assert all(name in shown for name in ("Ann", "Ben", "Cy"))
    assert f'href="/reports/people/{workshop["ann"].id}/"' in response.content.decode()


@pytest.mark.parametrize("page", ["person", "session"])
def test_who_may_see_the_printable_pages(client, workshop, page):
    url = (f"/reports/people/{workshop['ann'].id}/" if page == "person"
           else f"/reports/sessions/{workshop['session'].id}/")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/console/login/" in anonymous["Location"]
    client.force_login(workshop["facilitator"])  # their own session
    assert client.get(url).status_code == 200
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    assert client.get(url).status_code == 200
    client.force_login(factories.make_hr_only())
    assert client.get(url).status_code == 200
    other = factories.make_facilitator("other")
    factories.make_session(other)  # runs a session, but not this one
    client.force_login(other)
    refused = client.get(url)
    assert refused.status_code == 403 and "run by someone else" in text_of(refused)
    client.force_login(factories.make_facilitator("no-sessions"))
    refused = client.get(url)
    assert refused.status_code == 403 and "Participation reports are for HR" in text_of(refused)


def test_unknown_ids_are_404_in_words(client, workshop):
    client.force_login(make_hr_user())
    missing = workshop["ann"].id + 1000
    response = client.get(f"/reports/people/{missing}/")
    assert response.status_code == 404 and f"There is no participant with id {missing}." in text_of(response)
    response = client.get("/reports/sessions/987654/")
    assert response.status_code == 404 and "There is no session with id 987654." in text_of(response)
    for url in ("/reports/people/99999999999999999999999/", "/reports/sessions/99999999999999999999999/",
                "/reports/people/0/"):
        assert client.get(url).status_code == 404, url
    bot = Participant.objects.create(session=workshop["session"], display_name="Bot", is_bot=True)
    assert client.get(f"/reports/people/{bot.id}/").status_code == 404  # a bot is not a person
