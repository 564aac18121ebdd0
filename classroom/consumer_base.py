"""What the team and console sockets share: JSON parsing with error frames and event forwarding."""
import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from classroom.errors import LabError


def db(func):
    """Run a service in a worker thread of the loop's pool, not Channels' single shared thread.

    Every service opens its own transaction and needs no thread affinity; on the one shared
    thread all sockets of a process queued behind each other (web load bench: ~75 edits/s cap).
    """
    return database_sync_to_async(func, thread_sensitive=False)


class LabConsumer(AsyncJsonWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = json.loads(text_data or "")
        except ValueError:
            await self.send_json(LabError("invalid_json", "That message was not valid JSON.").as_frame())
            return
        if not isinstance(content, dict):
            await self.send_json(LabError("invalid_message", "A message must be a JSON object.").as_frame())
            return
        await self.receive_json(content)

    # One send-only handler per event type the services emit (see docs/protocol.md).
    async def package_updated(self, event):
        await self.send_json(event)

    async def round_changed(self, event):
        await self.send_json(event)

    async def round_results(self, event):
        await self.send_json(event)

    async def team_changed(self, event):
        await self.send_json(event)

    async def presence_changed(self, event):
        await self.send_json(event)

    async def session_changed(self, event):
        await self.send_json(event)
