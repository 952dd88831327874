"""Pick a few kinds of events out of a batch's msgpack without building the rest.

A batch may hold a multi-megabyte full snapshot; the timeline wants only the
small custom events. Each event's values are skipped by msgpack's C code and
remembered as byte spans; only the events of a wanted type are decoded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import msgpack

if TYPE_CHECKING:
    from django_session_replay.ingest.pipeline import StoredBatch

CUSTOM = 5  # rrweb EventType.Custom
PLUGIN = 6  # rrweb EventType.Plugin
# What the timeline's processors read: custom events (page views, track(),
# gaps) and plugin events (the telemetry, clicks, signals).
TIMELINE_TYPES = frozenset({CUSTOM, PLUGIN})


def events_of(item: StoredBatch, kinds: frozenset[int] = TIMELINE_TYPES) -> list[dict[str, Any]]:
    """The stored batch's events of those types, decoded once per pipeline run
    however many processors ask (a subset of TIMELINE_TYPES is cut from it)."""
    if kinds <= TIMELINE_TYPES:
        if TIMELINE_TYPES not in item.decoded:
            item.decoded[TIMELINE_TYPES] = list(events_of_type(item.batch.packed, TIMELINE_TYPES))
        every = item.decoded[TIMELINE_TYPES]
        return every if kinds == TIMELINE_TYPES else [e for e in every if e["type"] in kinds]
    if kinds not in item.decoded:
        item.decoded[kinds] = list(events_of_type(item.batch.packed, kinds))
    return item.decoded[kinds]


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
