"""The debrief page and the results export: who may see them, what the page says, and files that open
(csv module, openpyxl) with one row per team and month holding the stored figures."""
import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from openpyxl import load_workbook

from classroom.identity import cookie_name, sign_token
from game.dashboards import KPIS
from game.debrief import kpi_heading
from game.models import RoundResult
from tests import factories
from tests.played import play_two_months

pytestmark = pytest.mark.django_db(transaction=True)

VIEWS = ("debrief/", "results.csv", "results.xlsx")


@pytest.fixture
def played(facilitator):
    session = factories.make_session(facilitator, rounds_count=2)
    play_two_months(session, facilitator)
    session.refresh_from_db()
    return session


def url(session, view):
    return f"/console/s/{session.id}/{view}"


@pytest.mark.parametrize("view", VIEWS)
def test_anonymous_goes_to_the_login_page(client, played, view):
    response = client.get(url(played, view))
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


@pytest.mark.parametrize("view", VIEWS)
def test_a_participant_cookie_gives_nothing(client, played, view):
    person = played.participants.first()
    client.cookies[cookie_name(played.join_code)] = sign_token(person.rejoin_token)
    response = client.get(url(played, view))
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    assert played.name.encode() not in response.content


@pytest.mark.parametrize("view", VIEWS)
def test_another_facilitator_is_refused_in_words(client, played, view):
    client.force_login(factories.make_facilitator())
    response = client.get(url(played, view))
    assert response.status_code == 403
    assert "Only this session&#x27;s facilitator can do that." in response.content.decode()
    assert b"Team 1" not in response.content and b"Balanced scorecard" not in response.content


@pytest.mark.parametrize("view", VIEWS)
def test_hr_without_the_session_is_refused(client, played, view):
    hr = get_user_model().objects.create_user("hr-person", password="pw-for-tests")
    hr.groups.add(Group.objects.get_or_create(name="hr")[0])
    client.force_login(hr)
    response = client.get(url(played, view))
    assert response.status_code == 403 and "facilitator" in response.content.decode()


@pytest.mark.parametrize("view", VIEWS)
def test_the_owner_and_an_admin_get_it_and_an_unknown_session_is_404(client, played, facilitator, view):
    client.force_login(facilitator)
    assert client.get(url(played, view)).status_code == 200
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-for-tests"))
    assert client.get(url(played, view)).status_code == 200
    unknown = client.get(f"/console/s/{played.id + 1000}/{view}")
    assert unknown.status_code == 404 and "That session does not exist." in unknown.content.decode()


def test_the_page_explains_the_ranking_and_offers_the_downloads(client, played, facilitator):
    client.force_login(facilitator)
    page = client.get(url(played, "debrief/")).content.decode()
    assert "Teams are ranked by their <strong>average scorecard" in page
    assert "ranks first: its scorecard averaged" in page
    assert "shares second place" in page  # teams 2 and 3 tie
    assert f'href="/console/s/{played.id}/results.csv"' in page and f'href="/console/s/{played.id}/results.xlsx"' in page
    assert '<label for="kpi-pick">' in page and '<option value="oee_line">OEE, line</option>' in page
    for team in played.teams.all():
        assert f'id="team-{team.number}"' in page
    assert "Balanced scorecard by team and month" in page
    assert "did not align" in page and "approved version 3" in page


def test_the_console_links_to_the_debrief(client, played, facilitator):
    client.force_login(facilitator)
    page = client.get(f"/console/s/{played.id}/").content.decode()
    assert f'href="/console/s/{played.id}/debrief/"' in page


def test_a_session_before_its_first_close_has_a_page_that_says_so(client, started_session, facilitator):
    client.force_login(facilitator)
    page = client.get(url(started_session, "debrief/")).content.decode()
    assert "No month has closed yet" in page
    rows = list(csv.reader(io.StringIO(client.get(url(started_session, "results.csv")).content.decode("utf-8-sig"))))
    assert len(rows) == 1  # the header only


