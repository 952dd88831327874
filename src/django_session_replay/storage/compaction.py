"""Merge a session's stored batches into compressed chunk objects.

Order of work makes a crash harmless: write the object, then (in one
transaction) record the chunk and clear the batches' payloads. A crash before
the commit leaves an unreferenced object that the next run overwrites; nothing
is ever half visible and re-running is safe.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any
from uuid import UUID

from django.db import OperationalError, transaction
from django.db.models import F

from django_session_replay.conf import conf
from django_session_replay.models import Batch, Chunk, ReplaySession

from . import codec, encryption, objects

logger = logging.getLogger(__name__)


def pending_sessions() -> Iterator[UUID]:
    """Sessions that have uncompacted batches and are no longer recording."""
    sessions = ReplaySession.objects.over().filter(pending_bytes__gt=0)
    yield from sessions.values_list("pk", flat=True).iterator()


def compact_session(session_id: UUID) -> int:
    """Compact every uncompacted batch of the session; returns chunks written."""
    session = ReplaySession.objects.get(pk=session_id)
    tail = Batch.objects.filter(session_id=session_id, payload__isnull=False)
    windows = tail.values_list("window", flat=True).distinct().order_by("window")
    written = 0
    for window in list(windows):
        for group in groups(tail.filter(window=window).order_by("seq")):
            if with_retries(partial(write_chunk, session, window, group)):
                written += 1
    return written


RETRIES = 5
BACKOFF_SECONDS = 0.2  # doubled after each try: 0.2 + 0.4 + 0.8 + 1.6 s at most


def with_retries(write: Callable[[], Chunk | None]) -> Chunk | None:
    """Write a chunk, trying again while the database is busy (SQLite's "database
    is locked" under load). Each try is whole: its object is written again at the
    same key and its transaction is new, so a retry never leaves anything behind."""
    for attempt in range(RETRIES):
        try:
            return write()
        except OperationalError:
            if attempt == RETRIES - 1:
                raise
            logger.warning("compaction retries after a busy database (try %d)", attempt + 1)
            time.sleep(BACKOFF_SECONDS * 2**attempt)
    return None


def groups(batches: Any) -> Iterator[list[Batch]]:
    """Runs of batches up to about CHUNK_TARGET_BYTES of raw events each."""
    group: list[Batch] = []
    size = 0
    for batch in batches.iterator(chunk_size=200):
        group.append(batch)
        size += batch.raw_bytes
        if size >= conf.CHUNK_TARGET_BYTES:
            yield group
            group, size = [], 0
    if group:
        yield group


def write_chunk(session: ReplaySession, window: str, group: list[Batch]) -> Chunk | None:
    packed, event_count = codec.join(pending_payload(batch) for batch in group)
    blob = encryption.seal(codec.compress(packed, conf.COMPRESSION_LEVEL), encryption.CHUNK)
    first, last = group[0].seq, group[-1].seq
    key = objects.chunk_key(session.pk, session.created, window, first, last)
    objects.write(key, blob)
    with transaction.atomic():
        ids = [batch.pk for batch in group]
        still_pending = Batch.objects.select_for_update().filter(pk__in=ids, payload__isnull=False)
        if len(still_pending) != len(group):  # another compactor took some of them first
            transaction.on_commit(lambda: discard(key))
            return None
        chunk = Chunk.objects.create(
            session=session,
            window=window,
            seq_first=first,
            seq_last=last,
            first_timestamp=min(batch.first_timestamp for batch in group),
            last_timestamp=max(batch.last_timestamp for batch in group),
            event_count=event_count,
            raw_bytes=len(packed),
            stored_bytes=len(blob),
            key=key,
        )
        Batch.objects.filter(pk__in=ids).update(payload=None, chunk=chunk)
        compacted = sum(batch.raw_bytes for batch in group)
        ReplaySession.objects.filter(pk=session.pk).update(
            pending_bytes=F("pending_bytes") - compacted
        )
    return chunk


def pending_payload(batch: Batch) -> bytes:
    """The payload of a batch of the tail (payload__isnull=False), as bytes."""
    if batch.payload is None:
        raise ValueError(f"batch {batch.pk} is already compacted")
    return encryption.unseal(bytes(batch.payload), encryption.BATCH)


def discard(key: str) -> None:
    """Delete an object this run wrote, unless a chunk of the winner uses the same key."""
    if not Chunk.objects.filter(key=key).exists():
        objects.delete(key)
