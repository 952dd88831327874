"""A pipeline processor, the example of docs/extending.md: logs how many events
each session stored in every committed group."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

from django_session_replay.ingest.pipeline import Processor, StoredBatch

logger = logging.getLogger(__name__)


class CountEvents(Processor):
    async def aprocess(self, stored: Sequence[StoredBatch]) -> None:
        # Quick and without the database, so it runs on the event loop as is.
        events: Counter[str] = Counter()
        for item in stored:
            events[str(item.session_id)] += item.batch.event_count
        for session_id, count in events.items():
            logger.info("session %s stored %d event(s)", session_id, count)
