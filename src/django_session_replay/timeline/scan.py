"""Pick a few kinds of events out of a batch's msgpack without building the rest.

A batch may hold a multi-megabyte full snapshot; the timeline wants only the
small custom events. Each event's values are skipped by msgpack's C code and
remembered as byte spans; only the events of a wanted type are decoded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgpack

CUSTOM = 5  # rrweb EventType.Custom


def events_of_type(packed: bytes, kinds: frozenset[int]) -> Iterator[dict[str, Any]]:
    """The events of ``packed`` (a msgpack list of rrweb events, as stored) whose
    ``type`` is one of ``kinds``, decoded, in order."""
    reader = msgpack.Unpacker(raw=False, max_buffer_size=len(packed) or 1)
    reader.feed(packed)
    view = memoryview(packed)
    for _ in range(reader.read_array_header()):
        kind: Any = None
        spans: dict[str, tuple[int, int]] = {}
        for _ in range(reader.read_map_header()):
            key = reader.unpack()
            start = reader.tell()
            if key == "type":
                kind = reader.unpack()
            else:
                reader.skip()
                if isinstance(key, str):
                    spans[key] = (start, reader.tell())
        if kind in kinds and isinstance(kind, int):
            event = {key: msgpack.unpackb(view[a:b], raw=False) for key, (a, b) in spans.items()}
            event["type"] = kind
            yield event
