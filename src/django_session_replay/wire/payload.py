"""The event list inside a batch: raw deflate in and out, and a scan that checks
it without building Python objects for the events."""

from __future__ import annotations

import zlib
from typing import Any

import msgpack

from .codes import Code, ProtocolError


def deflate(packed: bytes) -> bytes:
    """A batch payload from msgpack the recorder sent inline (< 1 KiB: level 1 is enough)."""
    deflater = zlib.compressobj(1, zlib.DEFLATED, -15)
    return deflater.compress(packed) + deflater.flush()


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

# How deep an event may nest (the event's own map is level 1). A full snapshot
# nests two levels per DOM level (node, childNodes), so 500 holds a DOM 240 deep;
# the shared corpus peaks far lower. Deeper events cannot be read back: Python's
# json gives up near 1,000 levels and msgpack's packer at 512.
MAX_EVENT_DEPTH = 500
# msgpack's C unpacker refuses containers nested more than 1,024 deep. Skipping
# the list behind this many one-element arrays makes it refuse exactly the lists
# holding an event deeper than MAX_EVENT_DEPTH, at C speed, decoding nothing.
_STACK_LIMIT = 1024
_DEPTH_PROBE = b"\x91" * (_STACK_LIMIT - 1 - MAX_EVENT_DEPTH)


def check_depth(packed: bytes) -> None:
    reader = msgpack.Unpacker(max_buffer_size=len(packed) + len(_DEPTH_PROBE))
    reader.feed(_DEPTH_PROBE + packed)
    try:
        reader.skip()
    except msgpack.StackError:
        raise ProtocolError(
            Code.INVALID_FIELD, f"an event is nested deeper than {MAX_EVENT_DEPTH} levels"
        ) from None
    except Exception:  # malformed: scan() says how
        pass


def scan(packed: bytes) -> tuple[int, int, int, int]:
    """Validate a msgpack event list without decoding it: (events, first timestamp,
    last timestamp, Meta events). Only each event's ``type`` and ``timestamp`` are
    read; every other value is skipped, its structure checked by msgpack's C code."""
    check_depth(packed)
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
        kind, timestamp = scan_one(reader, index)
        first, last = min(first, timestamp), max(last, timestamp)
        pages += kind == META
    if reader.tell() != len(packed):
        raise ProtocolError(Code.INVALID_FIELD, "events has bytes after its end")
    return count, first, last, pages


def scan_one(reader: msgpack.Unpacker, index: int) -> tuple[int, int]:
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
