"""One object per running event loop (a server has one loop; tests and the sync
HTTP door under WSGI start many): the group committer, the socket watchdog."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerLoop(Generic[T]):
    """``PerLoop(Factory)()`` is this loop's instance, made on first use and
    dropped with the loop."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self.factory = factory
        self.instances: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )

    def __call__(self) -> T:
        loop = asyncio.get_running_loop()
        found = self.instances.get(loop)
        if found is None:
            found = self.instances[loop] = self.factory()
        return found
