"""The engine's mistakes, the month's reveal, the debrief and the team's story in each reader's language
(docs/i18n.md): the engine returns messages (game/engine/messages.py), game renders them where they are shown.

Numbers are checked against Python's own English formatting with the separators swapped (German 1.234,5,
French 1 234,5 with a no-break space), not against Django's formatter, so the test does not restate the code."""
import html
import re

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from classroom.i18n_text import render
from classroom.models import Participant
from game.credibility import credibility_words
from game.debrief import debrief_teams, results_table, session_debrief
from game.debrief_story import session_stories
from game.engine import Disruption, detect_mistakes, load_scenario
from game.engine.levers import LEVERS, DecisionError, validate_lever
from game.engine import strategies as S
from game.engine.messages import english
from game.models import RoundResult
from game.reveal import round_reveal
from game.role_views import results_event_for
from game.selectors import team_results
from game.services.rounds import round_advance
from tests import factories
from tests.game.test_room_privacy import connect, frame_of
from tests.played import play_two_months

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SEPARATORS = {"de": (".", ","), "fr": ("\xa0", ",")}  # (thousands, decimal)


def shown(value, digits, language):
    """value as a reader of `language` reads it, from Python's English format with the separators swapped."""
    text = f"{value:,.{digits}f}"
    if language == "en":
        return text
    thousands, decimal = SEPARATORS[language]
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def messages_in(node):
    """Every message inside a payload, nested ones too."""
    if isinstance(node, dict):
        if "i18n" in node:
            yield node
        for value in node.values():
            yield from messages_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from messages_in(value)


def numbers_in(message):
    """The number parameters of a message, its nested messages' included."""
    for value in (message.get("params") or {}).values():
        if isinstance(value, dict) and "number" in value:
            yield value
        elif isinstance(value, dict) and "i18n" in value:
            yield from numbers_in(value)


@pytest.fixture(scope="module")
def scripted_mistakes():
    """Every detector's mistake, from the engine's scripted plays (the six of tests/engine/test_mistakes.py)."""
    sc = load_scenario("demo")
    plays = S.play([S.chase_output, S.pm_deferred, S.overtime(0.25), S.capex_concurrent, S.fragile_labor,
                    S.single_source], sc, seed=3,
                   disruptions=lambda r, t: [Disruption("supplier_failure", (0,), 2, 10, 1.0)] if r == 5 else [])
    found = {}
    for history in plays:
        for m in detect_mistakes(history):
            found.setdefault(m["code"], m)
    assert len(found) == 6, sorted(found)
    return list(found.values())


@pytest.fixture
def played(facilitator):
    session = factories.make_session(facilitator, rounds_count=2)
    teams = play_two_months(session, facilitator)
    session.refresh_from_db()
    return session, teams


def assert_placeholders_match(message):
    wanted = set(message.get("params") or {})
    assert set(PLACEHOLDER.findall(message["i18n"])) == wanted, message
    for language in ("de", "fr"):
        with translation.override(language):
            translated = gettext(message["i18n"])
        assert set(PLACEHOLDER.findall(translated)) == wanted, (language, translated)


# --- the engine's messages -----------------------------------------------------------------------------

def test_every_mistake_message_has_the_placeholders_of_its_params(scripted_mistakes):
    for mistake in scripted_mistakes:
        found = list(messages_in(mistake))
        assert {"title", "evidence"} <= {k for k, v in mistake.items() if v in found}
        for message in found:
            assert_placeholders_match(message)


@pytest.mark.django_db(transaction=True)  # rounds close after commit
def test_every_stored_message_of_a_played_session_has_its_placeholders(played):
    """Mistakes, disruption descriptions and each seat's reveal of every team and month, as stored and sent."""
    session, teams = played
    rows = list(RoundResult.objects.filter(round__session=session))
    assert any(r.mistakes for r in rows)
    walked = 0
    for row in rows:
        for message in messages_in([row.mistakes, row.disruptions]):
            assert_placeholders_match(message)
            walked += 1
    for team in teams:
        results = team_results(team=team)
        for roles in ((), ("director",), ("finance",), ("engineering",), ("hr",)):
            for message in messages_in(round_reveal(results=results, roles=roles, currency="EUR")):
                assert_placeholders_match(message)
                walked += 1
    assert walked > 50


