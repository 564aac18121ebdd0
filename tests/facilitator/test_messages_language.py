"""facilitator's own words in German and French (docs/i18n.md): the projector's state in its facilitator's
language whoever's browser shows it, console command errors in the facilitator's, the lockout list's words, the
scenario editor's errors. Each expected text is the English msgid run through that language's catalogue."""
import json
from html import unescape

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, translation
from django.utils.translation import gettext

from classroom.models import StaffLanguage
from facilitator.scenario_authoring import scenario_validate
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def english_after():
    """A request with a language cookie leaves its language active in this thread: later tests expect English."""
    yield
    translation.deactivate()


def translated(language: str, msgid: str, **params) -> str:
    with translation.override(language):
        text = gettext(msgid)
    assert text != msgid, f"{msgid!r} has no {language} translation"
    return text % params if params else text


def test_the_projector_state_speaks_the_facilitators_language_whoever_reads_it(client, facilitator, lobby_session):
    factories.join_many(lobby_session, 2)
    StaffLanguage.objects.create(user=facilitator, language="de")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"  # the wall's browser: not what the wall speaks
    state = client.get(f"/projector/{lobby_session.join_code}/state.json").json()
    assert state["status"] == translated("de", "Waiting for everyone to join")
    StaffLanguage.objects.filter(user=facilitator).update(language="fr")
    state = client.get(f"/projector/{lobby_session.join_code}/state.json").json()
    assert state["status"] == translated("fr", "Waiting for everyone to join")
    assert state["people"][0]["team"] == translated("fr", "Team %(n)s", n=1)


def test_the_projector_of_a_running_round_says_its_round_in_the_facilitators_language(client, facilitator,
                                                                                      started_session):
    StaffLanguage.objects.create(user=facilitator, language="fr")
    state = client.get(f"/projector/{started_session.join_code}/state.json").json()
    assert state["status"] == translated("fr", "Round %(n)s of %(total)s: teams are deciding", n=1,
                                         total=started_session.rounds)


def test_an_english_facilitators_projector_keeps_the_english_words(client, lobby_session):
    state = client.get(f"/projector/{lobby_session.join_code}/state.json").json()
    assert state["status"] == "Waiting for everyone to join"


def test_the_reveal_formats_the_average_scorecard_for_the_language():
    from facilitator.projector import _score

    with translation.override("de"):
        shown = _score(72.25)
        assert shown == formats.number_format(72.25, 1, use_l10n=True, force_grouping=True) + "\u00a0/\u00a0100"
    assert shown.startswith("72,2") or shown.startswith("72,3")
    with translation.override("en"):
        assert _score(72.25).startswith("72.")


