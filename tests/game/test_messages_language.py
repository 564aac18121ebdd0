"""The game's texts in the reader's language (docs/i18n.md): errors made for one reader in theirs, labels the
server sends (KPIs, levers, units, role titles) built in the page's language, money grouped per language, and a
package broadcast once to a team whose texts each socket renders in its reader's language."""
import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from classroom.errors import Forbidden, LabError
from classroom.events import team_group
from classroom.i18n_text import render
from classroom.identity import cookie_name, sign_token
from game import engine
from game.briefs import role_brief
from game.dashboards import KPIS, kpi_catalog_json
from game.engine_text import LEVER_TEXTS, PROJECT_LABELS
from game.lever_display import role_titles, room_lever_specs
from game.money_format import money, money_message
from game.package_checks import package_checks
from game.selectors import session_scenario
from game.services.chat import chat_send
from game.services.commitments import package_commit
from game.services.packages import package_edit
from tests import factories
from tests.game.test_consumers import connect, drain, seated  # noqa: F401  (seated: a fixture)

LANGUAGES = ("de", "fr")


def grouped(value: int, language: str) -> str:
    """1234567 as Django writes it in `language`, from its format files (not from the code under test)."""
    separator = formats.get_format("THOUSAND_SEPARATOR", lang=language, use_l10n=True)
    digits = f"{value:,}"
    return digits.replace(",", separator)


# --- money ---------------------------------------------------------------------------------------------------

def test_money_is_grouped_in_the_readers_language_and_english_is_unchanged():
    with translation.override("en"):
        assert money(1_234_567.4, "EUR") == "1,234,567 EUR" and money(-2_500.6, "USD") == "-2,501 USD"
        assert money(-0.4, "EUR") == "0 EUR"  # never "-0"
    with translation.override("de"):
        assert money(1_234_567.4, "EUR") == "1.234.567 EUR" and money(-2_500.6, "USD") == "-2.501 USD"
    with translation.override("fr"):
        assert money(1_234_567.4, "EUR") == f"{grouped(1_234_567, 'fr')} EUR"
        assert grouped(1_234_567, "fr") != "1,234,567"


def test_money_inside_a_message_renders_per_reader():
    node = money_message(98_765.2, "CHF")
    assert render(node, "en") == "98,765 CHF" and render(node, "de") == "98.765 CHF"
    assert render(node, "fr") == f"{grouped(98_765, 'fr')} CHF"


# --- labels the server sends -------------------------------------------------------------------------------

@pytest.mark.parametrize("language, cash, oee", [("de", "Liquidität", "OEE, Linie"),
                                                ("fr", "Trésorerie", "TRS, ligne")])
def test_the_kpi_catalogue_is_built_in_the_active_language(language, cash, oee):
    with translation.override(language):
        catalogue = kpi_catalog_json()
    assert catalogue["cash"]["label"] == cash and catalogue["oee_line"]["label"] == oee
    assert set(catalogue) == set(KPIS)
    with translation.override(language):  # every label translated: none left as the English
        assert all(catalogue[k]["label"] != KPIS[k].label for k in KPIS if k not in ("fatigue", "margin"))
    json.dumps(catalogue)  # plain strings, never lazy objects
    with translation.override("en"):
        assert kpi_catalog_json()["cash"]["label"] == "Cash"


@pytest.mark.parametrize("language, label, unit, title, project", [
    ("de", "Überstundenanteil", "% der geplanten Stunden", "Personal", "Ersatzlinie an einem zweiten Standort"),
    ("fr", "Part des heures supplémentaires", "% des heures planifiées", "RH", "Ligne de secours sur un second site"),
])
def test_lever_specs_carry_labels_units_help_and_role_titles_in_the_active_language(language, label, unit, title,
                                                                                    project):
    with translation.override(language):
        specs = {s["name"]: s for s in room_lever_specs(currency="EUR")}
        titles = role_titles()
    overtime = specs["overtime_share"]
    assert overtime["label"] == label and overtime["display"]["unit"] == unit and overtime["role_title"] == title
    assert overtime["help"] != engine.LEVERS["overtime_share"].help
    assert specs["projects"]["choice_labels"]["backup_line"].startswith(project + ", ")
    assert specs["maintenance_budget"]["display"]["unit"] == {"de": "EUR pro Monat", "fr": "EUR par mois"}[language]
    assert titles["hr"] == title
    json.dumps(specs)
    with translation.override("en"):
        english = {s["name"]: s for s in room_lever_specs(currency="EUR")}
    assert english["overtime_share"]["label"] == "Overtime share" and english["overtime_share"]["role_title"] == "HR"
    assert english["projects"]["choice_labels"] == engine.lever_specs_json()[2]["choice_labels"]


