"""Is the recorder's WebSocket path routed to RecordingConsumer? Resolves
``WEBSOCKET_PATH`` through ASGI_APPLICATION the way Channels' URLRouter would."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.utils.module_loading import import_string

PREFIX = "django_session_replay"
WRAPPER_ATTRIBUTES = ("inner", "application", "app")  # Channels' middleware keep the next app here


def check_websocket_route() -> list[CheckMessage]:
    from django_session_replay.conf import conf
    from django_session_replay.transports.websocket import RecordingConsumer

    path = getattr(settings, "ASGI_APPLICATION", None)
    if not path:
        return []  # E002 says so
    try:
        application = import_string(path)
    except Exception as exc:
        return [
            Warning(
                f"ASGI_APPLICATION {path!r} could not be imported to check the recorder's "
                f"WebSocket route: {exc}",
                id=f"{PREFIX}.W016",
            )
        ]
    passed: list[Any] = []
    target = resolve(websocket_app(application), conf.WEBSOCKET_PATH.lstrip("/"), passed=passed)
    if isinstance(target, type) and issubclass(target, RecordingConsumer):
        return origin_validators(passed)
    return [
        Error(
            f"SESSION_REPLAY['WEBSOCKET_PATH'] ({conf.WEBSOCKET_PATH!r}) is not routed to "
            "the recorder's consumer in ASGI_APPLICATION, so no recording would arrive.",
            hint="Include django_session_replay.routing.websocket_urlpatterns in the "
            "websocket URLRouter of asgi.py, or set WEBSOCKET_PATH to where you mounted "
            "them (docs/install.md).",
            id=f"{PREFIX}.E015",
        )
    ]


def websocket_app(application: Any) -> Any:
    mapping = getattr(application, "application_mapping", None)  # ProtocolTypeRouter
    return mapping.get("websocket") if isinstance(mapping, dict) else application


def origin_validators(passed: list[Any]) -> list[CheckMessage]:
    """Channels' OriginValidator in front of the recorder answers a foreign page
    with an HTTP 403 at the handshake: the recorder cannot tell it from a network
    error and retries for ever, and ALLOWED_ORIGINS cannot widen it. The app
    checks origins itself (origin_forbidden, which the recorder takes as final)."""
    from channels.security.websocket import OriginValidator

    if not any(isinstance(app, OriginValidator) for app in passed):
        return []
    return [
        Warning(
            "The recorder's WebSocket route is wrapped in an OriginValidator "
            "(AllowedHostsOriginValidator): a refused page gets an HTTP 403 the recorder "
            "retries for ever, and SESSION_REPLAY['ALLOWED_ORIGINS'] cannot widen it.",
            hint="Route django_session_replay.routing.websocket_urlpatterns without it: "
            "both of the app's sockets check the Origin themselves (docs/install.md).",
            id=f"{PREFIX}.W019",
        )
    ]


def resolve(app: Any, path: str, depth: int = 0, passed: list[Any] | None = None) -> Any:
    """The consumer class that ``path`` reaches from ``app``, or None; ``passed``
    collects the middleware on the way."""
    if app is None or depth > 20:
        return None
    if passed is not None:
        passed.append(app)
    consumer = getattr(app, "consumer_class", None)  # what Consumer.as_asgi() returns
    if consumer is not None:
        return consumer
    routes = getattr(app, "routes", None)  # URLRouter
    if routes is not None:
        for route in routes:
            match = route.pattern.match(path)
            if match:
                found = resolve(route.callback, match[0], depth + 1, passed)
                if found is not None:
                    return found
        return None
    for name in WRAPPER_ATTRIBUTES:
        inner = getattr(app, name, None)
        if inner is not None:
            return resolve(inner, path, depth + 1, passed)
    return None
