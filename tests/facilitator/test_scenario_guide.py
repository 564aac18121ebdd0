"""The facilitator guide (facilitator/guide.py, /console/guide/<scenario>/ and /console/s/<id>/guide/): every
shipped scenario has questions and look-fors naming catalogue KPIs, the engine refuses bad shapes, the page shows
every part of the note read from the scenario, the session guide shows the teams' stored figures, the consoles
link to it, the scenario editor round-trips the lists, and participants never see any of it."""
import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.html import escape

from classroom.identity import cookie_name, sign_token
from classroom.services.sessions import session_create
from facilitator import scenario_authoring as authoring
from facilitator.guide import disruption_words
from facilitator.models import AuthoredScenario
from game import engine
from game.briefs import team_briefs
from game.dashboards import KPIS
from game.debrief import kpi_text
from game.engine.levers import ROLES
from game.engine.scenario import scenario_from_dict, scenario_to_dict
from game.models import Round, RoundResult
from game.snapshots import team_snapshot
from tests import factories
from tests.played import play_two_months

pytestmark = pytest.mark.django_db

SHIPPED = engine.scenario_names()


def secrets_of(scenario) -> list[str]:
    """Every part of a note a participant must never read: the trap, the strong team, questions, look-fors."""
    note = scenario.teaching_note
    return ([note[k] for k in ("trap", "strong_team") if note.get(k)] + list(note.get("questions", []))
            + [item["text"] for item in note.get("look_for", [])])


def page_text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def console(client, facilitator):
    client.force_login(facilitator)
    return client


# ---- the shipped content -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_has_questions_and_look_fors_naming_catalogue_kpis(name):
    note = engine.load_scenario(name).teaching_note
    assert 4 <= len(note["questions"]) <= 6, name
    assert 3 <= len(note["look_for"]) <= 5, name
    assert all(q.strip().endswith("?") and len(q) > 30 for q in note["questions"]), name
    assert len(set(note["questions"])) == len(note["questions"])
    for item in note["look_for"]:
        assert len(item["text"]) > 40 and item["kpis"], (name, item)
        unknown = [k for k in item["kpis"] if k not in KPIS]
        assert not unknown, f"{name}: look-for names KPI keys not in game/dashboards.py: {unknown}"


@pytest.mark.parametrize("name", [n for n in SHIPPED if engine.load_scenario(n).disruption_schedule])
def test_the_questions_and_look_fors_speak_of_the_scheduled_rounds(name):
    """A scenario with scheduled shocks asks about them: each shock's round is named in a question or look-for."""
    scenario = engine.load_scenario(name)
    note = scenario.teaching_note
    text = " ".join(note["questions"] + [item["text"] for item in note["look_for"]])
    named = {int(n) for n in re.findall(r"rounds? (\d+)", text)} | {
        n for a, b in re.findall(r"rounds? (\d+)-(\d+)", text) for n in range(int(a), int(b) + 1)}
    first_shock = min(d.round for d in scenario.disruption_schedule)
    assert first_shock in named, (name, first_shock, sorted(named))


# ---- the engine's validation -----------------------------------------------------------------------------

def scenario_with(note: dict, strict: bool = True):
    return scenario_from_dict({"name": "x", "title": "X", "description": "d", "teaching_note": note}, strict=strict)


GOOD_NOTE = {"about": "a", "questions": ["Why?"], "look_for": [{"text": "Breakdowns climb", "kpis": ["failures"]}]}


def test_a_note_with_questions_and_look_fors_round_trips():
    scenario = scenario_with(GOOD_NOTE)
    assert scenario.teaching_note == GOOD_NOTE
    again = scenario_from_dict(json.loads(json.dumps(scenario_to_dict(scenario))))
    assert again.teaching_note == GOOD_NOTE


@pytest.mark.parametrize("bad", [
    {"questions": "Why?"},  # text, not a list
    {"questions": ["Why?", 3]},
    {"questions": ["  "]},
    {"look_for": "failures"},
    {"look_for": ["Breakdowns climb"]},  # text, not an object
    {"look_for": [{"kpis": ["failures"]}]},  # no text
    {"look_for": [{"text": "", "kpis": ["failures"]}]},
    {"look_for": [{"text": "Breakdowns", "kpis": "failures"}]},
    {"look_for": [{"text": "Breakdowns", "kpis": [3]}]},
    {"about": ["a list"]},
])
@pytest.mark.parametrize("strict", [True, False])
def test_bad_shapes_are_refused_strict_or_not(bad, strict):
    with pytest.raises(ValueError, match="teaching_note"):
        scenario_with(bad, strict=strict)