def test_every_engine_label_and_help_is_in_the_games_catalogue_list():
    """The engine knows no Django: game lists its texts for makemessages (game/engine_text.py)."""
    for spec in engine.LEVERS.values():
        assert spec.label in LEVER_TEXTS and spec.help in LEVER_TEXTS, spec.name
    assert {p.label for p in engine.PROJECTS.values()} <= set(PROJECT_LABELS)


@pytest.mark.django_db
@pytest.mark.parametrize("language, cash, title", [("de", "Liquidität", "Werkleitung"),
                                                  ("fr", "Trésorerie", "Direction")])
def test_the_room_page_builds_its_catalogues_in_the_participants_language(client, started_session, language, cash,
                                                                          title):
    person = factories.holder(started_session, "director")
    person.language = language
    person.save(update_fields=["language"])
    code = started_session.join_code
    client.cookies[cookie_name(code)] = sign_token(person.rejoin_token)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the seat's stored choice wins over this browser's
    with translation.override("en"):  # the view activates the seat's language: do not leave it to later tests
        response = client.get(reverse("room", kwargs={"join_code": code}))
    assert response.status_code == 200
    assert response.context["kpis"]["cash"]["label"] == cash
    assert response.context["role_titles"]["director"] == title


@pytest.mark.parametrize("language, title, sees", [("de", "Personal", "Ermüdung"), ("fr", "RH", "Absentéisme")])
def test_a_role_brief_is_written_in_the_active_language(language, title, sees):
    scenario = engine.load_scenario("demo")
    with translation.override(language):
        brief = role_brief(role="hr", scenario=scenario)
    assert brief["title"] == title and sees in brief["sees"]
    assert brief["levers"][0]["label"] != engine.LEVERS[brief["levers"][0]["name"]].label
    with translation.override("en"):
        assert role_brief(role="hr", scenario=scenario)["title"] == "HR"


# --- errors for one reader ---------------------------------------------------------------------------------

