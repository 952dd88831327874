"""Prototypes of the proposed group commit, served by the ingest bench with
``--variant group-commit`` or ``--variant group-commit-bulk``. Not part of the app.

Today every batch frame is one transaction, so one WAL flush (fsync) per ack, and
all of a process's database work runs on the one thread that
``database_sync_to_async`` uses. Here a single writer per process takes every
batch that arrived while it was busy, stores them all in ONE transaction, commits
once, then answers all their acks: same durability, one fsync per group.

- ``group-commit``: the unchanged ``ingest.append_batch`` for each batch, each in
  its own savepoint (about 8 round trips per batch, 1 commit per group);
- ``group-commit-bulk``: the same checks with a fixed number of queries per
  group (lock the sessions, look up re-sent seqs, bulk insert, bulk update),
  falling back to the savepoint way when a concurrent insert collides.
"""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.db import IntegrityError, transaction
from django.utils import timezone

from django_session_replay import codec, ingest, live, protocol
from django_session_replay.conf import conf
from django_session_replay.consumers import RecordingConsumer, compact
from django_session_replay.models import Batch, ReplaySession
from django_session_replay.protocol import Code, ProtocolError

Item = tuple[UUID, str, protocol.Batch, "asyncio.Future[ingest.Appended]"]


def append_group(items: list[tuple[UUID, str, protocol.Batch]]) -> list[Any]:
    """Append the batches in one transaction; an Appended or the exception of each."""
    results: list[Any] = []
    with transaction.atomic():
        for session_id, window, batch in items:
            try:
                with transaction.atomic():  # a savepoint: one refused batch leaves the others
                    results.append(ingest.append_batch(session_id, window, batch))
            except Exception as error:  # noqa: BLE001 (handed to the batch's own consumer)
                results.append(error)
    return results


SESSION_FIELDS = [
    "first_timestamp",
    "last_timestamp",
    "duration_ms",
    "event_count",
    "byte_count",
    "pending_bytes",
    "page_count",
    "last_activity",
]


def append_group_bulk(items: list[tuple[UUID, str, protocol.Batch]]) -> list[Any]:
    """append_group with a fixed number of queries, whatever the group's size."""
    try:
        with transaction.atomic():
            return bulk(items)
    except IntegrityError:  # the HTTP door stored one of these seqs meanwhile
        return append_group(items)


def bulk(items: list[tuple[UUID, str, protocol.Batch]]) -> list[Any]:
    ids = sorted({session_id for session_id, _, _ in items})
    locked = ReplaySession.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    sessions = {session.pk: session for session in locked}
    held = set(
        Batch.objects.filter(
            session_id__in=ids, seq__in={batch.seq for _, _, batch in items}
        ).values_list("session_id", "window", "seq")
    )
    now = timezone.now()
    rows: list[Batch] = []
    results: list[Any] = []
    for session_id, window, batch in items:
        if (session_id, window, batch.seq) in held:
            results.append(ingest.Appended(stored=False, compact=False))
            continue
        session = sessions[session_id]
        try:
            ingest.check_caps(session, batch)
        except ProtocolError as error:
            results.append(error)
            continue
        held.add((session_id, window, batch.seq))
        timestamps = [event["timestamp"] for event in batch.events]
        first, last = int(min(timestamps)), int(max(timestamps))
        rows.append(
            Batch(
                session_id=session_id,
                window=window,
                seq=batch.seq,
                first_timestamp=first,
                last_timestamp=last,
                event_count=len(batch.events),
                raw_bytes=batch.raw_bytes,
                payload=codec.compress(batch.packed, codec.BATCH_LEVEL),
            )
        )
        session.first_timestamp = min(first, session.first_timestamp or first)
        session.last_timestamp = max(last, session.last_timestamp or last)
        session.duration_ms = max(0, session.last_timestamp - session.first_timestamp)
        session.event_count += len(batch.events)
        session.byte_count += batch.raw_bytes
        session.pending_bytes += batch.raw_bytes
        session.page_count += sum(1 for event in batch.events if event["type"] == ingest.META)
        session.last_activity = now
        compact = session.pending_bytes >= conf.COMPACT_TAIL_BYTES
        results.append(ingest.Appended(stored=True, compact=compact))
    Batch.objects.bulk_create(rows)
    ReplaySession.objects.bulk_update(list(sessions.values()), SESSION_FIELDS)
    return results


class GroupCommitter:
    """Per process: a queue of batches and the one task that commits them in groups."""

    def __init__(self, store: Any = append_group, max_group: int = 256) -> None:
        self.queue: list[Item] = []
        self.wakeup: asyncio.Event | None = None
        self.store = store
        self.max_group = max_group

    async def append(self, session_id: UUID, window: str, batch: protocol.Batch) -> Any:
        future: asyncio.Future[ingest.Appended] = asyncio.get_running_loop().create_future()
        self.queue.append((session_id, window, batch, future))
        if self.wakeup is None:
            self.wakeup = asyncio.Event()
            asyncio.get_running_loop().create_task(self.run())
        self.wakeup.set()
        return await future

    async def run(self) -> None:
        assert self.wakeup is not None
        while True:
            await self.wakeup.wait()
            self.wakeup.clear()
            while self.queue:
                group, self.queue = self.queue[: self.max_group], self.queue[self.max_group :]
                try:
                    results = await database_sync_to_async(self.store)(
                        [(session_id, window, batch) for session_id, window, batch, _ in group]
                    )
                except Exception as error:  # the commit failed: nothing of the group is acked
                    results = [ProtocolError(Code.SERVER_ERROR, str(error))] * len(group)
                for (*_, future), result in zip(group, results, strict=True):
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)


class GroupCommitConsumer(RecordingConsumer):
    committer = GroupCommitter(append_group)

    async def batch(self, batch: protocol.Batch) -> None:
        if self.session_id is None:
            raise ProtocolError(Code.HELLO_REQUIRED, "send hello before batches")
        appended = await self.committer.append(self.session_id, self.window, batch)
        await self.send(bytes_data=protocol.ack(batch.seq))
        if appended.stored:
            await live.publish(self.channel_layer, self.session_id, self.window, batch)
        if appended.compact:
            await sync_to_async(compact, thread_sensitive=False)(self.session_id)


class BulkGroupCommitConsumer(GroupCommitConsumer):
    committer = GroupCommitter(append_group_bulk)
