"""The app's WebSocket route behind the stack a site puts it in (origin check, auth).

``BENCH_VARIANT=ack-only`` serves bench/ackonly.py's consumer instead of the app's.
``BENCH_QUEUED_PEAK=PATH`` writes the group committer's peak queued bytes to PATH
(bench/queued.py).
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from django_session_replay.routing import websocket_urlpatterns  # noqa: E402

if os.environ.get("BENCH_QUEUED_PEAK"):
    from bench import queued

    queued.record_peak(os.environ["BENCH_QUEUED_PEAK"])

if os.environ.get("BENCH_VARIANT", "app") == "ack-only":
    from bench.ackonly import AckOnlyConsumer

    websocket_urlpatterns = [path("ws/session-replay/", AckOnlyConsumer.as_asgi())]

application = ProtocolTypeRouter(
    {"websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns))}
)
