"""Built-in processor: compact a session's tail once it passes COMPACT_TAIL_BYTES."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from django_session_replay import tasks
from django_session_replay.conf import conf
from django_session_replay.ingest.pipeline import Processor, StoredBatch


class TailCompaction(Processor):
    """A recording session's stored batches become a chunk object as soon as
    they add up to COMPACT_TAIL_BYTES, whichever door they came in by."""

    async def aprocess(self, stored: Sequence[StoredBatch]) -> None:
        if conf.TASK_BACKEND is None:
            self.process(stored)  # only hands the work to the background thread
        else:
            await super().aprocess(stored)  # enqueueing is a query or a network call

    def process(self, stored: Sequence[StoredBatch]) -> None:
        for session_id in sorted(due(stored)):
            tasks.enqueue_compaction(session_id)


def due(stored: Sequence[StoredBatch]) -> set[UUID]:
    """Sessions whose tail should be compacted now."""
    threshold = conf.COMPACT_TAIL_BYTES
    if conf.TASK_BACKEND is None:
        # The thread ignores a session while it compacts it: ask on every batch.
        return {item.session_id for item in stored if item.pending_bytes >= threshold}
    # A queue cannot tell a duplicate: ask each time the tail passes a multiple of
    # the threshold, so a lagging worker gets one task per COMPACT_TAIL_BYTES of a
    # session's tail, not one per batch (a lost task is asked for again later).
    return {
        item.session_id
        for item in stored
        if (item.pending_bytes - item.batch.raw_bytes) // threshold
        < item.pending_bytes // threshold
    }
