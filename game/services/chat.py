"""Team chat: stored once in the participation ledger, broadcast to the team."""
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from classroom.errors import LabError, TooManyTries
from classroom.events import emit_team_event
from classroom.models import LedgerEntry, Participant
from classroom.selectors import session_round_number
from classroom.services.access import participant_roles
from classroom.services.ledger import client_id_clean, ledger_has_applied, text_storable

CHAT_MAX = 500


def chat_send(*, participant_id: int, text, client_msg_id: str) -> dict | None:
    if not isinstance(text, str) or not text.strip():
        raise LabError("invalid_message", _("A chat message needs some text."), field="text")
    text = text.strip()
    if len(text) > CHAT_MAX:
        raise LabError("invalid_message", _("A chat message has at most %(n)s characters.") % {"n": CHAT_MAX},
                       field="text")
    if not text_storable(text):
        raise LabError("invalid_message", _("A chat message cannot contain NUL characters or unpaired surrogate "
                       "code points; remove them and send again."), field="text")
    client_msg_id = client_id_clean(client_msg_id)
    with transaction.atomic():
        # Locked, so the same message arriving on two sockets at once is recorded once.
        participant = Participant.objects.select_for_update(of=("self",)).select_related("session").get(pk=participant_id)
        if participant.team_id is None:
            raise LabError("not_seated", _("You are not seated in a team yet."))
        if ledger_has_applied(participant=participant, client_msg_id=client_msg_id):
            return None  # a retry of a message already sent: not counted again
        _chat_rate_check(participant_id)
        entry = LedgerEntry.objects.create(
            session=participant.session, team_id=participant.team_id, participant=participant,
            round_number=session_round_number(session=participant.session),
            role=",".join(sorted(participant_roles(participant=participant))), kind=LedgerEntry.Kind.CHAT,
            client_msg_id=client_msg_id, detail={"text": text},
        )
        message = chat_payload(entry=entry, name=participant.display_name)
        emit_team_event(participant.team_id, "chat.message", {"message": message})
    return message


def _chat_rate_check(participant_id: int) -> None:
    """Count this message in the person's window; refuse it, in words, when the window is full."""
    key = f"chat-window:{participant_id}"
    cache.add(key, 0, timeout=settings.LAB_CHAT_WINDOW_SECONDS)
    try:
        sent = cache.incr(key)
    except ValueError:  # the window expired between add and incr: this message opens a new one
        cache.set(key, 1, timeout=settings.LAB_CHAT_WINDOW_SECONDS)
        sent = 1
    if sent > settings.LAB_CHAT_MESSAGES_PER_WINDOW:
        raise TooManyTries("chat_too_fast", _(
            "You are sending messages faster than %(n)s in %(seconds)s seconds: wait a few seconds, then send again. "
            "Your message is still in the box.") % {"n": settings.LAB_CHAT_MESSAGES_PER_WINDOW,
                                                    "seconds": settings.LAB_CHAT_WINDOW_SECONDS}, field="text")


def chat_payload(*, entry: LedgerEntry, name: str) -> dict:
    return {"id": entry.id, "participant_id": entry.participant_id, "name": name, "role": entry.role,
            "text": entry.detail.get("text", ""), "at": entry.at.isoformat()}
