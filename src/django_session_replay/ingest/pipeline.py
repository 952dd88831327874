"""What runs after batches are committed, the same for both doors.

The group committer (groupcommit.py) hands every committed group to ``run``:
the processors of ``SESSION_REPLAY["PROCESSORS"]`` in order, each isolated (an
exception is logged with the session ids and never fails an ack or the next
processor), then the public ``batch_stored`` signal. docs/extending.md shows
how to write one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from uuid import UUID

from django.utils.module_loading import import_string

from django_session_replay.conf import conf
from django_session_replay.ingest import db
from django_session_replay.models import ReplaySession
from django_session_replay.signals import batch_stored
from django_session_replay.wire.frames import Batch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredBatch:
    """A batch that was just committed (a re-sent seq that was already held is not one)."""

    session_id: UUID
    window: str
    batch: Batch  # seq, event count, timestamps and the msgpack of its events
    pending_bytes: int  # the session's uncompacted tail once this batch was in
    # Events already decoded for this run's processors, by the set of types
    # asked for (timeline/scan.py events_of): each batch is read once, not once
    # per processor.
    decoded: dict[frozenset[int], list[dict[str, Any]]] = field(
        default_factory=dict, compare=False, repr=False
    )


class Processor:
    """Reacts to committed batches. Subclass it and list its dotted path in
    ``SESSION_REPLAY["PROCESSORS"]``; one instance serves the whole process.

    Override ``aprocess`` for quick async work (it runs on the server's event
    loop, after the acks were sent) or ``process`` for sync work (it then runs
    in a worker thread; on SQLite in one transaction, tried again after a lock
    conflict: so a ``process`` that only writes to the database is safe to
    repeat; elsewhere each statement commits on its own). Either way, keep it
    quick: enqueue slow work as a task (django_session_replay.tasks)."""

    def process(self, stored: Sequence[StoredBatch]) -> None:
        """Sync work on a group of committed batches (of any sessions)."""

    async def aprocess(self, stored: Sequence[StoredBatch]) -> None:
        await db.in_worker_thread(db.lock_conflicts_retried(self.process))(stored)


@cache
def load(paths: tuple[str, ...]) -> tuple[Processor, ...]:
    """The processors named by dotted paths, instantiated once (checks.py
    validates the paths, so a bad one fails ``manage.py check`` first)."""
    return tuple(import_string(path)() for path in paths)


def processors() -> tuple[Processor, ...]:
    return load(tuple(conf.PROCESSORS))


async def run(stored: Sequence[StoredBatch]) -> None:
    if not stored:
        return
    for processor in processors():
        try:
            await processor.aprocess(stored)
        except Exception:
            sessions = sorted({str(item.session_id) for item in stored})
            logger.exception(
                "session replay processor %s failed on session(s) %s",
                type(processor).__qualname__,
                ", ".join(sessions),
            )
    if batch_stored.has_listeners():
        await db.in_worker_thread(send_signal)(stored)


def send_signal(stored: Sequence[StoredBatch]) -> None:
    """One ``batch_stored`` per session and window of the group, with its seq range."""
    runs: dict[tuple[UUID, str], list[StoredBatch]] = {}
    for item in stored:
        runs.setdefault((item.session_id, item.window), []).append(item)
    for (session_id, window), items in runs.items():
        seqs = [item.batch.seq for item in items]
        results = batch_stored.send_robust(
            sender=ReplaySession,
            session_id=session_id,
            window=window,
            seq_first=min(seqs),
            seq_last=max(seqs),
            event_count=sum(item.batch.event_count for item in items),
        )
        for receiver, result in results:
            if isinstance(result, Exception):
                logger.error(
                    "batch_stored receiver %r failed on session %s",
                    receiver,
                    session_id,
                    exc_info=result,
                )
