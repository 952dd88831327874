"""Read a session's events back in playback order, one chunk or batch at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from django.db.models import Min

from django_session_replay.models import Batch, Chunk

from . import codec, encryption, objects

# A window's stored pieces in seq order: its chunks, and the primary keys of
# its batches not yet compacted into one.
Part = Chunk | int


def windows(session_id: UUID) -> list[str]:
    """The session's windows (tabs), the first recorded first."""
    started = (
        Batch.objects.filter(session_id=session_id)
        .values("window")
        .annotate(first=Min("first_timestamp"))
        .order_by("first", "window")
    )
    return [row["window"] for row in started]


def iter_events(session_id: UUID, window: str | None = None) -> Iterator[dict[str, Any]]:
    """Events window by window, each window in seq order, reading chunks from storage
    and the not yet compacted batches from the database, never all at once."""
    for name in [window] if window else windows(session_id):
        yield from events_of(parts(session_id, name))


def parts(session_id: UUID, window: str) -> list[Part]:
    """The window's chunks and uncompacted batches, in seq order."""
    chunks = Chunk.objects.filter(session_id=session_id, window=window)
    tail = Batch.objects.filter(session_id=session_id, window=window, payload__isnull=False)
    found: list[tuple[int, Part]] = [(chunk.seq_first, chunk) for chunk in chunks]
    found += [(seq, pk) for seq, pk in tail.values_list("seq", "pk")]
    return [part for _, part in sorted(found, key=lambda item: item[0])]


def events_of(pieces: list[Part], done: set[int] | None = None) -> Iterator[dict[str, Any]]:
    """The events of `pieces` in order; a chunk in `done` (its primary key) was
    read already and is skipped, as is one read twice in this run."""
    done = set() if done is None else done
    for part in pieces:
        read = read_part(part, done)
        if read is not None:
            yield from read[1]


def read_part(part: Part, done: set[int]) -> tuple[int | None, list[dict[str, Any]]] | None:
    """A part's events, with the chunk they were read from (None: a batch's own
    payload), or None when there is nothing left to read: a batch deleted, or
    compacted into a chunk in `done`. The chunk read joins `done`."""
    if isinstance(part, int):
        row = Batch.objects.filter(pk=part).values("payload", "chunk_id").first()
        if row is None:
            return None
        if row["payload"] is not None:
            payload = encryption.unseal(bytes(row["payload"]), encryption.BATCH)
            return None, codec.unpack_batch(payload)
        # compacted while we read: its new chunk holds it (and its successors)
        part = Chunk.objects.get(pk=row["chunk_id"])
    if part.pk in done:
        return None
    done.add(part.pk)
    return part.pk, codec.unpack(encryption.unseal(objects.read(part.key), encryption.CHUNK))
