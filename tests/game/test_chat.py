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


# ---- rate limit: at most LAB_CHAT_MESSAGES_PER_WINDOW per person in LAB_CHAT_WINDOW_SECONDS ----------------

@pytest.fixture
def chat_limit(settings):
    """3 messages per 60 s, counted from an empty cache."""
    settings.LAB_CHAT_MESSAGES_PER_WINDOW = 3
    settings.LAB_CHAT_WINDOW_SECONDS = 60
    factories.cache_clear_own()
    yield settings
    factories.cache_clear_own()


def send(person, client_id, text=None):
    return chat_send(participant_id=person.id, text=text or f"message {client_id}", client_msg_id=client_id)


def stored_ids(person):
    return list(LedgerEntry.objects.filter(kind="chat", participant=person).order_by("id")
                .values_list("client_msg_id", flat=True))


def test_the_message_past_the_limit_is_refused_in_words_and_not_stored(started_session, chat_limit):
    from classroom.errors import TooManyTries

    hr = factories.holder(started_session, "hr")
    for i in range(3):
        assert send(hr, f"c{i}")["text"] == f"message c{i}"
    with pytest.raises(TooManyTries) as exc:
        send(hr, "c3")
    assert exc.value.code == "chat_too_fast" and exc.value.field == "text" and exc.value.http_status == 429
    message = exc.value.message
    assert "3" in message and "60 seconds" in message and "wait" in message
    assert "LAB_" not in message and "chat_too_fast" not in message and "_" not in message
    assert stored_ids(hr) == ["c0", "c1", "c2"]
    with pytest.raises(TooManyTries):  # and the next one too, while the window lasts
        send(hr, "c4")
    assert stored_ids(hr) == ["c0", "c1", "c2"]
    # The limit is per person: a teammate still talks.
    director = factories.holder(started_session, "director")
    assert send(director, "d0") is not None
    assert stored_ids(director) == ["d0"]


def test_a_retry_of_a_message_already_sent_is_not_counted(started_session, chat_limit):
    from classroom.errors import TooManyTries

    hr = factories.holder(started_session, "hr")
    send(hr, "c0")
    send(hr, "c1")
    for _ in range(5):  # the browser resends c0 after a reconnect, again and again
        assert send(hr, "c0") is None
    assert send(hr, "c2") is not None  # the third message of the window
    with pytest.raises(TooManyTries):
        send(hr, "c3")
    assert send(hr, "c1") is None  # a retry is still answered, even with the window full
    assert stored_ids(hr) == ["c0", "c1", "c2"]


def test_after_the_window_messages_are_accepted_again(started_session, chat_limit):
    import time

    from classroom.errors import TooManyTries

    chat_limit.LAB_CHAT_MESSAGES_PER_WINDOW = 2
    chat_limit.LAB_CHAT_WINDOW_SECONDS = 1
    hr = factories.holder(started_session, "hr")
    send(hr, "c0")
    send(hr, "c1")
    with pytest.raises(TooManyTries):
        send(hr, "c2")
    time.sleep(1.2)
    # The refused message was not stored, so sending it again (same client id) now goes through.
    assert send(hr, "c2")["text"] == "message c2"
    assert send(hr, "c3") is not None
    with pytest.raises(TooManyTries):
        send(hr, "c4")
    assert stored_ids(hr) == ["c0", "c1", "c2", "c3"]


def test_a_refused_message_is_not_broadcast(started_session, chat_limit, monkeypatch):
    from classroom.errors import TooManyTries

    sent = []
    monkeypatch.setattr("classroom.events._send", lambda group, message: sent.append(message))
    hr = factories.holder(started_session, "hr")
    for i in range(3):
        send(hr, f"c{i}")
    with pytest.raises(TooManyTries):
        send(hr, "c3")
    assert [m["message"]["text"] for m in sent if m["type"] == "chat.message"] == [f"message c{i}" for i in range(3)]
