from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any

import msgpack
import pytest
from channels.testing import WebsocketCommunicator

from django_session_replay.conf import conf

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
# SESSION_REPLAY_BROWSER_TESTS=core keeps only the core browser tests (record
# in Chromium, replay in admin, the replay page's sandbox): tox sets it for the
# Django versions other than the one that runs the whole browser suite, whose
# tests exercise the same recorder and player (each browser test takes seconds).
BROWSER_TESTS = os.environ.get("SESSION_REPLAY_BROWSER_TESTS", "all")
CORE_BROWSER_TESTS = "tests/test_browser.py"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BROWSER_TESTS != "core":
        return
    kept, dropped = [], []
    for item in items:
        core = item.nodeid.startswith(CORE_BROWSER_TESTS + "::")
        (dropped if item.get_closest_marker("browser") and not core else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def hello_frame(**overrides: Any) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "t": "hello",
        "v": 1,
        "key": conf.SITE_KEY,
        "token": None,
        "win": "tab-1",
        "visitor": "visitor-1",
        "page": {
            "url": "http://testserver/start",
            "title": "Start",
            "referrer": "",
            "ua": "pytest",
            "screen": [1280, 800],
            "viewport": [1200, 700],
        },
    }
    frame.update(overrides)
    return frame


def beacon_body(token: str, batches: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    """What the recorder's sendBeacon posts to the HTTP door: hello's envelope
    fields (window tab-1 of visitor-1) and the batches."""
    body: dict[str, Any] = {
        "v": 1,
        "key": conf.SITE_KEY,
        "token": token,
        "win": "tab-1",
        "visitor": "visitor-1",
        "batches": batches,
    }
    body.update(overrides)
    return body


def events(count: int, start: int = 1_700_000_000_000, kind: int = 3) -> list[dict[str, Any]]:
    return [{"type": kind, "timestamp": start + i, "data": {"n": i}} for i in range(count)]


class Client:
    """A WebSocket recorder speaking msgpack frames to the consumer."""

    def __init__(self, origin: str = "http://testserver") -> None:
        from tests.asgi import application

        headers = [(b"origin", origin.encode())]
        self.comm = WebsocketCommunicator(application, "/ws/session-replay/", headers=headers)

    async def __aenter__(self) -> Client:
        connected, _ = await self.comm.connect()
        assert connected
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.comm.disconnect()

    async def send(self, **frame: Any) -> None:
        await self.comm.send_to(bytes_data=msgpack.packb(frame))

    async def send_raw(self, data: bytes | None = None, text: str | None = None) -> None:
        await self.comm.send_to(bytes_data=data, text_data=text)

    async def receive(self) -> dict[str, Any]:
        frame: dict[str, Any] = msgpack.unpackb(await self.comm.receive_from(timeout=5))
        return frame

    async def hello(self, **overrides: Any) -> dict[str, Any]:
        await self.send(**hello_frame(**overrides))
        return await self.receive()

    async def closed_with(self) -> int:
        output = await self.comm.receive_output(timeout=5)
        assert output["type"] == "websocket.close", output
        code: int = output["code"]
        return code


@pytest.fixture  # per test: Playwright's sync API holds an event loop while it runs
def browser() -> Any:
    """A Chromium (tests/browser.py) for one browser test."""
    from tests.browser import chromium

    with chromium() as chromium_browser:
        yield chromium_browser


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (clone with ../shared beside it)")
    return CORPUS


@pytest.fixture(scope="session")
def s3_endpoint() -> str:
    from tests import s3

    return s3.endpoint_from_env_or_start()


@pytest.fixture
def s3_storage(s3_endpoint: str, settings: Any) -> str:
    """Point the session_replay alias at the S3 server for one test."""
    from tests import s3

    s3.empty_bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "session_replay": s3.storage_settings(s3_endpoint)}
    return s3_endpoint


@pytest.fixture(autouse=True)
async def close_executor_connections(request: pytest.FixtureRequest) -> Any:
    """Async ORM calls in a test run on asgiref's shared executor thread; close
    that thread's connection afterwards, or PostgreSQL cannot drop the test
    database at the end of the run."""
    yield
    if inspect.iscoroutinefunction(request.function):
        from asgiref.sync import sync_to_async
        from django.db import connections

        await sync_to_async(connections.close_all)()


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Any:
    """The rate limits count in Django's cache: every test starts with none spent."""
    from django.core.cache import caches

    caches["default"].clear()
    yield
