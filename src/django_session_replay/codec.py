"""Event lists as bytes: msgpack, then zstandard."""

from __future__ import annotations

from typing import Any

import msgpack
import zstandard

BATCH_LEVEL = 3  # on the ack path: fast; compaction recompresses with the configured level


def pack(events: list[dict[str, Any]], level: int = BATCH_LEVEL) -> bytes:
    return compress(msgpack.packb(events), level)


def compress(packed: bytes, level: int) -> bytes:
    # A compressor is not safe to share between threads; they are cheap to make.
    return zstandard.ZstdCompressor(level=level).compress(packed)


def unpack(blob: bytes) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = msgpack.unpackb(
        zstandard.ZstdDecompressor().decompress(blob), raw=False
    )
    return events
