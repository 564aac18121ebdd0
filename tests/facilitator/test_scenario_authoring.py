"""Scenario authoring services: validation against the engine's schema with errors at the field, copies of the
shipped scenarios, who may author, what a new session may use, the test run."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError

from classroom.errors import Forbidden, LabError
from facilitator import scenario_authoring as authoring
from facilitator.models import AuthoredScenario
from game import engine
from game.engine.params import DEFAULT_PARAMS
from game.engine.scenario import scenario_to_dict
from tests import factories

pytestmark = pytest.mark.django_db


def valid(**changes) -> dict:
    data = {
        "name": "night-shift", "title": "Night shift", "description": "A plant that runs short of people.",
        "rounds": 6, "minutes_per_round": 12, "currency": "USD",
        "params": {"demand": 12_000, "initial_headcount": 58},
        "default_levers": {"capex_budget": 20_000.0},
        "disruption_schedule": [{"round": 3, "kind": "absenteeism", "start_day": 0, "duration_days": 10,
                                 "magnitude": 0.2}],
        "teaching_about": "Staffing for absence.", "teaching_trap": "Overtime.", "teaching_strong_team": "",
    }
    return {**data, **changes}


def errors_of(data: dict) -> dict:
    with pytest.raises(ValidationError) as caught:
        authoring.scenario_validate(data)
    return caught.value.message_dict


def copy_data(name: str) -> dict:
    """A shipped scenario's fields as the copy action fills them in."""
    source = engine.load_scenario(name)
    return {
        "name": f"{name}-ours", "title": source.title, "description": source.description, "rounds": source.rounds,
        "minutes_per_round": source.minutes_per_round, "currency": source.currency,
        "params": {k: v for k, v in source.params.items() if v != DEFAULT_PARAMS[k]},
        "default_levers": dict(source.default_levers),
        "disruption_schedule": [d.to_dict() for d in source.disruption_schedule],
        "teaching_about": source.teaching_note.get("about", ""), "teaching_trap": source.teaching_note.get("trap", ""),
        "teaching_strong_team": source.teaching_note.get("strong_team", ""),
        "teaching_questions": "\n".join(source.teaching_note.get("questions", [])),
        "teaching_look_for": "\n".join(f"{item['text']} | {', '.join(item['kpis'])}"
                                        for item in source.teaching_note.get("look_for", [])),
    }


# ---- a valid scenario --------------------------------------------------------------------------------

def test_a_valid_scenario_becomes_the_engine_scenario():
    scenario = authoring.scenario_validate(valid())
    assert scenario.name == "night-shift" and scenario.rounds == 6 and scenario.currency == "USD"
    assert scenario.params["demand"] == 12_000.0 and isinstance(scenario.params["demand"], float)
    assert scenario.params["initial_headcount"] == 58
    assert scenario.params["price"] == DEFAULT_PARAMS["price"]
    assert [(d.round, d.kind, d.magnitude) for d in scenario.disruption_schedule] == [(3, "absenteeism", 0.2)]
    assert scenario.teaching_note == {"about": "Staffing for absence.", "trap": "Overtime."}


@pytest.mark.parametrize("name", engine.scenario_names())
def test_a_copy_of_every_shipped_scenario_validates_and_plays_the_same(name):
    source = engine.load_scenario(name)
    scenario = authoring.scenario_validate(copy_data(name))
    assert scenario.params == source.params
    assert scenario.default_levers == source.default_levers
    assert scenario.disruption_schedule == source.disruption_schedule
    assert scenario.teaching_note == source.teaching_note
    # A copy is the author's own text from then on: it keeps no translation of the shipped text it started from.
    assert scenario.translations == {}
    assert {**scenario_to_dict(scenario), "name": name, "translations": source.translations} == scenario_to_dict(source)


@pytest.mark.parametrize("name", engine.scenario_names())
def test_copy_shipped_stores_only_the_changed_parameters(name):
    user = factories.make_facilitator()
    row = authoring.scenario_copy_shipped(user=user, shipped_name=name)
    assert row.name == f"{name}-copy" and row.copied_from == name and row.created_by == user
    assert all(v != DEFAULT_PARAMS[k] for k, v in row.params.items())
    assert authoring.scenario_from_authored(row).params == engine.load_scenario(name).params
    again = authoring.scenario_copy_shipped(user=user, shipped_name=name)
    assert again.name == f"{name}-copy-2"


