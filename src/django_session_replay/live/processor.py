"""Built-in processor: tell a session's live viewers about its committed batches."""

from __future__ import annotations

from collections.abc import Sequence

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from django_session_replay.ingest.pipeline import Processor, StoredBatch

from . import groups


class LivePublish(Processor):
    """Every committed batch, from either door and any worker, reaches the
    viewers of its session through the channel layer (best effort: the batch is
    durable and a viewer can always re-read it)."""

    async def aprocess(self, stored: Sequence[StoredBatch]) -> None:
        layer = get_channel_layer()
        for item in stored:
            await groups.publish(layer, item.session_id, item.window, item.batch)

    def process(self, stored: Sequence[StoredBatch]) -> None:
        async_to_sync(self.aprocess)(stored)
