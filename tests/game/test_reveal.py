"""The results reveal (game/reveal.py): pure functions over result payloads made by the real engine."""
import itertools
import random
import re

import pytest

from game import engine
from game.dashboards import KPIS, ROLE_DASHBOARDS, summary_kpis, visible_kpis
from game.engine.kpis import SCORECARD_WEIGHTS
from classroom.i18n_text import render
from game.reveal import format_kpi, scorecard_points, visible_result
from game.reveal import round_reveal as reveal_messages


def round_reveal(**kwargs):
    """The reveal as an English reader gets it (its sentences are messages each socket renders)."""
    return render(reveal_messages(**kwargs), "en")

ROLE_SETS = [list(c) for n in range(len(engine.ROLES) + 1) for c in itertools.combinations(engine.ROLES, n)]
BREAKDOWN = {"scorecard_parts": "director", "risk_parts": "director", "cash_flows": "finance"}
STATION_LISTS = ("station_failures", "station_downtime_hours", "station_pm_hours", "station_output")


def _payloads():
    """Two teams, three months: a balanced plan, and one that starves maintenance and runs 30% overtime,
    hit by a breakdown at station 3 in month 2. Payloads as game.selectors.result_payload builds them."""
    scenario = engine.load_scenario("demo")
    balanced = engine.default_levers(scenario)
    pushed = {**engine.default_levers(scenario), "maintenance_budget": 5_000.0, "overtime_share": 0.3,
              "pm_hours": [0, 0, 0, 0, 0], "training_hours": 0}
    state = engine.initial_state(scenario, 2)
    breakdown = engine.Disruption.from_dict({"kind": "machine_breakdown", "targets": [2], "start_day": 3,
                                             "duration_days": 2, "magnitude": 1.0})
    alignment = {1: [85.0, 40.0], 2: [90.0, None], 3: [70.0, 30.0]}
    history, results = [[], []], [[], []]
    for n in (1, 2, 3):
        hits = [[], [breakdown] if n == 2 else []]
        state, kpis = engine.simulate_round(state, [balanced, pushed], scenario, hits, 11, n, alignment=alignment[n])
        for t, levers in enumerate((balanced, pushed)):
            history[t].append({"round": n, "decisions": levers, "kpis": kpis[t]})
            results[t].append({
                "round": n, "aligned": alignment[n][t] is not None and alignment[n][t] >= 50, "kpis": kpis[t],
                "decisions": levers, "mistakes": engine.detect_mistakes(history[t]),
                "disruptions": [{"kind": e.kind, "description": engine.DISRUPTION_KINDS[e.kind]["description"],
                                 "targets": list(e.targets), "start_day": e.start_day,
                                 "duration_days": e.duration_days, "magnitude": e.magnitude} for e in hits[t]],
            })
    return results


@pytest.fixture(scope="module")
def teams():
    return _payloads()


def _cases(teams):
    """(team results up to month n) for every team and month."""
    return [results[:n] for results in teams for n in (1, 2, 3)]


def _allowed(roles) -> set[str]:
    keep = visible_kpis(roles) | {k for k, role in BREAKDOWN.items() if role in roles}
    return keep | ({"station_lists", *STATION_LISTS} if "engineering" in roles else set())


def test_no_results_no_reveal():
    assert round_reveal(results=[], roles=["director"]) is None
    assert round_reveal(results=[], roles=[]) is None


def test_round_one_is_explained_without_a_previous_month(teams):
    for results in teams:
        reveal = round_reveal(results=results[:1], roles=["director", "engineering"])
        assert reveal["round"] == 1
        assert reveal["headline"].startswith("Round 1: the scorecard stands at ")
        assert all(row["previous"] is None and row["change"] is None and row["verdict"] is None
                   for row in reveal["kpis"])
        parts = [d for d in reveal["drivers"] if d["part"] != "cash"]
        assert parts, "round 1 names the parts furthest from a perfect score"
        for d in parts:
            assert d["points"] < 0 and "short of a perfect score" in d["text"]
            assert " from " not in d["text"], d["text"]  # no month-on-month change exists yet