def test_unknown_keys_are_refused_in_files_and_dropped_from_snapshots():
    note = {"about": "a", "look_for": [{"text": "Breakdowns", "kpis": ["failures"], "colour": "red"}]}
    with pytest.raises(ValueError, match="colour"):
        scenario_with(note)
    assert scenario_with(note, strict=False).teaching_note["look_for"] == [{"text": "Breakdowns", "kpis": ["failures"]}]
    with pytest.raises(ValueError, match="questoins"):
        scenario_with({"questoins": ["Why?"]})


# ---- the schedule in words -----------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, words", [
    ({"kind": "supplier_failure", "targets": [0], "start_day": 2, "duration_days": 12, "magnitude": 1.0},
     "From working day 3, for 12 working days: the main supplier cannot deliver 100% of its material."),
    ({"kind": "supplier_failure", "targets": [], "start_day": 0, "duration_days": 1, "magnitude": 0.5},
     "From working day 1, for 1 working day: the main supplier cannot deliver 50% of its material."),
    ({"kind": "quality_escape", "targets": [2], "start_day": 0, "duration_days": 12, "magnitude": 0.05},
     "From working day 1, for 12 working days: the defect rate at station 3 rises by 5% points."),
    ({"kind": "machine_breakdown", "targets": [], "start_day": 4, "duration_days": 2.5, "magnitude": 1.0},
     "From working day 5, for 2.5 working days: the bottleneck station loses 100% of its capacity."),
    ({"kind": "demand_spike", "start_day": 0, "duration_days": 22, "magnitude": 0.25},
     "From working day 1, for 22 working days: customers order 25% more than usual."),
    ({"kind": "energy_price_spike", "start_day": 0, "duration_days": 5, "magnitude": 2.5},
     "From working day 1, for 5 working days: the energy price is multiplied by 2.5."),
])
def test_a_disruption_in_words_names_day_target_and_magnitude(spec, words):
    assert disruption_words(engine.Disruption.from_dict(spec)) == words


def test_every_kind_has_words():
    for kind in engine.DISRUPTION_KINDS:
        high = engine.DISRUPTION_KINDS[kind]["range"][1]
        assert disruption_words(engine.Disruption.from_dict({"kind": kind, "magnitude": high})).startswith("From")


# ---- the scenario's guide page -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SHIPPED)
def test_the_guide_page_shows_every_part_of_the_scenario(console, name):
    scenario = engine.load_scenario(name)
    response = console.get(f"/console/guide/{name}/")
    assert response.status_code == 200
    page = page_text(response)
    note = scenario.teaching_note
    for text in (scenario.title, scenario.description, note["about"], note["trap"], note["strong_team"],
                 *note["questions"]):
        assert text in page, text[:50]
    for item in note["look_for"]:
        assert item["text"] in page
        for key in item["kpis"]:
            assert f'data-kpi="{key}">{KPIS[key].label}<' in page
    rows = re.findall(r'<tr data-kind="([a-z_]+)"><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>', page)
    expected = sorted(scenario.disruption_schedule, key=lambda d: (d.round, d.start_day))
    assert [(kind, int(rnd)) for kind, rnd, _, _ in rows] == [(d.kind, d.round) for d in expected]
    for (_, _, label, words), d in zip(rows, expected):
        assert label.lower() == d.kind.replace("_", " ")
        assert f"working day {d.start_day + 1}," in words and f"{d.duration_days:g} working day" in words
        amount = f"{d.magnitude:g}" if d.kind == "energy_price_spike" else f"{100 * d.magnitude:g}%"
        assert amount in words
    if not expected:
        assert 'id="guide-schedule-none"' in page
    # the questions are an ordered list named by their heading (the browser test finds them by role)
    assert re.search(r'<h2 id="questions-title">Discussion questions</h2>\s*<ol class="questions" id="guide-questions" '
                     r'aria-labelledby="questions-title">', page)


def test_the_page_prints_without_its_buttons(console):
    page = page_text(console.get("/console/guide/demo/"))
    assert "lab/guide.css" in page and "data-print" in page
    css = (Path(__file__).resolve().parents[2] / "frontend/static/lab/guide.css").read_text()
    media = css[css.index("@media print"):]
    assert "size: A4" in media and "button" in media and ".page-actions" in media and "nav" in media


