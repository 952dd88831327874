"""Built-in processor: compact a session's tail once it passes COMPACT_TAIL_BYTES."""

from __future__ import annotations

from collections.abc import Sequence

from django_session_replay import tasks
from django_session_replay.conf import conf
from django_session_replay.ingest.pipeline import Processor, StoredBatch


class TailCompaction(Processor):
    """A recording session's stored batches become a chunk object as soon as
    they add up to COMPACT_TAIL_BYTES, whichever door they came in by."""

    async def aprocess(self, stored: Sequence[StoredBatch]) -> None:
        self.process(stored)  # only enqueues: no need for a thread

    def process(self, stored: Sequence[StoredBatch]) -> None:
        due = {item.session_id for item in stored if item.pending_bytes >= conf.COMPACT_TAIL_BYTES}
        for session_id in sorted(due):
            tasks.enqueue_compaction(session_id)
