"""How credible a team's forecasts were: each month's forecast against what the plant did, and a session score.

Pure Python (Django only for the words of `credibility_words`, in the active language): the selectors, exports
and reports call it with stored results. The formula and why
are in docs/model.md, "Credibility". In short, per committed KPI and month the signed percentage error
e = 100 x (forecast - actual) / |actual| (positive = optimistic: more promised than delivered), each capped at
+-100 % so one wild month cannot swamp the rest; MAPE = mean |e|, bias = mean e, and
score = 100 x max(0, 1 - (MAPE + |bias|) / 100): errors that cancel out cost their size once, errors that all
lean the same way cost it twice.
"""
import math

SCORED = ("good_units", "cash")  # the KPIs every commitment states; the optional extra is shown, not scored
CAP_PCT = 100.0


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def forecast_errors(forecast: dict | None, kpis: dict) -> dict | None:
    """Per forecast KPI: {"forecast", "actual", "error", "error_pct"}; error = forecast - actual, error_pct in %
    of the actual (None when the actual is zero or missing). None when there was no forecast."""
    if not forecast:
        return None
    wanted = {key: forecast.get(key) for key in SCORED}
    extra = forecast.get("extra")
    if extra and extra.get("kpi") not in wanted:
        wanted[extra["kpi"]] = extra.get("value")
    out = {}
    for key, promised in wanted.items():
        promised, actual = _number(promised), _number(kpis.get(key))
        if promised is None:
            continue
        error = None if actual is None else promised - actual
        pct = None if error is None or actual == 0 else 100.0 * error / abs(actual)
        out[key] = {"forecast": promised, "actual": actual, "error": error,
                    "error_pct": None if pct is None else round(pct, 2)}
    return out


def credibility(rounds: list[dict | None]) -> dict:
    """The session's credibility from each round's forecast_errors (None: no forecast that round, not counted):
    {"score": 0-100 or None, "mape": %, "bias": % (positive = optimistic), "rounds": months counted}."""
    errors = []
    counted = 0
    for errs in rounds:
        pcts = [errs[k]["error_pct"] for k in SCORED if errs and k in errs and errs[k]["error_pct"] is not None]
        if pcts:
            counted += 1
            errors.extend(max(-CAP_PCT, min(CAP_PCT, p)) for p in pcts)
    if not errors:
        return {"score": None, "mape": None, "bias": None, "rounds": 0}
    mape = sum(abs(e) for e in errors) / len(errors)
    bias = sum(errors) / len(errors)
    score = 100.0 * max(0.0, 1.0 - (mape + abs(bias)) / 100.0)
    return {"score": round(score, 1), "mape": round(mape, 2), "bias": round(bias, 2), "rounds": counted}


def credibility_words(cred: dict) -> str:
    """"80.0 (12.5 % off on average, 7.5 % optimistic, 2 months)", or "–" with no forecast."""
    from django.utils.formats import number_format
    from django.utils.translation import gettext as _, ngettext

    if cred.get("score") is None:
        return "–"

    def shown(value):
        return number_format(round(value, 1), 1, use_l10n=True, force_grouping=True)

    bias = cred["bias"]
    if abs(bias) < 0.05:
        lean = _("unbiased")
    else:
        lean = (_("%(pct)s %% optimistic") if bias > 0 else _("%(pct)s %% pessimistic")) % {"pct": shown(abs(bias))}
    months = cred["rounds"]
    return ngettext("%(score)s (%(mape)s %% off on average, %(lean)s, %(n)s month)",
                    "%(score)s (%(mape)s %% off on average, %(lean)s, %(n)s months)", months) % {
        "score": shown(cred["score"]), "mape": shown(cred["mape"]), "lean": lean, "n": months}