def test_an_authored_scenario_has_its_guide(console, facilitator):
    authoring.scenario_copy_shipped(user=facilitator, shipped_name="shocks")
    row = AuthoredScenario.objects.get()
    row.teaching_questions = "What did the flu cost you?\nWho covered?"
    row.teaching_look_for = "Absence jumps in round 5 | absenteeism, good_units"
    row.save()
    page = page_text(console.get(f"/console/guide/{row.name}/"))
    assert "What did the flu cost you?" in page and "Who covered?" in page
    assert "Absence jumps in round 5" in page and KPIS["absenteeism"].label in page


@pytest.mark.parametrize("name", ["no-such-scenario", "..", "demo.json"])
def test_an_unknown_scenario_is_a_404_in_words(console, name):
    response = console.get(f"/console/guide/{name}/")
    assert response.status_code == 404 and "no scenario called" in page_text(response)


def test_the_guide_is_for_facilitators(client, facilitator):
    response = client.get("/console/guide/demo/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    client.force_login(factories.make_hr_only())
    response = client.get("/console/guide/demo/")
    assert response.status_code == 403 and engine.load_scenario("demo").teaching_note["trap"] not in page_text(response)
    admin = get_user_model().objects.create_superuser("root-guide", "r@example.org", "pw")
    client.force_login(admin)
    assert client.get("/console/guide/demo/").status_code == 200


# ---- the session's guide ---------------------------------------------------------------------------------

def test_the_session_guide_is_its_scenario_and_links_back(console, facilitator):
    session = session_create(facilitator=facilitator, name="Shock cohort", scenario_name="shocks", rounds=8,
                             minutes_per_round=10, seed=3)
    page = page_text(console.get(f"/console/s/{session.id}/guide/"))
    scenario = engine.load_scenario("shocks")
    assert scenario.teaching_note["questions"][0] in page and "Shock cohort" in page
    assert page.count("<tr data-kind=") == len(scenario.disruption_schedule)
    assert f'href="/console/s/{session.id}/"' in page
    assert "once a round has closed" in page


@pytest.mark.django_db(transaction=True)
def test_the_session_guide_shows_each_teams_figures_of_the_latest_closed_round(client, facilitator):
    session = factories.make_session(facilitator, rounds_count=2)
    play_two_months(session, facilitator)
    client.force_login(facilitator)
    page = page_text(client.get(f"/console/s/{session.id}/guide/"))
    last = Round.objects.filter(session=session, state=Round.State.CLOSED).order_by("-number").first()
    assert f"round {last.number}, the latest closed round" in page
    tables = re.findall(r"<table class=\"table figures-table\".*?</table>", page, flags=re.S)
    look_for = engine.load_scenario("demo").teaching_note["look_for"]
    assert len(tables) == len(look_for)
    results = RoundResult.objects.filter(round=last).select_related("team").order_by("team__number")
    assert results.count() == session.teams.count() == 3
    for table, item in zip(tables, look_for):
        headers = re.findall(r'<th scope="col">([^<]+)</th>', table)
        assert headers == ["Team"] + [KPIS[k].label for k in item["kpis"]]
        rows = re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table)
        assert [team for team, _ in rows] == [r.team.name for r in results]
        for (_, cells), result in zip(rows, results):
            shown = re.findall(r"<td>([^<]+)</td>", cells)
            assert shown == [kpi_text(result.kpis[k], k, "EUR") for k in item["kpis"]]


def test_the_session_guide_is_for_its_facilitator(client, lobby_session):
    other = factories.make_facilitator("someone-else")
    client.force_login(other)
    response = client.get(f"/console/s/{lobby_session.id}/guide/")
    assert response.status_code == 403
    assert engine.load_scenario("demo").teaching_note["questions"][0] not in page_text(response)


# ---- one click from the consoles ----------------------------------------------------------------------------

def test_the_session_console_links_to_its_guide(console, lobby_session):
    page = page_text(console.get(f"/console/s/{lobby_session.id}/"))
    assert re.search(rf'<a href="/console/s/{lobby_session.id}/guide/" id="guide-link">Facilitator guide</a>', page)


def test_the_console_list_links_every_scenarios_guide(console, facilitator):
    authoring.scenario_copy_shipped(user=facilitator, shipped_name="demo")
    page = page_text(console.get("/console/"))
    for name in [*SHIPPED, AuthoredScenario.objects.get().name]:
        assert f'href="/console/guide/{name}/"' in page, name


# ---- the scenario editor round-trips the lists ---------------------------------------------------------------