def test_a_mistake_reads_the_same_in_english_and_in_the_readers_language(scripted_mistakes):
    for mistake in scripted_mistakes:
        assert render(mistake, "en")["evidence"] == english(mistake["evidence"])
        for language in ("de", "fr"):
            text = render(mistake, language)
            assert text["title"] != render(mistake, "en")["title"]
            assert text["evidence"] != render(mistake, "en")["evidence"]
            for n in numbers_in(mistake["evidence"]):
                assert shown(n["number"], n["digits"], language) in text["evidence"], (n, text["evidence"])


# --- stored rows, shown per reader ------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)  # rounds close after commit
def test_a_stored_mistakes_evidence_renders_per_language_with_its_numbers(played, scripted_mistakes):
    """A RoundResult stores the engine's messages as JSON; the debrief and the export render them per reader."""
    session, (team1, _, _) = played
    last = RoundResult.objects.get(team=team1, round__number=2)
    last.mistakes = scripted_mistakes
    last.save(update_fields=["mistakes"])
    stored = RoundResult.objects.get(pk=last.pk).mistakes
    local = next(m for m in stored if m["code"] == "local_efficiency_over_resilience")
    big = [n for n in numbers_in(local["evidence"]) if n["number"] >= 1000]
    decimal = [n for n in numbers_in(local["evidence"]) if n["digits"] > 0]
    assert big and decimal  # the check below covers thousands and the decimal mark
    for language, title in (("en", "Local efficiency over network resilience"),
                            ("de", "Lokale Effizienz vor Netzwerk-Resilienz"),
                            ("fr", "L'efficacité locale avant la résilience du réseau")):
        with translation.override(language):
            shown_team = next(t for t in debrief_teams(session=session) if t["team_id"] == team1.id)
            columns, rows = results_table(session=session)
        mistake = next(m for m in shown_team["mistakes"] if m["code"] == local["code"])
        assert mistake["title"] == title
        for n in big + decimal:
            assert shown(n["number"], n["digits"], language) in mistake["evidence"], (language, mistake["evidence"])
        row = next(r for r in rows if r[2] == team1.number and r[3] == 2)
        assert title in row[[c.header for c in columns].index(
            {"en": "Mistakes found by this month", "de": "Bis zu diesem Monat erkannte Fehler",
             "fr": "Erreurs relevées jusqu'à ce mois"}[language])]


@pytest.mark.django_db(transaction=True)  # rounds close after commit
def test_older_rows_with_english_text_still_show(played):
    session, (team1, _, _) = played
    RoundResult.objects.filter(team=team1, round__number=2).update(mistakes=[
        {"code": "maintenance_optional", "title": "Treating maintenance as optional", "rounds": [1, 2],
         "evidence": "PM at 40-40 h a round against 84 h recommended."}])
    with translation.override("de"):
        team = next(t for t in debrief_teams(session=session) if t["team_id"] == team1.id)
    assert team["mistakes"][0]["evidence"] == "PM at 40-40 h a round against 84 h recommended."


