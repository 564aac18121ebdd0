"""The review's findings (issue 7), each held by a multi-seed play that would catch it returning.

Every check runs 20 seeds, must hold on at least 75% of them, and prints its effect size (pytest -s).
Strategies are partial lever packages; `play` funds the envelopes unless a test sets them.
"""
import numpy as np
import pytest

from game.engine import Disruption, default_levers, initial_state, load_scenario, simulate_round
from game.engine import strategies as S
from game.engine.people import acute_loss
from game.engine.scenario import scenario_from_dict

SC = load_scenario("demo")
P = SC.params
SEEDS = range(20)
MAJORITY = 0.75


def scenario(**params):
    return scenario_from_dict({"name": "t", "title": "t", "description": "t", "params": params})


def series(hist, key):
    return np.array([x["kpis"][key] for x in hist], dtype=float)


def majority(flags, what, effect):
    share = float(np.mean(flags))
    msg = f"{what}: held on {share:.0%} of seeds; {effect}"
    print("\n  " + msg)
    assert share >= MAJORITY, msg


def fixed(**levers):
    """A strategy that plays the same partial package every round."""
    return lambda r, h: dict(levers)


def run_raw(packages, sc, seed, rounds, state=None, disruptions=None):
    """Full packages, no envelope top-up (for the finance tests). Returns per-team KPI histories."""
    n = len(packages)
    st = state if state is not None else initial_state(sc, n)
    out = [[] for _ in range(n)]
    for r in range(1, rounds + 1):
        dis = [list(disruptions(r, t)) if disruptions else [] for t in range(n)]
        st, k = simulate_round(st, packages, sc, dis, seed=seed, round_number=r)
        for t in range(n):
            out[t].append({"round": r, "kpis": k[t]})
    return out


# ---- 1. finance: the envelopes are caps the plant obeys ------------------------------------------------
def test_maintenance_envelope_caps_pm_and_makes_repairs_wait():
    plan = S.funded({"pm_hours": [30, 30, 36, 30, 30], "technicians": 5}, SC)
    tight = plan | {"maintenance_budget": 5 * P["tech_hours_per_month"] * P["tech_wage"] + 2_000}
    flags, eff = [], []
    for seed in SEEDS:
        full, cut = run_raw([plan, tight], SC, seed, 4)
        pm_f, pm_c = series(full, "pm_hours_done").sum(), series(cut, "pm_hours_done").sum()
        wait = series(cut, "repairs_waiting_for_money").sum()
        down_f, down_c = series(full, "unplanned_hours")[1:].sum(), series(cut, "unplanned_hours")[1:].sum()
        flags.append(pm_c < 0.5 * pm_f and wait > 0 and down_c > down_f)
        eff.append((pm_f, pm_c, wait, down_f, down_c))
    e = np.mean(eff, 0)
    majority(flags, "a short maintenance envelope cuts PM and makes repairs wait",
             f"PM done {e[0]:.0f} h funded vs {e[1]:.0f} h capped; {e[2]:.1f} repairs waited for money; unplanned "
             f"hours rounds 2-4 {e[3]:.0f} vs {e[4]:.0f}")


def test_training_quality_and_capex_envelopes_cut_what_they_fund():
    plan = S.funded({"training_hours": 8, "cross_training": 0.5, "quality_program": 1.0,
                     "projects": ["debottleneck_s3"], "engineering_hours": 400}, SC)
    cut = plan | {"training_budget": 0.0, "quality_budget": 2_000.0, "capex_budget": 400 * P["engineering_cost_per_hour"]
                  + 40_000}
    skill, fpy, done, eff = [], [], [], []
    for seed in SEEDS:
        a, b = run_raw([plan, cut], SC, seed, 5)
        skill.append(series(a, "skill")[-1] > series(b, "skill")[-1] + 0.02)
        fpy.append(series(a, "first_pass_yield")[-1] > series(b, "first_pass_yield")[-1]
                   and series(a, "escapes")[-1] < series(b, "escapes")[-1])

        def finish(h):
            return next((x["round"] for x in h if "debottleneck_s3" in x["kpis"]["projects_completed_now"]), 9)
        done.append(finish(a) < finish(b))
        eff.append((series(a, "skill")[-1], series(b, "skill")[-1], series(a, "escapes")[-1], series(b, "escapes")[-1],
                    finish(a), finish(b)))
    e = np.mean(eff, 0)
    msg = (f"skill {e[0]:.3f} funded vs {e[1]:.3f} unfunded; escapes {e[2]:.0f} vs {e[3]:.0f}; project done in round "
           f"{e[4]:.1f} vs {e[5]:.1f}")
    majority(skill, "an empty training envelope stops training", msg)
    majority(fpy, "a short quality envelope cuts inspection and the program", msg)
    majority(done, "an underfunded project progresses slower", msg)


