"""Bots play seats through the real WebSocket path: a rehearsal with bots only plays a whole session to the
debrief with nobody touching anything, and bots stay out of HR's figures."""
import pytest
from django.core.management import call_command

from classroom.models import Participant, Session
from game.models import RoundResult

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def quick_bots(monkeypatch):
    monkeypatch.setattr("game.bots.runner.QUIET_SECONDS", 0.3)


def test_a_rehearsal_with_bots_only_plays_to_the_debrief(capsys):
    call_command("run_bots", teams=2, rounds=2, minutes=5, strategy="balanced", timeout=120)
    session = Session.objects.get(name="Rehearsal with bots")
    assert session.state == Session.State.FINISHED
    bots = Participant.objects.filter(session=session)
    assert bots.count() == 8 and all(b.is_bot and b.display_name.endswith("(bot)") for b in bots)
    results = RoundResult.objects.filter(team__session=session)
    assert results.count() == 4 and all(r.aligned for r in results)  # every team aligned every round
    assert "finished" in capsys.readouterr().out


def test_bots_are_not_people_in_hr_reports(started_session, facilitator):
    from classroom.reports import participation_rows_per_person
    from tests import factories

    factories.open_round(started_session)
    team = factories.holder(started_session, "hr").team
    from game.bots.service import bot_for_team

    bot = bot_for_team(team=team)
    rows = participation_rows_per_person(sessions=Session.objects.filter(pk=started_session.pk), date_from=None,
                                         date_to=None)
    assert bot.display_name not in {r.get("display_name") or r.get("name") for r in rows}
    assert len(rows) == 4


def test_bot_commands_check_their_input(started_session, lobby_session, facilitator):
    from classroom.errors import LabError
    from game.bots.service import bots_fill

    with pytest.raises(LabError) as exc:
        bots_fill(session_id=started_session.id, user=facilitator, teams=1)
    assert exc.value.code == "not_in_lobby"
    for teams, strategy in ((0, "keep"), (True, "keep"), (1, "cheat")):
        with pytest.raises(LabError):
            bots_fill(session_id=lobby_session.id, user=facilitator, teams=teams, strategy=strategy)
    assert not Participant.objects.filter(is_bot=True).exists()


def test_a_participant_cannot_add_bots_or_cover(client, lobby_session):
    """Console commands need the facilitator's login; a participant's room cookie is not one."""
    from classroom.identity import cookie_name, sign_token
    from tests import factories

    person = factories.join_many(lobby_session, 1)[0]
    client.cookies[cookie_name(lobby_session.join_code)] = sign_token(person.rejoin_token)
    for action, body in (("bots", {"teams": 1}), ("cover", {"team": 1, "role": "hr", "by": "bot"})):
        response = client.post(f"/console/s/{lobby_session.id}/{action}/", body, content_type="application/json")
        assert response.status_code in (302, 401, 403)
    assert not Participant.objects.filter(is_bot=True).exists()
