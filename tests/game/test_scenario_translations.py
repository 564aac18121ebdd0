"""Shipped scenarios in German and French (the "translations" key, game/scenario_text.py): every scenario has
every part of its title, description and teaching note in both, the engine refuses a bad translation, and the
brief, the console's scenario library and the guide read the reader's language (English unchanged, authored
scenarios as written)."""
import json
from html import unescape

import pytest
from django.conf import settings
from django.utils import translation

from game import engine
from game.briefs import role_brief
from game.engine.scenario import SCENARIO_DIR, TEACHING_NOTE_TEXT_KEYS, scenario_from_dict, scenario_to_dict
from game.scenario_text import scenario_shown

SHIPPED = engine.scenario_names()
LANGUAGES = ("de", "fr")


def raw(name: str) -> dict:
    return json.loads((SCENARIO_DIR / f"{name}.json").read_text())


def english_texts(scenario) -> list[str]:
    note = scenario.teaching_note
    return ([scenario.title, scenario.description] + [note[k] for k in TEACHING_NOTE_TEXT_KEYS]
            + note["questions"] + [item["text"] for item in note["look_for"]])


def page(client, url: str, language: str | None) -> str:
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return unescape(client.get(url).content.decode())


@pytest.fixture
def console(client, facilitator):
    client.force_login(facilitator)
    return client


# ---- the shipped content -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_scenario_is_translated_in_full(name, language):
    d = raw(name)
    english, tr = d["teaching_note"], d["translations"][language]
    assert set(d["translations"]) == set(LANGUAGES)
    assert set(tr) == {"title", "description", "teaching_note"}
    assert set(tr["teaching_note"]) == set(english)
    assert len(tr["teaching_note"]["questions"]) == len(english["questions"])
    assert len(tr["teaching_note"]["look_for"]) == len(english["look_for"])
    texts = ([tr["title"], tr["description"]] + [tr["teaching_note"][k] for k in TEACHING_NOTE_TEXT_KEYS]
             + tr["teaching_note"]["questions"] + [item["text"] for item in tr["teaching_note"]["look_for"]])
    assert all(isinstance(t, str) and t.strip() for t in texts)
    # translated, not copied: no text is its English original
    assert not set(texts) & set(english_texts(engine.load_scenario(name))), name
    assert all(q.strip().endswith("?") for q in tr["teaching_note"]["questions"]), name
    assert all(set(item) == {"text"} for item in tr["teaching_note"]["look_for"]), "kpis are not repeated"


# ---- strict validation -------------------------------------------------------------------------------------

def with_translations(translations) -> dict:
    d = raw("demo")
    d["translations"] = translations
    return d


def german(**changes) -> dict:
    tr = json.loads(json.dumps(raw("demo")["translations"]["de"]))
    note_changes = changes.pop("teaching_note", {})
    tr.update(changes)
    tr["teaching_note"].update(note_changes)
    return tr


@pytest.mark.parametrize("translations, match", [
    ({"es": {"title": "Planta descuidada"}}, "unknown languages"),
    ({"en": {"title": "Neglected plant"}}, "unknown languages"),
    ("German", "translations must map"),
    ({"de": "Vernachlässigtes Werk"}, "must be an object"),
    ({"de": {"titel": "Werk"}}, "unknown keys"),
    ({"de": {"teaching_note": {"falle": "x"}}}, "unknown teaching_note keys"),
    ({"de": {"title": ""}}, "non-empty"),
    ({"de": {"description": 3}}, "non-empty"),
    ({"de": {"teaching_note": {"about": ["x"]}}}, "non-empty"),
    ({"de": {"teaching_note": "Notiz"}}, "teaching_note must be an object"),
])
def test_the_engine_refuses_a_bad_translation(translations, match):
    with pytest.raises(ValueError, match=match):
        scenario_from_dict(with_translations(translations))


def test_the_engine_refuses_lists_of_another_length_or_shape():
    de = raw("demo")["translations"]["de"]["teaching_note"]
    with pytest.raises(ValueError, match="questions must be as many as the English"):
        scenario_from_dict(with_translations({"de": german(teaching_note={"questions": de["questions"][:-1]})}))
    with pytest.raises(ValueError, match="look_for must be as many as the English"):
        scenario_from_dict(with_translations({"de": german(teaching_note={"look_for": de["look_for"] * 2})}))
    with_kpis = [{**item, "kpis": ["good_units"]} for item in de["look_for"]]
    with pytest.raises(ValueError, match="look_for must be a list"):
        scenario_from_dict(with_translations({"de": german(teaching_note={"look_for": with_kpis})}))
    with pytest.raises(ValueError, match="questions must be a list of non-empty texts"):
        scenario_from_dict(with_translations({"de": german(teaching_note={"questions": "Warum?"})}))


def test_a_snapshot_keeps_its_translations_and_a_stale_one_reads_english():
    scenario = engine.load_scenario("demo")
    again = scenario_from_dict(scenario_to_dict(scenario))
    assert again.translations == scenario.translations
    stale = with_translations({"de": german(teaching_note={"questions": ["Warum?"]}), "es": {"title": "x"},
                               "fr": raw("demo")["translations"]["fr"]})
    lenient = scenario_from_dict(stale, strict=False)
    assert "de" not in lenient.translations and set(lenient.translations) == {"fr"}