def _every_lever_cases():
    """(lever, low, high) for every lever; lists move one element, envelopes go from zero to the cap."""
    from game.engine import LEVERS
    cases = []
    for name, spec in LEVERS.items():
        if name == "priority_weights":
            cases.append((name, [0, 100, 0, 0, 0], [100, 0, 0, 0, 0]))
        elif name == "pm_hours":
            cases.append((name, [0] * 5, [40] * 5))
        elif name == "projects":
            cases.append((name, [], ["debottleneck_s3"]))
        elif spec.kind == "choice":
            cases.append((name, spec.choices[0], spec.choices[-1]))
        elif name == "exits":
            cases.append((name, 0, 10))
        else:
            cases.append((name, spec.min, spec.max))
    return cases


@pytest.mark.parametrize("lever,low,high", _every_lever_cases(), ids=lambda x: x if isinstance(x, str) else None)
def test_every_lever_moves_a_kpi(lever, low, high):
    """A plausible plant: second supplier qualified, flu season, a supplier hiccup, orders waiting. Every lever
    from its minimum to its maximum must move some KPI (a dead lever fails here)."""
    keys = ("good_units", "shipped_units", "cash", "margin", "first_pass_yield", "unplanned_hours", "skill",
            "fatigue", "headcount", "execution_confidence", "operational_risk", "escapes", "raw_material",
            "maintenance_backlog", "scorecard", "pm_hours_done")
    base = S.funded({"pm_hours": [16, 16, 20, 16, 16], "technicians": 4, "training_hours": 4, "cross_training": 0.4,
                     "quality_program": 0.4, "engineering_hours": 200, "hires": 0}, SC)
    if lever in ("exits",):
        base["hires"] = 0
    lo, hi = dict(base), dict(base)
    lo[lever], hi[lever] = low, high
    if lever == "projects":
        for pk in (lo, hi):
            pk["capex_budget"] = 400_000.0
    state = initial_state(SC, 2)
    state.supplier2_ready[:] = 1.0

    def dis(r, t):
        return [Disruption("absenteeism", (), 0, 22, 0.12), Disruption("supplier_failure", (0,), 3, 6, 1.0),
                Disruption("demand_spike", (), 0, 22, 0.3)]
    moved = []
    for seed in (1, 2, 3):
        a, b = run_raw([lo, hi], SC, seed, 4, state=state.copy(), disruptions=dis)
        diffs = {k: abs(series(a, k) - series(b, k)).max() / max(abs(series(a, k)).max(), 1e-9) for k in keys}
        moved.append(max(diffs.values()))
    print(f"\n  {lever}: largest relative KPI change {max(moved):.2%}")
    assert min(moved) > 0.005, (lever, moved)


# ---- 2. overtime: a tactic when orders wait, not a structure ---------------------------------------------
def test_weekly_output_follows_the_published_hours_shape():
    h = np.array([40.0, 44, 48, 52, 56, 60, 62])
    out = h * (1 - acute_loss(h, P))
    slope = np.diff(out) / np.diff(h)
    print(f"\n  weekly output at {h.tolist()} h: {np.round(out, 1).tolist()}; marginal output {np.round(slope, 2).tolist()}")
    assert np.allclose(out[:3], h[:3])  # proportional up to the high 40s
    assert np.all(np.diff(slope) <= 1e-9) and slope[-1] < 0.2  # concave, nearly flat in the upper 50s to 60s


