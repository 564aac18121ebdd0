"""The console's WebSocket: live state of one session for its facilitator (read-only)."""
from django.utils import translation
from django.utils.translation import gettext as _

from classroom.consumer_base import LabConsumer, db
from classroom.errors import LabError
from classroom.events import bind_event_loop, session_group
from classroom.language import socket_language, staff_language
from classroom.services.access import session_for_facilitator
from game.snapshots import session_snapshot
from game.ticker import ticker_ensure_started

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class ConsoleConsumer(LabConsumer):
    session_id: int | None = None

    async def connect(self):
        user = self.scope.get("user")
        session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        try:
            await db(session_for_facilitator)(session_id=session_id, user=user)
        except LabError:
            await self.refuse(CLOSE_FORBIDDEN)
            return
        self.session_id = session_id
        self.language = socket_language(self.scope, await db(staff_language)(user) or "")
        translation.activate(self.language)
        bind_event_loop()
        await self.channel_layer.group_add(session_group(session_id), self.channel_name)
        await self.accept()
        await self.send_json(await db(session_snapshot)(session_id=session_id))
        ticker_ensure_started()

    async def disconnect(self, code):
        if self.session_id:
            await self.channel_layer.group_discard(session_group(self.session_id), self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind, ref = content.get("type"), content.get("id")
        ref = ref if isinstance(ref, str) else None
        if kind == "resync":
            await self.send_json(await db(session_snapshot)(session_id=self.session_id))
        elif kind == "ping":  # the console page's keep-alive (docs/protocol.md)
            await self.send_json({"type": "pong", "ref": ref})
        else:
            await self.send_json(LabError("unknown_type", _("The console socket only accepts 'resync' and 'ping'; "
                                                            "commands go through the console's buttons."),
                                          field="type").as_frame(ref))

    async def packages_changed(self, event):  # the console's coalesced package summaries
        await self.send_json(event)

    async def disruption_injected(self, event):
        await self.send_json(event)

    async def disruption_changed(self, event):
        await self.send_json(event)