def test_a_console_command_error_reads_in_french(client, facilitator, started_session):
    client.force_login(facilitator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post(f"/console/s/{started_session.id}/nonsense/", data="{}", content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == translated("fr", "Unknown command %(action)s.",
                                                             action=repr("nonsense"))
    bad = client.post(f"/console/s/{started_session.id}/pause/", data="{nope", content_type="application/json")
    assert bad.json()["error"]["message"] == translated("fr", "The request body must be a JSON object.")
    moved = client.post(f"/console/s/{started_session.id}/seat/", data=json.dumps({"participant": 999999,
                                                                                    "team": 1}),
                        content_type="application/json")
    assert moved.json()["error"]["message"] == translated("fr", "That person is not in this session.")


def test_the_facilitators_stored_language_wins_over_the_browsers(client, facilitator, started_session):
    StaffLanguage.objects.create(user=facilitator, language="de")
    client.force_login(facilitator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post(f"/console/s/{started_session.id}/nonsense/", data="{}", content_type="application/json")
    assert response.json()["error"]["message"] == translated("de", "Unknown command %(action)s.",
                                                             action=repr("nonsense"))


def test_an_anonymous_json_command_is_refused_in_the_readers_language(client, started_session):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.post(f"/console/s/{started_session.id}/counterfactual/", data="{}",
                           content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == translated(
        "de", "Log in as this session's facilitator to replay its teams.")


def test_the_lockout_list_names_its_kinds_in_the_facilitators_language(client, facilitator, lobby_session):
    client.force_login(facilitator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(f"/console/s/{lobby_session.id}/lockouts/")
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert translated("fr", "Wrong join codes (any workshop)") in html
    assert translated("fr", "Wrong rejoin codes (this workshop)") in html


@pytest.mark.parametrize("language", ("de", "fr"))
def test_the_scenario_editor_names_each_problem_in_the_readers_language(language):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        scenario_validate({"name": "has space", "title": "", "rounds": 0, "currency": "eur"})
    errors = refused.value.message_dict
    assert errors["name"] == [translated(language, "The name may use only letters, digits, - and _.")]
    with translation.override(language):
        title_required = gettext("%(label)s is required.") % {"label": gettext("The title")}
    assert errors["title"] == [title_required]
    assert errors["currency"] == [translated(language, "The currency must be a three-letter ISO 4217 code in "
                                                       "capitals, such as EUR or USD.")]


def test_the_guide_says_a_disruption_in_the_readers_language_with_its_numbers():
    from facilitator.guide import disruption_words
    from game import engine

    spec = {"round": 2, "kind": "machine_breakdown", "start_day": 4, "duration_days": 2.5, "magnitude": 1.0}
    with translation.override("de"):
        words = disruption_words(engine.Disruption.from_dict(spec))
        days = gettext("%(n)s working days") % {"n": "2,5"}
        what = gettext("%(stations)s loses %(pct)s of its capacity") % {
            "stations": gettext("the bottleneck station"), "pct": gettext("%(n)s%%") % {"n": "100"}}
    assert words == translated("de", "From working day %(day)s, for %(days)s: %(what)s.", day=5, days=days,
                               what=what)
    with translation.override("en"):
        assert disruption_words(engine.Disruption.from_dict(spec)) == (
            "From working day 5, for 2.5 working days: the bottleneck station loses 100% of its capacity.")


def test_the_test_run_table_formats_money_for_the_reader():
    from facilitator.admin import _cell

    with translation.override("de"):
        assert _cell(12345.0, "money", 0, "EUR") == "12.345 EUR"
        assert _cell(0.125, "share", 1, "EUR") == "12,5%"
    with translation.override("en"):
        assert _cell(12345.0, "money", 0, "EUR") == "12,345 EUR"
        assert _cell(1234.56, "count", 1, "EUR") == "1,234.6"


@pytest.mark.asyncio
async def test_the_console_socket_refuses_an_unknown_frame_in_the_facilitators_language(started_session, facilitator):
    """The socket speaks its reader's stored language (a staff login's StaffLanguage), not the server's."""
    from channels.db import database_sync_to_async

    from tests.facilitator.test_console_socket import console_socket

    await database_sync_to_async(StaffLanguage.objects.create)(user=facilitator, language="fr")
    comm = await console_socket(started_session, facilitator)
    connected, _ = await comm.connect()
    assert connected
    await comm.receive_json_from(timeout=5)  # the snapshot
    await comm.send_json_to({"type": "start", "id": "x1"})
    error = await comm.receive_json_from(timeout=5)
    assert error["type"] == "error" and error["code"] == "unknown_type" and error["ref"] == "x1"
    assert error["message"] == translated("fr", "The console socket only accepts 'resync' and 'ping'; commands go "
                                                "through the console's buttons.")
    await comm.send_json_to({"type": "ping", "id": ["not", "a", "string"], "x": "\x00"})
    refused = await comm.receive_json_from(timeout=5)
    with translation.override("fr"):
        expected = gettext("The value of %(field)s contains a character that cannot be stored (a NUL character or "
                           "an unpaired surrogate, which a keyboard does not type). Remove it, or retype the text, "
                           "and try again.") % {"field": repr("x")}
    assert refused["message"] == expected
    await comm.disconnect()


def test_the_reveal_of_a_closed_round_reads_in_the_facilitators_language(client, facilitator, started_session):
    from game.services import rounds

    rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=1)
    StaffLanguage.objects.create(user=facilitator, language="de")
    reveal = client.get(f"/projector/{started_session.join_code}/state.json").json()["reveal"]
    with translation.override("de"):
        aligned = gettext("the team aligned") if reveal["aligned"] else gettext("no team aligned")
    assert reveal["headline"] == translated("de", "Round %(n)s closed: %(aligned)s.", n=1, aligned=aligned)
    assert reveal["lines"][0] == translated("de", "The facilitator closed the round.")
    average = translated("de", "The room's average scorecard: %(score)s.", score="").rstrip(".")
    assert reveal["lines"][1].startswith(average) and "," in reveal["lines"][1]  # 72,5 in German


@pytest.mark.parametrize("language", ("de", "fr"))
def test_the_console_offers_the_disruption_kinds_in_the_readers_language(client, facilitator, started_session,
                                                                         language):
    client.force_login(facilitator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = unescape(client.get(f"/console/s/{started_session.id}/").content.decode())
    for msgid in ("machine breakdown", "A major machine failure stops stations for the days given.",
                  "share of the station's capacity lost, 0-1 (1 = stopped)"):
        assert translated(language, msgid)[1:] in body, msgid  # [1:]: a name may start a sentence, capitalised
    assert "share of the station" not in body and "Machine breakdown" not in body