def test_a_burst_of_overtime_when_orders_wait_beats_never_and_always():
    """The demo plant always has orders waiting; a spike in round 3 adds more. One month of 25% overtime then
    beats none (orders beyond what customers wait for are lost) and beats overtime every month (fatigue, wear
    and the premium eat the gain)."""
    spike = lambda r, t: [Disruption("demand_spike", (), 0, 22, 0.4)] if r == 3 else []
    base = {"pm_hours": S.REQUIRED_PM, "technicians": 4, "production_target": 16_000}

    def plan(months):
        return lambda r, h: base | {"overtime_share": 0.25 if r in months else 0.0, "hires": S.keep_staffed(h)}
    flags, eff = [], []
    for seed in SEEDS:
        n, b, a = S.play([plan(()), plan((3,)), plan(range(1, 9))], SC, seed, rounds=8, disruptions=spike)
        cash = [series(x, "net_cash_flow").sum() for x in (n, b, a)]
        flags.append(cash[1] > cash[0] and cash[1] > cash[2])
        eff.append((cash[1] - cash[0], cash[1] - cash[2], series(b, "shipped_units")[2] - series(n, "shipped_units")[2]))
    e = np.mean(eff, 0) / [1e3, 1e3, 1]
    majority(flags, "overtime in the spike month beats never and always",
             f"burst vs never {e[0]:+.0f}k cash over 8 rounds ({e[2]:+.0f} units shipped in the spike month); burst vs "
             f"always {e[1]:+.0f}k")


def test_fatigue_clears_faster_than_it_builds():
    def f(r, h):
        return {"overtime_share": 0.3 if r <= 2 else 0.0, "shift_pattern": "6x2" if r <= 2 else "5x2"}
    flags, eff = [], []
    for seed in SEEDS:
        hist = S.play([f], SC, seed, rounds=3)[0]
        fat = [0.05] + series(hist, "fatigue").tolist()
        rise, fall = fat[1] - fat[0], fat[2] - fat[3]
        flags.append(fall > rise)
        eff.append((rise, fall))
    e = np.mean(eff, 0)
    majority(flags, "a month of rest clears more fatigue than a month of long hours builds",
             f"fatigue +{e[0]:.3f} in the first month of 62 h weeks, -{e[1]:.3f} in the first month back at 40 h")


# ---- 3. injuries and quits respond as published ----------------------------------------------------------
def test_long_hours_raise_injury_hazard_by_tens_of_percent_and_quits_slowly():
    sc = scenario(injury_rate_per_1000h=0.12)  # ten times the rate so that counts are not all zero
    long_hours = fixed(overtime_share=0.25, shift_pattern="6x2", pm_hours=S.REQUIRED_PM, technicians=4)
    normal = fixed(pm_hours=S.REQUIRED_PM, technicians=4)
    inj, hours, quits = np.zeros(2), np.zeros(2), []
    for seed in SEEDS:
        hn, hl = S.play([normal, long_hours], sc, seed, rounds=6)
        for i, h in enumerate((hn, hl)):
            inj[i] += series(h, "injuries").sum()
            hours[i] += sum(x["kpis"]["hours_per_week"] * x["kpis"]["headcount"] for x in h)
        quits.append((series(hn, "quits"), series(hl, "quits")))
    rate_ratio = (inj[1] / hours[1]) / (inj[0] / hours[0])
    qn = np.mean([q[0] for q in quits], 0) / 62
    ql = np.mean([q[1] for q in quits], 0) / 62
    print(f"\n  injury rate per hour at 60 h weeks x{rate_ratio:.2f}; monthly quit rate at 60 h: month 1 {ql[0]:.1%}, "
          f"month 6 {ql[-1]:.1%} (40 h: {qn.mean():.1%})")
    assert 1.2 < rate_ratio < 1.9
    assert ql[-1] < 3.0 * max(qn.mean(), 0.01) and ql[0] < ql[-1]


# ---- 4. new equipment ramps up to rated speed within months ----------------------------------------------
def test_new_equipment_at_the_bottleneck_reaches_rated_speed_and_pays():
    def new_eq(r, h):
        done = set(h[-1]["kpis"]["projects_completed"]) if h else set()
        return S.pm_required(r, h) | {"projects": [] if "new_equipment_s3" in done else ["new_equipment_s3"],
                                      "engineering_hours": 500}
    flags, eff = [], []
    for seed in SEEDS:
        eq, none = S.play([new_eq, S.pm_required], SC, seed, rounds=9)
        done = next(x["round"] for x in eq if "new_equipment_s3" in x["kpis"]["projects_completed_now"])
        gaps = series(eq, "ramp_gap_max")[done - 1:]
        months_to_rated = int(np.argmax(gaps < 0.01)) if (gaps < 0.01).any() else 99
        gain = series(eq, "good_units")[-3:].sum() / series(none, "good_units")[-3:].sum() - 1
        flags.append(months_to_rated <= 4 and gain > 0.03)
        eff.append((done, months_to_rated, gain))
    e = np.mean(eff, 0)
    majority(flags, "new equipment reaches rated speed within 4 months and raises output",
             f"installed in round {e[0]:.1f}; rated speed {e[1]:.1f} months later; output in the last 3 rounds {e[2]:+.1%}")


