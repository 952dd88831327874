"""The frame limit under the ASGI servers themselves: a frame over
``MAX_FRAME_BYTES`` reaches the app and gets ``frame_too_large`` and close 4003
(never a bare 1006 from the server), under daphne's runserver, the daphne
command and uvicorn, each with its message limit set as docs/deployment.md
says; a part stream of a batch many frames long is stored under each."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.browser import DemoServer
from tests.transports.test_parts import big_events, part_frames

MIB = 1024 * 1024
BIN = Path(sys.executable).parent
SERVERS = {
    "runserver": None,  # the example project sets DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE
    "daphne": [
        str(BIN / "daphne"),
        *("--websocket-max-message-size", str(16 * MIB)),
        *("--websocket-max-frame-size", str(16 * MIB)),
    ],
    "uvicorn": [str(BIN / "uvicorn"), "--ws-max-size", str(16 * MIB)],  # its default
}


def address_args(name: str, port: int) -> list[str]:
    if name == "daphne":
        return ["-b", "127.0.0.1", "-p", str(port), "example_project.asgi:application"]
    return ["--host", "127.0.0.1", "--port", str(port), "example_project.asgi:application"]


@pytest.fixture(scope="module", params=list(SERVERS))
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoServer]:
    name = request.param
    if name == "uvicorn" and not (BIN / "uvicorn").exists():
        pytest.skip("uvicorn is not installed here")
    demo = DemoServer(tmp_path_factory.mktemp(name))
    demo.prepare()
    prefix = SERVERS[name]
    demo.start(None if prefix is None else [*prefix, *address_args(name, demo.port)])
    try:
        yield demo
    finally:
        demo.kill()


async def exchange(
    server: DemoServer, frames: list[dict[str, Any] | bytes], answers_wanted: int
) -> list[Any]:
    """hello, then the frames; what the server answered (until the socket closed or
    that many answers came after welcome), and the close code (None: open) last."""
    config = server.recorder_config()
    url = server.url.replace("http", "ws") + config["ws"]
    answers: list[Any] = []
    hello = {"t": "hello", "v": 1, "key": config["key"], "token": None, "win": "w1"}
    async with connect(url, origin=server.url, max_size=None) as socket:  # type: ignore[arg-type]
        await socket.send(msgpack.packb(hello))
        answers.append(msgpack.unpackb(await socket.recv()))
        for frame in frames:
            await socket.send(frame if isinstance(frame, bytes) else msgpack.packb(frame))
        try:
            while len(answers) <= answers_wanted:
                answers.append(msgpack.unpackb(await asyncio.wait_for(socket.recv(), 30)))
        except ConnectionClosed:
            pass
        close_code = socket.close_code
    answers.append(close_code)
    return answers


def padded_frame(size: int) -> bytes:
    frame: bytes = msgpack.packb({"t": "batch", "seq": 1, "z": b"\0" * size})
    return frame


@pytest.mark.parametrize("size", [512 * 1024 + 1, 2 * MIB])
def test_a_frame_over_the_limit_gets_frame_too_large_under_every_server(
    server: DemoServer, size: int
) -> None:
    assert server.recorder_config()["maxFrameBytes"] == 512 * 1024
    answers = asyncio.run(exchange(server, [padded_frame(size)], answers_wanted=2))
    assert answers[0]["t"] == "welcome"
    assert answers[1]["t"] == "error" and answers[1]["code"] == "frame_too_large", answers
    assert answers[-1] == 4003


def test_a_batch_in_parts_is_acked_under_every_server(server: DemoServer) -> None:
    parts = part_frames(1, big_events(3 * MIB), 500 * 1024)
    assert len(parts) >= 3
    answers = asyncio.run(exchange(server, [*parts, {"t": "ping"}], answers_wanted=2))
    assert [a["t"] for a in answers[1:-1]] == ["ack", "pong"], answers
    assert answers[1]["seq"] == 1
    assert server.query("SELECT seq, event_count FROM django_session_replay_batch") == [(1, 1)]
