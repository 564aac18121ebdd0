"""A bare Channels group-broadcast app: the most a Channels process can do for the web bench's load.

One group per team (`/ws/<team>/`, the bench puts four people in each), every text message a socket
sends goes to its whole group (sender included) and nothing else: no database, no auth, no session,
no parsing. `GET /` answers 200 so a runner can tell the server is up.

    PYTHONPATH=bench DJANGO_SETTINGS_MODULE=bare_channels.settings .venv/bin/daphne -p 18500 bare_channels.asgi:application
    PYTHONPATH=bench DJANGO_SETTINGS_MODULE=bare_channels.settings .venv/bin/uvicorn --port 18500 --lifespan off bare_channels.asgi:application
"""
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bare_channels.settings")
django.setup()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from bare_channels.consumers import EchoConsumer  # noqa: E402


async def http_ok(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"bare channels\n"})


application = ProtocolTypeRouter({
    "http": http_ok,
    "websocket": URLRouter([path("ws/<int:team>/", EchoConsumer.as_asgi())]),
})