# ---- 5. cross-training and surplus people --------------------------------------------------------------
def test_cross_training_costs_nothing_but_training_when_nobody_is_absent():
    sc = scenario(base_absenteeism=0.0, initial_headcount=64)
    flags, eff = [], []
    for seed in SEEDS:
        none, cross = S.play([fixed(cross_training=0.0, training_hours=0, pm_hours=S.REQUIRED_PM, technicians=4),
                              fixed(cross_training=1.0, cross_training_scheme="full", training_hours=0,
                                    pm_hours=S.REQUIRED_PM, technicians=4)], sc, seed, rounds=4)
        d = series(cross, "good_units").sum() / series(none, "good_units").sum() - 1
        flags.append(abs(d) < 0.005)
        eff.append(d)
    majority(flags, "full cross-training with nobody absent leaves output alone",
             f"output {np.mean(eff):+.2%} vs no cross-training")


def test_a_chain_recovers_most_of_what_full_flexibility_gives():
    flu = lambda r, t: [Disruption("absenteeism", (), 0, 22, 0.12)] if r >= 4 else []
    base = {"pm_hours": S.REQUIRED_PM, "technicians": 4, "training_hours": 2}
    flags, eff = [], []
    for seed in SEEDS:
        none, chain, full = S.play([fixed(**base, cross_training=0.0),
                                    fixed(**base, cross_training=0.6, cross_training_scheme="chain"),
                                    fixed(**base, cross_training=0.6, cross_training_scheme="full")],
                                   SC, seed, rounds=6, disruptions=flu)
        g = [series(x, "good_units")[3:].sum() for x in (none, chain, full)]
        gain_chain, gain_full = g[1] - g[0], g[2] - g[0]
        flags.append(gain_full > 0 and gain_chain >= 0.6 * gain_full)
        eff.append((gain_chain / g[0], gain_full / g[0]))
    e = np.mean(eff, 0)
    majority(flags, "a chain recovers most of full flexibility's gain under absence",
             f"output in the flu rounds: chain {e[0]:+.1%}, full flexibility {e[1]:+.1%} vs no cross-training "
             f"(full costs 4x the training)")


def test_temps_and_hires_on_a_fully_staffed_line_cost_money_not_output():
    sc = scenario(initial_headcount=68)
    flags, eff = [], []
    for seed in SEEDS:
        base, temps, hires = S.play([fixed(pm_hours=S.REQUIRED_PM, technicians=4),
                                     fixed(pm_hours=S.REQUIRED_PM, technicians=4, temp_labor=20),
                                     fixed(pm_hours=S.REQUIRED_PM, technicians=4, hires=10)], sc, seed, rounds=3)
        g = [series(x, "good_units").sum() for x in (base, temps, hires)]
        c = [series(x, "net_cash_flow").sum() for x in (base, temps, hires)]
        flags.append(g[1] >= 0.997 * g[0] and g[2] >= 0.997 * g[0] and c[1] < c[0] and c[2] < c[0])
        eff.append((g[1] / g[0] - 1, g[2] / g[0] - 1, (c[1] - c[0]) / 1e3, (c[2] - c[0]) / 1e3))
    e = np.mean(eff, 0)
    majority(flags, "surplus temps and hires idle: they cost money, not output",
             f"20 temps: output {e[0]:+.2%}, cash {e[2]:+.0f}k; 10 hires: output {e[1]:+.2%}, cash {e[3]:+.0f}k")


