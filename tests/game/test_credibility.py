"""The credibility score against hand-computed values (game/credibility.py, docs/model.md "Credibility")."""
import math

import pytest

from game.credibility import credibility, forecast_errors


def test_errors_are_forecast_minus_actual_in_percent_of_the_actual():
    errs = forecast_errors({"good_units": 11_000, "cash": 900_000, "extra": {"kpi": "quits", "value": 2}},
                           {"good_units": 10_000, "cash": 1_000_000, "quits": 0})
    assert errs == {
        "good_units": {"forecast": 11_000.0, "actual": 10_000.0, "error": 1_000.0, "error_pct": 10.0},
        "cash": {"forecast": 900_000.0, "actual": 1_000_000.0, "error": -100_000.0, "error_pct": -10.0},
        "quits": {"forecast": 2.0, "actual": 0.0, "error": 2.0, "error_pct": None},  # no percentage of zero
    }
    assert forecast_errors(None, {"good_units": 1}) is None


def test_negative_cash_takes_its_size_as_the_base():
    errs = forecast_errors({"good_units": 0, "cash": -150_000, "extra": None}, {"good_units": 0, "cash": -100_000})
    assert errs["cash"]["error_pct"] == -50.0  # promised 50,000 less cash than the plant had: pessimistic


def test_score_mape_and_bias_by_hand():
    # Month 1: +10 % units, +10 % cash. Month 2: -10 % units, +20 % cash. Month 3: no forecast (not aligned).
    month1 = forecast_errors({"good_units": 11_000, "cash": 1_100_000}, {"good_units": 10_000, "cash": 1_000_000})
    month2 = forecast_errors({"good_units": 9_000, "cash": 1_200_000}, {"good_units": 10_000, "cash": 1_000_000})
    # MAPE = (10 + 10 + 10 + 20) / 4 = 12.5; bias = (10 + 10 - 10 + 20) / 4 = 7.5 (optimistic);
    # score = 100 x (1 - (12.5 + 7.5) / 100) = 80.
    assert credibility([month1, month2, None]) == {"score": 80.0, "mape": 12.5, "bias": 7.5, "rounds": 2}


def test_errors_that_cancel_cost_less_than_errors_that_lean_one_way():
    up = forecast_errors({"good_units": 11_000, "cash": 1_100_000}, {"good_units": 10_000, "cash": 1_000_000})
    down = forecast_errors({"good_units": 9_000, "cash": 900_000}, {"good_units": 10_000, "cash": 1_000_000})
    assert credibility([up, down])["score"] == 90.0  # MAPE 10, bias 0
    assert credibility([up, up])["score"] == 80.0  # MAPE 10, bias 10


def test_a_wild_month_is_capped_and_the_score_never_goes_below_zero():
    wild = forecast_errors({"good_units": 40_000, "cash": 5_000_000}, {"good_units": 10_000, "cash": 1_000_000})
    assert wild["good_units"]["error_pct"] == 300.0
    assert credibility([wild]) == {"score": 0.0, "mape": 100.0, "bias": 100.0, "rounds": 1}


@pytest.mark.parametrize("rounds", [[], [None, None], [{"good_units": {"forecast": 1.0, "actual": 0.0, "error": 1.0,
                                                                        "error_pct": None}}]])
def test_no_forecast_no_score(rounds):
    assert credibility(rounds) == {"score": None, "mape": None, "bias": None, "rounds": 0}


def test_missing_or_non_finite_figures_are_left_out():
    errs = forecast_errors({"good_units": 100, "cash": math.nan}, {"good_units": 100})
    assert errs == {"good_units": {"forecast": 100.0, "actual": 100.0, "error": 0.0, "error_pct": 0.0}}
    assert credibility([errs]) == {"score": 100.0, "mape": 0.0, "bias": 0.0, "rounds": 1}


def test_in_words():
    from game.credibility import credibility_words

    assert credibility_words({"score": 80.0, "mape": 12.5, "bias": 7.5, "rounds": 2}) == \
        "80.0 (12.5 % off on average, 7.5 % optimistic, 2 months)"
    assert credibility_words({"score": 90.0, "mape": 10.0, "bias": -0.01, "rounds": 1}) == \
        "90.0 (10.0 % off on average, unbiased, 1 month)"
    assert credibility_words({"score": None, "mape": None, "bias": None, "rounds": 0}) == "–"
