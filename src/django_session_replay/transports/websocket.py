"""The WebSocket door: decode frames, enforce per-connection limits, store
through the group committer and answer each batch with its ack."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any, cast
from uuid import UUID

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer

from django_session_replay.conf import conf
from django_session_replay.ingest import access, groupcommit, presence, ratelimit, sessions, tokens
from django_session_replay.ingest.db import in_db_thread
from django_session_replay.privacy import addresses
from django_session_replay.server import context
from django_session_replay.transports import watchdog
from django_session_replay.transports.inbox import Inbox
from django_session_replay.wire import encode, frames, parts
from django_session_replay.wire.codes import Code, ProtocolError

logger = logging.getLogger(__name__)


class RateLimiter:
    """Frames, wire bytes and inflated bytes per one-second window of a single
    connection: wire bytes bound the decoding work, inflated bytes what is stored."""

    def __init__(self) -> None:
        self.window = 0
        self.frames = 0
        self.bytes = 0
        self.raw = 0

    def tick(self) -> None:
        now = int(time.monotonic())
        if now != self.window:
            self.window, self.frames, self.bytes, self.raw = now, 0, 0, 0

    def admit_raw(self, size: int) -> None:
        self.tick()
        self.raw += size
        if self.raw > conf.MAX_RAW_BYTES_PER_SECOND:
            raise ProtocolError(Code.RATE_LIMITED, "too many inflated bytes per second")

    def admit(self, size: int) -> None:
        self.tick()
        self.frames += 1
        self.bytes += size
        if self.frames > conf.MAX_FRAMES_PER_SECOND:
            raise ProtocolError(Code.RATE_LIMITED, "too many frames per second")
        if self.bytes > conf.MAX_BYTES_PER_SECOND:
            raise ProtocolError(Code.RATE_LIMITED, "too many bytes per second")


def inbox_limit() -> int:
    """Bytes of received frames a socket may have waiting: two seconds at the byte
    rate limit (the recorder paces at half of it), and at least two whole frames."""
    return max(2 * conf.MAX_BYTES_PER_SECOND, 2 * conf.MAX_FRAME_BYTES)


class RecordingConsumer(AsyncWebsocketConsumer):
    # Nothing is ever sent to a recorder through the channel layer (live viewers
    # get batches from the pipeline), so a recorder opens no channel: Channels
    # would otherwise make a channel, its queue and a receiving task per socket
    # (docs/deployment.md, "Memory per connection"). No alias is no layer.
    channel_layer_alias = None  # type: ignore[assignment]
    session_id: UUID | None = None
    window: str = ""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # Frames waiting to be handled are bounded by the inbox, not the server.
        inbox = Inbox(receive, inbox_limit())
        try:
            # It also yields our own overflow message, which ASGI's types do not list.
            await super().__call__(scope, cast(Any, inbox.receive), send)
        finally:
            await inbox.close()

    async def session_replay_overflow(self, message: dict[str, Any]) -> None:
        """More unhandled frames than inbox_limit(): the client does not wait for acks."""
        if not self.closing:
            await self.refuse(
                ProtocolError(Code.RATE_LIMITED, "frames arrive faster than they are stored")
            )

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
        self.parts = parts.Reassembly(conf.MAX_EVENT_BYTES)
        self.closing = False
        self.welcomed = False
        self.opened_at = self.last_frame_at = time.monotonic()
        self.touched_at = self.opened_at  # when this socket last moved last_activity
        await self.accept()
        watchdog.sweeper().watch(self)

    async def disconnect(self, code: int) -> None:
        watchdog.sweeper().forget(self)

    async def expire(self, reason: str) -> None:
        """Called by the watchdog: no hello in time, or silent too long."""
        if not self.closing:
            await self.refuse(ProtocolError(Code.IDLE, reason))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing:
            return
        self.last_frame_at = time.monotonic()
        try:
            self.limiter.admit(len(bytes_data or text_data or ""))
            frame = frames.decode_frame(bytes_data, text_data, conf.MAX_FRAME_BYTES)
            if isinstance(frame, frames.Ping):  # may come between two parts
                await self.send(bytes_data=encode.pong())
                await self.keep_active()
            elif isinstance(frame, frames.Part):
                await self.part(frame)
            elif isinstance(frame, frames.Hello):
                self.parts.interrupted("a hello")
                await self.hello(frame)
            else:
                self.parts.interrupted(f"batch {frame.seq}")
                self.limiter.admit_raw(frame.raw_bytes)
                await self.batch(frame)
        except ProtocolError as error:
            await self.refuse(error)
        except Exception:
            # Never let a failure escape into the socket loop: the client keeps
            # the batch (it was not acked) and re-sends it after reconnecting.
            logger.exception("session replay ingest failed")
            await self.refuse(ProtocolError(Code.SERVER_ERROR, "the batch could not be stored"))

    async def hello(self, hello: frames.Hello) -> None:
        if self.session_id is not None:
            raise ProtocolError(Code.INVALID_FIELD, "hello was already sent on this connection")
        access.check_access(hello.key, self.origin())
        if tokens.read_token(hello.token, hello.visitor) is None:  # a new session
            await self.admit_new_session(hello.key)
        user = self.scope.get("user")
        user_id = user.pk if user is not None and user.is_authenticated else None
        opened = await in_db_thread(sessions.open_session)(hello, user_id, self.client_address())
        self.session_id, self.window = opened.session_id, hello.window
        self.welcomed = True
        sid = str(opened.session_id)
        ctx = context.sign(sid, hello.window)  # the recorder's context cookie
        await self.send(bytes_data=encode.welcome(sid, opened.token, opened.seq, ctx))

    async def batch(self, batch: frames.Batch) -> None:
        if self.session_id is None:
            raise ProtocolError(Code.HELLO_REQUIRED, "send hello before batches")
        # Live viewers, compaction and every other processor hear of it from the
        # pipeline, which the committer runs for both doors.
        await groupcommit.append(self.session_id, self.window, batch)
        self.touched_at = time.monotonic()  # storing it moved last_activity
        await self.send(bytes_data=encode.ack(batch.seq))

    async def keep_active(self) -> None:
        """A ping: the recorder is still there with nothing to send. Its session
        stays Active (ingest/presence.py), touched at most every TOUCH_SECONDS."""
        now = time.monotonic()
        if self.session_id is None or now - self.touched_at < presence.TOUCH_SECONDS:
            return
        self.touched_at = now
        try:
            await in_db_thread(presence.touch)(self.session_id)
        except Exception:
            # Only the Active label is late; the socket and its recording go on.
            logger.warning("session replay: a ping did not touch its session", exc_info=True)

    async def part(self, part: frames.Part) -> None:
        if self.session_id is None:
            raise ProtocolError(Code.HELLO_REQUIRED, "send hello before parts")
        batch, inflated = self.parts.add(part)
        self.limiter.admit_raw(inflated)
        if batch is not None:  # the last part: the batch it was cut from
            await self.batch(batch)

    async def refuse(self, error: ProtocolError) -> None:
        self.closing = True
        await self.send(bytes_data=encode.error(error))
        await self.close(code=error.code.close_code)

    async def admit_new_session(self, key: str) -> None:
        address = self.client_address() or "unknown"
        if not await ratelimit.admit(
            "new-session", f"{address}|{key}", conf.NEW_SESSIONS_PER_MINUTE, 60
        ):
            raise ProtocolError(Code.RATE_LIMITED, "too many new sessions from this address")

    def origin(self) -> str | None:
        headers: Iterable[tuple[bytes, bytes]] = self.scope.get("headers", [])
        for name, value in headers:
            if name == b"origin":
                return value.decode("latin-1")
        return None

    def client_address(self) -> str | None:
        """The visitor's address: the peer's, or X-Forwarded-For's behind a trusted proxy."""
        client = self.scope.get("client")
        peer = str(client[0]) if client else None
        headers: Iterable[tuple[bytes, bytes]] = self.scope.get("headers", [])
        # Repeated headers are one list, as a WSGI server joins them.
        forwarded = [
            value.decode("latin-1") for name, value in headers if name == b"x-forwarded-for"
        ]
        return addresses.client_address(peer, ", ".join(forwarded))