# ---- 6. projects: shared engineering, priorities, confidence ---------------------------------------------
def test_the_portfolio_order_decides_who_gets_hours_and_capex_first():
    def order(codes):
        def f(r, h):
            done = set(h[-1]["kpis"]["projects_completed"]) if h else set()
            return S.pm_required(r, h) | {"projects": [c for c in codes if c not in done], "engineering_hours": 300}
        return f
    flags, eff = [], []
    for seed in SEEDS:
        ab, ba = S.play([order(["debottleneck_s3", "second_supplier"]), order(["second_supplier", "debottleneck_s3"])],
                        SC, seed, rounds=5)

        def finish(h, code):
            return next((x["round"] for x in h if code in x["kpis"]["projects_completed_now"]), 9)
        flags.append(finish(ab, "debottleneck_s3") < finish(ba, "debottleneck_s3")
                     and finish(ba, "second_supplier") < finish(ab, "second_supplier"))
        eff.append((finish(ab, "debottleneck_s3"), finish(ba, "debottleneck_s3")))
    e = np.mean(eff, 0)
    majority(flags, "the project listed first finishes first",
             f"debottleneck done in round {e[0]:.1f} when first vs {e[1]:.1f} when second")


# ---- 7. maintenance is not perfect -----------------------------------------------------------------------
def test_recommended_pm_leaves_random_failures_and_more_pm_induces_some():
    flags, eff = [], []
    for seed in SEEDS:
        rec, heavy = S.play([fixed(pm_hours=S.REQUIRED_PM, technicians=5),
                             fixed(pm_hours=[60, 60, 70, 60, 60], technicians=8)], SC, seed, rounds=6)
        rnd = series(rec, "failures_random").sum()
        ind_r, ind_h = series(rec, "failures_induced").sum(), series(heavy, "failures_induced").sum()
        k = rec[-1]["kpis"]
        per_station = (len(k["station_failures"]) == 5 and len(k["station_downtime_hours"]) == 5
                       and sum(k["station_failures"]) == k["failures"])
        flags.append(rnd >= 6 and series(heavy, "failures").sum() > 0.5 * series(rec, "failures").sum()
                     and ind_h >= ind_r and per_station)
        eff.append((series(rec, "failures").sum() / 6, rnd / 6, ind_r / 6, series(heavy, "failures").sum() / 6, ind_h / 6))
    e = np.mean(eff, 0)
    majority(flags, "PM cannot prevent random failures; heavy PM induces a few",
             f"recommended PM: {e[0]:.1f} failures a round ({e[1]:.1f} random, {e[2]:.2f} induced); 3-4x PM: "
             f"{e[3]:.1f} ({e[4]:.2f} induced)")


# ---- 8. the losses sit where a neglected plant has them ---------------------------------------------------
def test_a_neglected_plant_loses_to_availability_performance_and_quality():
    a, pf, q, oee, defer_a = [], [], [], [], []
    for seed in SEEDS:
        keep, defer = S.play([S.pm_required, S.pm_deferred], SC, seed, rounds=6)
        k = keep[0]["kpis"]
        a.append(k["availability"])
        pf.append(k["performance"])
        q.append(k["first_pass_yield"])
        oee.append(k["oee_line"])
        defer_a.append(defer[-1]["kpis"]["availability"] < keep[-1]["kpis"]["availability"] - 0.03)
    print(f"\n  round 1: availability {np.mean(a):.2f}, performance {np.mean(pf):.2f}, quality {np.mean(q):.3f}, "
          f"line OEE {np.mean(oee):.2f}")
    assert 0.78 <= np.mean(a) <= 0.92 and 0.62 <= np.mean(pf) <= 0.85 and 0.93 <= np.mean(q) <= 0.985
    assert 0.45 <= np.mean(oee) <= 0.65
    majority(defer_a, "deferred PM shows in availability", "6 rounds of no PM vs PM as required")


# ---- 9. dual sourcing insures partially, at a premium ---------------------------------------------------
def test_dual_sourcing_insures_partially_and_costs_a_premium():
    sc = scenario(random_supplier_failure_prob=0.0)
    outage = lambda r, t: [Disruption("supplier_failure", (0,), 2, 12, 1.0)] if r == 2 else []
    flags, eff = [], []
    for seed in SEEDS:
        st = initial_state(sc, 3)
        st.supplier2_ready[:] = [0.0, 1.0, 1.0]
        pk = [S.funded({"pm_hours": S.REQUIRED_PM, "technicians": 4, "second_supplier_share": x}, sc) for x in (0.3, 0.3, 0.6)]
        calm = run_raw(pk, sc, seed, 2, state=st.copy())
        hit = run_raw(pk, sc, seed, 2, state=st.copy(), disruptions=outage)
        loss = [series(calm[i], "good_units")[1] - series(hit[i], "good_units")[1] for i in range(3)]
        premium = series(calm[0], "net_cash_flow")[0] - series(calm[1], "net_cash_flow")[0]
        flags.append(loss[2] < loss[1] < loss[0] and loss[1] > 0.15 * loss[0] and premium > 0)
        eff.append((loss[0], loss[1], loss[2], premium))
    e = np.mean(eff, 0)
    majority(flags, "a second supplier insures partly, more with a larger share, at a premium",
             f"units lost in a 12-day main-supplier outage: single {e[0]:,.0f}, 30% dual {e[1]:,.0f}, 60% dual "
             f"{e[2]:,.0f}; premium {e[3]:,.0f} a calm month at 30%")


