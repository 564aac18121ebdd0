"""The team's debrief story (game/debrief_story.py) on a session played through the real services: every
number in every sentence is one of the sentence's facts, and every fact is the stored figure (checked here
from the stored rows, not from the story's code); the team's rationale is quoted verbatim; a month without a
commitment says so; stored disruptions and newly revealed mistakes are told. Then who gets the story: the
facilitator's debrief page and, once the session has ended, the team's own room snapshot, and nobody else."""
import html
import json
import re
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from classroom.i18n_text import render
from classroom.models import Session
from game.debrief import duration_text
from game.debrief_story import session_stories, story_text, team_story, team_story_for
from game.engine import DISRUPTION_KINDS
from game.engine.kpis import SCORECARD_WEIGHTS
from game.models import PackageVersion, Round, RoundResult
from game.services.rounds import round_advance
from game.snapshots import team_snapshot
from tests import factories
from tests.game.test_room_privacy import connect, frame_of
from tests.played import play_two_months, seat

pytestmark = pytest.mark.django_db(transaction=True)

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
RATIONALE = "Ship 9,500 units: 2 shifts and 10 % overtime, because “steady wins” — we accept 1 breakdown."
NOTES = {"hr": "No overtime above 10 %: fatigue is at 8 %.", "finance": "Budget 60,000 EUR, not a cent more."}
DISRUPTION = {"kind": "supplier_failure", "description": DISRUPTION_KINDS["supplier_failure"]["description"],
              "targets": [0], "start_day": 4, "duration_days": 3.0, "magnitude": 0.5}


@pytest.fixture
def played(facilitator):
    """Two months played to the end; then, on the stored rows: team 1's month-2 rationale in its own words,
    its month-1 extra KPI forecast, a known time to align in month 1 and a disruption on team 2's month 2."""
    session = factories.make_session(facilitator, rounds_count=2)
    teams = play_two_months(session, facilitator)
    session.refresh_from_db()
    team1, team2, _ = teams
    month1, month2 = session.round_set.get(number=1), session.round_set.get(number=2)
    aligned = (PackageVersion.objects.filter(team=team1, round=month2, aligned_at__isnull=False)
               .order_by("version").last())
    PackageVersion.objects.filter(pk=aligned.pk).update(rationale=RATIONALE, notes=NOTES)
    first = PackageVersion.objects.filter(team=team1, round=month1, aligned_at__isnull=False).order_by("version").last()
    Round.objects.filter(pk=month1.pk).update(opens_at=first.aligned_at - timedelta(minutes=4, seconds=30))
    result = RoundResult.objects.get(team=team1, round=month1)
    result.forecast = {**result.forecast, "extra": {"kpi": "margin", "value": 0.12}}
    result.save(update_fields=["forecast"])
    RoundResult.objects.filter(team=team2, round=month2).update(disruptions=[DISRUPTION])
    return session, teams


# --- tracing a sentence to the stored rows ----------------------------------------------------------------

