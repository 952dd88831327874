"""The app's WebSocket route behind the stack a site puts it in (origin check, auth).

``BENCH_VARIANT=group-commit`` (or ``group-commit-bulk``) serves a consumer of
bench/groupcommit.py instead of the app's.
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from django_session_replay.routing import websocket_urlpatterns  # noqa: E402

if os.environ.get("BENCH_VARIANT", "app") != "app":
    from bench import groupcommit

    consumer = {
        "group-commit": groupcommit.GroupCommitConsumer,
        "group-commit-bulk": groupcommit.BulkGroupCommitConsumer,
    }[os.environ["BENCH_VARIANT"]]
    websocket_urlpatterns = [path("ws/session-replay/", consumer.as_asgi())]

application = ProtocolTypeRouter(
    {
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        )
    }
)
