"""The package checks the room shows live, and engine errors in a manager's words (game/package_checks.py)."""
import dataclasses
import re

import pytest

from game import engine
from game.engine.budget import planned_spend
from classroom.i18n_text import render
from game.package_checks import decision_error_text
from game.package_checks import package_checks as package_checks_messages


def package_checks(*args, **kwargs):
    """The checks as an English reader's socket sends them (their texts are messages: docs/i18n.md)."""
    return render(package_checks_messages(*args, **kwargs), "en")

ENVELOPES = ("maintenance_budget", "training_budget", "quality_budget", "capex_budget")
INTERNAL_NAMES = [name for name in engine.LEVERS if "_" in name]
MONEY_WITH_SEPARATORS = re.compile(r"\b\d{1,3}(?:,\d{3})+ USD\b")


@pytest.fixture
def scenario():
    return dataclasses.replace(engine.load_scenario("demo"), currency="USD")


@pytest.fixture
def levers(scenario):
    return engine.default_levers(scenario)


def money(amount: float) -> str:
    return f"{'-' if amount < -0.5 else ''}{abs(amount):,.0f} USD"


def kinds(checks):
    return [item["kind"] for item in checks["items"]]


def assert_plain_words(checks):
    for item in checks["items"]:
        for name in INTERNAL_NAMES:
            assert name not in item["text"], (name, item["text"])


# ---- refusals ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("weights, gap", [([30, 20, 20, 20, 20], "10 points over"),
                                          ([10, 20, 20, 20, 5], "25 points short")])
def test_weights_not_adding_to_100_refuse_the_package_and_name_the_director(scenario, levers, weights, gap):
    checks = package_checks({**levers, "priority_weights": weights}, scenario)
    refusals = [i for i in checks["items"] if i["kind"] == "refuse"]
    assert checks["ready"] is False
    assert checks["weights_total"] == sum(weights)
    assert [(r["role"], r["lever"]) for r in refusals] == [("director", "priority_weights")]
    text = refusals[0]["text"]
    assert f"add up to {sum(weights)}" in text and gap in text and "100" in text
    assert "director" in text
    assert kinds(checks)[0] == "refuse"  # refusals come first
    assert_plain_words(checks)


def test_hiring_and_letting_go_at_once_is_refused_and_names_hr(scenario, levers):
    checks = package_checks({**levers, "hires": 3, "exits": 2}, scenario)
    refusals = [i for i in checks["items"] if i["kind"] == "refuse"]
    assert checks["ready"] is False
    assert [r["role"] for r in refusals] == ["hr"]
    assert "HR" in refusals[0]["text"] and "3" in refusals[0]["text"] and "2" in refusals[0]["text"]
    assert_plain_words(checks)


@pytest.mark.parametrize("hires, exits", [(3, 0), (0, 2), (0, 0)])
def test_hiring_or_letting_go_alone_is_not_refused(scenario, levers, hires, exits):
    checks = package_checks({**levers, "hires": hires, "exits": exits}, scenario)
    assert "refuse" not in kinds(checks) and checks["ready"] is True


def test_both_refusals_are_listed_together(scenario, levers):
    checks = package_checks({**levers, "priority_weights": [0, 0, 0, 0, 0], "hires": 1, "exits": 1}, scenario)
    assert [i["role"] for i in checks["items"] if i["kind"] == "refuse"] == ["director", "hr"]
    assert checks["ready"] is False


# ---- envelopes ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("envelope, planner", [("maintenance_budget", "engineering"), ("training_budget", "HR"),
                                               ("quality_budget", "engineering"), ("capex_budget", "the director")])
def test_a_short_envelope_is_a_cut_with_its_shortfall_naming_finance_and_the_planner(scenario, levers, envelope,
                                                                                     planner):
    short = {**levers, envelope: 1_000.0}
    need = planned_spend(short, scenario.params)[envelope]
    assert need > 1_000.0 + 0.5  # the default plan costs more than 1,000 in every envelope
    checks = package_checks(short, scenario)
    cuts = [i for i in checks["items"] if i["kind"] == "cut"]
    item = next(i for i in cuts if i["lever"] == envelope)
    assert item["role"] == "finance" and item["cap"] == 1_000.0
    assert item["planned"] == pytest.approx(need, abs=0.01)
    assert item["shortfall"] == pytest.approx(need - 1_000.0, abs=0.01)
    text = item["text"]
    assert text.startswith(engine.LEVERS[envelope].label + ":")
    assert f"short by {money(item['shortfall'])}" in text
    assert money(need) in text and "1,000 USD" in text
    assert "Finance can raise the envelope" in text and f"or {planner} can plan less" in text
    assert "The plant will cut:" in text
    assert checks["ready"] is True  # the plant runs an underfunded package; it cuts
    assert_plain_words(checks)


def test_every_envelope_that_fits_says_what_is_spare(scenario, levers):
    rich = {**levers, **{e: engine.LEVERS[e].max for e in ENVELOPES}}
    need = planned_spend(rich, scenario.params)
    checks = package_checks(rich, scenario)
    assert kinds(checks) == ["fits"] * 4
    assert [i["lever"] for i in checks["items"]] == list(need)
    for item in checks["items"]:
        cap, planned = engine.LEVERS[item["lever"]].max, need[item["lever"]]
        assert cap - planned > 1_000  # the test is about spare money: make sure there is some
        assert item["shortfall"] == 0.0 and item["role"] == "finance"
        assert item["text"] == (f"{engine.LEVERS[item['lever']].label}: the plan needs {money(planned)} of "
                                f"{money(cap)}, {money(cap - planned)} to spare.")
    assert checks["ready"] is True
    assert_plain_words(checks)


