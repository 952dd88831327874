"""Is the recorder's WebSocket path routed (config/routes.py)? E015 when
WEBSOCKET_PATH does not reach RecordingConsumer through ASGI_APPLICATION, W016
when ASGI_APPLICATION cannot be imported to tell."""

from __future__ import annotations

import io
from typing import Any

import pytest
from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import path, re_path

from django_session_replay.checks import check_configuration
from django_session_replay.config.routes import check_websocket_route
from django_session_replay.live.consumer import LiveConsumer
from django_session_replay.routing import websocket_urlpatterns
from django_session_replay.transports.websocket import RecordingConsumer

# A project that mounts the app's routes under a prefix, behind the usual middleware.
mounted_elsewhere = ProtocolTypeRouter(
    {
        "websocket": AuthMiddlewareStack(
            URLRouter([path("realtime/", URLRouter(websocket_urlpatterns))])
        )
    }
)
# One as older docs showed it: the app's routes behind Channels' origin validator.
validated = ProtocolTypeRouter(
    {
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        )
    }
)
# One that routes the path to another consumer.
wrong_consumer = ProtocolTypeRouter(
    {"websocket": URLRouter([re_path(r"^ws/session-replay/$", LiveConsumer.as_asgi())])}
)
# A bare URLRouter as the whole application (no ProtocolTypeRouter).
bare_router = URLRouter([path("ws/session-replay/", RecordingConsumer.as_asgi())])


def check_websocket_route_with(**settings: Any) -> list[Any]:
    with override_settings(**settings):
        return check_websocket_route()


def route_ids(**settings: Any) -> list[str]:
    return [message.id or "" for message in check_websocket_route_with(**settings)]


def test_the_test_project_routes_the_default_path() -> None:
    assert route_ids() == []


def test_e015_a_path_nothing_routes() -> None:
    (message,) = check_websocket_route_with(SESSION_REPLAY={"WEBSOCKET_PATH": "/ws/elsewhere/"})
    assert message.id == "django_session_replay.E015"
    assert "'/ws/elsewhere/'" in message.msg
    with (
        override_settings(SESSION_REPLAY={"WEBSOCKET_PATH": "/ws/elsewhere/"}),
        pytest.raises(SystemCheckError, match="django_session_replay.E015"),
    ):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


def test_e015_the_live_socket_is_not_the_recorders() -> None:
    live = "/ws/session-replay/live/00000000-0000-0000-0000-000000000001/"
    assert route_ids(SESSION_REPLAY={"WEBSOCKET_PATH": live}) == ["django_session_replay.E015"]


def test_e015_a_path_routed_to_another_consumer() -> None:
    assert route_ids(ASGI_APPLICATION=f"{__name__}.wrong_consumer") == [
        "django_session_replay.E015"
    ]


@pytest.mark.parametrize(
    "path, routed",
    [("/realtime/ws/session-replay/", True), ("/ws/session-replay/", False)],
)
def test_routes_are_followed_through_middleware_and_nested_routers(path: str, routed: bool) -> None:
    found = route_ids(
        ASGI_APPLICATION=f"{__name__}.mounted_elsewhere", SESSION_REPLAY={"WEBSOCKET_PATH": path}
    )
    assert found == ([] if routed else ["django_session_replay.E015"])


def test_w019_an_origin_validator_in_front_of_the_recorder() -> None:
    (message,) = check_websocket_route_with(ASGI_APPLICATION=f"{__name__}.validated")
    assert message.id == "django_session_replay.W019"
    assert "ALLOWED_ORIGINS" in message.msg


def test_a_bare_url_router_is_followed() -> None:
    assert route_ids(ASGI_APPLICATION=f"{__name__}.bare_router") == []


@pytest.mark.parametrize("application", ["no.such.application", f"{__name__}.missing"])
def test_w016_the_application_cannot_be_imported(application: str) -> None:
    (message,) = check_websocket_route_with(ASGI_APPLICATION=application)
    assert message.id == "django_session_replay.W016"
    assert repr(application) in message.msg
    # A warning: `manage.py check` reports it and goes on.
    err = io.StringIO()
    with override_settings(ASGI_APPLICATION=application):
        call_command("check", stdout=io.StringIO(), stderr=err)
    assert "django_session_replay.W016" in err.getvalue()


def test_the_route_is_checked_only_once_the_settings_are_valid() -> None:
    with override_settings(SESSION_REPLAY={"WEBSOCKET_PATH": "ws/elsewhere"}):
        assert [message.id for message in check_configuration()] == ["django_session_replay.E012"]
