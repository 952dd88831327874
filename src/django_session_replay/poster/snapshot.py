"""A window's first full snapshot and the viewport before it, read through the
storage reader only as far as needed."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from itertools import islice
from typing import Any, cast
from uuid import UUID

from django_session_replay.storage import reader
from django_session_replay.storage.snapshots import FULL_SNAPSHOT, META

# A recorder's first full snapshot follows its Meta event; a window whose first
# events hold none (a live session not yet snapshotted, a forged one) is not
# read to its end for a poster.
MAX_EVENTS_SCANNED = 10_000
MAX_SIDE = 100_000  # px; what a Meta event may say a viewport is


@dataclass(frozen=True)
class Viewport:
    width: int
    height: int


@dataclass(frozen=True)
class Snapshot:
    node: Mapping[str, Any]
    viewport: Viewport | None  # from the last Meta event before it


def first_snapshot(session_id: UUID, window: str | None) -> Snapshot | None:
    viewport: Viewport | None = None
    for kind, data in first_events(session_id, window):
        if kind == META:
            viewport = viewport_of(data) or viewport
        elif kind == FULL_SNAPSHOT and isinstance(data.get("node"), Mapping):
            return Snapshot(node=data["node"], viewport=viewport)
    return None


def first_viewport(session_id: UUID, window: str | None) -> Viewport | None:
    """The first Meta event's viewport (for a session whose hello had none)."""
    for kind, data in first_events(session_id, window):
        if kind == META:
            return viewport_of(data)
    return None


def first_events(session_id: UUID, window: str | None) -> Iterator[tuple[Any, Mapping[str, Any]]]:
    """The type and data of each of the window's first MAX_EVENTS_SCANNED
    events that has a data map; the reader is closed when the caller stops."""
    with closing(events_of(session_id, window)) as events:
        for event in islice(events, MAX_EVENTS_SCANNED):
            data = event.get("data") if isinstance(event, Mapping) else None
            if isinstance(data, Mapping):
                yield event.get("type"), data


def events_of(session_id: UUID, window: str | None) -> Generator[dict[str, Any], None, None]:
    """The reader's events, as the generator they are: closed when we stop
    early, so no chunk is read past the snapshot."""
    return cast(Generator[dict[str, Any], None, None], reader.iter_events(session_id, window))


def viewport_of(data: Mapping[str, Any]) -> Viewport | None:
    width, height = data.get("width"), data.get("height")
    if not all(
        isinstance(side, int) and not isinstance(side, bool) and 0 < side <= MAX_SIDE
        for side in (width, height)
    ):
        return None
    return Viewport(width=int(width), height=int(height))  # type: ignore[arg-type]
