"""Role briefs (game/briefs.py): what each participant reads before round 1. Pure, no database."""
import dataclasses
import json

import pytest

from game.briefs import role_brief, team_briefs
from game.dashboards import KPIS, ROLE_DASHBOARDS
from game.engine import LEVERS, ROLES, load_scenario, scenario_names
from game.engine.kpis import SCORECARD_WEIGHTS

KEYS = {"role", "title", "responsible_for", "levers", "sees", "others_see", "judged_by", "scenario",
        "your_role_in_it"}


@pytest.fixture(params=scenario_names())
def scenario(request):
    return load_scenario(request.param)


@pytest.mark.parametrize("role", ROLES)
def test_a_brief_has_its_shape_and_is_json_ready(role, scenario):
    brief = role_brief(role=role, scenario=scenario)
    assert set(brief) == KEYS
    assert json.loads(json.dumps(brief, allow_nan=False)) == brief
    assert brief["role"] == role
    for key in ("title", "responsible_for", "others_see", "your_role_in_it"):
        assert isinstance(brief[key], str) and brief[key].strip(), key


@pytest.mark.parametrize("role", ROLES)
def test_a_brief_lists_exactly_the_roles_own_levers(role):
    brief = role_brief(role=role, scenario=load_scenario("demo"))
    own = [name for name, spec in LEVERS.items() if spec.role == role]
    assert [lever["name"] for lever in brief["levers"]] == own
    for lever in brief["levers"]:
        spec = LEVERS[lever["name"]]
        assert set(lever) == {"name", "label", "unit", "range", "help"}
        assert lever["label"] == spec.label and lever["help"] == spec.help
        assert lever["range"].strip()


@pytest.mark.parametrize("role", ROLES)
def test_a_brief_shows_the_roles_dashboard_labels(role):
    brief = role_brief(role=role, scenario=load_scenario("demo"))
    assert brief["sees"] == [KPIS[k].label for k in ROLE_DASHBOARDS[role]["detail"]]


@pytest.mark.parametrize("role", ROLES)
def test_the_team_is_judged_by_the_seven_scorecard_parts(role):
    judged = role_brief(role=role, scenario=load_scenario("demo"))["judged_by"]
    assert [p["part"] for p in judged] == list(SCORECARD_WEIGHTS) and len(judged) == 7
    assert sum(p["weight_percent"] for p in judged) == 100
    for p in judged:
        assert p["weight_percent"] == round(100 * SCORECARD_WEIGHTS[p["part"]])
        assert p["label"].strip() and p["explain"].strip()


def test_others_are_named_and_you_are_not():
    brief = role_brief(role="finance", scenario=load_scenario("demo"))
    assert "summary" in brief["others_see"] and "chat" in brief["others_see"]
    assert all(t in brief["others_see"] for t in ("Director", "Engineering", "HR"))
    assert "Finance" not in brief["others_see"]


def test_the_scenario_part_is_the_teaching_notes_about(scenario):
    brief = role_brief(role="hr", scenario=scenario)
    assert brief["scenario"] == {"title": scenario.title, "about": scenario.teaching_note["about"]}


def test_without_an_about_the_description_stands_in():
    bare = dataclasses.replace(load_scenario("demo"), teaching_note={"trap": "SECRET TRAP"})
    brief = role_brief(role="director", scenario=bare)
    assert brief["scenario"]["about"] == bare.description
    assert "SECRET TRAP" not in json.dumps(brief)


def test_the_facilitators_notes_never_reach_a_brief(scenario):
    note = scenario.teaching_note
    secrets = [note[k] for k in ("trap", "strong_team") if note.get(k)]
    assert secrets, f"{scenario.name} has no trap or strong_team to guard"
    # the guide's parts (facilitator/guide.py) are the facilitator's too
    assert note.get("questions") and note.get("look_for"), f"{scenario.name} has no questions or look-fors to guard"
    secrets += note["questions"] + [item["text"] for item in note["look_for"]]
    text = json.dumps(team_briefs(roles=ROLES, scenario=scenario), ensure_ascii=False)
    for secret in secrets:
        assert secret not in text


def test_money_ranges_carry_thousands_separators_and_the_currency():
    demo = load_scenario("demo")
    finance = {lever["name"]: lever for lever in role_brief(role="finance", scenario=demo)["levers"]}
    assert finance["maintenance_budget"]["range"].startswith("0 – 200,000 EUR")
    assert finance["capex_budget"]["range"].startswith("0 – 1,500,000 EUR")
    assert "EUR" in finance["maintenance_budget"]["unit"]
    usd = dataclasses.replace(demo, currency="USD")
    ranges = [lever["range"] for lever in role_brief(role="finance", scenario=usd)["levers"]
              if LEVERS[lever["name"]].unit.startswith("money")]
    assert ranges and all("USD" in r and "EUR" not in r and "," in r for r in ranges)


def test_a_scenario_without_a_currency_writes_eur():
    class Old:  # a scenario object from before the currency field
        title, description, teaching_note = "Old plant", "An old plant.", {}
    lever = role_brief(role="finance", scenario=Old())["levers"][0]
    assert lever["range"] == "0 – 200,000 EUR per month"


def test_other_ranges_read_as_plain_english():
    demo = load_scenario("demo")
    levers = {lv["name"]: lv for role in ROLES for lv in role_brief(role=role, scenario=demo)["levers"]}
    # the same units as the room's form: one round is a month, shares in %
    assert levers["overtime_share"]["range"] == "0 – 30 % of planned hours"
    assert levers["quality_program"]["range"] == "0 – 100 % of the full program"
    assert levers["raw_material_cover_days"]["range"] == "0.5 – 20 days"
    assert levers["production_target"]["range"] == "0 – 30,000 units per month"
    assert levers["inspection_level"]["range"] == "light, standard or full"
    assert levers["pm_hours"]["range"] == "0 – 120 h per month, for each of the 5 stations"


def test_an_unknown_role_is_refused():
    with pytest.raises(ValueError, match="unknown role 'ceo'"):
        role_brief(role="ceo", scenario=load_scenario("demo"))
    with pytest.raises(ValueError, match="unknown role"):
        team_briefs(roles=["finance", "ceo"], scenario=load_scenario("demo"))


def test_team_briefs_follow_the_engine_role_order():
    briefs = team_briefs(roles=["hr", "director", "hr"], scenario=load_scenario("demo"))
    assert [b["role"] for b in briefs] == ["director", "hr"]
    assert team_briefs(roles=[], scenario=load_scenario("demo")) == []