def test_the_key_kpis_are_the_held_roles_dashboards(teams):
    results = teams[1]
    for roles in ROLE_SETS:
        reveal = round_reveal(results=list(reversed(results)), roles=list(reversed(roles)))
        lists = [ROLE_DASHBOARDS[r]["detail"] for r in engine.ROLES if r in roles] or \
            [ROLE_DASHBOARDS[r]["summary"] for r in engine.ROLES]
        expected = list(dict.fromkeys(k for keys in lists for k in keys))
        assert [row["kpi"] for row in reveal["kpis"]] == expected
        for row in reveal["kpis"]:
            kpi = KPIS[row["kpi"]]
            assert (row["label"], row["unit"], row["digits"], row["better"]) == \
                (kpi.label, kpi.unit, kpi.digits, kpi.better)
    assert {row["kpi"] for row in round_reveal(results=results, roles=[])["kpis"]} == summary_kpis()


def test_change_and_verdict_respect_the_direction_of_each_kpi(teams):
    seen = set()
    all_roles = list(engine.ROLES)
    for results in teams:
        for n in (2, 3):
            reveal = round_reveal(results=results[:n], roles=all_roles)
            now, before = results[n - 1]["kpis"], results[n - 2]["kpis"]
            for row in reveal["kpis"]:
                key = row["kpi"]
                assert row["value"] == now[key] and row["previous"] == before[key]
                if now[key] is None or before[key] is None:
                    assert row["change"] is None and row["verdict"] is None
                    continue
                assert row["change"] == pytest.approx(now[key] - before[key], abs=1e-6)
                better = KPIS[key].better
                shown = row["change"] * (100 if KPIS[key].unit == "share" else 1)
                if not better:
                    expected = None
                elif round(shown, KPIS[key].digits) == 0:
                    expected = "same"
                else:
                    expected = "better" if (row["change"] > 0) == (better == "up") else "worse"
                assert row["verdict"] == expected, row
                seen.add(row["verdict"])
    assert {"better", "worse", "same"} <= seen  # the runs exercise every verdict


def test_results_may_come_in_any_order(teams):
    results = list(teams[1])
    shuffled = results[:]
    random.Random(3).shuffle(shuffled)
    assert round_reveal(results=shuffled, roles=["finance"]) == round_reveal(results=results, roles=["finance"])


def test_scorecard_points_add_up_to_the_scorecard(teams):
    for results in teams:
        for result in results:
            total = sum(scorecard_points(result["kpis"]).values())
            assert total == pytest.approx(result["kpis"]["scorecard"], abs=1e-3)


def test_drivers_are_few_ordered_by_size_and_each_names_a_role(teams):
    for results in _cases(teams):
        for roles in ROLE_SETS:
            drivers = round_reveal(results=results, roles=roles)["drivers"]
            assert 1 <= len(drivers) <= 4
            assert all(d["role"] in engine.ROLES and d["text"].endswith(".") for d in drivers)
            parts = [d for d in drivers if d["part"] != "cash"]
            sizes = [abs(d["points"]) for d in parts]
            assert sizes == sorted(sizes, reverse=True)
            assert all(d["part"] in SCORECARD_WEIGHTS for d in parts)
            assert [d["part"] for d in drivers if d["part"] == "cash"] in ([], ["cash"])
            if drivers[-1]["part"] != "cash":
                assert all(d["part"] != "cash" for d in drivers)


