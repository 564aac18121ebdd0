"""Helpers for the participation ledger's once-only client message ids."""
from django.db.models import Exists
from django.utils.translation import gettext as _

from classroom.errors import LabError
from classroom.models import LedgerEntry, Participant
from classroom.text_input import text_storable  # noqa: F401  (where it lived first: game/services/chat.py)

CLIENT_ID_MAX = 64


def client_id_clean(client_msg_id) -> str:
    if (not isinstance(client_msg_id, str) or not 1 <= len(client_msg_id) <= CLIENT_ID_MAX
            or not text_storable(client_msg_id)):
        raise LabError("invalid_message", _("Every message needs an 'id' string of 1 to %(n)s characters "
                                            "(no NUL characters or unpaired surrogates).") % {"n": CLIENT_ID_MAX},
                       field="id")
    return client_msg_id


def ledger_has_applied(*, participant: Participant, client_msg_id: str) -> bool:
    return LedgerEntry.objects.filter(participant=participant, client_msg_id=client_msg_id).exists()


def ledger_applied(*, participant_id: int, client_msg_id: str) -> Exists:
    """ledger_has_applied as an expression, to read with another row in the same statement (annotate)."""
    return Exists(LedgerEntry.objects.filter(participant_id=participant_id, client_msg_id=client_msg_id))
