"""Frames clients send (hello, batch), decoded and validated.

docs/protocol.md is the contract; every field name here is listed there.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import msgpack

from . import payload
from .codes import Code, ProtocolError

VERSION = 1
WINDOW_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # used with fullmatch
# The same rule anchored, for the recorder (a JS RegExp) and the API's query
# parameters (pydantic's regex, where ``$`` is the end of the text).
ID_PATTERN = f"^{WINDOW_ID.pattern}$"


@dataclass(frozen=True)
class Page:
    url: str = ""
    title: str = ""
    referrer: str = ""
    ua: str = ""
    screen: tuple[int, int] | None = None
    viewport: tuple[int, int] | None = None


@dataclass(frozen=True)
class Hello:
    version: int
    key: str
    token: str | None
    window: str
    page: Page = field(default_factory=Page)
    visitor: str = ""


@dataclass(frozen=True)
class Batch:
    """A validated batch. Its events are never decoded on the ack path: scanning
    the msgpack for what ingest needs costs a tenth of building the objects."""

    seq: int
    packed: bytes  # msgpack of the event list
    deflated: bytes  # raw deflate of ``packed``, stored as is (the recorder's own ``z``)
    event_count: int
    first_timestamp: int
    last_timestamp: int
    pages: int  # Meta events: one per page load

    @cached_property  # read twice in the store, over ~100 KB of msgpack
    def crc32(self) -> int:
        """A checksum of the events (their msgpack, however they were deflated), to
        tell a re-send of this batch from another batch under the same seq."""
        return zlib.crc32(self.packed)

    @property
    def raw_bytes(self) -> int:
        """What the session's byte count adds up."""
        return len(self.packed)


# More parts than this is not a big event but a stream of crumbs (a 32 MiB
# event at 1 KiB frames is 32,768 of them).
MAX_PARTS = 65_536


@dataclass(frozen=True)
class Part:
    seq: int
    index: int  # ``i``: from 0
    count: int  # ``n``: parts in the stream
    data: bytes  # ``z``: this part's slice of the batch's deflate stream


def parse_part(frame: dict[str, Any]) -> Part:
    seq = parse_seq(frame.get("seq"))
    count, index, data = frame.get("n"), frame.get("i"), frame.get("z")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_PARTS:
        raise ProtocolError(Code.INVALID_FIELD, f"n must be an integer from 1 to {MAX_PARTS}")
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:
        raise ProtocolError(Code.INVALID_FIELD, "i must be an integer from 0 to n-1")
    if not isinstance(data, bytes) or not data:
        raise ProtocolError(Code.INVALID_FIELD, "z must be non-empty bytes")
    return Part(seq, index, count, data)


def unpack(data: bytes) -> Any:
    try:
        return msgpack.unpackb(data, raw=False, strict_map_key=True)
    except Exception as exc:  # msgpack raises several unrelated types
        raise ProtocolError(Code.BAD_FRAME, f"not valid msgpack ({type(exc).__name__})") from None


@dataclass(frozen=True)
class Ping:
    """Keeps an idle recording socket open (answered with ``pong``)."""


def decode_frame(
    data: bytes | None, text: str | None, max_bytes: int
) -> Hello | Batch | Part | Ping:
    """Turn one WebSocket message into a validated frame or raise ProtocolError."""
    if data is None:
        raise ProtocolError(Code.BAD_FRAME, "frames must be binary msgpack, not text")
    if len(data) > max_bytes:
        raise ProtocolError(Code.FRAME_TOO_LARGE, f"frame of {len(data)} bytes > {max_bytes}")
    frame = unpack(data)
    if not isinstance(frame, dict) or not isinstance(frame.get("t"), str):
        raise ProtocolError(Code.BAD_FRAME, "a frame is a msgpack map with a string 't'")
    kind = frame["t"]
    if kind == "hello":
        return parse_hello(frame)
    if kind == "batch":
        return parse_batch(frame, max_bytes)
    if kind == "part":
        return parse_part(frame)
    if kind == "ping":
        return Ping()
    raise ProtocolError(Code.UNKNOWN_TYPE, f"unknown frame type {kind[:32]!r}")


def _str(value: Any, name: str, limit: int, *, optional: bool = False) -> str:
    if value is None and optional:
        return ""
    if not isinstance(value, str):
        raise ProtocolError(Code.INVALID_FIELD, f"{name} must be a string")
    return value[:limit].replace("\x00", "")  # PostgreSQL text cannot hold NUL


def _pair(value: Any, name: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**31 for v in value)
    ):
        raise ProtocolError(Code.INVALID_FIELD, f"{name} must be [width, height] integers")
    return (value[0], value[1])


def parse_hello(frame: dict[str, Any]) -> Hello:
    version = parse_version(frame.get("v"))
    key = _str(frame.get("key"), "key", 256)
    token = frame.get("token")
    if token is not None and not isinstance(token, str):
        raise ProtocolError(Code.INVALID_FIELD, "token must be a string or nil")
    window = parse_window(frame.get("win"))
    page = frame.get("page", {})
    if not isinstance(page, dict):
        raise ProtocolError(Code.INVALID_FIELD, "page must be a map")
    return Hello(
        version=version,
        key=key,
        token=token,
        window=window,
        visitor=_str(frame.get("visitor"), "visitor", 64, optional=True),
        page=Page(
            url=_str(page.get("url"), "page.url", 4096, optional=True),
            title=_str(page.get("title"), "page.title", 512, optional=True),
            referrer=_str(page.get("referrer"), "page.referrer", 4096, optional=True),
            ua=_str(page.get("ua"), "page.ua", 1024, optional=True),
            screen=_pair(page.get("screen"), "page.screen"),
            viewport=_pair(page.get("viewport"), "page.viewport"),
        ),
    )


def parse_version(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ProtocolError(Code.INVALID_FIELD, "v must be an integer")
    if value != VERSION:
        raise ProtocolError(Code.UNSUPPORTED_VERSION, f"protocol version {value} is not {VERSION}")
    return value


def parse_window(value: Any) -> str:
    if not isinstance(value, str) or not WINDOW_ID.fullmatch(value):
        raise ProtocolError(Code.INVALID_FIELD, "win must be 1-64 characters of [A-Za-z0-9_-]")
    return value


def parse_seq(seq: Any) -> int:
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq < 2**31:
        raise ProtocolError(Code.INVALID_FIELD, "seq must be an integer from 1 to 2**31-1")
    return seq


def parse_batch(frame: dict[str, Any], max_bytes: int) -> Batch:
    seq = parse_seq(frame.get("seq"))
    if "z" in frame:
        deflated = frame["z"]
        if not isinstance(deflated, bytes):
            raise ProtocolError(Code.INVALID_FIELD, "z must be bytes")
        packed = payload.inflate(deflated, max_bytes)
    elif "events" in frame:
        events = frame["events"]
        if not isinstance(events, list):
            raise ProtocolError(Code.INVALID_FIELD, "events must be a non-empty list")
        try:
            packed = msgpack.packb(events)
        except ValueError:  # msgpack's packer stops at 512 levels
            raise ProtocolError(Code.INVALID_FIELD, "events are nested too deeply") from None
        deflated = payload.deflate(packed)
    else:
        raise ProtocolError(Code.INVALID_FIELD, "a batch needs events or z")
    count, first, last, pages = payload.scan(packed)
    return Batch(seq, packed, deflated, count, first, last, pages)
