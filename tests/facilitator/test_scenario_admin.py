"""The scenario editor (facilitator/admin.py at /console/scenarios/, and in the main admin): who gets in, the
form's errors at the field with nothing saved, the test run, copying a shipped scenario; the new-session form
offers authored scenarios and a session keeps the scenario it was created with."""
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from classroom.models import Session
from facilitator.models import AuthoredScenario
from facilitator.scenario_authoring import scenario_from_authored
from game import engine
from game.engine.params import DEFAULT_PARAMS
from game.engine.scenario import scenario_to_dict
from game.selectors import session_scenario
from tests import factories

pytestmark = pytest.mark.django_db

BASE = "/console/scenarios/facilitator/authoredscenario/"


def form_data(**changes) -> dict:
    data = {
        "name": "night-shift", "title": "Night shift", "description": "A plant that runs short of people.",
        "rounds": "6", "minutes_per_round": "12", "currency": "EUR",
        "params": json.dumps({"demand": 12_000}), "default_levers": json.dumps({"capex_budget": 20_000}),
        "disruption_schedule": json.dumps([{"round": 3, "kind": "absenteeism", "start_day": 0,
                                            "duration_days": 10, "magnitude": 0.2}]),
        "teaching_about": "Staffing for absence.", "teaching_trap": "", "teaching_strong_team": "", "_save": "Save",
    }
    return {**data, **changes}


@pytest.fixture
def row(db):
    return AuthoredScenario.objects.create(
        name="night-shift", title="Night shift", description="Short of people.", rounds=6, minutes_per_round=12,
        params={"demand": 12_000}, default_levers={"capex_budget": 20_000.0},
        disruption_schedule=[{"magnitude": 0.2, "kind": "absenteeism", "start_day": 0, "duration_days": 10,
                              "round": 3}],
        teaching_about="Staffing for absence.")


@pytest.fixture
def author(client, facilitator):
    client.force_login(facilitator)
    return client


def pages(row) -> dict:
    """Every page of the editor: (method, url)."""
    return {
        "changelist": ("get", BASE), "add": ("get", f"{BASE}add/"), "change": ("get", f"{BASE}{row.pk}/change/"),
        "delete": ("get", f"{BASE}{row.pk}/delete/"), "history": ("get", f"{BASE}{row.pk}/history/"),
        "test-run": ("get", f"{BASE}{row.pk}/test-run/"), "copy-shipped": ("get", f"{BASE}copy-shipped/"),
        "copy-post": ("post", f"{BASE}copy-shipped/"), "add-post": ("post", f"{BASE}add/"),
        "change-post": ("post", f"{BASE}{row.pk}/change/"),
    }


def visit(client, method, url):
    if method == "post":
        return client.post(url, form_data(name="other") if "add" in url or "change" in url
                           else {"shipped_name": "demo"})
    return client.get(url)


# ---- who gets in ------------------------------------------------------------------------------------------

PAGE_NAMES = ["changelist", "add", "change", "delete", "history", "test-run", "copy-shipped", "copy-post",
              "add-post", "change-post"]


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_anonymous_is_sent_to_the_editor_login(client, row, page):
    method, url = pages(row)[page]
    response = visit(client, method, url)
    assert response.status_code == 302 and response.url.startswith("/console/scenarios/login/?next=")
    assert AuthoredScenario.objects.count() == 1 and AuthoredScenario.objects.get().name == "night-shift"


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_hr_only_is_refused(client, row, page):
    client.force_login(factories.make_hr_only())
    method, url = pages(row)[page]
    response = visit(client, method, url)
    assert response.status_code == 302 and response.url.startswith("/console/scenarios/login/")
    assert AuthoredScenario.objects.count() == 1 and AuthoredScenario.objects.get().name == "night-shift"


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_a_facilitator_without_the_permissions_is_refused(client, row, page):
    Group.objects.get(name="facilitator").permissions.clear()
    client.force_login(factories.make_facilitator())
    method, url = pages(row)[page]
    assert visit(client, method, url).status_code == 403
    assert AuthoredScenario.objects.count() == 1 and AuthoredScenario.objects.get().name == "night-shift"


