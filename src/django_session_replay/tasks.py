"""Background work, off the ack path: compacting a session's tail.

Task functions are idempotent (compacting twice writes each chunk once), so a
queue that delivers twice is harmless. By default they run in this process, in
one background thread (no worker needed: one compaction at a time keeps the
event loop's core for ingest; several at once took 430 against 799 frames/s in
``bench.ingest``). docs/deployment.md shows a real queue.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from uuid import UUID

from django.db import close_old_connections

from .storage import compaction

logger = logging.getLogger(__name__)


def compact_session(session_id: str) -> int:
    """Compact the session's uncompacted batches into chunks; returns chunks written."""
    close_old_connections()
    try:
        return compaction.compact_session(UUID(session_id))
    finally:
        close_old_connections()


_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="session-replay-compact")
_lock = threading.Lock()
# Sessions queued or being compacted in this process, with their futures.
compacting: dict[UUID, Future[int]] = {}


def enqueue_compaction(session_id: UUID) -> None:
    """Compact the session soon, once at a time per session."""
    with _lock:
        if session_id in compacting:
            return
        future = _thread.submit(compact_session, str(session_id))
        compacting[session_id] = future
    future.add_done_callback(lambda done: _finished(session_id, done))


def _finished(session_id: UUID, future: Future[int]) -> None:
    with _lock:
        compacting.pop(session_id, None)
    if not future.cancelled() and future.exception() is not None:
        logger.error("compacting session %s failed", session_id, exc_info=future.exception())