def assert_numbers_are_facts(sentence):
    """Every number the text shows is one of its numeric facts as shown (rounded to the digits written; a
    share may be written as a percentage, a loss without its sign); the team's and the engine's own texts are
    string facts, quoted whole, and their numbers are theirs."""
    text, facts = sentence["text"], sentence["facts"]
    for name, value in facts.items():
        if isinstance(value, str):
            assert value in text, (name, value, text)
            text = text.replace(value, " ")
    text = text.replace("/ 100", " ").replace("/100", " ")  # the scale of a score, not a figure
    numbers = [v for v in facts.values() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    for token in NUMBER.findall(text):
        shown = float(token.replace(",", ""))
        digits = len(token.split(".")[1]) if "." in token else 0
        tolerance = 0.5 * 10 ** -digits + 1e-9
        assert any(abs(shown - c) <= tolerance for v in numbers for c in (abs(v), 100 * abs(v))), \
            f"{token!r} in {sentence['text']!r} is none of {facts}"


def part_points(kpis, part):
    """A part's points in a month's scorecard, from the stored parts and the engine's weights."""
    parts = kpis["scorecard_parts"]
    norm = 1.0 if parts.get("alignment") is not None else 1.0 - SCORECARD_WEIGHTS["alignment"]
    return 100.0 * SCORECARD_WEIGHTS[part] * parts[part] / norm, 100.0 * SCORECARD_WEIGHTS[part] / norm


def error_pct(forecast, actual):
    return round(100.0 * (forecast - actual) / abs(actual), 2)


def expected_credibility(results):
    errors, months = [], 0
    for r in results:
        if r.forecast:
            months += 1
            errors += [max(-100.0, min(100.0, error_pct(r.forecast[k], r.kpis[k]))) for k in ("good_units", "cash")]
    mape, bias = sum(map(abs, errors)) / len(errors), sum(errors) / len(errors)
    return {"credibility.score": round(100.0 * max(0.0, 1.0 - (mape + abs(bias)) / 100.0), 1),
            "credibility.mape": round(mape, 2), "credibility.bias": round(bias, 2), "credibility.rounds": months}


def assert_fact_is_stored(name, value, *, result, previous, game_round, version):
    head, _, key = name.partition(".")
    if name == "version":
        assert value == version.version
    elif name == "rationale":
        assert value == version.rationale.strip()
    elif head == "notes":
        assert value == version.notes[key].strip()
    elif name == "time_to_align":
        assert value == duration_text((version.aligned_at - game_round.opens_at).total_seconds())
    elif name == "forecast.extra.value":
        assert value == result.forecast["extra"]["value"]
    elif head == "forecast":
        assert value == result.forecast[key]
    elif head == "kpis":
        assert value == result.kpis[key]
    elif head == "previous":
        assert value == previous.kpis[key]
    elif head == "forecast_error":
        assert value == pytest.approx(error_pct(result.forecast[key], result.kpis[key]), abs=0.01)
    elif name == "scorecard_change":
        assert value == pytest.approx(result.kpis["scorecard"] - previous.kpis["scorecard"])
    elif head == "points":
        now, perfect = part_points(result.kpis, key)
        before = part_points(previous.kpis, key)[0] if previous else perfect
        assert value == pytest.approx(now - before, abs=1e-3)
    elif head in ("disruption", "mistake"):
        pass  # whole rows: checked in assert_rows_are_stored
    else:
        raise AssertionError(f"a fact with no stored source: {name}")


def assert_rows_are_stored(sentence, *, result, previous):
    facts = sentence["facts"]
    if sentence["kind"] == "disruption":
        assert any(render(d["description"], "en") == facts["disruption.description"] and d["start_day"] + 1 == facts["disruption.day"]
                   and d["duration_days"] == facts["disruption.duration_days"]
                   and d["kind"].replace("_", " ") == facts["disruption.kind"] for d in result.disruptions)
    if sentence["kind"] == "mistake":
        stored = [m for m in render(result.mistakes, "en") if m["title"] == facts["mistake.title"]]
        assert stored and stored[0]["evidence"] == facts["mistake.evidence"]
        assert stored[0]["code"] not in {m["code"] for m in (previous.mistakes if previous else [])}


def test_every_number_of_every_sentence_is_a_stored_figure(played):
    session, teams = played
    stories = session_stories(session=session)
    checked = 0
    for team in teams:
        results = list(RoundResult.objects.filter(team=team).select_related("round").order_by("round__number"))
        story = stories[team.id]
        assert [m["round"] for m in story["months"]] == [r.round.number for r in results] == [1, 2]
        for i, (month, result) in enumerate(zip(story["months"], results)):
            previous = results[i - 1] if i else None
            version = (PackageVersion.objects.filter(team=team, round=result.round, aligned_at__isnull=False)
                       .order_by("version").last())
            for sentence in month["sentences"]:
                assert_numbers_are_facts(sentence)
                assert_rows_are_stored(sentence, result=result, previous=previous)
                for name, value in sentence["facts"].items():
                    assert_fact_is_stored(name, value, result=result, previous=previous, game_round=result.round,
                                          version=version)
                checked += 1
        closing = story["closing"]
        assert_numbers_are_facts(closing)
        if any(r.forecast for r in results):
            for name, value in expected_credibility(results).items():
                assert closing["facts"][name] == pytest.approx(value, abs=0.01)
        else:
            assert closing["facts"] == {} and "no credibility score" in closing["text"]
    assert checked >= 30


def test_a_month_tells_the_commitment_the_plant_the_drivers_and_the_alignment(played):
    session, (team1, team2, team3) = played
    story = session_stories(session=session)[team1.id]
    month1 = {s["kind"]: s for s in story["months"][0]["sentences"]}
    assert list(month1)[:5] == ["commitment", "rationale", "alignment", "plant", "bottleneck"]
    assert "and to margin of 12.0 %" in month1["commitment"]["text"]
    assert month1["alignment"]["text"] == "Every role approved version 3, 4 min 30 s after the month opened."
    stored = RoundResult.objects.get(team=team1, round__number=1).kpis
    assert f"station {stored['bottleneck_station']}" in month1["bottleneck"]["text"]
    month2 = story["months"][1]["sentences"]
    drivers = [s for s in month2 if s["kind"] == "driver"]
    assert 1 <= len(drivers) <= 2 and all("point" in s["text"] for s in drivers)
    assert [s["text"] for s in month2 if s["kind"] == "scorecard"][0].startswith("The balanced scorecard ")


def test_the_rationale_and_the_roles_lines_are_quoted_as_the_team_wrote_them(played):
    session, (team1, team2, team3) = played
    month2 = session_stories(session=session)[team1.id]["months"][1]["sentences"]
    rationale = next(s for s in month2 if s["kind"] == "rationale")
    assert rationale["text"] == f"Why, in the team's own words: “{RATIONALE}”"
    assert rationale["facts"] == {"rationale": RATIONALE}
    notes = next(s for s in month2 if s["kind"] == "notes")
    assert notes["text"] == f"Each role's line on its own levers: Finance: “{NOTES['finance']}”; HR: “{NOTES['hr']}”."
    assert notes["facts"] == {"notes.hr": NOTES["hr"], "notes.finance": NOTES["finance"]}
    assert not [s for s in session_stories(session=session)[team1.id]["months"][0]["sentences"] if s["kind"] == "notes"]


def test_a_month_without_a_commitment_says_so(played):
    session, (team1, team2, team3) = played
    story = session_stories(session=session)[team2.id]
    for month in story["months"]:
        first = month["sentences"][0]
        assert first["kind"] == "commitment" and first["text"].startswith("The team made no commitment")
        assert first["facts"] == {}
        assert not [s for s in month["sentences"] if s["kind"] in ("rationale", "alignment")]
        assert "forecast" not in next(s for s in month["sentences"] if s["kind"] == "plant")["text"]
    assert "ran the plan it started with" in story["months"][0]["sentences"][0]["text"]


def test_stored_disruptions_and_newly_revealed_mistakes_are_told(played):
    session, (team1, team2, team3) = played
    stories = session_stories(session=session)
    month2 = stories[team2.id]["months"][1]["sentences"]
    hit = [s for s in month2 if s["kind"] == "disruption"]
    assert [s["text"] for s in hit] == [
        f"Disruption: supplier failure from day 5 for 3 days: {DISRUPTION['description']}"]
    assert not [s for s in stories[team2.id]["months"][0]["sentences"] if s["kind"] == "disruption"]
    for team in (team1, team2, team3):
        results = list(RoundResult.objects.filter(team=team).order_by("round__number"))
        for i, (month, result) in enumerate(zip(stories[team.id]["months"], results)):
            before = {m["code"] for m in results[i - 1].mistakes} if i else set()
            new = [m for m in result.mistakes if m["code"] not in before]
            told = [s["facts"]["mistake.title"] for s in month["sentences"] if s["kind"] == "mistake"]
            assert told == [render(m["title"], "en") for m in new]
    assert any(s["kind"] == "mistake" for s in month2)  # the played session did reveal one


def test_a_mistake_is_told_once_in_the_month_it_appears():
    mistake = {"code": "maintenance_optional", "title": "Treating maintenance as optional", "rounds": [1, 2],
               "evidence": "PM at 40-40 h a round against 84 h recommended."}
    kpis = {"good_units": 9000.0, "demand": 10000.0, "cash": 1e6, "scorecard": 60.0}
    months = [{"round": n, "aligned": False, "kpis": kpis, "forecast": None, "mistakes": found, "disruptions": []}
              for n, found in ((1, []), (2, [mistake]), (3, [mistake]))]
    story = team_story(months=months, currency="EUR")
    told = [[s for s in m["sentences"] if s["kind"] == "mistake"] for m in story["months"]]
    assert [len(t) for t in told] == [0, 1, 0]
    assert told[1][0]["text"] == f"The plant revealed a mistake, “{mistake['title']}”: {mistake['evidence']}"
    assert team_story(months=[], currency="EUR") == {"months": [], "closing": None}


def test_every_teams_story_is_a_few_selects(played):
    session, teams = played
    with CaptureQueriesContext(connection) as queries:
        session_stories(session=session)
    sql = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    assert all(s.startswith("SELECT") for s in sql) and len(sql) <= 5, sql


# --- who gets it ------------------------------------------------------------------------------------------

def test_the_debrief_page_shows_every_teams_story(client, played, facilitator):
    session, teams = played
    client.force_login(facilitator)
    page = client.get(f"/console/s/{session.id}/debrief/").content.decode()
    stories = session_stories(session=session)
    for team in teams:
        assert f'id="story-{team.number}"' in page
        for month in stories[team.id]["months"]:
            for sentence in month["sentences"]:
                assert html.escape(sentence["text"]) in page
    assert 'id="print-stories"' in page


def test_another_facilitator_gets_no_story(client, played):
    session, teams = played
    client.force_login(factories.make_facilitator())
    response = client.get(f"/console/s/{session.id}/debrief/")
    assert response.status_code in (403, 404)
    body = response.content.decode()
    assert 'id="story-1"' not in body and html.escape(RATIONALE) not in body


def test_the_finished_room_has_its_own_teams_story_and_no_other(played):
    session, (team1, team2, team3) = played
    assert session.state == Session.State.FINISHED
    mine = team_snapshot(participant_id=seat(team1, "hr").id)
    assert mine["story"] == story_text(team_story_for(team=team1))
    assert mine["story"] == story_text(session_stories(session=session)[team1.id])  # the facilitator's, too
    assert RATIONALE in json.dumps(mine["story"], ensure_ascii=False)
    assert all(set(s) == {"kind", "text"} for m in mine["story"]["months"] for s in m["sentences"])
    # every seat of the team gets the same story, whatever its roles
    assert team_snapshot(participant_id=seat(team1, "finance").id)["story"] == mine["story"]
    other = team_snapshot(participant_id=seat(team2, "director").id)
    assert other["story"] == story_text(team_story_for(team=team2))
    assert RATIONALE not in json.dumps(other["story"], ensure_ascii=False)


def test_the_room_has_no_story_while_the_session_runs(facilitator):
    session = factories.make_session(facilitator, rounds_count=3)
    team1, _, _ = play_two_months(session, facilitator)
    session.refresh_from_db()
    assert session.state == Session.State.RUNNING
    assert team_snapshot(participant_id=seat(team1, "director").id)["story"] is None


@pytest.mark.asyncio
async def test_the_room_socket_gets_the_story_when_the_session_ends(facilitator):
    """The end sends `session.changed`; the room resyncs, and the fresh snapshot carries the story."""
    session = await database_sync_to_async(factories.make_session)(facilitator, rounds_count=1)
    await database_sync_to_async(factories.join_many)(session, 4)
    await database_sync_to_async(factories.start)(session, facilitator)
    team = await database_sync_to_async(session.teams.get)()
    hr = await database_sync_to_async(
        lambda: team.seats.select_related("participant__session").get(role="hr").participant)()
    comm, snapshot = await connect(hr)
    assert snapshot["story"] is None
    await database_sync_to_async(round_advance)(session_id=session.id, user=facilitator, round_number=1)
    await frame_of(comm, "session.changed")
    await comm.send_json_to({"type": "resync"})
    fresh = await frame_of(comm, "state")
    assert fresh["session"]["state"] == "finished"
    assert fresh["story"] == await database_sync_to_async(lambda: story_text(team_story_for(team=team)))()
    assert fresh["story"]["months"][0]["sentences"][0]["text"].startswith("The team made no commitment")
    await comm.disconnect()