@pytest.mark.parametrize("name", SHIPPED)
def test_a_copy_keeps_the_questions_and_look_fors(facilitator, name):
    row = authoring.scenario_copy_shipped(user=facilitator, shipped_name=name)
    source = engine.load_scenario(name).teaching_note
    assert row.teaching_questions.splitlines() == source["questions"]
    note = authoring.scenario_from_authored(row).teaching_note
    assert note["questions"] == source["questions"] and note["look_for"] == source["look_for"]


def test_the_editor_saves_and_shows_the_lists(client, facilitator):
    client.force_login(facilitator)
    form = {"name": "night-shift", "title": "Night shift", "description": "Short of people.", "rounds": "6",
            "minutes_per_round": "12", "currency": "EUR", "params": "{}", "default_levers": "{}",
            "disruption_schedule": "[]", "teaching_about": "Staffing for absence.", "teaching_trap": "",
            "teaching_strong_team": "", "_save": "Save",
            "teaching_questions": "Who covered the absent crew?\n\n  What did overtime cost?  ",
            "teaching_look_for": "Absence climbs | absenteeism, cross_training\nQuits follow fatigue | quits"}
    response = client.post("/console/scenarios/facilitator/authoredscenario/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    row = AuthoredScenario.objects.get(name="night-shift")
    note = authoring.scenario_from_authored(row).teaching_note
    assert note["questions"] == ["Who covered the absent crew?", "What did overtime cost?"]
    assert note["look_for"] == [{"text": "Absence climbs", "kpis": ["absenteeism", "cross_training"]},
                                {"text": "Quits follow fatigue", "kpis": ["quits"]}]
    change = page_text(client.get(f"/console/scenarios/facilitator/authoredscenario/{row.pk}/change/"))
    assert "Absence climbs | absenteeism, cross_training" in change and "Who covered the absent crew?" in change
    assert KPIS["cross_training"].label in change  # the KPI key reference beside the field


@pytest.mark.parametrize("line, problem", [
    ("Breakdowns climb", "then | and the KPI keys"),
    ("| failures", "then | and the KPI keys"),
    ("Breakdowns climb |  ", "at least one KPI key"),
    ("Breakdowns climb | failures, fatige", "unknown KPI key 'fatige' (did you mean fatigue?)"),
])
def test_bad_look_for_lines_are_refused_at_the_field(line, problem):
    data = {"name": "night-shift", "title": "Night shift", "description": "d", "rounds": 6, "minutes_per_round": 12,
            "currency": "EUR", "params": {}, "default_levers": {}, "disruption_schedule": [],
            "teaching_about": "a", "teaching_look_for": f"Fine | failures\n{line}"}
    with pytest.raises(ValidationError) as caught:
        authoring.scenario_validate(data)
    errors = caught.value.message_dict
    assert list(errors) == ["teaching_look_for"]
    assert errors["teaching_look_for"][0].startswith("Line 2:") and problem in errors["teaching_look_for"][0]


# ---- participants never see it ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SHIPPED)
def test_briefs_carry_none_of_the_facilitators_parts(name):
    scenario = engine.load_scenario(name)
    text = json.dumps(team_briefs(roles=ROLES, scenario=scenario), ensure_ascii=False)
    for secret in secrets_of(scenario):
        assert secret not in text


@pytest.mark.django_db(transaction=True)
def test_the_room_and_the_projector_carry_none_of_it(client, facilitator):
    session = session_create(facilitator=facilitator, name="Shock cohort", scenario_name="shocks", rounds=8,
                             minutes_per_round=10, seed=3)
    people = factories.join_many(session, 4)
    factories.start(session, facilitator)
    scenario = engine.load_scenario("shocks")
    snapshot = json.dumps(team_snapshot(participant_id=people[0].id), ensure_ascii=False)
    assert scenario.teaching_note["about"] in snapshot  # the brief is there, with its `about` only
    client.cookies[cookie_name(session.join_code)] = sign_token(people[0].rejoin_token)
    room = client.get(f"/play/{session.join_code}/")
    assert room.status_code == 200
    projector = client.get(f"/projector/{session.join_code}/state.json").content.decode()
    for where, text in (("snapshot", snapshot), ("room", page_text(room)), ("projector", projector)):
        for secret in secrets_of(scenario):
            assert secret not in text and escape(secret) not in text, (where, secret[:40])
    guide = client.get(f"/console/s/{session.id}/guide/")
    assert guide.status_code == 302 and guide["Location"].startswith("/console/login/")