def test_an_envelope_exactly_at_its_plan_fits_with_nothing_spare(scenario, levers):
    need = planned_spend(levers, scenario.params)["maintenance_budget"]
    checks = package_checks({**levers, "maintenance_budget": need}, scenario)
    item = next(i for i in checks["items"] if i["lever"] == "maintenance_budget")
    assert item["kind"] == "fits" and item["text"].endswith("0 USD to spare.")


def test_money_in_every_text_carries_the_currency_with_thousands_separators(scenario, levers):
    mixed = {**levers, "maintenance_budget": 1_000.0, "training_budget": 150_000.0, "priority_weights": [50] * 5,
             "hires": 1, "exits": 1}
    checks = package_checks(mixed, scenario)
    money_items = [i for i in checks["items"] if i["kind"] in ("cut", "fits")]
    assert {i["kind"] for i in money_items} == {"cut", "fits"}
    for item in money_items:
        assert MONEY_WITH_SEPARATORS.search(item["text"]), item["text"]
        assert "EUR" not in item["text"]
        # every amount is a grouped figure: no bare run of four or more digits
        assert not re.search(r"\d{4,}", item["text"]), item["text"]
    assert_plain_words(checks)


# ---- engine errors in words --------------------------------------------------------------------------

def error_for(lever, value):
    with pytest.raises(engine.DecisionError) as exc:
        engine.validate_lever(lever, value)
    return exc.value


@pytest.mark.parametrize("lever, value, shown, owner", [
    ("overtime_share", 0.9, "from 0 to 30 % of planned hours", "HR can change it."),
    ("cross_training", 1.5, "from 0 to 100 % of workers", "HR can change it."),
    ("second_supplier_share", 0.7, "from 0 to 60 % of material", "Finance can change it."),
    ("quality_program", 2.0, "from 0 to 100 % of the full program", "Engineering can change it."),
])
def test_share_levers_are_explained_in_percent_and_name_the_owner(lever, value, shown, owner):
    text = decision_error_text(error_for(lever, value))
    assert shown in text, text
    assert text.startswith(engine.LEVERS[lever].label + " must be a number")
    assert text.endswith(owner)
    assert lever not in text
    assert not re.search(r"\b0\.\d", text), text  # never the engine's 0..1 share


def test_money_levers_are_explained_in_the_rooms_currency():
    text = decision_error_text(error_for("maintenance_budget", -5.0), "USD")
    assert text == "Maintenance envelope must be a number from 0 to 200,000 USD per month. Finance can change it."


@pytest.mark.parametrize("lever, value, words, owner", [
    ("technicians", 0, "a whole number from 1 to 12 people", "Engineering can change it."),
    ("production_target", 40_000, "a whole number from 0 to 30,000 units per month", "The director can change it."),
    ("hires", 2.5, "a whole number from 0 to 30 people", "HR can change it."),
])
def test_whole_number_levers_name_range_unit_and_owner(lever, value, words, owner):
    text = decision_error_text(error_for(lever, value))
    assert words in text and text.endswith(owner)
    assert not any(name in text for name in INTERNAL_NAMES), text


def test_package_rules_are_explained_by_label_and_owner(scenario, levers):
    with pytest.raises(engine.DecisionError) as weights:
        engine.validate_package({**levers, "priority_weights": [30, 20, 20, 20, 20]}, scenario)
    text = decision_error_text(weights.value)
    assert text.startswith("Priority weights ") and "110" in text and text.endswith("The director can change it.")
    assert "priority_weights" not in text
    with pytest.raises(engine.DecisionError) as both:
        engine.validate_package({**levers, "hires": 2, "exits": 1}, scenario)
    text = decision_error_text(both.value)
    assert text.startswith("Exits ") and text.endswith("HR can change it.")


def test_an_error_about_no_lever_is_a_sentence():
    text = decision_error_text(engine.DecisionError("package", "must be an object mapping lever names to values"))
    assert text == "Must be an object mapping lever names to values."


# ---- approving a package the plant cannot run --------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_approving_a_package_whose_weights_do_not_add_to_100_is_refused_in_plain_words(started_session):
    from classroom.errors import LabError
    from game.models import Approval
    from game.services.packages import package_approve, package_edit
    from tests import factories

    director = factories.holder(started_session, "director")
    edited = package_edit(participant_id=director.id, lever="priority_weights", value=[40, 20, 20, 20, 20],
                          base_version=1, client_msg_id="w")
    assert edited["checks"]["ready"] is False and edited["checks"]["weights_total"] == 120
    for role in engine.ROLES:
        with pytest.raises(LabError) as exc:
            package_approve(participant_id=factories.holder(started_session, role).id, version=2,
                            client_msg_id=f"a-{role}")
        assert exc.value.code == "invalid_package" and exc.value.field == "priority_weights"
        message = exc.value.message
        assert message.startswith("This package cannot be approved yet: Priority weights")
        assert "120" in message and "The director can change it." in message
        assert not any(name in message for name in INTERNAL_NAMES), message
    assert not Approval.objects.exists()
