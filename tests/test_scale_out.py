"""Two daphne processes sharing PostgreSQL and Redis: a recording on process A
reaches a live watcher connected to process B, batch by batch."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import msgpack
import pytest

from tests.browser import DemoServer
from tests.conftest import events, hello_frame

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("SESSION_REPLAY_TEST_STACK") != "full",
        reason="needs PostgreSQL and Redis: SESSION_REPLAY_TEST_STACK=full (tox -e full)",
    ),
]


@pytest.fixture
def database_url() -> Iterator[str]:
    import psycopg

    name = f"session_replay_scale_out_{os.getpid()}"
    admin = "postgresql://postgres@127.0.0.1:5432/test"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name}")
        db.execute(f"CREATE DATABASE {name}")
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def two_servers(tmp_path: Path, database_url: str) -> Iterator[tuple[DemoServer, DemoServer]]:
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
    first, second = DemoServer(tmp_path, env), DemoServer(tmp_path, env)
    first.prepare()
    try:
        first.start()
        second.start()
        yield first, second
    finally:
        first.kill()
        second.kill()


async def test_batches_on_one_process_reach_a_watcher_on_another(two_servers) -> None:
    import websockets

    recorder_side, watcher_side = two_servers
    cookie = watcher_side.login_cookie()
    ws_a = recorder_side.url.replace("http", "ws") + "/ws/session-replay/"
    async with websockets.connect(ws_a, origin=recorder_side.url) as recorder:
        key = recorder_side.recorder_config()["key"]
        hello = hello_frame(key=key, page={"url": recorder_side.url + "/"})
        await recorder.send(msgpack.packb(hello))
        welcome = msgpack.unpackb(await recorder.recv())
        assert welcome["t"] == "welcome", welcome
        live = watcher_side.url.replace("http", "ws") + f"/ws/session-replay/live/{welcome['sid']}/"
        async with websockets.connect(
            live, origin=watcher_side.url, additional_headers={"Cookie": cookie}
        ) as watcher:
            sent = {seq: events(3, start=seq * 100) for seq in range(1, 11)}
            for seq, batch in sent.items():
                await recorder.send(msgpack.packb({"t": "batch", "seq": seq, "events": batch}))
                assert msgpack.unpackb(await recorder.recv()) == {"t": "ack", "seq": seq}
            received = {}
            while len(received) < len(sent):
                frame = msgpack.unpackb(await watcher.recv())
                received[frame["seq"]] = frame["events"]
    assert received == sent