# --- the reveal -----------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)  # rounds close after commit
def test_the_reveal_event_renders_in_each_readers_language(played):
    session, (team1, _, _) = played
    results = team_results(team=team1)
    event = {"type": "round.results", "seq": 1, "result": results[-1], "previous": results[-2], "stations": [],
             "currency": "EUR"}
    for roles in ((), ("finance",)):
        frame = results_event_for(event, roles)
        score, before = results[-1]["kpis"]["scorecard"], results[-2]["kpis"]["scorecard"]
        english_frame = render(frame, "en")
        assert english_frame["reveal"]["headline"].startswith("Round 2: the scorecard ")
        for language, start in (("de", "Runde 2: Die Scorecard "), ("fr", "Tour 2 : le score ")):
            text = render(frame, language)["reveal"]
            assert text["headline"].startswith(start), text["headline"]
            assert shown(score, 1, language) in text["headline"]
            assert shown(100 * results[-1]["kpis"]["throughput_strength"], 0, language) in text["headline"]
            assert all(d["text"] != e["text"] for d, e in zip(text["drivers"], english_frame["reveal"]["drivers"]))
        if roles == ("finance",):  # the cash line quotes money with the reader's separators
            cash = render(frame, "de")["reveal"]["drivers"][-1]["text"]
            assert shown(results[-1]["kpis"]["cash"], 0, "de") + " EUR" in cash, cash
        assert score != before or "held" in english_frame["reveal"]["headline"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_each_socket_gets_the_months_reveal_in_its_own_language(facilitator):
    """One round.results send to the team's group; a German and a French teammate each read their own."""
    session = await database_sync_to_async(factories.make_session)(facilitator, rounds_count=2)
    await database_sync_to_async(factories.join_many)(session, 4)
    await database_sync_to_async(factories.start)(session, facilitator)
    people = await database_sync_to_async(lambda: list(
        Participant.objects.select_related("session").filter(session=session).order_by("id")))()
    team_id = people[0].team_id
    mates = [p for p in people if p.team_id == team_id][:2]
    for person, language in zip(mates, ("de", "fr")):
        person.language = language
        await database_sync_to_async(person.save)(update_fields=["language"])
    german, _ = await connect(mates[0])
    french, _ = await connect(mates[1])
    await database_sync_to_async(round_advance)(session_id=session.id, user=facilitator, round_number=1)
    de_frame = await frame_of(german, "round.results")
    fr_frame = await frame_of(french, "round.results")
    assert de_frame["reveal"]["headline"].startswith("Runde 1: ")
    assert fr_frame["reveal"]["headline"].startswith("Tour 1 : ")
    await german.disconnect()
    await french.disconnect()


# --- the debrief page and the story -----------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)  # rounds close after commit
def test_the_debrief_page_in_german(client, played, facilitator):
    session, teams = played
    client.force_login(facilitator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    with translation.override("en"):  # the request's middleware activates German: leave English behind
        page = client.get(f"/console/s/{session.id}/debrief/").content.decode()
    with translation.override("de"):
        stories = session_stories(session=session)
    for team in teams:
        for month in stories[team.id]["months"]:
            for sentence in month["sentences"]:
                assert html.escape(sentence["text"]) in page
    assert "belegt den ersten Platz" in page  # the ranking sentence
    assert "Das Werk hat " in page  # the story
    assert "The plant shipped" not in page and "ranks first" not in page
    with translation.override("de"):
        ranks = {t["team_id"]: t["rank_text"] for t in session_debrief(session=session)["teams"]}
    with translation.override("en"):
        english_ranks = {t["team_id"]: t["rank_text"] for t in session_debrief(session=session)["teams"]}
    numbers = {"first": 1, "second": 2, "third": 3}
    assert ranks == {k: f"{numbers[v]}." for k, v in english_ranks.items()}  # "Rang: 1." after "ranked"


@pytest.mark.django_db(transaction=True)  # rounds close after commit
def test_the_story_in_german_and_french_quotes_the_stored_figures_in_their_format(played):
    session, (team1, _, _) = played
    month = RoundResult.objects.get(team=team1, round__number=1)
    goods, cash = month.kpis["good_units"], month.kpis["cash"]
    for language, words in (("de", "Das Werk hat "), ("fr", "L'usine a expédié ")):
        with translation.override(language):
            story = session_stories(session=session)[team1.id]
        plant = next(s for s in story["months"][0]["sentences"] if s["kind"] == "plant")
        assert plant["text"].startswith(words)
        assert shown(goods, 0, language) in plant["text"] and shown(cash, 0, language) in plant["text"]
        assert plant["facts"]["kpis.good_units"] == goods  # the facts stay the stored figures


def test_credibility_words_per_language():
    cred = {"score": 80.0, "mape": 12.5, "bias": 7.5, "rounds": 2}
    with translation.override("en"):
        assert credibility_words(cred) == "80.0 (12.5 % off on average, 7.5 % optimistic, 2 months)"
    with translation.override("de"):
        assert credibility_words(cred) == "80,0 (im Mittel 12,5 % daneben, 7,5 % optimistisch, 2 Monate)"
    with translation.override("fr"):
        assert credibility_words(cred) == "80,0 (écart moyen de 12,5 %, 7,5 % optimiste, 2 mois)"


# --- the engine's refusals ------------------------------------------------------------------------------

def test_a_decision_error_keeps_its_english_and_reads_in_the_readers_language():
    with pytest.raises(DecisionError) as caught:
        validate_lever("technicians", 99)
    exc = caught.value
    assert str(exc) == "technicians: must be an integer between 1 and 12" and exc.field == "technicians"
    assert render(exc.text, "de") == "muss eine ganze Zahl zwischen 1 und 12 sein"
    assert render(exc.text, "fr") == "doit être un entier entre 1 et 12"


def test_every_lever_refusal_has_the_placeholders_of_its_params():
    for name in LEVERS:
        with pytest.raises(DecisionError) as caught:
            validate_lever(name, "not a value")
        assert_placeholders_match(caught.value.text)
    for bad in ({"kind": "flood"}, {"kind": "site_outage", "targets": [9]}, {"kind": "site_outage", "start_day": 99},
                {"kind": "site_outage", "duration_days": 0}, {"kind": "site_outage", "magnitude": 7},
                {"kind": "site_outage", "round": 0}, "not an object"):
        with pytest.raises(DecisionError) as caught:
            Disruption.from_dict(bad)
        assert_placeholders_match(caught.value.text)


def test_a_bad_disruption_is_refused_in_the_readers_language():
    with pytest.raises(DecisionError) as caught:
        Disruption.from_dict({"kind": "site_outage", "magnitude": 7})
    assert str(caught.value) == "magnitude: must be a number between 0 and 1"
    assert render(caught.value.text, "de") == "muss eine Zahl zwischen 0 und 1 sein"
    assert render(caught.value.text, "fr") == "doit être un nombre entre 0 et 1"


@pytest.mark.django_db(transaction=True)
def test_a_disruptions_description_reads_in_each_readers_language(facilitator):
    """Told once to a team's group (and kept with the month's result); each socket renders it."""
    from game.services.disruptions import disruption_inject, disruption_payload

    session = factories.make_session(facilitator, rounds_count=1)
    factories.join_many(session, 4)
    factories.start(session, facilitator)
    made = disruption_inject(session_id=session.id, user=facilitator,
                             spec={"kind": "supplier_failure", "targets": [0], "start_day": 1, "duration_days": 2,
                                   "magnitude": 0.5})
    payload = disruption_payload(disruption=made)
    assert render(payload, "en")["description"] == "A supplier cannot deliver."
    assert render(payload, "de")["description"] == "Ein Lieferant kann nicht liefern."
    assert render(payload, "fr")["description"] == "Un fournisseur ne peut pas livrer."
    round_advance(session_id=session.id, user=facilitator, round_number=1)
    stored = RoundResult.objects.filter(round__session=session).first().disruptions
    assert [render(d["description"], "de") for d in stored] == ["Ein Lieferant kann nicht liefern."]


@pytest.mark.django_db(transaction=True)
def test_the_api_gives_the_mistakes_in_the_requesters_language(client, facilitator):
    from tests.classroom.api_helpers import auth, played_sessions

    mine = played_sessions(facilitator)["mine"]
    url = f"/api/sessions/{mine.id}/results/"
    with translation.override("en"):  # the request's middleware activates its language: leave English behind
        english_rows = client.get(url, **auth(facilitator)).json()
        german_rows = client.get(url, HTTP_ACCEPT_LANGUAGE="de", **auth(facilitator)).json()
    stored = {(r.team.name, r.round.number): r.mistakes
              for r in RoundResult.objects.filter(round__session=mine).select_related("team", "round")}
    assert any(stored.values()) and german_rows != english_rows
    for en_row, de_row in zip(english_rows, german_rows):
        mistakes = stored[(en_row["team"], en_row["round"])]
        assert en_row["mistakes"] == render(mistakes, "en") and de_row["mistakes"] == render(mistakes, "de")
        assert all(isinstance(m["evidence"], str) for m in de_row["mistakes"])
