"""One writer per event loop: the batches that arrive while it is storing a group
are stored together next, in one transaction, and acknowledged together; then
the group goes through the pipeline (pipeline.py).

Both doors submit here: the WebSocket door one batch per frame, the HTTP door
all batches of a request at once. A commit per batch costs a WAL flush and a
hop to the database thread each; under load, a group costs one of each for all
its batches (bench/README.md measures it). An outcome means committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from django.db import OperationalError

from django_session_replay.ingest import db
from django_session_replay.ingest.db import in_db_thread, is_lock_conflict
from django_session_replay.loops import PerLoop
from django_session_replay.wire.codes import Code, ProtocolError
from django_session_replay.wire.frames import Batch

from . import pipeline, store

logger = logging.getLogger(__name__)

MAX_GROUP = 500  # batches per transaction: bounds one commit's latency and memory
# Inflated bytes waiting for a commit, all sockets together: past this, a door
# waits before queueing more, so a flood of small frames inflating to megabytes
# cannot grow this queue without bound. What the ASGI server reads off a waiting
# socket meanwhile is its own: uvicorn stops reading, daphne buffers every frame
# (docs/deployment.md, "Clients that do not wait for acks").
MAX_QUEUED_BYTES = 64 * 1024 * 1024
# Inflated bytes of committed batches whose pipeline run has not finished: past
# this, the next group waits before it commits. Processors run after the ack,
# but when they fall behind a flood (a slow database), their backlog of runs,
# each holding its batches, would otherwise grow without bound.
MAX_UNPROCESSED_BYTES = 64 * 1024 * 1024

Outcome = store.Appended | ProtocolError


@dataclass
class Submitted:
    """What a door gets back: each item's outcome, and the pipeline run of the
    groups that stored them (the HTTP door waits for it; the socket does not)."""

    outcomes: list[Outcome]
    processed: list[asyncio.Future[None]] = field(default_factory=list)

    async def wait_processed(self) -> None:
        # Shielded: a door that goes away meanwhile (a client hanging up) must
        # not cancel a run that other connections' batches share.
        await asyncio.gather(*(asyncio.shield(run) for run in self.processed))


Waiting = tuple[store.Item, "asyncio.Future[tuple[Outcome, asyncio.Future[None]]]"]


class GroupCommitter:
    def __init__(self) -> None:
        self.queue: list[Waiting] = []
        self.writer: asyncio.Task[None] | None = None
        # Committed groups waiting for their pipeline run, in commit order (a
        # live viewer sees batches in order); one runner works through them
        # while the next group commits.
        self.unrun: list[Unrun] = []
        self.runner: asyncio.Task[None] | None = None
        self.queued_bytes = 0
        self.drained = asyncio.Condition()
        self.unprocessed_bytes = 0
        self.processed = asyncio.Condition()

    async def submit(self, items: Sequence[store.Item]) -> Submitted:
        futures = await self.enqueue(items)
        results = await asyncio.gather(*futures)
        runs = list({id(run): run for _, run in results}.values())
        return Submitted([outcome for outcome, _ in results], runs)

    async def append_one(self, item: store.Item) -> Outcome:
        """The socket's case, once per frame: no gather, no Submitted."""
        (future,) = await self.enqueue([item])
        outcome, _ = await future
        return outcome

    async def enqueue(
        self, items: Sequence[store.Item]
    ) -> list[asyncio.Future[tuple[Outcome, asyncio.Future[None]]]]:
        loop = asyncio.get_running_loop()
        size = sum(batch.raw_bytes for _, _, batch in items)
        if self.queued_bytes and self.queued_bytes + size > MAX_QUEUED_BYTES:
            async with self.drained:
                await self.drained.wait_for(
                    lambda: not self.queued_bytes or self.queued_bytes + size <= MAX_QUEUED_BYTES
                )
        self.queued_bytes += size
        futures = [loop.create_future() for _ in items]
        self.queue.extend(zip(items, futures, strict=True))
        if self.writer is None:
            self.writer = loop.create_task(self.write())
        return futures

    async def write(self) -> None:
        try:
            while self.queue:
                if self.unprocessed_bytes > MAX_UNPROCESSED_BYTES:
                    async with self.processed:
                        await self.processed.wait_for(
                            lambda: self.unprocessed_bytes <= MAX_UNPROCESSED_BYTES
                        )
                group, self.queue = self.queue[:MAX_GROUP], self.queue[MAX_GROUP:]
                items = [item for item, _ in group]
                outcomes = await commit(items)
                self.queued_bytes -= sum(batch.raw_bytes for _, _, batch in items)
                async with self.drained:
                    self.drained.notify_all()
                stored = [
                    pipeline.StoredBatch(session_id, window, batch, outcome.pending_bytes)
                    for (session_id, window, batch), outcome in zip(items, outcomes, strict=True)
                    if isinstance(outcome, store.Appended) and outcome.stored
                ]
                run = self.chain(stored)
                for (_, future), outcome in zip(group, outcomes, strict=True):
                    if not future.done():  # else its connection went away meanwhile
                        future.set_result((outcome, run))
        finally:
            self.writer = None

    def chain(self, stored: list[pipeline.StoredBatch]) -> asyncio.Future[None]:
        """The future of the pipeline run that will take ``stored``."""
        loop = asyncio.get_running_loop()
        unrun = Unrun(stored, sum(item.batch.raw_bytes for item in stored), loop.create_future())
        self.unprocessed_bytes += unrun.size
        self.unrun.append(unrun)
        if self.runner is None:
            self.runner = loop.create_task(self.run_unrun())
        return unrun.done

    async def run_unrun(self) -> None:
        """Runs the waiting groups in commit order. When the processors fall
        behind, the groups that piled up meanwhile go through in one run: each
        processor then makes its queries and its thread hop once for all of
        them, not once per group (bench/README.md, "Ingest: groups run together")."""
        try:
            while self.unrun:
                taken = batches = 0
                while taken < len(self.unrun) and batches < MAX_GROUP:
                    batches += len(self.unrun[taken].stored)
                    taken += 1
                runs, self.unrun = self.unrun[:taken], self.unrun[taken:]
                try:
                    await pipeline.run([item for unrun in runs for item in unrun.stored])
                except Exception as error:  # pipeline.run logs its processors' own
                    logger.error("session replay pipeline run failed", exc_info=error)
                finally:
                    self.unprocessed_bytes -= sum(unrun.size for unrun in runs)
                    for unrun in runs:
                        unrun.done.set_result(None)
                    async with self.processed:
                        self.processed.notify_all()
        except asyncio.CancelledError:
            logger.warning("session replay pipeline runs cancelled; their batches are unprocessed")
            for unrun in self.unrun:
                unrun.done.cancel()
            raise
        finally:
            self.runner = None