# ---- 10. accrual accounting --------------------------------------------------------------------------------
def test_building_stock_is_not_a_loss_and_wages_follow_the_month_headcount():
    flags, eff = [], []
    for seed in SEEDS:
        base, stock, hire = S.play([fixed(), fixed(raw_material_cover_days=10.0), fixed(hires=8)], SC, seed, rounds=2)
        cash_gap = series(base, "net_cash_flow")[0] - series(stock, "net_cash_flow")[0]
        margin_gap = series(base, "margin")[0] - series(stock, "margin")[0]
        wage_r2 = hire[1]["kpis"]["cash_flows"]["wages"] - base[1]["kpis"]["cash_flows"]["wages"]
        flags.append(cash_gap > 100_000 and margin_gap < 0.01 and wage_r2 < -8 * 0.9 * P["wage"] * 176)
        eff.append((cash_gap, margin_gap, wage_r2))
    e = np.mean(eff, 0)
    majority(flags, "stock is cash, not cost; new hires are paid from the month they arrive",
             f"raising cover to 10 days: cash {-e[0]:,.0f}, margin {-e[1]:+.2%}; 8 hires arriving: wages {e[2]:,.0f}")


# ---- 11. the scorecard and operational risk -------------------------------------------------------------
def test_scorecard_is_the_seven_kpis_and_risk_names_its_exposures():
    """The scorecard is the weighted sum of the seven parts; each named exposure falls when its driver is
    mitigated (backup line, second supplier, cross-training), over 20 seeds."""
    from game.engine.kpis import SCORECARD_WEIGHTS
    assert set(SCORECARD_WEIGHTS) == {"throughput", "execution", "oee", "quality", "reliability", "alignment", "risk"}
    assert sum(SCORECARD_WEIGHTS.values()) == pytest.approx(1.0)
    lv = default_levers(SC)
    flags, eff = [], []
    for seed in SEEDS:
        st = initial_state(SC, 4)
        st.backup_ready[:] = [0.0, 1.0, 0.0, 0.0]
        st.supplier2_ready[:] = [0.0, 0.0, 1.0, 0.0]
        st.cross[:] = [0.1, 0.1, 0.1, 0.8]
        pk = [lv, lv, lv | {"second_supplier_share": 0.5}, lv | {"cross_training": 0.8}]
        _, k = simulate_round(st, pk, SC, [[]] * 4, seed=seed, round_number=1, alignment=[80.0] * 4)
        parts = k[0]["scorecard_parts"]
        total = 100 * sum(SCORECARD_WEIGHTS[n] * v for n, v in parts.items())
        contribution = (P["price"] - P["material_cost"]) * k[0]["good_units"]
        risk = 100 * sum(k[0]["risk_parts"].values()) / contribution
        r = [x["risk_parts"] for x in k]
        flags.append(set(parts) == set(SCORECARD_WEIGHTS) and abs(k[0]["scorecard"] - total) < 1e-3
                     and abs(k[0]["operational_risk"] - risk) < 1e-3 * max(risk, 1)
                     and r[1]["site"] < r[0]["site"] and r[2]["supplier"] < r[0]["supplier"] and r[3]["labor"] < r[0]["labor"])
        eff.append((k[0]["operational_risk"], r[0]["site"] - r[1]["site"], r[0]["supplier"] - r[2]["supplier"],
                    r[0]["labor"] - r[3]["labor"]))
    e = np.mean(eff, 0)
    majority(flags, "the scorecard adds up its seven parts and each exposure answers its mitigation",
             f"risk {e[0]:.1f}% of a month's contribution; a backup line removes {e[1]:,.0f}, a 50% second supplier "
             f"{e[2]:,.0f}, 80% cross-training {e[3]:,.0f} of expected monthly loss")
