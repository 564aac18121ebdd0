"""Data migrations, run against today's models."""
import importlib
from datetime import timedelta

import pytest
from django.apps import apps

from classroom.models import LedgerEntry, Session
from game.models import Round
from game.services import rounds
from game.services.chat import chat_send
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)  # closing a round runs on commit
fill_round_numbers = importlib.import_module("game.migrations.0003_fill_session_round_number").fill
fill_chat_rounds = importlib.import_module("game.migrations.0004_fill_chat_round_numbers").fill


def test_existing_sessions_learn_their_current_round_from_their_rounds(started_session, facilitator):
    rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=1)
    lobby = factories.make_session(facilitator)
    Session.objects.update(round_number=None)

    fill_round_numbers(apps, None)

    assert Session.objects.get(pk=started_session.pk).round_number == 2
    assert Session.objects.get(pk=lobby.pk).round_number is None


def test_chats_without_a_round_are_filed_under_the_round_current_when_sent(lobby_session, facilitator):
    first = factories.join_many(lobby_session, 4)[0]
    chat_send(participant_id=first.id, text="lobby", client_msg_id="c0")
    factories.start(lobby_session, facilitator)
    chat_send(participant_id=first.id, text="one", client_msg_id="c1")
    rounds.round_advance(session_id=lobby_session.id, user=facilitator, round_number=1)
    chat_send(participant_id=first.id, text="two", client_msg_id="c2")
    opened = dict(Round.objects.filter(session=lobby_session).values_list("number", "opens_at"))
    for client_msg_id, at in (("c0", opened[1] - timedelta(minutes=1)), ("c1", opened[1]),
                              ("c2", opened[2] + timedelta(seconds=1))):
        LedgerEntry.objects.filter(client_msg_id=client_msg_id).update(at=at)
    LedgerEntry.objects.filter(kind="chat").update(round_number=None)

    fill_chat_rounds(apps, None)

    filed = dict(LedgerEntry.objects.filter(kind="chat").values_list("client_msg_id", "round_number"))
    assert filed == {"c0": None, "c1": 1, "c2": 2}