@dataclass
class Unrun:
    """A committed group that waits for its pipeline run."""

    stored: list[pipeline.StoredBatch]
    size: int  # inflated bytes: what MAX_UNPROCESSED_BYTES counts
    done: asyncio.Future[None]


async def commit(items: list[store.Item]) -> list[Outcome]:
    failed: Exception | None = None
    # Retried here rather than with db.retrying_lock_conflicts: the wait must not
    # hold Django's database thread, which every door's writes queue behind.
    for attempt in range(db.LOCK_RETRIES + 1):
        try:
            return await in_db_thread(store.append_batches)(items)
        except OperationalError as error:
            if attempt < db.LOCK_RETRIES and is_lock_conflict(error):
                await asyncio.sleep(db.LOCK_RETRY_DELAY * 2**attempt)
                continue
            failed = error
        except Exception as error:
            failed = error
        break
    # Nothing of the group is acknowledged: every client re-sends its batch.
    logger.error(
        "session replay could not store a group of %d batches", len(items), exc_info=failed
    )
    return [ProtocolError(Code.SERVER_ERROR, "the batch could not be stored")] * len(items)


committer = PerLoop(GroupCommitter)  # one writer per event loop


async def submit(items: Sequence[store.Item]) -> Submitted:
    """Store the items with whatever else is waiting; each gets its outcome."""
    return await committer().submit(items)


async def append(session_id: UUID, window: str, batch: Batch) -> store.Appended:
    """One batch (the socket's case); raises its ProtocolError when refused."""
    outcome = await committer().append_one((session_id, window, batch))
    if isinstance(outcome, ProtocolError):
        raise outcome
    return outcome
