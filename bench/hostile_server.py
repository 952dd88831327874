"""The server bench.hostile attacks: bench.asgi's WebSocket stack plus the app's HTTP
routes (the HTTP ingest door), which bench.asgi and bench/urls.py leave out.

    daphne bench.hostile_server:application     (DJANGO_SETTINGS_MODULE=bench.settings)
"""

from __future__ import annotations

from channels.routing import ProtocolTypeRouter
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.urls import include, path

from bench.asgi import application as websocket_only  # sets Django up on bench.settings

# This module is the URLconf too: bench.settings' ROOT_URLCONF (bench.urls) serves
# nothing, and this process serves nothing else, before its first request.
settings.ROOT_URLCONF = __name__
urlpatterns = [path("session-replay/", include("django_session_replay.urls"))]

application = ProtocolTypeRouter(
    {"http": get_asgi_application(), "websocket": websocket_only.application_mapping["websocket"]}
)