REFUSED = {
    "en": "Overtime share must be a number from 0 to 30 % of planned hours. HR can change it.",
    "de": "Überstundenanteil: Der Wert muss eine Zahl von 0 bis 30 % der geplanten Stunden sein. "
          "Das Personal kann das ändern.",
    "fr": "Part des heures supplémentaires : la valeur doit être un nombre de 0 à 30 % des heures planifiées. "
          "Les RH peuvent le modifier.",
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_an_edit_refused_gives_the_translated_message_at_its_field(started_session, language):
    hr = factories.holder(started_session, "hr")
    with translation.override(language), pytest.raises(LabError) as exc:
        package_edit(participant_id=hr.id, lever="overtime_share", value=0.9, base_version=1, client_msg_id="x")
    assert exc.value.code == "invalid_value" and exc.value.field == "overtime_share"
    assert exc.value.message == REFUSED[language]


@pytest.mark.django_db
@pytest.mark.parametrize("language, text", [
    ("en", "Maintenance envelope belongs to the finance role."),
    ("de", "Instandhaltungsbudget gehört zur Rolle Finanzen."),
    ("fr", "Enveloppe de maintenance relève du rôle finance."),
])
def test_someone_elses_lever_is_refused_in_the_readers_language(started_session, language, text):
    hr = factories.holder(started_session, "hr")
    with translation.override(language), pytest.raises(Forbidden) as exc:
        package_edit(participant_id=hr.id, lever="maintenance_budget", value=1.0, base_version=1, client_msg_id="y")
    assert exc.value.message == text and exc.value.field == "maintenance_budget"


@pytest.mark.django_db
def test_a_forecast_beyond_the_cash_range_names_the_range_in_the_readers_money(started_session):
    director = factories.holder(started_session, "director")
    forecast = {"good_units": 100, "cash": 10**12, "extra": None}
    said = {}
    for language in ("en", "de"):
        with translation.override(language), pytest.raises(LabError) as exc:
            package_commit(participant_id=director.id, forecast=forecast, rationale="r", base_version=1,
                           client_msg_id=f"c-{language}")
        assert exc.value.field == "forecast.cash"
        said[language] = exc.value.message
    assert said["en"].startswith("Cash at the end of the month must be between ")
    assert said["de"].startswith("Die Liquidität am Monatsende muss zwischen ")
    english_range, german_range = said["en"].split(":")[0], said["de"].split(":")[0]
    assert "," in english_range and "," not in german_range and "." in german_range  # 1,234 EUR / 1.234 EUR


@pytest.mark.django_db
def test_a_chat_message_too_long_is_refused_in_french(started_session):
    person = factories.holder(started_session, "finance")
    with translation.override("fr"), pytest.raises(LabError) as exc:
        chat_send(participant_id=person.id, text="x" * 501, client_msg_id="c")
    assert exc.value.message == "Un message de chat compte au plus 500 caractères." and exc.value.field == "text"


# --- text broadcast once to a team ------------------------------------------------------------------------

@pytest.fixture
def sent(monkeypatch):
    out = []
    monkeypatch.setattr("classroom.events._send", lambda group, message: out.append((group, message)))
    return out


@pytest.mark.django_db(transaction=True)
def test_a_package_broadcast_holds_messages_each_reader_renders_in_their_language(started_session, sent):
    finance = factories.holder(started_session, "finance")
    sent.clear()
    package_edit(participant_id=finance.id, lever="maintenance_budget", value=1_000.0, base_version=1,
                 client_msg_id="m")
    event = next(m for g, m in sent if g == team_group(finance.team_id) and m["type"] == "package.updated")
    json.dumps(event)  # the group message serialises (no lazy strings)
    scenario = session_scenario(session=started_session)
    cut = next(i for i in event["package"]["checks"]["items"] if i["lever"] == "maintenance_budget")
    assert cut["kind"] == "cut" and isinstance(cut["text"], dict)  # a message, not one language's text
    planned = round(cut["planned"])
    english, german, french = (render(cut["text"], lang) for lang in ("en", "de", "fr"))
    assert english.startswith(f"Maintenance envelope: the plan needs {planned:,} {scenario.currency}, "
                              f"the envelope holds 1,000 {scenario.currency}")
    assert "Finance can raise the envelope, or engineering can plan less." in english
    assert german.startswith(f"Instandhaltungsbudget: Der Plan braucht {grouped(planned, 'de')} {scenario.currency}")
    assert "Die Finanzen können das Budget erhöhen, oder die Rolle Technik plant weniger." in german
    assert french.startswith(f"Enveloppe de maintenance : le plan demande {grouped(planned, 'fr')} "
                             f"{scenario.currency}")
    entry = event["log"][0]
    assert render(entry, "en")["label"] == "Maintenance envelope"
    assert render(entry, "de")["label"] == "Instandhaltungsbudget"
    assert render(entry, "fr")["label"] == "Enveloppe de maintenance"


@pytest.mark.parametrize("language, short", [("de", "5 Punkte zu wenig"), ("fr", "soit 5 points de moins")])
def test_a_refusal_renders_in_each_language(language, short):
    scenario = engine.load_scenario("demo")
    levers = {**engine.default_levers(scenario), "priority_weights": [20, 20, 20, 20, 15]}
    item = package_checks(levers, scenario)["items"][0]
    assert item["kind"] == "refuse" and short in render(item["text"], language)
    assert render(item["text"], "en").startswith("The priority weights add up to 95, 5 points short")


def test_settings_offer_the_languages_tested_here():
    assert {code for code, _ in settings.LANGUAGES} >= {"en", *LANGUAGES}


def test_every_disruption_description_is_in_the_games_catalogue_list_and_renders_per_reader():
    from classroom.i18n_text import message
    from game.engine_text import DISRUPTION_DESCRIPTIONS

    for kind in engine.DISRUPTION_KINDS.values():
        assert kind["description"] in DISRUPTION_DESCRIPTIONS
    node = message(engine.DISRUPTION_KINDS["supplier_failure"]["description"])
    assert render(node, "en") == "A supplier cannot deliver."
    assert render(node, "de") == "Ein Lieferant kann nicht liefern."
    assert render(node, "fr") == "Un fournisseur ne peut pas livrer."


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_over_the_sockets_each_teammate_reads_the_package_and_their_errors_in_their_language(seated):
    """One edit, one group frame: the German reader gets German checks, the English reader English; a refused
    edit comes back to its French sender in French, at its field."""
    from channels.db import database_sync_to_async

    from classroom.models import Participant

    def set_language(person, code):
        Participant.objects.filter(pk=person.pk).update(language=code)

    await database_sync_to_async(set_language)(seated["finance"], "de")
    await database_sync_to_async(set_language)(seated["hr"], "fr")
    sockets = {role: (await connect(seated[role]))[0] for role in ("director", "finance", "hr")}
    for comm in sockets.values():
        await drain(comm)
    await sockets["hr"].send_json_to({"type": "package.edit", "id": "bad", "lever": "overtime_share", "value": 0.9,
                                      "base_version": 1})
    error = await sockets["hr"].receive_json_from(timeout=5)
    assert error["type"] == "error" and error["field"] == "overtime_share" and error["message"] == REFUSED["fr"]
    await sockets["hr"].send_json_to({"type": "no.such", "id": "x"})
    error = await sockets["hr"].receive_json_from(timeout=5)
    assert error["code"] == "unknown_type" and error["message"] == "Type de message inconnu 'no.such'."
    await sockets["hr"].send_json_to({"type": "package.edit", "id": "ok", "lever": "overtime_share", "value": 0.1,
                                      "base_version": 1})
    texts = {}
    for role in ("director", "finance"):
        frame = await sockets[role].receive_json_from(timeout=5)
        assert frame["type"] == "package.updated"
        texts[role] = [item["text"] for item in frame["package"]["checks"]["items"]]
        assert all(isinstance(text, str) for text in texts[role])
        texts[role + "-log"] = frame["log"][0]["label"]
    assert texts["director"][0].startswith("Maintenance envelope: the plan needs ")
    assert texts["finance"][0].startswith("Instandhaltungsbudget: Der Plan braucht ")
    assert (texts["director-log"], texts["finance-log"]) == ("Overtime share", "Überstundenanteil")
    for comm in sockets.values():
        await comm.disconnect()


@pytest.mark.parametrize("language", ["de", "fr"])
def test_what_a_short_envelope_cuts_reads_in_the_readers_language(language):
    """The engine says what the plant will cut as a message; the reader gets it in their own words, the English
    reader as the engine wrote it before."""
    from classroom.i18n_text import render
    from game.engine.budget import package_cuts
    from game.engine.levers import default_levers
    from game.engine.messages import english
    from game.engine.scenario import load_scenario

    scenario = load_scenario("demo")
    envelopes = ("maintenance_budget", "training_budget", "quality_budget", "capex_budget")
    levers = {**default_levers(scenario), **{envelope: 1.0 for envelope in envelopes}}
    cuts = {c["envelope"]: c["cut"] for c in package_cuts(levers, scenario.params)}
    assert set(cuts) == set(envelopes)
    for cut in cuts.values():
        shown, plain = render(cut, language), english(cut)
        assert shown and shown != plain and render(cut, "en") == plain
    assert english(cuts["capex_budget"]) == "engineering hours and projects are cut, the last projects of " \
                                                  "the portfolio first"
