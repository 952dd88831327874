"""Event lists as bytes: msgpack, then zstandard.

Chunk level: see COMPRESSION_LEVEL in conf.py; ``python -m bench.codecs`` and
``python -m bench.storage`` (bench/README.md) measure the choice.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import Any

import msgpack
import zstandard

BATCH_LEVEL = 3  # on the ack path: fast; compaction recompresses with the configured level
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
    events: list[dict[str, Any]] = msgpack.unpackb(
        zstandard.ZstdDecompressor().decompress(blob), raw=False
    )
    return events


def join(blobs: Iterable[bytes]) -> tuple[bytes, int]:
    """msgpack of the concatenated event lists of several packed blobs, and its event
    count, without decoding a single event: each list's elements are copied as bytes."""
    decompressor = zstandard.ZstdDecompressor()
    count, bodies = 0, []
    for blob in blobs:
        packed = decompressor.decompress(blob)
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
