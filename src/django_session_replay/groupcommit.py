"""One writer per event loop: the batches that arrive while it is storing a group
are stored together next, in one transaction, and acknowledged together.

A commit per batch costs a WAL flush and a hop to the database thread each; under
load, a group costs one of each for all its batches (bench/README.md measures it).
An ack still means the batch is committed.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from uuid import UUID

from channels.db import database_sync_to_async

from . import ingest, protocol
from .protocol import Code, ProtocolError

logger = logging.getLogger(__name__)

MAX_GROUP = 500  # batches per transaction: bounds one commit's latency and memory

Waiting = tuple[ingest.Item, "asyncio.Future[ingest.Appended]"]


class GroupCommitter:
    def __init__(self) -> None:
        self.queue: list[Waiting] = []
        self.writer: asyncio.Task[None] | None = None

    async def append(self, item: ingest.Item) -> ingest.Appended:
        """Store one batch with whatever else is waiting; raises its ProtocolError."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[ingest.Appended] = loop.create_future()
        self.queue.append((item, future))
        if self.writer is None:
            self.writer = loop.create_task(self.write())
        return await future

    async def write(self) -> None:
        try:
            while self.queue:
                group, self.queue = self.queue[:MAX_GROUP], self.queue[MAX_GROUP:]
                outcomes = await store([item for item, _ in group])
                for (_, future), outcome in zip(group, outcomes, strict=True):
                    if future.done():  # its connection went away meanwhile
                        continue
                    if isinstance(outcome, ProtocolError):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self.writer = None


async def store(items: list[ingest.Item]) -> list[ingest.Appended | ProtocolError]:
    try:
        return await database_sync_to_async(ingest.append_batches)(items)
    except Exception:
        # Nothing of the group is acknowledged: every client re-sends its batch.
        logger.exception("session replay could not store a group of %d batches", len(items))
        return [ProtocolError(Code.SERVER_ERROR, "the batch could not be stored")] * len(items)


# One committer per event loop (a server has one; tests start many).
committers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, GroupCommitter] = (
    weakref.WeakKeyDictionary()
)


async def append(session_id: UUID, window: str, batch: protocol.Batch) -> ingest.Appended:
    loop = asyncio.get_running_loop()
    committer = committers.get(loop)
    if committer is None:
        committer = committers[loop] = GroupCommitter()
    return await committer.append((session_id, window, batch))
