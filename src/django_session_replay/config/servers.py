"""The ASGI server's own WebSocket message limit against ``MAX_FRAME_BYTES``.

A message over the server's limit is cut by the server before the app sees it
(daphne: a close with no ``error`` frame), so the recorder would learn neither
``frame_too_large`` nor its close code. Only daphne's ``runserver`` reads its
limit from settings (``DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE``, 1 MiB by default);
the ``daphne`` and ``uvicorn`` commands take theirs on the command line, which
docs/deployment.md covers.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Warning

from django_session_replay.conf import conf

DAPHNE_DEFAULT = 1024 * 1024  # daphne's runserver, when the setting is absent
PREFIX = "django_session_replay"


def daphne_limit() -> int:
    return int(getattr(settings, "DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE", DAPHNE_DEFAULT))


def check_server_limit() -> list[CheckMessage]:
    if not apps.is_installed("daphne") or daphne_limit() > conf.MAX_FRAME_BYTES:
        return []
    return [
        Warning(
            f"DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE ({daphne_limit()}) is not larger than "
            f"SESSION_REPLAY['MAX_FRAME_BYTES'] ({conf.MAX_FRAME_BYTES}): runserver cuts an "
            "oversized frame before the app can answer it with frame_too_large.",
            hint="Raise DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE (say to 16 MiB, uvicorn's default) "
            "or lower MAX_FRAME_BYTES (docs/deployment.md, WebSocket message size).",
            id=f"{PREFIX}.W020",
        )
    ]
