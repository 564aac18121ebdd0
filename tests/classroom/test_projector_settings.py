"""The facilitator's projector settings (classroom/services/projector.py)."""
import pytest

from classroom.errors import Forbidden, LabError
from classroom.models import Session
from classroom.services.projector import session_projector_settings
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_leaderboard_is_off_the_wall_until_switched_on(lobby_session, facilitator):
    assert lobby_session.projector_leaderboard is False
    session_projector_settings(session_id=lobby_session.id, user=facilitator, show_leaderboard=True)
    assert Session.objects.get(pk=lobby_session.pk).projector_leaderboard is True
    session_projector_settings(session_id=lobby_session.id, user=facilitator, show_leaderboard=False)
    assert Session.objects.get(pk=lobby_session.pk).projector_leaderboard is False


@pytest.mark.parametrize("value", [None, "true", 1, 0, "on", []])
def test_only_true_or_false(lobby_session, facilitator, value):
    with pytest.raises(LabError) as exc:
        session_projector_settings(session_id=lobby_session.id, user=facilitator, show_leaderboard=value)
    assert exc.value.field == "show_leaderboard" and exc.value.code == "invalid_value"
    assert Session.objects.get(pk=lobby_session.pk).projector_leaderboard is False


def test_another_facilitator_is_refused_before_the_input_is_judged(lobby_session):
    other = factories.make_facilitator()
    for value in (True, "nonsense"):
        with pytest.raises(Forbidden):
            session_projector_settings(session_id=lobby_session.id, user=other, show_leaderboard=value)
    assert Session.objects.get(pk=lobby_session.pk).projector_leaderboard is False
