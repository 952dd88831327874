"""W020: runserver's (daphne's) WebSocket message limit must be above
MAX_FRAME_BYTES, or an oversized frame is cut before the app answers it."""

from __future__ import annotations

import pytest
from django.core.checks import CheckMessage
from django.test import override_settings

from django_session_replay.config.servers import check_server_limit

MIB = 1024 * 1024


def w020(**settings: object) -> list[CheckMessage]:
    with override_settings(**settings):
        return [m for m in check_server_limit() if m.id == "django_session_replay.W020"]


@pytest.mark.parametrize(
    "settings, warned",
    [
        ({"DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE": 16 * MIB}, False),  # as the example project
        ({}, False),  # daphne's 1 MiB default is above the default 512 KiB frame limit
        ({"SESSION_REPLAY": {"MAX_FRAME_BYTES": MIB}}, True),  # ... but not above 1 MiB
        ({"DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE": 512 * 1024}, True),
        ({"DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE": 256 * 1024}, True),
    ],
)
def test_w020_warns_when_daphnes_limit_is_not_above_the_frame_limit(
    settings: dict[str, object], warned: bool
) -> None:
    messages = w020(**settings)
    assert bool(messages) is warned
    if warned:
        assert "frame_too_large" in messages[0].msg


def test_w020_says_nothing_without_daphne(settings: object) -> None:
    with override_settings(
        INSTALLED_APPS=["django_session_replay", "channels"],
        DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE=1024,
    ):
        assert check_server_limit() == []
