"""One consumer: join the team's group, and send every text message received to the whole group."""
from channels.generic.websocket import AsyncWebsocketConsumer


class EchoConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.group = f"team.{self.scope['url_route']['kwargs']['team']}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(self.group, {"type": "echo", "text": text_data})

    async def echo(self, event):
        await self.send(text_data=event["text"])
