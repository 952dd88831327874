"""The WebSocket door: decode frames, enforce per-connection limits, call ingest."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import close_old_connections

from . import compaction, groupcommit, ingest, live, protocol
from .conf import conf
from .permissions import can_view
from .protocol import Code, ProtocolError

logger = logging.getLogger(__name__)


class RateLimiter:
    """Frames and bytes per one-second window of a single connection."""

    def __init__(self) -> None:
        self.window = 0
        self.frames = 0
        self.bytes = 0

    def admit(self, size: int) -> None:
        now = int(time.monotonic())
        if now != self.window:
            self.window, self.frames, self.bytes = now, 0, 0
        self.frames += 1
        self.bytes += size
        if self.frames > conf.MAX_FRAMES_PER_SECOND:
            raise ProtocolError(Code.RATE_LIMITED, "too many frames per second")
        if self.bytes > conf.MAX_BYTES_PER_SECOND:
            raise ProtocolError(Code.RATE_LIMITED, "too many bytes per second")


class RecordingConsumer(AsyncWebsocketConsumer):
    session_id: UUID | None = None
    window: str = ""

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' own dispatch first closes stale database connections, a hop to
        # the database thread for every frame, waiting behind whatever runs there.
        # Our handlers reach the database only through database_sync_to_async,
        # which closes them itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        self.limiter = RateLimiter()
        self.closing = False
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing:
            return
        try:
            self.limiter.admit(len(bytes_data or text_data or ""))
            frame = protocol.decode_frame(bytes_data, text_data, conf.MAX_FRAME_BYTES)
            if isinstance(frame, protocol.Hello):
                await self.hello(frame)
            else:
                await self.batch(frame)
        except ProtocolError as error:
            await self.refuse(error)
        except Exception:
            # Never let a failure escape into the socket loop: the client keeps
            # the batch (it was not acked) and re-sends it after reconnecting.
            logger.exception("session replay ingest failed")
            await self.refuse(ProtocolError(Code.SERVER_ERROR, "the batch could not be stored"))

    async def hello(self, hello: protocol.Hello) -> None:
        if self.session_id is not None:
            raise ProtocolError(Code.INVALID_FIELD, "hello was already sent on this connection")
        ingest.check_access(hello.key, self.origin())
        user = self.scope.get("user")
        user_id = user.pk if user is not None and user.is_authenticated else None
        opened = await database_sync_to_async(ingest.open_session)(hello, user_id)
        self.session_id, self.window = opened.session_id, hello.window
        await self.send(
            bytes_data=protocol.welcome(str(opened.session_id), opened.token, opened.seq)
        )

    async def batch(self, batch: protocol.Batch) -> None:
        if self.session_id is None:
            raise ProtocolError(Code.HELLO_REQUIRED, "send hello before batches")
        appended = await groupcommit.append(self.session_id, self.window, batch)
        await self.send(bytes_data=protocol.ack(batch.seq))
        if appended.stored:
            await live.publish(self.channel_layer, self.session_id, self.window, batch)
        if appended.compact:
            compact_in_background(self.session_id)

    async def refuse(self, error: ProtocolError) -> None:
        self.closing = True
        await self.send(bytes_data=protocol.error(error))
        await self.close(code=error.code.close_code)

    def origin(self) -> str | None:
        headers: list[tuple[bytes, bytes]] = self.scope.get("headers", [])
        for name, value in headers:
            if name == b"origin":
                return value.decode("latin-1")
        return None


# Sessions being compacted by this process, and the tasks doing it (kept
# referenced so they are not garbage-collected mid-run).
compacting: dict[UUID, asyncio.Task[Any]] = {}
# One compaction at a time per process: under load, ingest keeps the other core
# (a tail that waits is durable in the database meanwhile). Several at once
# took the event loop's core too: 430 against 799 frames/s in `bench.ingest`.
compaction_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="session-replay-compact")


def compact_in_background(session_id: UUID) -> None:
    """Compact off the ack path, in the compaction thread, once per session at a time."""
    if session_id in compacting:
        return
    run = sync_to_async(compact, thread_sensitive=False, executor=compaction_thread)
    task = asyncio.ensure_future(run(session_id))
    compacting[session_id] = task
    task.add_done_callback(lambda done: finished(session_id, done))


def finished(session_id: UUID, task: asyncio.Task[Any]) -> None:
    compacting.pop(session_id, None)
    if not task.cancelled() and task.exception() is not None:
        logger.error("compacting session %s failed", session_id, exc_info=task.exception())


def compact(session_id: UUID) -> int:
    close_old_connections()
    try:
        return compaction.compact_session(session_id)
    finally:
        close_old_connections()


class LiveConsumer(AsyncWebsocketConsumer):
    """Staff watching a session as it is recorded: every batch stored by any
    worker reaches them through the session's channel-layer group."""

    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        allowed = user is not None and await database_sync_to_async(can_view)(user)
        if not allowed or self.channel_layer is None:
            await self.close(code=4403)
            return
        session_id = UUID(str(self.scope["url_route"]["kwargs"]["session_id"]))
        self.group = live.group_name(session_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group is not None and self.channel_layer is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def replay_batch(self, message: dict[str, Any]) -> None:
        frame = protocol.events_frame(message["window"], message["seq"], message["packed"])
        await self.send(bytes_data=frame)
