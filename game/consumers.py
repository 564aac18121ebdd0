"""The team room's WebSocket: authenticate by the rejoin cookie, parse, call one service.

Team-group events arrive serialised once for the whole group (`{"type", "frame"}`, classroom/events.py): a
socket sends the frame's text as it is, so 4 teammates and the bots cost one json.dumps, not one each. Only
round.results is decoded again here, per socket, to keep what the socket's roles may see.
"""
import json
import time

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from classroom.consumer_base import LabConsumer, db
from classroom.errors import LabError
from classroom.events import bind_event_loop, participant_group, team_group
from classroom.identity import cookie_name, unsign_token
from classroom.language import DEFAULT as DEFAULT_LANGUAGE
from classroom.language import socket_language
from classroom.services.presence import connection_close, connection_heartbeat, connection_open
from classroom.services.sessions import participant_by_token, participant_seat_again
from game.role_views import preview_for, results_event_for
from game.services.chat import chat_send
from game.services.commitments import package_commit, package_note
from game.services.packages import package_approve, package_edit, package_reopen
from game.services.preview import package_preview
from game.snapshots import team_roles_of, team_snapshot
from game.ticker import ticker_ensure_started

CLOSE_UNAUTHENTICATED = 4401
CLOSE_SEAT_ELSEWHERE = 4409  # the person rejoined on another device
# A socket's heartbeats are written at most this often: well inside the presence TTL.
HEARTBEAT_WRITE_SECONDS = min(10.0, settings.LAB_PRESENCE_TTL_SECONDS / 3)


