"""WebSocket routes; the host's asgi.py includes ``websocket_urlpatterns``."""

from __future__ import annotations

from django.urls import path

from .live.consumer import LiveConsumer
from .transports.websocket import RecordingConsumer

websocket_urlpatterns = [
    path("ws/session-replay/", RecordingConsumer.as_asgi(), name="session_replay_record"),
    path(
        "ws/session-replay/live/<uuid:session_id>/",
        LiveConsumer.as_asgi(),
        name="session_replay_live",
    ),
]
