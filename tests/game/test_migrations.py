"""Data migrations, run against today's models."""
import importlib

import pytest
from django.apps import apps

from classroom.models import Session
from game.services import rounds
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)  # closing a round runs on commit
fill_round_numbers = importlib.import_module("game.migrations.0003_fill_session_round_number").fill


def test_existing_sessions_learn_their_current_round_from_their_rounds(started_session, facilitator):
    rounds.round_advance(session_id=started_session.id, user=facilitator, round_number=1)
    lobby = factories.make_session(facilitator)
    Session.objects.update(round_number=None)

    fill_round_numbers(apps, None)

    assert Session.objects.get(pk=started_session.pk).round_number == 2
    assert Session.objects.get(pk=lobby.pk).round_number is None
