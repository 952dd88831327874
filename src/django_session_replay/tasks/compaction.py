"""Compacting a session's tail, as a task."""

from __future__ import annotations

from concurrent.futures import Future
from uuid import UUID

from django_session_replay.storage import compaction

from . import runner
from .framework import task


@task()
def compact_session(session_id: str) -> int:
    """Compact the session's uncompacted batches into chunks; returns chunks written.

    Takes the id as a string: task arguments travel as JSON."""
    return compaction.compact_session(UUID(session_id))


# Sessions queued or being compacted on this process's background thread.
compacting: dict[UUID, Future[int]] = {}


def enqueue_compaction(session_id: UUID) -> None:
    """Compact the session soon (runner.enqueue_per_session)."""
    runner.enqueue_per_session(compacting, compact_session, session_id)
