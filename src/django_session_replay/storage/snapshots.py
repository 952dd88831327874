"""A window's events from its last full snapshot on: what a player joining an
active session needs to show where the visitor is now, without reading and
sending everything before it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from . import reader

FULL_SNAPSHOT = 2  # rrweb EventType.FullSnapshot
META = 4  # rrweb EventType.Meta


def iter_events_from_last_snapshot(
    session_id: UUID, window: str | None = None
) -> Iterator[dict[str, Any]]:
    """Each window's events from its last full snapshot on (with the Meta event
    just before it, which holds the page's size and URL); a window without a
    full snapshot, all of its events. Window by window, as reader.iter_events."""
    for name in [window] if window else reader.windows(session_id):
        yield from _from_last_snapshot(reader.parts(session_id, name))


def _from_last_snapshot(pieces: list[reader.Part]) -> Iterator[dict[str, Any]]:
    # The newest pieces first, one in memory at a time, until one holds a full
    # snapshot: a live join reads the tail of the recording, not all of it.
    seen: set[int] = set()
    for index in range(len(pieces) - 1, -1, -1):
        read = reader.read_part(pieces[index], seen)
        if read is None:
            continue
        chunk, events = read
        at = _last_snapshot(events)
        if at is None:
            continue
        if at > 0 and events[at - 1].get("type") == META:
            at -= 1
        elif at == 0:
            yield from _meta_before(pieces[:index], chunk)
        done = set() if chunk is None else {chunk}
        yield from events[at:]
        yield from reader.events_of(pieces[index + 1 :], done)
        return
    yield from reader.events_of(pieces)  # no full snapshot: everything there is


def _last_snapshot(events: list[dict[str, Any]]) -> int | None:
    for at in range(len(events) - 1, -1, -1):
        if events[at].get("type") == FULL_SNAPSHOT:
            return at
    return None


def _meta_before(earlier: list[reader.Part], chunk: int | None) -> Iterator[dict[str, Any]]:
    """The Meta event ending the piece before, when the snapshot opens its own
    (a batch boundary fell between the two)."""
    if not earlier:
        return
    read = reader.read_part(earlier[-1], set() if chunk is None else {chunk})
    if read is not None and read[1] and read[1][-1].get("type") == META:
        yield read[1][-1]