def test_copy_shipped_refuses_hr_and_an_unknown_name():
    with pytest.raises(Forbidden):
        authoring.scenario_copy_shipped(user=factories.make_hr_only(), shipped_name="demo")
    with pytest.raises(LabError) as caught:
        authoring.scenario_copy_shipped(user=factories.make_facilitator(), shipped_name="no_such")
    assert caught.value.field == "shipped_name"
    assert not AuthoredScenario.objects.exists()


# ---- errors at the field -------------------------------------------------------------------------------

def test_an_unknown_parameter_is_an_error_at_params_naming_it():
    errors = errors_of(valid(params={"demand": 12_000, "demnd": 12_000}))
    assert list(errors) == ["params"]
    assert errors["params"] == ["demnd: unknown parameter (did you mean demand?); the known parameters are listed in "
                                "docs/scenarios.md"]


@pytest.mark.parametrize("params, words", [
    ({"demand": 100}, "demand: must be a number between 500 and 40,000 (default 11,000)"),
    ({"demand": "lots"}, "demand: must be a number between 500"),
    ({"initial_headcount": 60.5}, "initial_headcount: must be a whole number between 5 and 500"),
    ({"rate": [50, 50, 50]}, "rate: must be a list of 5 numbers (one per station)"),
    ({"days_per_round": 20}, "days_per_round: is fixed at 22"),
    ({"output_linear_hours": 60, "output_flat_hours": 55}, "output_flat_hours: must be above output_linear_hours"),
    ({"price": 90}, "price: must be above material_cost"),
])
def test_out_of_range_or_wrong_type_parameters_are_errors_at_params(params, words):
    errors = errors_of(valid(params=params))
    assert list(errors) == ["params"]
    assert words in errors["params"][0]


def test_every_bad_parameter_is_reported_at_once():
    errors = errors_of(valid(params={"demand": -1, "price": 0, "typo": 1}))
    assert [m.split(":")[0] for m in errors["params"]] == ["demand", "price", "typo"]


@pytest.mark.parametrize("field, value", [("params", [1, 2]), ("default_levers", "x"), ("disruption_schedule", {})])
def test_json_of_the_wrong_shape(field, value):
    assert list(errors_of(valid(**{field: value}))) == [field]


@pytest.mark.parametrize("levers, words", [
    ({"technicians": 40}, "technicians: must be an integer between 1 and 12"),
    ({"inspection_level": "total"}, "inspection_level: must be one of light, standard, full"),
    ({"warp_drive": 1}, "warp_drive: unknown lever"),
    ({"priority_weights": [50, 50, 50, 0, 0]}, "priority_weights: must sum to 100"),
    ({"hires": 5, "exits": 2}, "exits: must be 0 when hiring in the same round"),
])
def test_bad_default_levers_are_errors_at_default_levers(levers, words):
    errors = errors_of(valid(default_levers=levers))
    assert list(errors) == ["default_levers"]
    assert errors["default_levers"][0].startswith(words)


@pytest.mark.parametrize("entry, words", [
    ({"round": 2, "kind": "alien_invasion"}, "Entry 1 (alien_invasion, round 2): kind must be one of"),
    ({"round": 2, "kind": "supplier_failure", "targets": [3]}, "targets must be a list of integers between 0 and 1"),
    ({"round": 2, "kind": "demand_spike", "magnitude": 5}, "magnitude must be a number between 0 and 3"),
    ({"round": 2, "kind": "site_outage", "start_day": 30}, "start_day must be an integer between 0 and 21"),
    ({"kind": "site_outage"}, "Entry 1 (site_outage): round is required"),
    ({"round": 7, "kind": "site_outage"}, "round must be between 1 and the scenario's 6 rounds"),
    ({"round": 2, "kind": "site_outage", "magnitud": 0.5}, "unknown key magnitud"),
    ("site_outage", "Entry 1: must be an object"),
])
def test_bad_disruption_entries_are_errors_at_the_schedule(entry, words):
    errors = errors_of(valid(disruption_schedule=[entry]))
    assert list(errors) == ["disruption_schedule"]
    assert words in errors["disruption_schedule"][0]


def test_the_teaching_note_needs_what_it_is_about():
    assert errors_of(valid(teaching_about="  ")) == {"teaching_about": ["What it is about is required."]}


@pytest.mark.parametrize("field, value", [
    ("name", "demo"), ("name", "with space"), ("name", ""), ("title", ""), ("description", ""), ("rounds", 0),
    ("rounds", 25), ("minutes_per_round", 121), ("currency", "euro"), ("currency", "eur"),
])
def test_the_other_fields(field, value):
    assert list(errors_of(valid(**{field: value}))) == [field]


def test_a_shipped_name_is_refused_with_a_suggestion():
    assert errors_of(valid(name="shocks"))["name"] == ["'shocks' is a shipped scenario's name: pick another, such "
                                                       "as shocks-ours."]


