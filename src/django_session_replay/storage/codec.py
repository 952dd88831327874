"""Event lists as bytes: batches are raw deflate of msgpack (as the recorder sends
them), chunks are msgpack under zstandard.

Chunk level: see COMPRESSION_LEVEL in conf.py; ``python -m bench.codecs`` and
``python -m bench.storage`` (bench/README.md) measure the choice.
"""

from __future__ import annotations

import logging
import struct
import zlib
from collections.abc import Iterable
from typing import Any, TypedDict

import msgpack
import zstandard

logger = logging.getLogger(__name__)

MIN_WINDOW_LOG = 19  # the smallest window of any level
MAX_WINDOW_LOG = 27  # the largest window zstd decoders accept without being told to


def compress(packed: bytes, level: int) -> bytes:
    """One zstd frame (content size in its header) whose window spans the whole
    input, so that a page load late in a chunk still matches the snapshots of
    the first ones (levels alone cap the window at 4 MiB; chunks reach 8 MiB)."""
    if len(packed) <= 1 << MIN_WINDOW_LOG:  # every level's window spans it
        return zstandard.ZstdCompressor(level=level).compress(packed)
    params = zstandard.ZstdCompressionParameters.from_level(level, source_size=len(packed))
    span = min(max(len(packed) - 1, 1).bit_length(), MAX_WINDOW_LOG)
    if span > params.window_log:
        params = zstandard.ZstdCompressionParameters.from_level(
            level, source_size=len(packed), window_log=span
        )
    # A compressor is not safe to share between threads; they are cheap to make.
    return zstandard.ZstdCompressor(compression_params=params).compress(packed)


def unpack(blob: bytes) -> list[dict[str, Any]]:
    """The events of a chunk."""
    return decode_events(zstandard.ZstdDecompressor().decompress(blob))


def unpack_batch(payload: bytes) -> list[dict[str, Any]]:
    """The events of a stored batch."""
    return decode_events(inflate(payload))


def inflate(payload: bytes) -> bytes:
    return zlib.decompress(payload, wbits=-15)


# Ingest checks the structure of every batch but decodes only each event's type
# and timestamp (wire/payload.py); a value inside an event may still be one
# Python cannot hold (a map as a map key, a malformed timestamp extension). Such
# an event is dropped here, logged, instead of failing the whole replay.
class _UnpackOptions(TypedDict):
    raw: bool
    strict_map_key: bool
    unicode_errors: str


LENIENT: _UnpackOptions = {"raw": False, "strict_map_key": False, "unicode_errors": "replace"}


def decode_events(packed: bytes) -> list[dict[str, Any]]:
    try:
        events: list[dict[str, Any]] = msgpack.unpackb(packed, **LENIENT)
        return events
    except Exception:  # msgpack raises several unrelated types
        return salvage(packed)


def salvage(packed: bytes) -> list[dict[str, Any]]:
    """Decode event by event, leaving out the ones that cannot be decoded."""
    reader = msgpack.Unpacker(max_buffer_size=len(packed))
    reader.feed(packed)
    events, dropped = [], 0
    for _ in range(reader.read_array_header()):
        start = reader.tell()
        reader.skip()
        try:
            events.append(msgpack.unpackb(packed[start : reader.tell()], **LENIENT))
        except Exception:
            dropped += 1
    if dropped:
        logger.warning("left out %d event(s) that cannot be decoded", dropped)
    return events


def join(payloads: Iterable[bytes]) -> tuple[bytes, int]:
    """msgpack of the concatenated event lists of several stored batches, and its event
    count, without decoding a single event: each list's elements are copied as bytes."""
    count, bodies = 0, []
    for payload in payloads:
        packed = inflate(payload)
        size, start = _array_header(packed)
        count += size
        bodies.append(memoryview(packed)[start:])
    if count < 16:
        head = bytes([0x90 | count])
    elif count < 1 << 16:
        head = b"\xdc" + struct.pack(">H", count)
    else:
        head = b"\xdd" + struct.pack(">I", count)
    return b"".join([head, *bodies]), count


def _array_header(packed: bytes) -> tuple[int, int]:
    """(element count, offset of the first element) of a msgpack array."""
    first = packed[0]
    if 0x90 <= first <= 0x9F:
        return first & 0x0F, 1
    if first == 0xDC:
        return struct.unpack_from(">H", packed, 1)[0], 3
    if first == 0xDD:
        return struct.unpack_from(">I", packed, 1)[0], 5
    raise ValueError("a packed event list is a msgpack array")
