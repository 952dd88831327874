"""System checks; ids are stable and listed in docs/checks.md."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from .conf import conf
from .config.channel_layers import check_channel_layers
from .config.checks import check_settings
from .config.routes import check_websocket_route
from .config.servers import check_server_limit
from .config.tasks import check_task_backend


@register()
def check_setup(**kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not apps.is_installed("channels") and not apps.is_installed("daphne"):
        messages.append(
            Error(
                "django_session_replay needs Channels for its WebSocket ingest.",
                hint="Add 'daphne' (or 'channels') to INSTALLED_APPS.",
                id="django_session_replay.E001",
            )
        )
    if not getattr(settings, "ASGI_APPLICATION", None):
        messages.append(
            Error(
                "ASGI_APPLICATION is not set, so the recorder's WebSocket has no server.",
                hint="Point ASGI_APPLICATION at your asgi.py application; see docs/install.md.",
                id="django_session_replay.E002",
            )
        )
    if not getattr(settings, "CHANNEL_LAYERS", None):
        messages.append(
            Warning(
                "CHANNEL_LAYERS is not configured: live viewing of sessions is off.",
                hint="Use channels.layers.InMemoryChannelLayer on one process, "
                "channels_redis.core.RedisChannelLayer on several.",
                id="django_session_replay.W003",
            )
        )
    messages.extend(check_storage())
    messages.extend(check_channel_layers())
    return messages


@register()
def check_configuration(**kwargs: Any) -> list[CheckMessage]:
    messages = check_settings()
    if not messages:  # valid values first (a valid WEBSOCKET_PATH, TASK_BACKEND)
        messages = check_websocket_route() + check_task_backend() + check_server_limit()
    return messages


def check_storage() -> list[CheckMessage]:
    from .storage.objects import get_storage

    try:
        get_storage()
    except Exception as exc:
        return [
            Error(
                f"The storage for session replay chunks cannot be loaded: {exc}",
                hint=f"Define STORAGES[{conf.STORAGE_ALIAS!r}] or a working STORAGES['default'].",
                id="django_session_replay.E004",
            )
        ]
    return []
