"""The default way tasks run: in this process, on one background thread.

No worker to deploy, and one task at a time keeps the event loop's core for
ingest (several compactions at once took 430 against 799 frames/s in
``bench.ingest``). Each task keeps a ``pending`` map so that asking twice for
the same work while it is queued or running runs it once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import close_old_connections

from django_session_replay.conf import conf

from .framework import Task

logger = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="session-replay-tasks")
_lock = threading.Lock()


def run_once(pending: dict[K, Future[T]], key: K, task: Task[..., T], *args: Any) -> None:
    """Run ``task(*args)`` on the background thread, unless ``key`` is pending."""
    with _lock:
        if key in pending:
            return
        future = _thread.submit(_call, task, *args)
        pending[key] = future
    future.add_done_callback(lambda done: _finished(pending, key, task, done))


def _call(task: Task[..., T], *args: Any) -> T:
    # The thread outlives requests: give each task a usable connection and
    # close it after, as Django does around a request.
    close_old_connections()
    try:
        return task.call(*args)
    finally:
        close_old_connections()


def _finished(pending: dict[K, Future[T]], key: K, task: Task[..., T], future: Future[T]) -> None:
    with _lock:
        pending.pop(key, None)
    if not future.cancelled() and future.exception() is not None:
        logger.error("task %s(%s) failed", task.name, key, exc_info=future.exception())


def enqueue_per_session(pending: dict[Any, Future[T]], task: Task[..., T], session_id: Any) -> None:
    """Run ``task(str(session_id))`` soon: on the background thread (once at a
    time per session, ``pending`` tracking it), or through
    ``TASKS[TASK_BACKEND]`` when that is set. Task arguments travel as JSON."""
    backend = conf.TASK_BACKEND
    if backend is None:
        run_once(pending, session_id, task, str(session_id))
    else:
        task.using(backend=backend).enqueue(str(session_id))