def _csv(client, session):
    response = client.get(url(session, "results.csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="results-session{session.id}-')
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_one_row_per_team_and_month_with_the_stored_figures(client, played, facilitator):
    client.force_login(facilitator)
    rows = _csv(client, played)
    results = {(r.team.number, r.round.number): r for r in
               RoundResult.objects.filter(round__session=played).select_related("team", "round")}
    assert len(rows) == len(results) == 3 * 2
    assert [(int(r["Team number"]), int(r["Month (round)"])) for r in rows] == sorted(results)
    for row in rows:
        result = results[(int(row["Team number"]), int(row["Month (round)"]))]
        assert row["Team"] == result.team.name and row["Session"] == played.name
        assert row["Aligned"] == ("yes" if result.aligned else "no")
        for key, kpi in KPIS.items():
            stored = result.kpis[key]
            expected = stored * 100 if kpi.unit == "share" else stored
            assert float(row[kpi_heading(key, "EUR")]) == pytest.approx(expected, abs=10 ** -(kpi.digits + 2)), key
        assert float(row["Overtime share (% of planned hours)"]) == pytest.approx(result.decisions["overtime_share"] * 100)
        assert float(row["Maintenance envelope (EUR per month)"]) == result.decisions["maintenance_budget"]
        assert int(row["Preventive maintenance hours, S3 (h per month)"]) == result.decisions["pm_hours"][2]
        assert row["Inspection level"] == result.decisions["inspection_level"]
        assert float(row["Scorecard part: Leadership alignment (0-100, weight 10%)"]) == pytest.approx(
            100 * result.kpis["scorecard_parts"]["alignment"], abs=0.001)
    team1_month1 = next(r for r in rows if r["Team number"] == "1" and r["Month (round)"] == "1")
    assert team1_month1["Overtime share (% of planned hours)"] == "10"
    assert team1_month1["Maintenance envelope (EUR per month)"] == "60000"
    assert team1_month1["Aligned"] == "yes"


def test_the_xlsx_opens_and_holds_the_same_rows(client, played, facilitator):
    client.force_login(facilitator)
    response = client.get(url(played, "results.xlsx"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Results", "About"]
    sheet = book["Results"]
    header = [c.value for c in sheet[1]]
    data = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert len(data) == 6
    for row in data:
        result = RoundResult.objects.get(team__session=played, team__number=row["Team number"],
                                         round__number=row["Month (round)"])
        assert row[kpi_heading("good_units", "EUR")] == pytest.approx(result.kpis["good_units"])
        assert row[kpi_heading("oee_line", "EUR")] == pytest.approx(result.kpis["oee_line"] * 100)
        assert row["Hires (people)"] == result.decisions["hires"]
    cell = sheet.cell(row=2, column=header.index(kpi_heading("oee_line", "EUR")) + 1)
    assert cell.number_format == "0.0"  # the catalogue's digits
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref.startswith("A1:")
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert "Forecast error: good units (%)" in header and "Credibility so far (0-100)" in header
    assert "positive means more was promised" in about["Forecasts"] and "Bias is the mean error" in about["Credibility"]


def test_text_a_spreadsheet_would_run_is_neutralised(client, facilitator):
    session = factories.make_session(facilitator, rounds_count=1)
    session.name = '=HYPERLINK("http://evil.example","click")'
    session.save(update_fields=["name"])
    factories.join_many(session, 4)
    factories.start(session, facilitator)
    from game.services import rounds
    rounds.round_advance(session_id=session.id, user=facilitator, round_number=1)
    client.force_login(facilitator)
    rows = _csv(client, session)
    assert rows[0]["Session"] == "'" + session.name
    book = load_workbook(io.BytesIO(client.get(url(session, "results.xlsx")).content))
    cell = book["Results"]["A2"]
    assert cell.value == "'" + session.name and cell.data_type == "s"
    about = book["About"]["B1"]
    assert about.value == "'" + session.name and about.data_type == "s"