# ---- what people read --------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_the_brief_reads_the_translated_title_and_about(language):
    scenario = engine.load_scenario("demo")
    tr = raw("demo")["translations"][language]
    with translation.override(language):
        brief = role_brief(role="director", scenario=scenario)
    assert brief["scenario"] == {"title": tr["title"], "about": tr["teaching_note"]["about"]}
    with translation.override("en"):
        brief = role_brief(role="director", scenario=scenario)
    assert brief["scenario"] == {"title": scenario.title, "about": scenario.teaching_note["about"]}


def test_look_fors_keep_the_english_kpis_and_an_unknown_language_reads_english():
    scenario = engine.load_scenario("demo")
    with translation.override("fr"):
        shown = scenario_shown(scenario)
    fr = raw("demo")["translations"]["fr"]["teaching_note"]["look_for"]
    assert [item["text"] for item in shown["teaching_note"]["look_for"]] == [item["text"] for item in fr]
    assert ([item["kpis"] for item in shown["teaching_note"]["look_for"]]
            == [item["kpis"] for item in scenario.teaching_note["look_for"]])
    with translation.override("xx"):
        assert scenario_shown(scenario)["teaching_note"] == scenario.teaching_note


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_guide_page_reads_the_translation(console, name, language):
    scenario, tr = engine.load_scenario(name), raw(name)["translations"][language]
    text = page(console, f"/console/guide/{name}/", language)
    note = tr["teaching_note"]
    for t in [tr["title"], tr["description"], note["about"], note["trap"], note["strong_team"]] + note["questions"]:
        assert t in text, (name, language, t[:40])
    for item in note["look_for"]:
        assert item["text"] in text
    for t in [scenario.teaching_note["about"]] + scenario.teaching_note["questions"]:
        assert t not in text, (name, language, t[:40])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_console_library_reads_the_translation(console, language):
    text = page(console, "/console/", language)
    for name in SHIPPED:
        scenario, tr = engine.load_scenario(name), raw(name)["translations"][language]
        for t in (tr["title"], tr["description"], tr["teaching_note"]["about"], tr["teaching_note"]["trap"]):
            assert t in text, (name, language, t[:40])
        assert scenario.teaching_note["about"] not in text
        assert scenario.teaching_note["strong_team"] not in text


def test_english_readers_keep_the_english_text(console):
    text = page(console, "/console/", None)
    guide = page(console, "/console/guide/shocks/", None)
    for name in SHIPPED:
        scenario = engine.load_scenario(name)
        for t in (scenario.title, scenario.description, scenario.teaching_note["about"]):
            assert t in text
    shocks = engine.load_scenario("shocks")
    for t in shocks.teaching_note["questions"]:
        assert t in guide
    assert raw("shocks")["translations"]["de"]["teaching_note"]["about"] not in guide


def test_an_authored_scenario_reads_as_its_author_wrote_it():
    d = {**raw("demo"), "name": "my-plant", "title": "Meine Fabrik", "description": "Wie geschrieben."}
    d.pop("translations")
    scenario = scenario_from_dict(d)
    assert scenario.translations == {}
    with translation.override("fr"):
        shown = scenario_shown(scenario)
    assert (shown["title"], shown["description"], shown["teaching_note"]) == (
        "Meine Fabrik", "Wie geschrieben.", scenario.teaching_note)


def translated_secrets(name: str) -> list[str]:
    """The parts of every translation a participant must never read."""
    out = []
    for tr in raw(name)["translations"].values():
        note = tr["teaching_note"]
        out += [note["trap"], note["strong_team"]] + note["questions"] + [item["text"] for item in note["look_for"]]
    return out


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_room_reads_the_translated_title_and_about_and_none_of_the_facilitators_parts(client, facilitator,
                                                                                         language):
    from classroom.identity import cookie_name, sign_token
    from classroom.services.sessions import session_create
    from game.snapshots import team_snapshot
    from tests import factories

    session = session_create(facilitator=facilitator, name="Shock cohort", scenario_name="shocks", rounds=8,
                             minutes_per_round=10, seed=3)
    people = factories.join_many(session, 4)
    factories.start(session, facilitator)
    tr = raw("shocks")["translations"][language]
    with translation.override(language):
        snapshot = team_snapshot(participant_id=people[0].id)
    assert snapshot["session"]["scenario_title"] == tr["title"]
    assert {b["scenario"]["about"] for b in snapshot["briefs"]} == {tr["teaching_note"]["about"]}
    text = json.dumps(snapshot, ensure_ascii=False)
    client.cookies[cookie_name(session.join_code)] = sign_token(people[0].rejoin_token)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    room = unescape(client.get(f"/play/{session.join_code}/").content.decode())
    projector = client.get(f"/projector/{session.join_code}/state.json").content.decode()
    for where, shown in (("snapshot", text), ("room", room), ("projector", projector)):
        for secret in translated_secrets("shocks"):
            assert secret not in shown, (where, secret[:40])
