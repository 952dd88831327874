"""The group committer's peak of queued bytes, seen from inside the server.

``record_peak(path)`` wraps ``GroupCommitter.enqueue`` to note the highest
``queued_bytes`` right after each admission, and a thread writes it to ``path``
every 0.2 s, so bench.ingest can show that MAX_QUEUED_BYTES held under its load.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django_session_replay.ingest import store

peak = 0


def record_peak(path: str) -> None:
    """In the server, after django.setup() (the bench client imports this module too)."""
    from django_session_replay.ingest import groupcommit

    enqueue = groupcommit.GroupCommitter.enqueue

    async def counted(self: groupcommit.GroupCommitter, items: Sequence[store.Item]) -> Any:
        global peak
        futures = await enqueue(self, items)
        peak = max(peak, self.queued_bytes)
        return futures

    groupcommit.GroupCommitter.enqueue = counted  # type: ignore[method-assign]

    def write() -> None:
        written = -1
        while True:
            if peak != written:
                written = peak
                with open(path + ".part", "w") as out:
                    out.write(str(written))
                os.replace(path + ".part", path)
            time.sleep(0.2)

    threading.Thread(target=write, daemon=True, name="bench-queued-peak").start()


def read_peak(path: str) -> int:
    try:
        with open(path) as found:
            return int(found.read())
    except FileNotFoundError:
        return 0