# ---- who may author ---------------------------------------------------------------------------------------

def test_the_migration_lets_the_facilitator_group_author_and_hr_not():
    codenames = set(Group.objects.get(name="facilitator").permissions.values_list("codename", flat=True))
    assert set(authoring.AUTHORING_PERMISSIONS) <= codenames
    assert not Group.objects.get(name="hr").permissions.filter(content_type__app_label="facilitator").exists()


def test_who_may_author():
    User = get_user_model()
    facilitator = factories.make_facilitator()
    assert all(authoring.user_may_author(user=facilitator, action=a) for a in ("view", "add", "change", "delete"))
    assert not authoring.user_may_author(user=factories.make_hr_only(), action="view")
    staff = User.objects.create_user("staff", password="pw", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=authoring.AUTHORING_PERMISSIONS))
    assert not authoring.user_may_author(user=staff, action="view")  # not a facilitator
    assert authoring.user_may_author(user=User.objects.create_superuser("root", password="pw"), action="delete")
    facilitator.is_active = False
    assert not authoring.user_may_author(user=facilitator, action="view")


def test_an_administrator_can_take_authoring_from_the_group():
    group = Group.objects.get(name="facilitator")
    group.permissions.remove(*Permission.objects.filter(codename="add_authoredscenario"))
    facilitator = factories.make_facilitator()
    assert not authoring.user_may_author(user=facilitator, action="add")
    assert authoring.user_may_author(user=facilitator, action="change")


# ---- what sessions may use -------------------------------------------------------------------------------

def test_the_scenarios_a_session_may_use():
    AuthoredScenario.objects.create(**valid())
    AuthoredScenario.objects.create(**valid(name="broken", title="Broken", params={"demand": 1}))
    assert [s.name for s in authoring.authored_scenario_list()] == ["night-shift"]
    assert authoring.authored_scenario_for_session(name="night-shift").params["demand"] == 12_000.0
    assert authoring.authored_scenario_for_session(name="demo") is None
    assert authoring.authored_scenario_for_session(name="nothing") is None
    with pytest.raises(LabError) as caught:
        authoring.authored_scenario_for_session(name="broken")
    assert caught.value.field == "scenario_name" and "demand: must be a number between 500" in caught.value.message


# ---- the test run ----------------------------------------------------------------------------------------

def test_the_test_run_plays_the_rounds_asked_for():
    scenario = authoring.scenario_validate(valid())
    run = authoring.scenario_test_run(scenario=scenario)
    assert [row["round"] for row in run["rows"]] == [1, 2, 3, 4]
    assert [c["key"] for c in run["columns"]] == list(authoring.TEST_RUN_KPIS)
    assert run["columns"][0]["label"] == "Good units shipped"
    first = run["rows"][0]["kpis"]
    assert first["good_units"] > 0 and first["demand"] > 0 and 0 < first["oee_line"] < 1
    assert len(authoring.scenario_test_run(scenario=scenario, rounds=2)["rows"]) == 2
    assert authoring.scenario_test_run(scenario=scenario) == run  # same seed, same figures


def test_the_test_run_applies_the_schedule_and_the_strategy():
    calm = authoring.scenario_validate(valid(disruption_schedule=[]))
    outage = authoring.scenario_validate(valid(disruption_schedule=[
        {"round": 2, "kind": "site_outage", "start_day": 0, "duration_days": 22, "magnitude": 1.0}]))
    calm_units = [r["kpis"]["good_units"] for r in authoring.scenario_test_run(scenario=calm, rounds=2)["rows"]]
    outage_units = [r["kpis"]["good_units"] for r in authoring.scenario_test_run(scenario=outage, rounds=2)["rows"]]
    assert outage_units[0] == calm_units[0] and outage_units[1] < 0.2 * calm_units[1]
    chase = authoring.scenario_test_run(scenario=calm, strategy="chase_output", rounds=1)
    assert chase["rows"][0]["kpis"] != authoring.scenario_test_run(scenario=calm, rounds=1)["rows"][0]["kpis"]


@pytest.mark.parametrize("kwargs, field", [
    ({"rounds": 0}, "rounds"), ({"rounds": 7}, "rounds"), ({"rounds": "4"}, "rounds"), ({"seed": -1}, "seed"),
    ({"strategy": "cheat"}, "strategy"),
])
def test_the_test_run_refuses_bad_input(kwargs, field):
    with pytest.raises(LabError) as caught:
        authoring.scenario_test_run(scenario=authoring.scenario_validate(valid()), **kwargs)
    assert caught.value.field == field
