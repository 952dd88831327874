"""Read a session's events back in playback order, one chunk or batch at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from django.db.models import Min

from django_session_replay.models import Batch, Chunk

from . import codec, encryption, objects


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
        chunks = Chunk.objects.filter(session_id=session_id, window=name)
        tail = Batch.objects.filter(session_id=session_id, window=name, payload__isnull=False)
        parts: list[tuple[int, Chunk | int]] = [(chunk.seq_first, chunk) for chunk in chunks]
        parts += [(seq, pk) for seq, pk in tail.values_list("seq", "pk")]
        done: set[int] = set()  # chunks already read
        for _, part in sorted(parts, key=lambda item: item[0]):
            if isinstance(part, int):
                row = Batch.objects.filter(pk=part).values("payload", "chunk_id").first()
                if row is None:
                    continue
                if row["payload"] is not None:
                    payload = encryption.unseal(bytes(row["payload"]), encryption.BATCH)
                    yield from codec.unpack_batch(payload)
                    continue
                # compacted while we read: its new chunk holds it (and its successors)
                part = Chunk.objects.get(pk=row["chunk_id"])
            if part.pk not in done:
                done.add(part.pk)
                yield from codec.unpack(encryption.unseal(objects.read(part.key), encryption.CHUNK))
