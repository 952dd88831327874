"""Wire frames: decode and validate what clients send, encode what we answer.

docs/protocol.md is the contract; every code and field name here is listed there.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import msgpack

from . import codec

VERSION = 1
WINDOW_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # used with fullmatch


class Code(Enum):
    """Stable error codes with their WebSocket close code and HTTP status."""

    BAD_FRAME = ("bad_frame", 4000, 400)
    UNKNOWN_TYPE = ("unknown_type", 4001, 400)
    INVALID_FIELD = ("invalid_field", 4002, 400)
    FRAME_TOO_LARGE = ("frame_too_large", 4003, 413)
    BAD_KEY = ("bad_key", 4004, 403)
    ORIGIN_FORBIDDEN = ("origin_forbidden", 4005, 403)
    HELLO_REQUIRED = ("hello_required", 4006, 400)
    UNSUPPORTED_VERSION = ("unsupported_version", 4007, 400)
    RATE_LIMITED = ("rate_limited", 4008, 429)
    SESSION_FULL = ("session_full", 4009, 409)
    BAD_TOKEN = ("bad_token", 4010, 403)
    SERVER_ERROR = ("server_error", 4011, 503)

    def __init__(self, text: str, close_code: int, http_status: int) -> None:
        self.text = text
        self.close_code = close_code
        self.http_status = http_status


class ProtocolError(Exception):
    def __init__(self, code: Code, msg: str) -> None:
        super().__init__(f"{code.text}: {msg}")
        self.code = code
        self.msg = msg


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

    @property
    def raw_bytes(self) -> int:
        """What the session's byte count adds up."""
        return len(self.packed)


def unpack(data: bytes) -> Any:
    try:
        return msgpack.unpackb(data, raw=False, strict_map_key=True)
    except Exception as exc:  # msgpack raises several unrelated types
        raise ProtocolError(Code.BAD_FRAME, f"not valid msgpack ({type(exc).__name__})") from None


def decode_frame(data: bytes | None, text: str | None, max_bytes: int) -> Hello | Batch:
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


def parse_batch(frame: dict[str, Any], max_bytes: int) -> Batch:
    seq = frame.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq < 2**31:
        raise ProtocolError(Code.INVALID_FIELD, "seq must be an integer from 1 to 2**31-1")
    if "z" in frame:
        deflated = frame["z"]
        if not isinstance(deflated, bytes):
            raise ProtocolError(Code.INVALID_FIELD, "z must be bytes")
        packed = inflate(deflated, max_bytes)
    elif "events" in frame:
        events = frame["events"]
        if not isinstance(events, list):
            raise ProtocolError(Code.INVALID_FIELD, "events must be a non-empty list")
        packed = msgpack.packb(events)
        deflated = codec.deflate(packed)
    else:
        raise ProtocolError(Code.INVALID_FIELD, "a batch needs events or z")
    count, first, last, pages = scan_events(packed)
    return Batch(seq, packed, deflated, count, first, last, pages)


def inflate(compressed: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(wbits=-15)
    try:
        packed = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error:
        raise ProtocolError(Code.INVALID_FIELD, "z is not raw deflate data") from None
    if len(packed) > max_bytes or inflater.unconsumed_tail:
        raise ProtocolError(Code.FRAME_TOO_LARGE, f"z inflates to more than {max_bytes} bytes")
    if not inflater.eof:
        raise ProtocolError(Code.INVALID_FIELD, "z is truncated")
    if inflater.unused_data:  # z is stored as received: it must be exactly one stream
        raise ProtocolError(Code.INVALID_FIELD, "z has bytes after the end of its stream")
    return packed


META = 4  # rrweb EventType.Meta


def scan_events(packed: bytes) -> tuple[int, int, int, int]:
    """Validate a msgpack event list without decoding it: (events, first timestamp,
    last timestamp, Meta events). Only each event's ``type`` and ``timestamp`` are
    read; every other value is skipped, its structure checked by msgpack's C code."""
    reader = msgpack.Unpacker(raw=False, max_buffer_size=len(packed) or 1)
    reader.feed(packed)
    try:
        count = reader.read_array_header()
    except Exception:
        raise ProtocolError(Code.INVALID_FIELD, "events must be a non-empty list") from None
    if count == 0:
        raise ProtocolError(Code.INVALID_FIELD, "events must be a non-empty list")
    first, last, pages = 2**63, -(2**63), 0
    for index in range(count):
        kind, timestamp = scan_event(reader, index)
        first, last = min(first, timestamp), max(last, timestamp)
        pages += kind == META
    if reader.tell() != len(packed):
        raise ProtocolError(Code.INVALID_FIELD, "events has bytes after its end")
    return count, first, last, pages


def scan_event(reader: msgpack.Unpacker, index: int) -> tuple[int, int]:
    """One event's (type, int(timestamp)); the reader is left after the event."""
    kind: Any = None
    timestamp: Any = None
    try:
        keys = reader.read_map_header()
    except msgpack.OutOfData:
        raise ProtocolError(Code.INVALID_FIELD, "events is truncated") from None
    except Exception:
        raise ProtocolError(Code.INVALID_FIELD, f"events[{index}] must be a map") from None
    try:
        for _ in range(keys):
            key = reader.unpack()
            if not isinstance(key, str | bytes):  # as msgpack's strict_map_key allows
                raise ProtocolError(Code.INVALID_FIELD, f"events[{index}] keys must be strings")
            if key == "type":
                kind = reader.unpack()
            elif key == "timestamp":
                timestamp = reader.unpack()
            else:
                reader.skip()
    except ProtocolError:
        raise
    except msgpack.OutOfData:
        raise ProtocolError(Code.INVALID_FIELD, "events is truncated") from None
    except Exception as exc:  # msgpack raises several unrelated types
        raise ProtocolError(
            Code.INVALID_FIELD, f"events[{index}] is not valid msgpack ({type(exc).__name__})"
        ) from None
    if not isinstance(kind, int) or isinstance(kind, bool):
        raise ProtocolError(Code.INVALID_FIELD, f"events[{index}].type must be an integer")
    if not isinstance(timestamp, int | float) or isinstance(timestamp, bool):
        raise ProtocolError(Code.INVALID_FIELD, f"events[{index}].timestamp must be a number")
    if timestamp != timestamp or abs(timestamp) > 2**53:  # NaN or beyond exact doubles
        raise ProtocolError(Code.INVALID_FIELD, f"events[{index}].timestamp is out of range")
    return kind, int(timestamp)


def encode(kind: str, **fields: Any) -> bytes:
    return msgpack.packb({"t": kind, **fields})


def welcome(session_id: str, token: str, seq: int) -> bytes:
    return encode("welcome", sid=session_id, token=token, seq=seq)


def ack(seq: int) -> bytes:
    return encode("ack", seq=seq)


def error(err: ProtocolError) -> bytes:
    return encode("error", code=err.code.text, msg=err.msg)


def events_frame(window: str, seq: int, packed: bytes) -> bytes:
    """The live ``events`` frame, its event list spliced in as msgpack bytes (never decoded)."""
    head = msgpack.packb({"t": "events", "win": window, "seq": seq})
    return bytes([head[0] + 1]) + head[1:] + msgpack.packb("events") + packed
