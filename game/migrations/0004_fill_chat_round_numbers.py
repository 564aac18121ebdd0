"""Chats written before chat recorded its round (the first version of the lab) are filed under the
round that was current when they were sent: the last one opened by then. A chat in the lobby stays in
no round. HR's per-person report then reads every round from the ledger alone."""
from bisect import bisect_right
from collections import defaultdict

from django.db import migrations


def fill(apps, schema_editor):
    LedgerEntry = apps.get_model("classroom", "LedgerEntry")
    Round = apps.get_model("game", "Round")
    chats = LedgerEntry.objects.filter(kind="chat", round_number__isnull=True)
    opens = defaultdict(list)
    for session_id, opens_at, number in (Round.objects.filter(session_id__in=chats.values("session_id"),
                                                              opens_at__isnull=False)
                                         .values_list("session_id", "opens_at", "number")):
        opens[session_id].append((opens_at, number))
    for session_opens in opens.values():
        session_opens.sort()
    for entry_id, session_id, at in chats.values_list("id", "session_id", "at"):
        i = bisect_right(opens[session_id], (at, float("inf")))
        if i:
            LedgerEntry.objects.filter(pk=entry_id).update(round_number=opens[session_id][i - 1][1])


class Migration(migrations.Migration):

    dependencies = [
        ("game", "0003_fill_session_round_number"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
