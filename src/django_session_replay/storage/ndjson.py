"""A session's events as NDJSON, in pieces, for a streamed HTTP response."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from uuid import UUID

import msgpack
from asgiref.sync import sync_to_async

from . import reader

logger = logging.getLogger(__name__)

PIECE_BYTES = 64 * 1024


# What reads the events: reader.iter_events, or another with its arguments
# (snapshots.iter_events_from_last_snapshot).
EventReader = Callable[[UUID, str | None], Iterator[dict[str, Any]]]


def pieces(
    session_id: UUID, window: str | None, read: EventReader | None = None
) -> Iterator[bytes]:
    """NDJSON in pieces of about PIECE_BYTES, so memory stays flat."""
    piece: list[bytes] = []
    size = 0
    skipped = 0
    for event in (read or reader.iter_events)(session_id, window):
        line = json_line(event)
        if line is None:
            skipped += 1
            continue
        piece.append(line)
        size += len(line)
        if size >= PIECE_BYTES:
            yield b"".join(piece)
            piece, size = [], 0
    if piece:
        yield b"".join(piece)
    if skipped:
        logger.warning("left %d event(s) of session %s out of its NDJSON", skipped, session_id)


async def pull_async(pieces: Iterator[bytes]) -> AsyncIterator[bytes]:
    # Django's ASGI handler would read a sync iterator into one list; pulling
    # piece by piece keeps the response streamed.
    pull = sync_to_async(_next_piece)
    while (piece := await pull(pieces)) is not None:
        yield piece


def _next_piece(pieces: Iterator[bytes]) -> bytes | None:
    return next(pieces, None)


def json_line(event: dict[str, Any]) -> bytes | None:
    """The event as one NDJSON line, or None when JSON cannot hold it (nested too
    deep for the encoder: ingest bounds nesting, but older rows may hold one)."""
    try:
        try:
            text = json.dumps(event, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):  # msgpack allows what JSON cannot say
            text = json.dumps(jsonable(event), separators=(",", ":"), allow_nan=False)
    except RecursionError:
        return None
    return text.encode() + b"\n"


def jsonable(value: Any) -> Any:
    """The nearest JSON value: bytes as latin-1 text, non-finite floats as null."""
    if isinstance(value, dict):
        return {_key(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, msgpack.Timestamp):
        return value.to_unix()
    if isinstance(value, msgpack.ExtType):
        return None
    return value


def _key(key: Any) -> str:
    return key.decode("latin-1") if isinstance(key, bytes) else str(key)
