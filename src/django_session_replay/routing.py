"""WebSocket routes; the host's asgi.py includes ``websocket_urlpatterns``."""

from __future__ import annotations

from django.urls import path

from .live.consumer import LiveConsumer
from .transports.websocket import RecordingConsumer

# django-stubs types path()'s view as a Django view; Channels routes ASGI
# applications (as_asgi()) through the same path(), hence the two ignores.
websocket_urlpatterns = [
    path(
        "ws/session-replay/",
        RecordingConsumer.as_asgi(),  # type: ignore[arg-type]
        name="session_replay_record",
    ),
    path(
        "ws/session-replay/live/<uuid:session_id>/",
        LiveConsumer.as_asgi(),  # type: ignore[arg-type]
        name="session_replay_live",
    ),
]
