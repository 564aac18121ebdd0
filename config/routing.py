from django.urls import path

from facilitator.consumers import ConsoleConsumer
from game.consumers import TeamConsumer

websocket_urlpatterns = [
    path("ws/play/<str:join_code>/", TeamConsumer.as_asgi()),
    path("ws/console/<int:session_id>/", ConsoleConsumer.as_asgi()),
]