@pytest.mark.parametrize("page", ["changelist", "add", "change", "delete", "history", "test-run", "copy-shipped"])
def test_a_facilitator_sees_every_page(author, row, page):
    method, url = pages(row)[page]
    assert visit(author, method, url).status_code == 200


def test_in_the_main_admin_staff_without_the_group_is_refused_and_a_superuser_gets_in(client, row):
    User = get_user_model()
    staff = User.objects.create_user("staff", password="pw", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="facilitator"))
    client.force_login(staff)
    assert client.get("/admin/facilitator/authoredscenario/").status_code == 403
    assert client.get(f"/admin/facilitator/authoredscenario/{row.pk}/test-run/").status_code == 403
    client.force_login(User.objects.create_superuser("root", password="pw"))
    assert client.get("/admin/facilitator/authoredscenario/").status_code == 200
    response = client.get(f"/admin/facilitator/authoredscenario/{row.pk}/test-run/")
    assert response.status_code == 200 and 'id="test-run-kpis"' in response.content.decode()


def test_a_facilitator_logs_in_without_being_staff_and_hr_cannot(client):
    facilitator = factories.make_facilitator("fran")
    assert not facilitator.is_staff
    response = client.post("/console/scenarios/login/", {"username": "fran", "password": "pw-for-tests",
                                                         "next": BASE})
    assert response.status_code == 302 and response.url == BASE
    assert client.get(BASE).status_code == 200
    client.logout()
    factories.make_hr_only("harriet")
    response = client.post("/console/scenarios/login/", {"username": "harriet", "password": "pw-for-tests"})
    assert response.status_code == 200 and "this account is not in the &#x27;facilitator&#x27; group" in \
        response.content.decode()
    assert client.get(BASE).status_code == 302


# ---- the form ------------------------------------------------------------------------------------------

