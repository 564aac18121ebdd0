import pytest

from classroom.errors import LabError
from classroom.models import LedgerEntry
from game.services.chat import chat_send
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_chat_is_recorded_once_with_its_round(started_session):
    hr = factories.holder(started_session, "hr")
    first = chat_send(participant_id=hr.id, text=" Let's fix PM first ", client_msg_id="c1")
    assert first["text"] == "Let's fix PM first" and first["role"] == "hr"
    assert chat_send(participant_id=hr.id, text="Let's fix PM first", client_msg_id="c1") is None
    entry = LedgerEntry.objects.get(kind="chat")
    assert entry.round_number == 1 and entry.client_msg_id == "c1"


@pytest.mark.parametrize("text", ["", "   ", None, 42, "x" * 501])
def test_bad_chat_is_refused(started_session, text):
    with pytest.raises(LabError) as exc:
        chat_send(participant_id=factories.holder(started_session, "hr").id, text=text, client_msg_id="c")
    assert exc.value.field == "text"
    assert not LedgerEntry.objects.filter(kind="chat").exists()
