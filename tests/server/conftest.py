from __future__ import annotations

from typing import Any

import pytest

from django_session_replay.server import context
from tests.conftest import events
from tests.factories import record

MIDDLEWARE = "django_session_replay.middleware.ServerTimelineMiddleware"


@pytest.fixture
def server_settings(settings: Any) -> Any:
    settings.ROOT_URLCONF = "tests.server.urls"
    settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]
    return settings


@pytest.fixture
def recorded_session(db: None) -> Any:
    """A session recorded in window tab-1, and its signed context cookie."""
    opened = record([events(3)], window="tab-1")
    return opened.session_id, context.sign(opened.session_id, "tab-1")
