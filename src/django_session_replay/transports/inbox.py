"""The frames a recording socket received and has not handled yet, bounded.

daphne reads every frame of a socket into the application's queue, with no
limit, while the consumer handles one frame at a time (a batch waits for its
commit). A client that never waits for its acks grows that queue as fast as
it can send: 50 such sockets took a daphne process to 2.7 GB (bench/README.md,
"The group committer's byte cap"). An Inbox takes each message off the
server's queue as soon as it is there and keeps it in its own, counting the
bytes of frames not handled yet; past its limit it drops what waits and
what arrives after, and hands the consumer one ``session_replay.overflow``
message instead, which refuses the connection (``rate_limited``). uvicorn bounds its own queue
(``--ws-max-queue``); the inbox bounds both the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
OVERFLOW: Message = {"type": "session_replay.overflow"}


def size_of(message: Message) -> int:
    data = message.get("bytes") or message.get("text") or b""
    return len(data)


class Inbox:
    def __init__(self, receive: Callable[[], Awaitable[Message]], limit: int) -> None:
        self.source = receive
        self.limit = limit
        self.queue: deque[tuple[Message, int]] = deque()
        self.bytes = 0  # of frames received and not handed on yet
        self.overflowed = False
        self.arrived = asyncio.Event()
        self.reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        while True:
            message = await self.source()
            size = 0
            if message.get("type") == "websocket.receive":
                if self.overflowed:
                    continue  # the connection is being refused: keep draining, keep nothing
                size = size_of(message)
                if self.bytes + size > self.limit:
                    # What waits was never acked: drop it (the client re-sends it
                    # after reconnecting) and refuse next, not after all of it.
                    self.overflowed, message, size = True, OVERFLOW, 0
                    self.queue.clear()
                    self.bytes = 0
            self.queue.append((message, size))
            self.bytes += size
            self.arrived.set()
            if message.get("type") == "websocket.disconnect":
                return

    async def receive(self) -> Message:
        """The next message, as the server's ``receive`` would give it."""
        if self.reader is None:
            self.reader = asyncio.ensure_future(self.read())
        while not self.queue:
            if self.reader.done():
                self.reader.result()  # re-raises what stopped it
                raise RuntimeError("the connection's messages ended without a disconnect")
            self.arrived.clear()
            waiter = asyncio.ensure_future(self.arrived.wait())
            await asyncio.wait([waiter, self.reader], return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
        message, size = self.queue.popleft()
        self.bytes -= size
        return message

    async def close(self) -> None:
        if self.reader is not None and not self.reader.done():
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.reader
