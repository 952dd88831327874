"""Database calls from async code (the doors and the group committer).

Like Channels' ``database_sync_to_async`` it closes stale connections around
each call, since a socket outlives any request and Django's request signals
never fire for it. Unlike it, a connection inside an atomic block is left
alone: that is a caller's transaction (a test's, or a sync view's), not a
stale connection, and closing it would break the caller.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import connections

P = ParamSpec("P")
R = TypeVar("R")


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
