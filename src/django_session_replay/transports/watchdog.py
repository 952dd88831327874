"""Closes recording sockets that stopped talking: no hello within HELLO_TIMEOUT,
or no frame at all (batch or ping) for SOCKET_IDLE_TIMEOUT.

ASGI shows the application no WebSocket pings or pongs, and daphne's own pings
never close a peer that doesn't answer, so a vanished client (or one that never
meant to record) would hold its socket forever. One sweeper per event loop looks
at every socket once a second, instead of a timer task per socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from typing import Protocol

from django_session_replay.loops import PerLoop

SWEEP_SECONDS = 1.0


class Watched(Protocol):
    opened_at: float
    last_frame_at: float
    welcomed: bool

    async def expire(self, reason: str) -> None: ...


class Sweeper:
    def __init__(self) -> None:
        self.sockets: weakref.WeakSet[Watched] = weakref.WeakSet()
        self.task: asyncio.Task[None] | None = None

    def watch(self, socket: Watched) -> None:
        self.sockets.add(socket)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.sweep())

    def forget(self, socket: Watched) -> None:
        self.sockets.discard(socket)

    async def sweep(self) -> None:
        from django_session_replay.conf import conf

        while self.sockets:
            await asyncio.sleep(SWEEP_SECONDS)
            now = time.monotonic()
            hello_by = now - conf.HELLO_TIMEOUT
            idle_by = now - conf.SOCKET_IDLE_TIMEOUT
            for socket in list(self.sockets):
                if not socket.welcomed and socket.opened_at < hello_by:
                    reason = f"no hello within {conf.HELLO_TIMEOUT} s"
                elif socket.last_frame_at < idle_by:
                    reason = f"no frame for {conf.SOCKET_IDLE_TIMEOUT} s"
                else:
                    continue
                self.sockets.discard(socket)
                with contextlib.suppress(Exception):  # it may be closing already
                    await socket.expire(reason)


sweeper = PerLoop(Sweeper)  # one per event loop
