"""Database calls from async code (the doors and the group committer).

Like Channels' ``database_sync_to_async`` it closes stale connections around
each call, since a socket outlives any request and Django's request signals
never fire for it. Unlike it, a connection inside an atomic block is left
alone: that is a caller's transaction (a test's, or a sync view's), not a
stale connection, and closing it would break the caller.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import OperationalError, connections, transaction

P = ParamSpec("P")
R = TypeVar("R")

LOCK_RETRIES = 4  # work that met a SQLite lock conflict is tried again this often,
LOCK_RETRY_DELAY = 0.05  # after 50 ms, then twice as long each time (1.55 s in all)


def close_stale_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def in_db_thread(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``func`` run in Django's thread for sync database work, stale connections closed."""
    return sync_to_async(closing(func), thread_sensitive=True)


def in_worker_thread(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``func`` run in one of asgiref's pool threads (not queued behind the group
    committer in Django's thread), stale connections closed: the pool's threads
    outlive the call, and a connection left open there is never closed."""
    return sync_to_async(closing(func), thread_sensitive=False)


def closing(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        close_stale_connections()
        try:
            return func(*args, **kwargs)
        finally:
            close_stale_connections()

    return call


def is_lock_conflict(error: OperationalError) -> bool:
    """SQLite's answer when two of its transactions would deadlock: one fails at
    once, without the busy timeout (a deferred transaction that read first and
    then writes, as Django before 5.1 starts them, and as 5.1+ does unless the
    database's ``transaction_mode`` is ``IMMEDIATE``). The transaction rolled
    back whole, so trying it again is safe."""
    return "database is locked" in str(error)


def lock_conflicts_retried(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` as a processor's ``process`` runs: on SQLite, where two writers
    that meet get a lock conflict at once, in one transaction tried again
    (``retrying_lock_conflicts``); elsewhere as it is, each statement in its own
    transaction. There a writer waits for a lock instead, and one transaction
    around a whole processor would hold the session's row lock that the group
    committer's next batch waits for (bench.ingest on PostgreSQL: 482 -> 143
    frames/s, every ack waiting on a processor)."""
    retried = retrying_lock_conflicts(func)

    @wraps(func)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        if transaction.get_connection().vendor == "sqlite":
            return retried(*args, **kwargs)
        return func(*args, **kwargs)

    return call


def retrying_lock_conflicts(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` run in one transaction, tried again after a SQLite lock conflict
    (``LOCK_RETRIES`` times, backing off). Inside a caller's transaction it runs
    once in a savepoint: only the outermost transaction can be tried again."""

    @wraps(func)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(LOCK_RETRIES + 1):
            outermost = not transaction.get_connection().in_atomic_block
            try:
                with transaction.atomic():
                    return func(*args, **kwargs)
            except OperationalError as error:
                if not (outermost and attempt < LOCK_RETRIES and is_lock_conflict(error)):
                    raise
            time.sleep(LOCK_RETRY_DELAY * 2**attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    return call