def test_a_facilitator_adds_a_scenario(author, facilitator):
    response = author.post(f"{BASE}add/", form_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    row = AuthoredScenario.objects.get()
    assert row.name == "night-shift" and row.created_by == facilitator and row.params == {"demand": 12_000}
    assert row.disruption_schedule[0]["kind"] == "absenteeism"


def test_empty_json_fields_mean_the_defaults(author):
    response = author.post(f"{BASE}add/", form_data(params="", default_levers="", disruption_schedule=""))
    assert response.status_code == 302
    row = AuthoredScenario.objects.get()
    assert (row.params, row.default_levers, row.disruption_schedule) == ({}, {}, [])


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


@pytest.mark.parametrize("field, value, words", [
    ("params", json.dumps({"demnd": 12_000}), "demnd: unknown parameter (did you mean demand?)"),
    ("params", json.dumps({"demand": 99_000}), "demand: must be a number between 500 and 40,000"),
    ("params", "{demand: 12000", "Enter a valid JSON."),
    ("default_levers", json.dumps({"technicians": 0}), "technicians: must be an integer between 1 and 12"),
    ("disruption_schedule", json.dumps([{"round": 3, "kind": "meteor"}]), "Entry 1 (meteor, round 3): kind must be"),
    ("teaching_about", "", "This field is required."),
    ("name", "demo", "'demo' is a shipped scenario's name"),
])
def test_bad_input_is_an_error_at_the_field_and_nothing_is_saved(author, field, value, words):
    response = author.post(f"{BASE}add/", form_data(**{field: value}))
    assert response.status_code == 200
    errors = form_errors(response)
    assert list(errors) == [field] and words in " ".join(errors[field])
    html = response.content.decode()
    assert "errornote" in html and f'id="id_{field}_error"' in html  # the message stands by the field
    assert not AuthoredScenario.objects.exists()


def test_a_change_with_an_out_of_range_parameter_changes_nothing(author, row):
    before = {f.name: getattr(row, f.name) for f in AuthoredScenario._meta.fields}
    response = author.post(f"{BASE}{row.pk}/change/", form_data(title="Renamed",
                                                                 params=json.dumps({"demand": 12_000, "price": -5})))
    assert response.status_code == 200
    assert list(form_errors(response)) == ["params"]
    row.refresh_from_db()
    assert {f.name: getattr(row, f.name) for f in AuthoredScenario._meta.fields} == before


def test_a_good_change_is_saved(author, row):
    response = author.post(f"{BASE}{row.pk}/change/", form_data(params=json.dumps({"demand": 9_000})))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.params == {"demand": 9_000}


def test_the_form_shows_the_json_readably_with_the_reference(author, row):
    html = author.get(f"{BASE}{row.pk}/change/").content.decode()
    assert "{\n  &quot;demand&quot;: 12000\n}" in html  # one item a line, each compact
    assert "[\n  {&quot;round&quot;: 3, &quot;kind&quot;: &quot;absenteeism&quot;, &quot;start_day&quot;: 0, " in html
    assert ">Parameters:</label>" in html
    assert f"The {len(DEFAULT_PARAMS)} parameters: defaults and ranges" in html
    assert "<code>demand</code></td><td>11000.0</td><td>a number between 500 and 40,000</td>" in html
    assert "<code>technicians</code></td><td>engineering</td>" in html
    assert "<code>site_outage</code>" in html
    assert f'href="{BASE}{row.pk}/test-run/"' in html


# ---- the test run -------------------------------------------------------------------------------------------

def test_the_test_run_shows_a_table_of_four_rounds(author, row):
    response = author.get(f"{BASE}{row.pk}/test-run/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<tr data-round=") == 4
    for label in ("Good units shipped", "Demand", "OEE, line", "Cash", "Balanced scorecard"):
        assert label in html
    assert response.context["result"]["rows"][3]["round"] == 4


def test_the_test_run_takes_rounds_strategy_and_seed(author, row):
    response = author.get(f"{BASE}{row.pk}/test-run/?rounds=2&strategy=balanced&seed=7")
    assert response.status_code == 200
    assert response.content.decode().count("<tr data-round=") == 2
    assert response.context["result"]["strategy"] == "balanced" and response.context["result"]["seed"] == 7


@pytest.mark.parametrize("query, field", [("rounds=9", "rounds"), ("rounds=two", "rounds"), ("seed=-3", "seed"),
                                          ("strategy=cheat", "strategy")])
def test_the_test_run_says_what_is_wrong(author, row, query, field):
    response = author.get(f"{BASE}{row.pk}/test-run/?{query}")
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()
    assert "<tr data-round=" not in response.content.decode()


def test_the_test_run_of_a_scenario_that_no_longer_validates(author, row):
    AuthoredScenario.objects.filter(pk=row.pk).update(params={"demand": 5})  # as if the ranges had changed
    response = author.get(f"{BASE}{row.pk}/test-run/")
    assert response.status_code == 400
    assert "params: demand: must be a number between 500" in response.content.decode()


def test_the_test_run_of_a_missing_scenario(author):
    assert author.get(f"{BASE}999999/test-run/").status_code == 404


# ---- copy a shipped scenario ---------------------------------------------------------------------------------

def test_copy_a_shipped_scenario(author, facilitator):
    listing = author.get(f"{BASE}copy-shipped/").content.decode()
    for name in engine.scenario_names():
        assert f'data-scenario="{name}"' in listing
    response = author.post(f"{BASE}copy-shipped/", {"shipped_name": "growth_squeeze"})
    row = AuthoredScenario.objects.get()
    assert response.status_code == 302 and response.url == f"{BASE}{row.pk}/change/"
    assert row.name == "growth_squeeze-copy" and row.copied_from == "growth_squeeze" and row.created_by == facilitator
    assert row.params == {"rate": [54.0, 52.0, 42.0, 52.0, 56.0], "demand": 11_500.0}
    assert len(row.disruption_schedule) == 6
    html = author.get(response.url).content.decode()  # each entry on a line, its round first
    assert ('[\n  {&quot;round&quot;: 3, &quot;kind&quot;: &quot;demand_spike&quot;, &quot;targets&quot;: [], '
            '&quot;start_day&quot;: 0, &quot;duration_days&quot;: 22.0, &quot;magnitude&quot;: 0.1},\n') in html
    assert 'class="copy-shipped-link"' in author.get(BASE).content.decode()


def test_copy_an_unknown_scenario(author):
    response = author.post(f"{BASE}copy-shipped/", {"shipped_name": "../secrets"})
    assert response.status_code == 400 and "no shipped scenario called" in response.content.decode()
    assert not AuthoredScenario.objects.exists()


# ---- sessions ---------------------------------------------------------------------------------------------------

def test_the_new_session_form_offers_authored_scenarios(author, row):
    html = author.get("/console/").content.decode()
    assert '<optgroup label="Authored here" data-group="authored">' in html
    assert '<option value="night-shift" >Night shift (night-shift)</option>' in html
    assert '<option value="demo"' in html
    assert 'data-scenario="night-shift" data-authored="1"' in html
    assert 'id="scenario-editor-link"' in html


def test_the_editor_link_is_only_for_those_who_may_author(client, row):
    Group.objects.get(name="facilitator").permissions.clear()
    client.force_login(factories.make_facilitator())
    html = client.get("/console/").content.decode()
    assert 'id="scenario-editor-link"' not in html
    assert '<option value="night-shift"' in html  # running a session from it needs no authoring right


def create_session(client, scenario_name="night-shift"):
    return client.post("/console/sessions/new/", {"name": "Cohort 3", "scenario_name": scenario_name,
                                                  "rounds": "6", "minutes_per_round": "12", "seed": "5"})


def test_a_session_keeps_the_scenario_it_was_created_with(author, row):
    response = create_session(author)
    session = Session.objects.get()
    assert response.status_code == 302 and response.url == f"/console/s/{session.id}/"
    assert session.scenario_name == "night-shift"
    played = session_scenario(session=session)
    assert played.params["demand"] == 12_000.0 and played.disruption_schedule[0].kind == "absenteeism"
    snapshot = session.scenario_snapshot
    # the author edits the scenario afterwards, through the editor
    response = author.post(f"{BASE}{row.pk}/change/", form_data(
        title="Night shift, harder", params=json.dumps({"demand": 15_000, "initial_headcount": 50}),
        disruption_schedule="[]"))
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.scenario_snapshot == snapshot
    again = session_scenario(session=session)
    assert again.params["demand"] == 12_000.0 and again.params["initial_headcount"] == 62
    assert again.title == "Night shift" and len(again.disruption_schedule) == 1
    # a new session takes the edited scenario
    create_session(author)
    newest = Session.objects.order_by("-id").first()
    assert session_scenario(session=newest).params["demand"] == 15_000.0
    # deleting the authored scenario leaves both sessions playable
    row.delete()
    assert session_scenario(session=Session.objects.get(pk=session.pk)).params["demand"] == 12_000.0


def test_the_snapshot_is_the_validated_scenario(author, row):
    create_session(author)
    assert Session.objects.get().scenario_snapshot == scenario_to_dict(scenario_from_authored(row))


def test_a_session_from_a_scenario_that_no_longer_validates_is_refused_at_the_field(author, row):
    AuthoredScenario.objects.filter(pk=row.pk).update(params={"demand": 5})
    response = create_session(author)
    assert response.status_code == 400
    assert "no longer passes the engine&#x27;s checks" in response.content.decode()
    assert not Session.objects.exists()


def test_an_unknown_scenario_is_still_refused(author):
    response = create_session(author, "nowhere")
    assert response.status_code == 400 and not Session.objects.exists()