def test_a_driver_is_the_weighted_change_of_its_part(teams):
    results = teams[1][:2]
    before, now = (scorecard_points(r["kpis"]) for r in results)
    for d in round_reveal(results=results, roles=["director"])["drivers"]:
        if d["part"] == "cash":
            continue
        expected = now.get(d["part"], 0.0) - before.get(d["part"], 0.0)
        assert d["points"] == pytest.approx(expected, abs=1e-3)
        assert f"{abs(expected):.1f} points" in d["text"]
        assert ("added" if expected > 0 else "cost") in d["text"]
    # every part's change, shown or not, adds up to the scorecard's change
    delta = results[1]["kpis"]["scorecard"] - results[0]["kpis"]["scorecard"]
    assert sum(now.get(k, 0) - before.get(k, 0) for k in SCORECARD_WEIGHTS) == pytest.approx(delta, abs=1e-3)


def _figures(key, value, currency):
    """The ways a sentence may write a value: the catalogue's format, and a ratio as a percentage."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return set()
    return {format_kpi(key, value, currency=currency)} | \
        ({f"{100 * value:.0f}%"} if KPIS[key].unit == "ratio" else set())


def _quoted(figure: str, text: str) -> bool:
    digits = sum(ch.isdigit() for ch in figure)
    bare = figure[-1].isdigit()
    if bare and digits < 3:
        return False  # "4" or "12" turn up in any sentence; a unit or three digits make a figure telling
    return re.search(r"(?<![\d.,])" + re.escape(figure) + r"(?![\d])", text) is not None


def _money(x, currency):
    return f"{abs(x):,.0f} {currency}"


def test_no_driver_quotes_a_figure_the_seat_may_not_see(teams):
    currency = "EUR"
    caught = set()
    for results in _cases(teams):
        months = [r["kpis"] for r in sorted(results, key=lambda r: r["round"])[-2:]]
        for roles in ROLE_SETS:
            reveal = round_reveal(results=results, roles=roles, currency=currency)
            visible = visible_kpis(roles)
            allowed = _allowed(roles)
            text = " ".join(d["text"] for d in reveal["drivers"])
            for d in reveal["drivers"]:
                assert set(d["kpis"]) <= allowed, (roles, d)
            # figures a visible KPI legitimately shows: a hidden one formatted the same is a coincidence
            shown = {f for k in visible for kp in months for f in _figures(k, kp.get(k), currency)}
            hidden = set(KPIS) - visible
            for key in hidden:
                for kp in months:
                    for figure in _figures(key, kp.get(key), currency) - shown:
                        assert not _quoted(figure, text), f"{roles} see {figure!r} of hidden {key}: {text}"
            if "finance" not in roles:
                for kp in months:
                    for line, v in kp["cash_flows"].items():
                        figure = _money(v, currency)
                        if figure not in {_money(kp2.get(k, 0) or 0, currency) for kp2 in months
                                          for k in visible if KPIS[k].unit == "money"}:
                            assert not _quoted(figure, text), f"{roles} see cash line {line}: {text}"
            if "director" not in roles:
                for kp in months:
                    for area, v in kp["risk_parts"].items():
                        assert not _quoted(_money(v, currency), text), f"{roles} see risk part {area}: {text}"
            if "engineering" not in roles:
                assert "at station" not in text, (roles, text)
            if roles == ["engineering"]:
                caught |= {k for k in set(KPIS) - visible_kpis(["finance"])
                           for kp in months[-1:] for f in _figures(k, kp.get(k), currency) if _quoted(f, text)}
    # the check can fail: an engineering seat's sentences quote figures a finance seat may not see
    assert caught, "the leak check never sees an engineering-only figure; it would pass vacuously"


def test_money_is_written_with_separators_and_the_scenario_currency(teams):
    assert format_kpi("cash", 1_517_878.125, currency="EUR") == "1,517,878 EUR"
    assert format_kpi("net_cash_flow", -108_632.15, currency="CHF") == "-108,632 CHF"
    assert format_kpi("cost_per_unit", 231.1127, currency="EUR") == "231.11 EUR/unit"
    assert format_kpi("availability", 0.872159) == "87.2%"
    assert format_kpi("unplanned_hours", 105.0) == "105 h"
    assert format_kpi("operational_risk", 12.507) == "12.5%"
    assert format_kpi("margin", -0.00001) == "0.0%"
    reveal = round_reveal(results=teams[0][:2], roles=["finance"], currency="CHF")
    cash = [d for d in reveal["drivers"] if d["part"] == "cash"]
    assert len(cash) == 1 and cash[0]["role"] == "finance"
    net = teams[0][1]["kpis"]["net_cash_flow"]
    assert f"{abs(net):,.0f} CHF" in cash[0]["text"]
    assert "EUR" not in " ".join(d["text"] for d in reveal["drivers"])


def test_headline_reports_the_scorecard_move_and_demand_shipped(teams):
    results = teams[1]
    for n in (2, 3):
        reveal = round_reveal(results=results[:n], roles=["hr"])
        now, before = results[n - 1]["kpis"], results[n - 2]["kpis"]
        d = now["scorecard"] - before["scorecard"]
        word = "held at" if f"{now['scorecard']:.1f}" == f"{before['scorecard']:.1f}" else \
            f"{'rose' if d > 0 else 'fell'} {abs(d):.1f} points to"
        assert reveal["headline"] == (f"Round {n}: the scorecard {word} {now['scorecard']:.1f}; "
                                      f"{100 * now['throughput_strength']:.0f}% of demand shipped.")


def test_disruptions_and_mistakes_come_from_the_latest_month(teams):
    results = teams[1]
    month2 = round_reveal(results=results[:2], roles=[])
    assert [d["kind"] for d in month2["disruptions"]] == ["machine_breakdown"]
    month3 = round_reveal(results=results, roles=[])
    assert month3["disruptions"] == [] and month3["mistakes"] == render(results[2]["mistakes"], "en")
    assert month3["mistakes"], "starving maintenance for three months is a mistake the plant shows"
    assert month3["aligned"] is results[2]["aligned"]


def test_visible_result_keeps_only_what_the_roles_may_see(teams):
    result = teams[1][2]
    original = {**result, "kpis": dict(result["kpis"])}
    for roles in ROLE_SETS:
        seen = visible_result(result=result, roles=roles)
        assert set(seen["kpis"]) <= _allowed(roles) | {"round"}
        assert seen["kpis"]["round"] == result["kpis"]["round"]
        assert all(seen["kpis"][k] == result["kpis"][k] for k in seen["kpis"])
        assert (seen["mistakes"], seen["disruptions"], seen["decisions"], seen["round"], seen["aligned"]) == \
            (result["mistakes"], result["disruptions"], result["decisions"], result["round"], result["aligned"])
        for key in visible_kpis(roles) & set(result["kpis"]):
            assert key in seen["kpis"]
        for key, role in BREAKDOWN.items():
            assert (key in seen["kpis"]) is (role in roles), (roles, key)
        for key in STATION_LISTS:
            assert (key in seen["kpis"]) is ("engineering" in roles), (roles, key)
    finance = visible_result(result=result, roles=["finance"])
    assert not any(k.startswith("station_") for k in finance["kpis"]) and "cash_flows" in finance["kpis"]
    assert "revenue" in finance["kpis"] and "availability" not in finance["kpis"]
    engineering = visible_result(result=result, roles=["engineering"])
    assert engineering["kpis"]["station_failures"] == result["kpis"]["station_failures"]
    assert "cash_flows" not in engineering["kpis"] and "revenue" not in engineering["kpis"]
    engineering["kpis"]["station_failures"].append(99)
    assert result == original  # a copy: the group's payload is not touched


def test_an_unknown_role_is_refused_by_name(teams):
    with pytest.raises(ValueError, match="'ceo'"):
        round_reveal(results=teams[0], roles=["ceo"])
    with pytest.raises(ValueError, match="'ceo'"):
        visible_result(result=teams[0][0], roles=["finance", "ceo"])