class TeamConsumer(LabConsumer):
    participant_id: int | None = None
    team_id: int | None = None  # the team whose group this socket is in
    group: str | None = None
    # The roles this socket's person holds: what it may receive (game/role_views.py). Read with every
    # snapshot and again whenever the team's seats change, before any later event is passed on.
    roles: tuple[str, ...] = ()

    async def connect(self):
        code = self.scope["url_route"]["kwargs"]["join_code"]
        token = unsign_token(self.scope.get("cookies", {}).get(cookie_name(code.upper())))
        participant = await db(participant_by_token)(join_code=code, rejoin_token=token)
        if participant is not None and participant.team_id is None:  # left the lobby before the start, now back
            participant = await db(participant_seat_again)(participant_id=participant.id)
        if participant is None or participant.team_id is None:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        self.participant_id = participant.id
        self.language = socket_language(self.scope, participant.language)
        translation.activate(self.language)
        bind_event_loop()
        # Join the group before reading the snapshot: an event racing the read then carries a seq
        # the snapshot already covers (the client drops it) or the next one (the client applies it).
        self.team_id = participant.team_id
        self.group = team_group(self.team_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(participant_group(self.participant_id), self.channel_name)
        await self.accept()
        await db(connection_open)(participant_id=self.participant_id, channel_name=self.channel_name)
        self._beat_at = time.monotonic()
        await self._send_snapshot()
        ticker_ensure_started()

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        if self.participant_id:
            await self.channel_layer.group_discard(participant_group(self.participant_id), self.channel_name)
            await db(connection_close)(channel_name=self.channel_name)

    async def heartbeat(self):
        """Any frame from the browser proves the socket alive; written at most every few seconds."""
        now = time.monotonic()
        if self.participant_id and now - getattr(self, "_beat_at", 0.0) >= HEARTBEAT_WRITE_SECONDS:
            self._beat_at = now
            await db(connection_heartbeat)(channel_name=self.channel_name)

    async def seat_elsewhere(self, event):
        """The person rejoined on another device: say so, then close this socket."""
        await self.send_json(event)
        await self.close(code=CLOSE_SEAT_ELSEWHERE)

    async def participant_erased(self, event):
        """The person's personal data was erased (classroom/services/personal_data.py): their token no longer
        admits, so say so and close as signed out."""
        await self.send_json(event)
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def _send_snapshot(self):
        snapshot = await db(team_snapshot)(participant_id=self.participant_id)
        self.roles = tuple(snapshot["you"]["roles"])
        group = team_group(snapshot["team"]["id"])
        if group != self.group:  # the facilitator moved this person to another team
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_add(group, self.channel_name)
            self.group, self.team_id = group, snapshot["team"]["id"]
            # Events sent between the read and the group join would be missed: read again.
            snapshot = await db(team_snapshot)(participant_id=self.participant_id)
            self.roles = tuple(snapshot["you"]["roles"])
        await self.send_json(snapshot)

    async def receive_json(self, content, **kwargs):
        await self.heartbeat()
        kind, ref = content.get("type"), content.get("id")
        try:
            if kind == "package.edit":
                package = await db(package_edit)(
                    participant_id=self.participant_id, lever=content.get("lever"), value=content.get("value"),
                    base_version=content.get("base_version"), client_msg_id=ref)
                await self.send_json({"type": "ack", "ref": ref, "package": package})
            elif kind == "package.approve":
                package = await db(package_approve)(
                    participant_id=self.participant_id, version=content.get("version"), client_msg_id=ref)
                await self.send_json({"type": "ack", "ref": ref, "package": package})
            elif kind == "package.reopen":
                package = await db(package_reopen)(participant_id=self.participant_id, client_msg_id=ref)
                await self.send_json({"type": "ack", "ref": ref, "package": package})
            elif kind == "package.commit":
                package = await db(package_commit)(
                    participant_id=self.participant_id, forecast=content.get("forecast"),
                    rationale=content.get("rationale"), base_version=content.get("base_version"), client_msg_id=ref)
                await self.send_json({"type": "ack", "ref": ref, "package": package})
            elif kind == "package.note":
                package = await db(package_note)(
                    participant_id=self.participant_id, role=content.get("role"), text=content.get("text"),
                    base_version=content.get("base_version"), client_msg_id=ref)
                await self.send_json({"type": "ack", "ref": ref, "package": package})
            elif kind == "chat.send":
                await db(chat_send)(
                    participant_id=self.participant_id, text=content.get("text"), client_msg_id=ref)
                await self.send_json({"type": "ack", "ref": ref})
            elif kind == "package.preview":
                preview = await db(package_preview)(
                    participant_id=self.participant_id, version=content.get("version"))
                await self.send_json({"type": "preview", "ref": ref, "preview": preview_for(preview, self.roles)})
            elif kind == "resync":
                await self._send_snapshot()
            elif kind == "ping":
                await self.send_json({"type": "pong", "ref": ref})
            else:
                raise LabError("unknown_type", gettext("Unknown message type %(kind)s.") % {"kind": repr(kind)},
                               field="type")
        except LabError as exc:
            await self.send_json(exc.as_frame(ref if isinstance(ref, str) else None))

    def _frame_of(self, event) -> str | None:
        """The group's one serialised frame, or the one rendered in this socket's reader's language."""
        frames = event.get("frames")
        if isinstance(frames, dict):
            return frames.get(self.language) or frames.get(DEFAULT_LANGUAGE)
        return event.get("frame")

    async def send_event(self, event):
        """A group event as it was serialised for the whole group, else (older senders) encoded here."""
        frame = self._frame_of(event)
        if isinstance(frame, str):
            await self.send_frame(frame)
        else:
            await self.send_json(event)

    async def package_updated(self, event):
        await self.send_event(event)

    async def round_changed(self, event):
        await self.send_event(event)

    async def presence_changed(self, event):
        await self.send_event(event)

    async def round_results(self, event):
        """The month's results arrive in full for the team: this seat gets what its roles may see."""
        frame = self._frame_of(event)
        if isinstance(frame, str):
            event = json.loads(frame)
        await self.send_json(results_event_for(event, self.roles))

    async def session_changed(self, event):
        """Seats were dealt or changed (start, hand-over, cover): read this person's roles again before any
        later event, so data meant for a role they no longer hold never reaches this socket. Only roles in
        this socket's team count: a person moved to another team gets none here until the resync moves it."""
        await self._read_roles()
        await self.send_event(event)

    async def team_changed(self, event):
        await self._read_roles()
        await self.send_event(event)

    async def _read_roles(self):
        self.roles = tuple(await db(team_roles_of)(participant_id=self.participant_id, team_id=self.team_id))

    async def chat_message(self, event):
        await self.send_event(event)

    async def disruption_announced(self, event):
        await self.send_event(event)

    async def disruption_changed(self, event):
        await self.send_event(event)

    async def disruption_cancelled(self, event):
        await self.send_event(event)
